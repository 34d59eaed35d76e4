"""The knowledge base and matcher currently live, swappable in one step when content changes."""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from bot.core.ports import Article, IntentScore, ParseResult
from bot.knowledge.loader import Knowledge, Problem, load_knowledge
from bot.nlu.matcher import KnowledgeMatcher
from bot.nlu.model import FitCancelled, IntentModel
from bot.nlu.model_store import ModelStore

logger = logging.getLogger(__name__)


class KnowledgeLoadError(Exception):
    """The knowledge folder has errors and nothing usable could be loaded."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        super().__init__("; ".join(str(p) for p in problems[:5]))
        self.problems = list(problems)


class LiveKnowledge:
    """Serves articles and parses messages from the last good version of `knowledge/`.

    A reload builds the new matcher completely before swapping it in, so a message is always
    answered by one consistent version, and a broken file never takes the assistant down.
    """

    def __init__(self, root: Path, *, suggest_threshold: float = 0.20,
                 models: ModelStore | None = None) -> None:
        self.root = root
        self._suggest = suggest_threshold
        self._models = models  # fitted models shared by the workers, when configured
        self._lock = threading.Lock()
        self._closing = threading.Event()  # set at shutdown: a running full refit gives up
        self._version = 0  # how many versions went live: a full refit started before an
        self.superseded = False  # edit went live must not replace it
        self.last_problems: list[Problem] = []
        matcher = self._build()
        if matcher is None:
            raise KnowledgeLoadError(self.last_problems)
        self._matcher = matcher

    @property
    def current(self) -> Knowledge:
        """Return the knowledge now live."""
        return self._matcher.knowledge

    @property
    def matcher(self) -> KnowledgeMatcher:
        """Return the matcher now live."""
        return self._matcher

    def reload(self, *, quick: bool = False) -> list[Problem]:
        """Load the folder again; swap it in if usable. Return the problems found.

        `quick` fits a provisional model from the live one (its calibrator and, on a large
        knowledge base, the weights of every unchanged article: seconds, not minutes) so a
        change is answered at once; call again without it for the full fit. The full fit
        holds no lock while it runs, so later edits keep going live quickly; it is dropped
        when one of them went live meanwhile (the caller then fits again, see `watch`).
        """
        if quick:
            with self._lock:
                return self._swap(self._build(self._matcher.model), quick=True)
        started = self._version
        try:
            matcher = self._build()
        except FitCancelled:
            logger.info("Full refit stopped: the worker is shutting down")
            return self.last_problems
        with self._lock:
            if self._version != started:
                logger.info("Full refit superseded by a newer edit; fitting again")
                self.superseded = True
                return self.last_problems
            return self._swap(matcher, quick=False)

    def stop_fitting(self) -> None:
        """Make a running (and any later) full refit give up: the worker is shutting down."""
        self._closing.set()

    def allow_fitting(self) -> None:
        """Let full refits run (again): a watcher starts."""
        self._closing.clear()

    def _swap(self, matcher: KnowledgeMatcher | None, *, quick: bool) -> list[Problem]:
        if matcher is not None:
            self._matcher = matcher
            self._version += 1
            self.superseded = False
            logger.info("Knowledge reloaded%s: %d articles", " (quick)" if quick else "",
                        len(matcher.knowledge.article_ids()))
        return self.last_problems

    def _build(self, previous: IntentModel | None = None) -> KnowledgeMatcher | None:
        """Load and fit; keep per-file errors but refuse a version with no articles at all."""
        knowledge = self._keep_last_good(load_knowledge(self.root))
        self.last_problems = list(knowledge.problems)
        for problem in knowledge.errors:
            logger.error("Knowledge problem: %s", problem)
        if not knowledge.articles:
            return None
        return KnowledgeMatcher(knowledge, suggest_threshold=self._suggest, previous=previous,
                                stop=None if previous is not None else self._closing.is_set,
                                models=self._models)

    def _keep_last_good(self, fresh: Knowledge) -> Knowledge:
        """Keep the previous version of any article or elsewhere service now broken."""
        previous = getattr(self, "_matcher", None)
        broken = {p.path for p in fresh.errors}
        if previous is None or not broken:
            return fresh
        articles = dict(fresh.articles)
        for key, article in previous.knowledge.articles.items():
            if article.path in broken and key not in articles:
                articles[key] = article
                logger.warning("Keeping the last good version of %s", article.path)
        kept = {s.id for s in fresh.elsewhere}
        elsewhere = [*fresh.elsewhere, *(s for s in previous.knowledge.elsewhere
                                         if s.path in broken and s.id not in kept)]
        if len(elsewhere) > len(fresh.elsewhere):
            logger.warning("Keeping the last good version of %d services in elsewhere.yaml",
                           len(elsewhere) - len(fresh.elsewhere))
        return replace(fresh, articles=articles, elsewhere=tuple(elsewhere))

    def article(self, article_id: str, language: str) -> Article | None:
        """Return a live article in `language` (or its other language)."""
        return self.current.article(article_id, language)

    def article_ids(self) -> Sequence[str]:
        """Return the ids of the live articles."""
        return self.current.article_ids()

    def parse(self, text: str, language: str | None = None) -> ParseResult:
        """Parse with the live matcher."""
        return self._matcher.parse(text, language)

    def top_intent(self, result: ParseResult) -> IntentScore:
        """Return the answerable top intent or out_of_scope."""
        return self._matcher.top_intent(result)
