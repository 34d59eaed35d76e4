"""When the matcher is unsure or lost: "did you mean", an honest "I don't know", then a person."""

from __future__ import annotations

from collections.abc import Sequence

from bot.core.messages import Choice, ChoicesReply, Reply, TextReply
from bot.core.payloads import Payload
from bot.core.ports import MatchEvent
from bot.core.results import Result
from bot.core.routing import Match
from bot.core.text import N_
from bot.core.turn import Turn
from bot.intents.base import Intent

MISSES_BEFORE_OFFERING_A_PERSON = 2
NONE_OF_THESE = "fallback:none"
PENDING = "did_you_mean"


class FallbackIntent(Intent):
    """The miss policy for the router, and the handler of its follow-up choices."""

    name = "fallback"
    title_msgid = N_("Something else")

    def handles(self, intent: str) -> bool:
        """Own the fallback payloads and the out-of-scope label."""
        return intent in (self.name, "out_of_scope")

    def did_you_mean(self, turn: Turn, options: Sequence[tuple[str, str]]) -> list[Reply]:
        """Offer the close candidates, plus a way out."""
        choices = _offer(turn, options, "did_you_mean")
        return [ChoicesReply(turn._("I am not sure I understood. Did you mean:"), choices)]

    def not_covered(self, turn: Turn, options: Sequence[tuple[str, str]],
                    terms: Sequence[str]) -> list[Reply]:
        """Say honestly that we have no answer about what the question names; offer what is close.

        A guess would be worse than nothing here: the citizen asked about something (another
        licence, another agency's service) that the closest article does not mention.
        """
        choices = _offer(turn, options, "not_covered")
        turn.session.misses += 1
        referral = turn.nlu.elsewhere
        if referral is not None:
            text = turn._("%(where)s Official site: %(url)s\n\nI can help with these related "
                          "topics:", where=referral.text(turn.locale), url=referral.url)
            return [ChoicesReply(text, choices)]
        named = ", ".join(f"\"{term}\"" for term in terms)
        text = turn._("I have no information about %(terms)s, so I will not guess. These "
                      "topics are close to your question:", terms=named)
        return [ChoicesReply(text, choices)]

    def followed(self, turn: Turn) -> None:
        """Record which offered option was taken ("none of these" included), then forget them."""
        pending = turn.session.data.pop(PENDING, None)
        if not pending or turn.payload is None:
            return
        options = tuple(pending.get("options", ()))
        if turn.payload in options or turn.payload == NONE_OF_THESE:
            tapped = Payload.parse(turn.payload)
            chosen = None if turn.payload == NONE_OF_THESE else (tapped.argument or tapped.name)
            turn.events.append(MatchEvent("chosen", pending.get("query", ""),
                                          pending.get("language", turn.locale), options, chosen))

    def miss(self, turn: Turn) -> list[Reply]:
        """Say honestly that there is no answer; after repeated misses offer a person."""
        if turn.text and turn.payload is None:
            top = turn.nlu.top
            turn.events.append(MatchEvent(
                "fallback", turn.text, turn.detected_language or turn.locale,
                tuple(s.name for s in turn.nlu.ranking[:3]),
                score=top.confidence if top else None,
            ))
        turn.session.misses += 1
        referral = turn.nlu.elsewhere if turn.payload is None else None
        if referral is not None:
            # Another agency handles what was asked: say where, rather than offer a person
            # of ours who could not help with it either.
            return [TextReply(turn._("%(where)s Official site: %(url)s",
                                     where=referral.text(turn.locale), url=referral.url))]
        if turn.session.misses >= MISSES_BEFORE_OFFERING_A_PERSON:
            return [
                ChoicesReply(
                    turn._(
                        "I still don't have an answer for that, sorry. Would you like to talk "
                        "to a person?"
                    ),
                    (
                        Choice(turn._("Yes, talk to a person"), "talk_to_human:misses"),
                        Choice(turn._("No, I will rephrase"), "fallback:rephrase"),
                        Choice(turn._("Main menu"), "menu"),
                    ),
                )
            ]
        return [
            TextReply(
                turn._(
                    "Sorry, I don't know the answer to that. Could you say it in other words? "
                    "You can also write \"menu\" to see what I can do, or ask for a person."
                )
            )
        ]

    async def handle(self, turn: Turn, match: Match) -> Result:
        """Handle "none of these", "I will rephrase", "solved" and out-of-scope messages."""
        argument = match.entities.get("argument", "")
        if argument == "rephrase":
            return Result.text(turn._("All right. Please type your question in other words."))
        if argument == "solved":
            turn.session.misses = 0
            return Result.text(turn._("Glad I could help! Anything else?"))
        return Result.of(self.miss(turn))


def _offer(turn: Turn, options: Sequence[tuple[str, str]], kind: str) -> tuple[Choice, ...]:
    """Remember and record the options offered (for "followed"), plus "none of these"."""
    payloads = [payload for _, payload in options]
    language = turn.detected_language or turn.locale
    turn.session.data[PENDING] = {"query": turn.text, "options": payloads, "language": language}
    top = turn.nlu.top
    turn.events.append(MatchEvent(kind, turn.text, language, tuple(payloads),
                                  score=top.confidence if top else None))
    return (*(Choice(title, payload) for title, payload in options),
            Choice(turn._("None of these"), NONE_OF_THESE))
