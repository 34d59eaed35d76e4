"""Find the other agency's service a question names, and whether a close label covers it.

Editors list services this assistant does not handle in knowledge/elsewhere.yaml, each with
terms in English and Swahili ("tax refund", "kurudishiwa kodi"). A term is found in a question
when each of its words is there, near the others: after the lexicon's spellings and synonyms,
by stem or Swahili affix (word_forms.forms: "kuomba" finds "omba"), or a spelling a few letters
away. Everyday words of a term ("my", "ya") are not required, except its first word ("get
title deed": the act asked for).

A label (an article, or an action) covers the term when one of its own texts (an example
question, keyword, title, synonym or `tests:` phrasing; an action's examples) names all of the
term's words together: the KRA PIN article covers "kra pin", the eCitizen refund article does
not cover "tax refund". A term no close label covers makes the answer honest, and the reply
says where the service is handled.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import islice, product
from typing import Any, Self

from rapidfuzz import fuzz, process

from bot.knowledge.elsewhere import ElsewhereService
from bot.knowledge.loader import Knowledge
from bot.nlu.english_frequency import zipf_english
from bot.nlu.model_store import kept_state, restored_from
from bot.nlu.normalize import singular
from bot.nlu.word_forms import forms, swahili_zipf

_WORD = re.compile(r"(?u)\b[^\W\d_]{2,}\b")
# Function words a term does not need to be found: "get", "my", "for" (English Zipf) and
# "ya", "wa", "cha", "yangu" (Swahili). Swahili counts come from assistant commands, where
# content words such as "wimbo" (song) are frequent too, hence its higher bar.
EVERYDAY_EN = 6.2
EVERYDAY_SW = 6.8
# A shared root must keep most of both words: "kuomba" and "omba" share one, "jobs" and "job"
# too, but "hakimiliki" (copyright) and "umiliki" (ownership) only the fragment "iliki", and
# "imeisha" (it has ended) and "sha" nothing but three letters.
ROOT_SHARE = 0.6
SHORT = 4  # words this short (acronyms: KRA, SHA, PAYE) match only themselves or a plural
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
    named: tuple[str, ...] = ()  # the question's words that name the term's words


@lru_cache(maxsize=8192)
def _everyday(word: str) -> bool:
    return (zipf_english(word) >= EVERYDAY_EN
            or swahili_zipf().get(word, 0.0) >= EVERYDAY_SW)


@lru_cache(maxsize=65536)
def _forms(word: str) -> frozenset[str]:
    """Return `word` with its stems and bare Swahili roots."""
    return frozenset(forms(word))


@dataclass(frozen=True, slots=True)
class _Text:
    """A text's words, their forms, and where each form stands."""

    words: tuple[str, ...]
    forms: tuple[frozenset[str], ...]
    at: Mapping[str, tuple[int, ...]]  # form -> positions of the words that have it


def _text(words: Sequence[str]) -> _Text:
    found = tuple(_forms(w) for w in words)
    at: dict[str, list[int]] = {}
    for position, variants in enumerate(found):
        for form in variants:
            at.setdefault(form, []).append(position)
    return _Text(tuple(words), found, {f: tuple(p) for f, p in at.items()})


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
        # A label's texts in matching form are built when a question first asks about the
        # label: most labels never meet a term, and building all of them was 0.1 s of start-up.
        self._phrasings = {label: tuple(_WORD.findall(normalise(t)) for t in found)
                           for label, found in texts.items()}
        self._texts: dict[str, tuple[_Text, ...]] = {}
        # Which term words each form belongs to, and the long ones (spellings): a question
        # rules out every term one of whose words it cannot name, before any term is tried
        self._words_of = {term: words for _, term, words in self._terms}  # for covers()
        # and the terms under their first word: a question tries only those it may start
        self._terms_by_word: dict[str, list[int]] = {}
        for number, (_, _, words) in enumerate(self._terms):
            self._terms_by_word.setdefault(words[0], []).append(number)
        term_words = sorted({w for _, _, words in self._terms for w in words})
        self._by_form: dict[str, set[str]] = {}
        for word in term_words:
            for form in _forms(word):
                self._by_form.setdefault(form, set()).add(word)
        self._long_words = [w for w in term_words if len(w) >= MIN_FUZZY_LENGTH]
        # Every word of a label, to skip its texts at once when one of a term's words is absent
        self._words = {label: _text(sorted({w for words in found for w in words}))
                       for label, found in self._phrasings.items()}

    def state(self) -> dict[str, Any]:
        """Return what was derived from the knowledge, to be kept beside its fitted model."""
        return kept_state(self, ("_normalise", "_texts"))

    @classmethod
    def restored(cls, state: dict[str, Any], normalise: Callable[[str], str]) -> Self:
        """Return the index a `state` was taken from, with this process's normaliser."""
        return restored_from(cls, state, _normalise=normalise, _texts={})

    def content_words(self, term: str) -> tuple[str, ...]:
        """Return the words of `term` a question must name (normalised, everyday ones out).

        The first word stays, everyday or not: a term that opens with one names the act
        asked for ("get title deed", "new title deed"), which an article naming the document
        for another act (verifying a title deed before buying land) does not cover.
        """
        words = _WORD.findall(self._normalise(term))
        kept = tuple(dict.fromkeys(w for i, w in enumerate(words) if i == 0 or not _everyday(w)))
        return kept or tuple(dict.fromkeys(words))

    def _text(self, text: str) -> _Text:
        return _text(_WORD.findall(self._normalise(text)))

    def find(self, text: str) -> Found | None:
        """Return the most specific service term the question names, if any."""
        if not self._terms:
            return None
        question = self._text(text)
        named = self._nameable(question)
        best: Found | None = None
        for number in sorted({n for w in named for n in self._terms_by_word.get(w, ())}):
            service, term, words = self._terms[number]  # in order: the first of equals wins
            if not named.issuperset(words):
                continue
            exact = _named(words, question)
            if exact is None:
                continue
            found = Found(service, term, len(words), exact)
            if best is None or (found.words, found.exact) > (best.words, best.exact):
                best = found
        if best is None:
            return None
        # the question's words that name the term ("kdf", "recruitment"), for the matcher to
        # tell a service asked about from the purpose of a document ("good conduct for kdf
        # recruitment")
        said = tuple(dict.fromkeys(question.words[p] for w in self._words_of[best.term]
                                   for p in _positions(w, question)[0]))
        return Found(best.service, best.term, best.words, best.exact, said)

    def _nameable(self, question: _Text) -> set[str]:
        """Return the term words the question may name: by a shared form or a close spelling.

        A superset of what `_positions` finds (it also checks the root), so skipping the
        other terms changes no result and spares a spelling search per term and word.
        """
        nameable: set[str] = set()
        for form in question.at:
            nameable |= self._by_form.get(form, set())
        long = [w for w in question.words if len(w) >= MIN_FUZZY_LENGTH]
        if long and self._long_words:
            scores = process.cdist(long, self._long_words, scorer=fuzz.ratio, processor=None,
                                   score_cutoff=SPELLING)
            nameable.update(self._long_words[int(j)] for j in scores.max(axis=0).nonzero()[0])
        return nameable

    def covers(self, label: str, term: str) -> bool:
        """Return True when one of `label`'s own texts names every word of `term` together."""
        if label in NEVER_COVERS or label not in self._phrasings:
            return False
        words = self._words_of.get(term) or self.content_words(term)
        vocabulary = self._words[label]
        if any(not _positions(w, vocabulary)[0] for w in words):
            return False
        return any(_named(words, text) is not None for text in self._label_texts(label))

    def _label_texts(self, label: str) -> tuple[_Text, ...]:
        """Return the label's texts in matching form, built on first use (a benign race)."""
        found = self._texts.get(label)
        if found is None:
            found = self._texts[label] = tuple(_text(w) for w in self._phrasings[label])
        return found


def _positions(word: str, text: _Text) -> tuple[list[int], bool]:
    """Return where `text` names `word` and whether exactly (else by a close spelling)."""
    wanted = _forms(word)
    near = sorted({p for form in wanted for p in text.at.get(form, ())})
    exact = [p for p in near if _same_root(word, text.words[p], wanted & text.forms[p])]
    if exact:
        return exact, True
    spelled = _spelled(word, text.words)
    return ([spelled] if spelled is not None else []), False


def _named(words: Sequence[str], text: _Text) -> int | None:
    """Return how many `words` the text names exactly, or None when one is missing.

    The words must stand within a window a few words wider than the term, in any order.
    """
    if not text.words:
        return None
    found = [_positions(word, text) for word in words]
    if any(not positions for positions, _ in found):
        return None
    width = len(words) + SLACK
    if not any(max(combo) - min(combo) < width
               for combo in islice(product(*(positions for positions, _ in found)), 256)):
        return None
    return sum(exact for _, exact in found)


def _same_root(word: str, token: str, shared: frozenset[str]) -> bool:
    """Return True when a shared form keeps most of both words (or they are the same word)."""
    if word == token:
        return True
    longest = max(len(word), len(token))
    if min(len(word), len(token)) <= SHORT:  # "paye" is no form of "pay", "sha" none of "shamba"
        return singular(word) == singular(token)
    return any(len(form) >= ROOT_SHARE * longest for form in shared)


def _spelled(word: str, candidates: Iterable[str]) -> int | None:
    """Return the position of a candidate that is a spelling of `word` (long words only)."""
    if len(word) < MIN_FUZZY_LENGTH:
        return None
    choices = [c if len(c) >= MIN_FUZZY_LENGTH else "" for c in candidates]
    hit = process.extractOne(word, choices, scorer=fuzz.ratio, processor=None,
                             score_cutoff=SPELLING)
    return None if hit is None else int(hit[2])
