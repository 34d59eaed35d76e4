"""Answer from the FAQ articles: the approved text, its title and when it was last reviewed."""

from __future__ import annotations

from bot.core.messages import Choice, ChoicesReply, Reply, TextReply
from bot.core.placeholders import fill, placeholders
from bot.core.ports import Article, KnowledgeBase
from bot.core.results import Result
from bot.core.routing import Match
from bot.core.turn import Turn
from bot.intents.fees import FeeSource

POPULAR_TAG = "popular"
MAX_TOPICS = 9


class FaqIntent:
    """Serve an article as approved, in the conversation's language, with today's fees."""

    name = "faq"
    topic = True

    def __init__(self, knowledge: KnowledgeBase, fees: FeeSource | None = None) -> None:
        self._knowledge = knowledge
        self._fees = fees

    def handles(self, intent: str) -> bool:
        """Return True for "faq" and for every article id."""
        return intent == self.name or self._knowledge.article(intent, "en") is not None

    def title(self, intent: str, turn: Turn) -> str:
        """Return the article's title in the conversation's language."""
        article = self._knowledge.article(intent, turn.locale)
        return article.title if article else intent

    def match(self, turn: Turn) -> Match | None:
        """Leave FAQ matching to the matcher's confidence bands."""
        return None

    async def handle(self, turn: Turn, match: Match) -> Result:
        """Answer with the article, or list common topics when no article is named."""
        article_id = match.entities.get("argument") or match.intent
        article = self._knowledge.article(article_id, turn.locale)
        if article is None:
            return Result.of([self._topics(turn)])
        turn.session.misses = 0
        turn.session.data["last_article"] = article.id
        body = await self._body(turn, article)
        replies: list[Reply] = [TextReply(f"{body}\n\n{self._footer(turn, article)}")]
        if article.escalate_if_unresolved:
            replies.append(
                ChoicesReply(
                    turn._("Did this solve your problem?"),
                    (
                        Choice(turn._("Yes, thank you"), "fallback:solved"),
                        Choice(turn._("No, talk to a person"), "talk_to_human"),
                    ),
                )
            )
        return Result.of(replies)

    async def _body(self, turn: Turn, article: Article) -> str:
        """Return the answer with each fee placeholder filled from the billing catalogue."""
        if next(placeholders(article.body), None) is None:
            return article.body
        fees = await self._fees.current() if self._fees is not None else None
        return fill(article.body, fees, turn.t.money, turn._("the fee shown on eCitizen"))

    @staticmethod
    def _footer(turn: Turn, article: Article) -> str:
        """Give the official source, then name the article and its last review date."""
        reviewed = turn._(
            "(From the article \"%(title)s\", last reviewed %(date)s.)",
            title=article.title,
            date=turn.t.date(article.reviewed),
        )
        if not article.source:
            return reviewed
        source = turn._("Official source: %(url)s", url=article.source)
        return f"{source}\n{reviewed}"

    def _topics(self, turn: Turn) -> ChoicesReply:
        """List the popular articles as numbered choices."""
        ids = self._knowledge.article_ids()
        articles = [a for i in ids if (a := self._knowledge.article(i, turn.locale))]
        popular = [a for a in articles if POPULAR_TAG in a.tags] or articles
        return ChoicesReply(
            turn._("Common questions. Tap one or type its number, or just type your question:"),
            tuple(Choice(a.title, f"faq:{a.id}") for a in popular[:MAX_TOPICS]),
        )
