"""Find the other agency's service a question names, and whether a close label covers it.

Editors list services this assistant does not handle in knowledge/elsewhere.yaml, each with
terms in English and Swahili ("tax refund", "kurudishiwa kodi"). A term is found in a question
when each of its words is there, near the others: after the lexicon's spellings and synonyms,
by stem or Swahili affix (coverage.forms: "kuomba" finds "omba"), or a spelling a few letters
away. Everyday words of a term ("get", "ya") are not required.

A label (an article, or an action) covers the term when one of its own texts (an example
question, keyword, title, synonym or `tests:` phrasing; an action's examples) names all of the
term's words together: the KRA PIN article covers "kra pin", the eCitizen refund article does
not cover "tax refund". A term no close label covers makes the answer honest, and the reply
says where the service is handled.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import fuzz, process
from wordfreq import zipf_frequency

from bot.knowledge.elsewhere import ElsewhereService
from bot.knowledge.loader import Knowledge
from bot.nlu.coverage import forms, swahili_zipf

_WORD = re.compile(r"(?u)\b[^\W\d_]{2,}\b")
# Function words a term does not need to be found: "get", "my", "for" (English Zipf) and
# "ya", "wa", "cha", "yangu" (Swahili). Swahili counts come from assistant commands, where
# content words such as "wimbo" (song) are frequent too, hence its higher bar.
EVERYDAY_EN = 6.2
EVERYDAY_SW = 6.8
MIN_FORM = 4  # a stem or bare root shorter than this is too vague to match ("sha" in "imeisha")
SPELLING = 88.0  # RapidFuzz ratio from which a word is a spelling of a term's word
MIN_FUZZY_LENGTH = 5
SLACK = 3  # words a term's words may stand apart by ("refund of the tax I overpaid")
NEVER_COVERS = frozenset({"out_of_scope"})  # "I can't help with that" covers nothing


@dataclass(frozen=True, slots=True)
class Found:
    """The service a question names, through which term, and how closely."""

    service: ElsewhereService
    term: str
    words: int  # how many of the term's words the question names (more: more specific)
    exact: int  # how many of them were found without a spelling correction


@lru_cache(maxsize=8192)
def _everyday(word: str) -> bool:
    return (zipf_frequency(word, "en") >= EVERYDAY_EN
            or swahili_zipf().get(word, 0.0) >= EVERYDAY_SW)


@lru_cache(maxsize=65536)
def _forms(word: str) -> frozenset[str]:
    """Return `word` and its stems and bare roots long enough to mean something."""
    return frozenset({word, *(f for f in forms(word) if len(f) >= MIN_FORM)})


class ElsewhereIndex:
    """The terms of knowledge/elsewhere.yaml, and every label's texts, in matching form."""

    def __init__(self, knowledge: Knowledge, normalise: Callable[[str], str]) -> None:
        self._normalise = normalise
        self._terms: list[tuple[ElsewhereService, str, tuple[str, ...]]] = []
        for service in knowledge.elsewhere:
            for term in service.all_terms():
                words = self.content_words(term)
                if words:
                    self._terms.append((service, term, words))
        texts: dict[str, list[str]] = {}
        for (article_id, _), article in knowledge.articles.items():
            texts.setdefault(article_id, []).extend([
                *article.questions, article.title, *article.keywords, *article.extra_cases,
                *(w for term, variants in article.synonyms for w in (term, *variants))])
        for intent in knowledge.intents:
            texts.setdefault(intent.intent, []).extend(intent.examples)
        self._texts = {label: tuple(self._tokens(t) for t in found)
                       for label, found in texts.items()}

    def content_words(self, term: str) -> tuple[str, ...]:
        """Return the words of `term` a question must name (normalised, everyday ones out)."""
        words = _WORD.findall(self._normalise(term))
        kept = tuple(dict.fromkeys(w for w in words if not _everyday(w)))
        return kept or tuple(dict.fromkeys(words))

    def _tokens(self, text: str) -> tuple[tuple[str, frozenset[str]], ...]:
        """Return each word of `text` with its forms (stems, bare Swahili roots)."""
        return tuple((w, _forms(w)) for w in _WORD.findall(self._normalise(text)))

    def find(self, text: str) -> Found | None:
        """Return the most specific service term the question names, if any."""
        if not self._terms:
            return None
        tokens = self._tokens(text)
        best: Found | None = None
        for service, term, words in self._terms:
            exact = _named(words, tokens)
            if exact is None:
                continue
            found = Found(service, term, len(words), exact)
            if best is None or (found.words, found.exact) > (best.words, best.exact):
                best = found
        return best

    def covers(self, label: str, term: str) -> bool:
        """Return True when one of `label`'s own texts names every word of `term` together."""
        if label in NEVER_COVERS:
            return False
        words = self.content_words(term)
        return any(_named(words, tokens, slack=None) is not None
                   for tokens in self._texts.get(label, ()))


def _named(words: Sequence[str], tokens: Sequence[tuple[str, frozenset[str]]],
           slack: int | None = SLACK) -> int | None:
    """Return how many `words` the tokens name exactly, or None when one is missing.

    With `slack`, the words must stand within a window a few words wider than the term.
    """
    if not tokens:
        return None
    positions: list[int] = []
    exact = 0
    for word in words:
        wanted = _forms(word)
        at = next((i for i, (_, found) in enumerate(tokens) if wanted & found), None)
        if at is not None:
            exact += 1
        else:
            at = _spelled(word, [w for w, _ in tokens])
            if at is None:
                return None
        positions.append(at)
    if slack is not None and max(positions) - min(positions) >= len(words) + slack:
        return None
    return exact


def _spelled(word: str, candidates: Iterable[str]) -> int | None:
    """Return the position of a candidate that is a spelling of `word` (long words only)."""
    if len(word) < MIN_FUZZY_LENGTH:
        return None
    choices = [c if len(c) >= MIN_FUZZY_LENGTH else "" for c in candidates]
    hit = process.extractOne(word, choices, scorer=fuzz.ratio, processor=None,
                             score_cutoff=SPELLING)
    return None if hit is None else int(hit[2])
