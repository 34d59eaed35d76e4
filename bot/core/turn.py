"""One turn of a conversation: the message, the session and what the core made of them."""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.core.messages import InboundMessage
from bot.core.ports import MatchEvent, ParseResult, Translations, Translator
from bot.core.session import Session


@dataclass
class Turn:
    """The input every intent handler receives.

    `text` is the citizen's words after clean-up; `payload` the command a tapped or numbered
    choice resolved to, if any. `t` always speaks the session's current language, so a
    handler that switches language answers in the new one.
    """

    message: InboundMessage
    session: Session
    translations: Translations
    text: str
    nlu: ParseResult
    payload: str | None = None
    detected_language: str | None = None
    events: list[MatchEvent] = field(default_factory=list)
    follow_up: str | None = None  # a payload to run next in the same turn (resume after sign-in)
    private_input: bool = False  # a secret (a one-time code, the ID that links): never stored
    transitions: list[tuple[str, str, str]] = field(default_factory=list)  # (flow, from, to)

    @property
    def t(self) -> Translator:
        """Return the translator for the conversation's language."""
        return self.translations.for_locale(self.session.locale)

    @property
    def locale(self) -> str:
        """Return the conversation's language."""
        return self.session.locale

    def _(self, message: str, **values: object) -> str:
        """Translate `message` and fill its named placeholders."""
        translated = self.t.gettext(message)
        return translated % values if values else translated
