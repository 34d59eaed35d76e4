"""The main menu: every capability as a numbered choice, shown for "menu", "help" and /start."""

from __future__ import annotations

from bot.core.messages import Choice, ChoicesReply
from bot.core.payloads import payload, title_key
from bot.core.ports import Translations
from bot.core.results import Result
from bot.core.routing import Match
from bot.core.text import N_
from bot.core.turn import Turn
from bot.intents.base import Intent

MENU_ITEMS: tuple[tuple[str, str], ...] = (
    (N_("Check an application"), "check_status"),
    (N_("Make a payment"), "start_payment"),
    (N_("My payments and receipts"), "payment_history"),
    (N_("Report a security problem"), "report_security_incident"),
    (N_("Common questions"), "faq"),
    (N_("Talk to a person"), "talk_to_human"),
)


def main_menu(turn: Turn, prompt: str | None = None) -> ChoicesReply:
    """Build the main menu in the conversation's language, with a language switch last."""
    other = "sw" if turn.locale == "en" else "en"
    choices = [Choice(turn.t.gettext(title), action) for title, action in MENU_ITEMS]
    choices.append(Choice("Kiswahili" if other == "sw" else "English",
                          payload("change_language", other)))
    text = prompt or turn._("What can I help you with? Tap an option or type its number.")
    return ChoicesReply(text, tuple(choices))


class MenuIntent(Intent):
    """Show the main menu; leaves any active flow."""

    name = "menu"
    title_msgid = N_("Main menu")
    command = "menu"

    async def handle(self, turn: Turn, match: Match) -> Result:
        """Leave any flow and show the menu."""
        turn.session.end_flow()
        return Result.of([main_menu(turn)])


def menu_actions(translations: Translations) -> dict[str, str]:
    """Return each menu label as typed text is compared, in every language, with its action."""
    actions: dict[str, str] = {}
    for msgid, action in MENU_ITEMS:
        for locale in translations.locales:
            actions.setdefault(title_key(translations.for_locale(locale).gettext(msgid)), action)
    return actions


class MenuLabelIntent(Intent):
    """Take a main-menu label typed as text, in either language, as a tap on that option.

    It owns no intent: its match names the option's handler, which answers.
    """

    name = "menu_label"
    title_msgid = N_("Main menu")
    _actions: tuple[Translations, dict[str, str]] | None = None

    def match(self, turn: Turn) -> Match | None:
        """Match a message that is a menu label ("Make a payment", "Fanya malipo")."""
        typed = title_key(turn.text)
        if not typed:
            return None
        if self._actions is None or self._actions[0] is not turn.translations:
            # built once per set of catalogs: every typed message is checked against them all
            self._actions = (turn.translations, menu_actions(turn.translations))
        action = self._actions[1].get(typed)
        return Match(100.0, action) if action is not None else None

    async def handle(self, turn: Turn, match: Match) -> Result:
        """Show the menu (only reached if the option's handler is missing)."""
        return Result.of([main_menu(turn)])
