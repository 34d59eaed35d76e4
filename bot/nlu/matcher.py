"""The knowledge-base matcher: one model over FAQ articles and built-in intents, both languages."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from bot.core.language import detect_language
from bot.core.ports import IntentScore, ParseResult
from bot.core.vocabulary import vocabulary
from bot.knowledge.fingerprint import knowledge_digest
from bot.knowledge.loader import Knowledge
from bot.nlu.coverage import Coverage, Reading
from bot.nlu.elsewhere import ElsewhereIndex, Found
from bot.nlu.english_frequency import zipf_english
from bot.nlu.entities import extract_entities
from bot.nlu.model import IntentModel
from bot.nlu.model_store import ModelStore
from bot.nlu.normalize import Normalizer

OUT_OF_SCOPE = "out_of_scope"
COVERAGE_CHECKED = 3  # how many of the best-ranked labels get the coverage check

ModelFactory = Callable[[Callable[[str], str]], IntentModel]


@dataclass(frozen=True, slots=True)
class TrainingSet:
    """Example texts with their labels, and the language of each example."""

    texts: tuple[str, ...]
    labels: tuple[str, ...]
    languages: tuple[str, ...]


def training_set(knowledge: Knowledge, *, exclude: Iterable[str] = ()) -> TrainingSet:
    """Collect every article's questions, title and keywords, and every intent's examples.

    `exclude` holds texts to leave out (used by k-fold evaluation to hold questions out).
    """
    skip = {e.strip().lower() for e in exclude}
    rows: list[tuple[str, str, str]] = []
    for (article_id, language), article in sorted(knowledge.articles.items()):
        for text in (*article.questions, article.title, *article.keywords):
            rows.append((text, article_id, language))
    for intent in knowledge.intents:
        rows.extend((text, intent.intent, intent.language) for text in intent.examples)
    rows = [r for r in rows if r[0].strip() and r[0].strip().lower() not in skip]
    texts, labels, languages = zip(*rows, strict=True) if rows else ((), (), ())
    return TrainingSet(tuple(texts), tuple(labels), tuple(languages))


def build_normalizer(knowledge: Knowledge) -> Callable[[str], str]:
    """Build the normaliser from the lexicon and every article's synonyms.

    The same lexicon and synonyms give the same (cached) normaliser, so a reload after an
    article's questions changed does not normalise every unchanged example again.
    """
    groups = [tuple(group) for group in knowledge.lexicon.synonyms]
    for article in sorted(knowledge.articles.values(), key=lambda a: (a.id, a.language)):
        groups.extend((term, *variants) for term, variants in article.synonyms)
    return _cached_normalizer(tuple(sorted(knowledge.lexicon.spellings.items())), tuple(groups))


@lru_cache(maxsize=4)
def _cached_normalizer(spellings: tuple[tuple[str, str], ...],
                       groups: tuple[tuple[str, ...], ...]) -> Callable[[str], str]:
    return lru_cache(maxsize=50_000)(Normalizer(dict(spellings), groups))


def _default_model(normalise: Callable[[str], str]) -> IntentModel:
    return IntentModel(normalise)


def _derived_name(knowledge: Knowledge, model: IntentModel, exclude: Iterable[str]) -> str | None:
    """Return the name of the state derived from `knowledge` for this model (None: not kept)."""
    # the vocabulary Coverage reads: the folder's own, else the one in use
    source = knowledge_digest(knowledge, knowledge.usable_vocabulary() or vocabulary())
    if source is None:
        return None
    shaped = f"{source}\x00{sorted(exclude)!r}\x00{model.settings()!r}".encode()
    return hashlib.sha256(shaped).hexdigest()[:32]


class KnowledgeMatcher:
    """Ranks FAQ articles and built-in intents for a message, across English and Swahili."""

    def __init__(
        self,
        knowledge: Knowledge,
        *,
        exclude: Iterable[str] = (),
        model_factory: ModelFactory = _default_model,
        suggest_threshold: float = 0.25,
        ranking_size: int = 10,
        previous: IntentModel | None = None,
        stop: Callable[[], bool] | None = None,
        models: ModelStore | None = None,
    ) -> None:
        """Build the matcher; with `models`, keep what it derives there, or reuse it.

        What is derived from one version of the knowledge (the fitted model, the coverage
        check's vocabularies, the index of services handled elsewhere) is kept in the model
        folder under a digest of it, so a worker starting on a version seen before loads it all.
        """
        self.knowledge = knowledge
        self.normalise = build_normalizer(knowledge)
        self._suggest = suggest_threshold
        self._size = ranking_size
        self.restored = False
        data = training_set(knowledge, exclude=exclude)
        # The live model makes the fit quick (hot reload): its calibration maps label-agnostic
        # evidence to P(right), so it still holds after an article changed, and on a large
        # knowledge base the weights of unchanged articles are kept.
        model = model_factory(self.normalise)
        kept = (_derived_name(knowledge, model, exclude)
                if models is not None and previous is None else None)
        if models is not None and kept is not None and self._restore(models, kept, model,
                                                                     data.labels):
            return
        self.model = (models.fitted(model, data.texts, data.labels, previous=previous, stop=stop)
                      if models is not None
                      else model.fit(data.texts, data.labels, previous=previous, stop=stop))
        self.coverage = Coverage(knowledge, self.normalise)
        self.elsewhere = ElsewhereIndex(knowledge, self.normalise)
        if models is not None and kept is not None:
            models.keep_derived(kept, {"model": models.name(self.model, data.texts, data.labels),
                                       "coverage": self.coverage.state(),
                                       "elsewhere": self.elsewhere.state()})

    def _restore(self, models: ModelStore, name: str, model: IntentModel,
                 labels: Sequence[str]) -> bool:
        """Take on the derived state kept under `name`; False when there is none (or no model)."""
        saved = models.derived(name)
        if saved is None:
            return False
        try:
            fitted = models.named(saved["model"], model, labels)
            if fitted is None:  # its model was pruned meanwhile: build again
                return False
            coverage = Coverage.restored(saved["coverage"], self.normalise)
            elsewhere = ElsewhereIndex.restored(saved["elsewhere"], self.normalise)
        except (KeyError, TypeError):  # kept by an older release: build again
            return False
        self.model, self.coverage, self.elsewhere = fitted, coverage, elsewhere
        self.restored = True
        return True

    @staticmethod
    def warm() -> None:
        """Load the English frequency table a restored matcher reads at its first question."""
        zipf_english("the")

    def parse(self, text: str, language: str | None = None) -> ParseResult:
        """Rank every article and intent for `text`; detect its language and entities.

        The best-ranked labels carry the salient words they leave uncovered, and the term of
        another agency's service (knowledge/elsewhere.yaml) the question names when their own
        texts never name it.
        """
        ranked = self.model.rank(text, k=self._size)
        detected = detect_language(text).language or language or "en"
        found = self.elsewhere.find(text)
        reading = self.coverage.read(text)  # what every label's check reads alike, read once
        # The salient words are weighed for the best few; another agency's service named in
        # the question is checked for every label, since the routing table may pick any.
        ranking = [IntentScore(r.label, round(r.confidence, 4),
                               *(self._uncovered(reading, r.label, found) if i < COVERAGE_CHECKED
                                 else self._elsewhere_uncovered(reading, r.label, found)))
                   for i, r in enumerate(ranked)]
        return ParseResult(
            text=text,
            language=detected,
            ranking=self._held_first(reading, ranking, found),
            entities=extract_entities(text),
            matched_example=ranked[0].example if ranked else None,
            elsewhere=found.service.referral(found.term) if found else None,
        )

    def _held_first(self, text: Reading, ranking: list[IntentScore],
                    found: Found | None) -> tuple[IntentScore, ...]:
        """Put the document asked about before the one the citizen says they already hold.

        "nina cheti cha kuzaliwa tayari, nifanye nini kupata kitambulisho": the model ranks
        the birth certificate first, for its long name; the ID is asked. When every document
        the best article covers is named as held, the best-ranked article naming another
        document not held comes first, offered, never asserted (as sure as the best), and
        the best stays second.
        """
        if len(ranking) < 2 or not self.coverage.held_only(text, ranking[0].name):
            return tuple(ranking)
        asked = next((i for i, s in enumerate(ranking[1:], 1)
                      if self.coverage.asks(text, s.name)), None)
        if asked is None:
            return tuple(ranking)
        top, pick = ranking[0], ranking[asked]
        words, _ = (self._uncovered(text, pick.name, found) if asked >= COVERAGE_CHECKED
                    else (pick.uncovered, pick.storied))
        first = IntentScore(pick.name, top.confidence, words, True)
        return (first, top, *(s for i, s in enumerate(ranking[1:], 1) if i != asked))

    def _uncovered(self, text: Reading, label: str,
                   found: Found | None) -> tuple[tuple[str, ...], bool]:
        """Return what of `text` the label leaves uncovered, and whether only a story hid it.

        Both checks read the purpose of a document the label covers alike: the story
        ("good conduct for a tsc job application"), unless it names a service of the
        document's own agency, which is then what is asked ("kra pin for vat registration").
        A label that covers the question only thanks to that reading, or to the agencies a
        payment article lends itself, is offered, never asserted: the purpose may be what the
        citizen really asks ("i already have a good conduct for the tsc job, how do i apply"),
        the agency the actor ("a refund from HELB after overpaying my loan").
        """
        story = self.coverage.story(text, label)  # read once: the reading keeps it
        term, purposes, hidden = self._term(text, label, found)
        words = self.coverage.uncovered(text, label, purposes=purposes)
        if term is not None and term not in words:
            return (*words, term), False
        lenient = self.coverage.lends(label) or (purposes and bool(story))
        storied = not words and (hidden or (lenient and bool(
            self.coverage.uncovered(text, label, purposes=False, lent=False))))
        return words, storied

    def _elsewhere_uncovered(self, text: Reading, label: str,
                             found: Found | None) -> tuple[tuple[str, ...], bool]:
        """Return the other agency's service term when `label` does not cover it."""
        term, _, hidden = self._term(text, label, found)
        return ((), hidden) if term is None else ((term,), False)

    def _term(self, text: Reading, label: str,
              found: Found | None) -> tuple[str | None, bool, bool]:
        """Return the term counting against `label`, if purposes are story, if a story hid one.

        A term `label`'s own texts name counts for nothing; so does one named only as what a
        document of the label is wanted for (with the document's own name), when another
        agency handles it. A purpose naming the document's own agency's service is what is
        asked: it counts, and the coverage check weighs the purpose too.
        """
        if found is None or self.elsewhere.covers(label, found.term):
            return None, True, False
        story = self.coverage.story(text, label)
        # found through the purpose, and maybe the document's own name ("kcpe" of "birth
        # certificate for kcpe registration" finds "kcpe certificate")
        if not story or not set(found.named) <= story | self.coverage.documents(label):
            return found.term, True, False
        if self._same_agency(label, found):
            return found.term, False, False
        return None, True, True

    def _same_agency(self, label: str, found: Found) -> bool:
        """Return True when article `label`'s `agency:` handles the service found, in a language."""
        return any(article.agency == found.service.agency.get(language)
                   for language in ("en", "sw")
                   if (article := self.knowledge.articles.get((label, language))) is not None)

    def top_intent(self, result: ParseResult) -> IntentScore:
        """Return the top intent, or `out_of_scope` when the assistant would not answer.

        An article that leaves a salient word of the question uncovered is not answered
        either (Rasa's dialogue would otherwise assert it): out of scope, as sure as the
        article was close.
        """
        top = result.top
        if top is None or top.confidence < self._suggest:
            return IntentScore(OUT_OF_SCOPE, 1.0 - (top.confidence if top else 0.0))
        if top.uncovered:
            return IntentScore(OUT_OF_SCOPE, top.confidence, top.uncovered)
        return top
