"""Dialog tables for the conversation core: what the citizen says, what the bot must answer."""

from __future__ import annotations

import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field

from bot.app import Runtime
from bot.core.messages import ChoicesReply, InboundMessage, Reply, render_as_text
from bot.core.results import TurnResult

Step = tuple[str, str | Sequence[str]]
_PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")


@dataclass
class DialogHarness:
    """Drives one runtime's conversation core and compares replies with translated msgids."""

    runtime: Runtime
    channel: str = "test"
    sender: str = field(default_factory=lambda: uuid.uuid4().hex[:10])
    transcript: list[tuple[str, list[Reply]]] = field(default_factory=list)
    last: TurnResult | None = None  # the latest turn's whole result (events, state)
    transitions: list[tuple[str, str, str]] = field(default_factory=list)  # every flow step

    async def say(self, text: str = "", *, choice: str | None = None,
                  message_id: str | None = None, locale_hint: str | None = None) -> list[Reply]:
        """Send one message and return the replies."""
        message = InboundMessage(self.channel, self.sender, text, choice=choice,
                                 message_id=message_id, locale_hint=locale_hint)
        self.last = await self.runtime.handle(message)
        self.transitions += self.last.transitions
        replies = list(self.last.replies)
        self.transcript.append((text or f"[{choice}]", replies))
        return replies

    def says(self, locale: str, msgid: str, **values: object) -> str:
        """Return the whole translated text of `msgid` with `values` in its placeholders."""
        translated = self.runtime.translations.for_locale(locale).gettext(msgid)
        return translated % values if values else translated

    def expected(self, locale: str, msgid: str) -> str:
        """Return the translated text of `msgid` up to its first placeholder (never empty)."""
        prefix = self.says(locale, msgid).split("%(")[0].strip()
        assert prefix, f"{msgid!r} starts with a placeholder: compare says() with its values"
        return prefix

    def pattern(self, locale: str, msgid: str) -> re.Pattern[str]:
        """Return a pattern for the whole translated text, any value in each placeholder."""
        parts = _PLACEHOLDER.split(self.says(locale, msgid))[::2]  # the text between them
        return re.compile(".+?".join(re.escape(p.replace("%%", "%")) for p in parts))

    async def run(self, locale: str, steps: Sequence[Step]) -> None:
        """Play the table; each expected msgid (or all of a list) must appear in the replies,
        whole: every word of the translation, whatever fills its placeholders."""
        for user_says, expectation in steps:
            replies = await self.say(user_says)
            shown = "\n".join(render_as_text(r) for r in replies)
            wanted = [expectation] if isinstance(expectation, str) else list(expectation)
            for msgid in wanted:
                pattern = self.pattern(locale, msgid)
                assert pattern.search(shown), (
                    f"after {user_says!r} expected {pattern.pattern!r} ({locale}) in:\n"
                    f"{shown}\n\ntranscript: {self.transcript}"
                )


def choices_of(replies: Sequence[Reply]) -> list[str]:
    """Return the payloads of every choice offered in the replies."""
    return [c.payload for r in replies if isinstance(r, ChoicesReply) for c in r.choices]


def texts(replies: Sequence[Reply]) -> str:
    """Return every reply rendered as text, joined (for substring assertions)."""
    return "\n".join(render_as_text(r) for r in replies)


async def make_deliveries_due(runtime: Runtime) -> None:
    """Pretend every delivery back-off has passed (instead of sleeping in a test)."""
    from sqlalchemy import update

    from bot.storage.models import MessageRow

    async with runtime.engine.begin() as connection:
        await connection.execute(update(MessageRow).where(MessageRow.delivery == "pending")
                                 .values(next_attempt_at=None))
