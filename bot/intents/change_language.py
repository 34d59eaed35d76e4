"""Switch the conversation language on request ("Kiswahili tafadhali", /lang sw)."""

from __future__ import annotations

from bot.core.language import explicit_language_request
from bot.core.messages import Choice, ChoicesReply, TextReply
from bot.core.payloads import payload
from bot.core.results import LanguageChanged, Result
from bot.core.routing import Match
from bot.core.text import N_
from bot.core.turn import Turn
from bot.intents.base import Intent

LANGUAGE_NAMES = {"en": "English", "sw": "Kiswahili"}


class ChangeLanguageIntent(Intent):
    """Set the conversation language and confirm in the new language."""

    name = "change_language"
    title_msgid = N_("Change language")

    def match(self, turn: Turn) -> Match | None:
        """Match a message that only asks for a language."""
        requested = explicit_language_request(turn.text)
        return Match(100.0, self.name, {"argument": requested}) if requested else None

    async def handle(self, turn: Turn, match: Match) -> Result:
        """Switch to the requested language, or ask which one when it is not clear."""
        target = match.entities.get("argument", "")
        if target == "other":
            target = "sw" if turn.locale == "en" else "en"
        if target not in LANGUAGE_NAMES:
            return Result.of([
                ChoicesReply(
                    turn._("Which language would you like?"),
                    tuple(Choice(n, payload("change_language", c))
                          for c, n in LANGUAGE_NAMES.items()),
                )
            ])
        turn.session.settle_locale(target, explicit=True)
        # Translators: confirm that the chat continues in YOUR language (name it).
        return Result((TextReply(turn._("Sure, from now on I will reply in English.")),),
                      (LanguageChanged(target),))
