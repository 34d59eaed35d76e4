"""Coverage before assertion: which salient words of a question an article does not cover.

A question about a firearm licence is close to the driving-licence article in every way a
classifier measures, yet it names a thing that article never mentions. Before an article is
asserted, each word of the question is checked:

* common words say nothing about the service asked for: a word is common when English uses it
  often (`wordfreq`), when everyday Kenyan Swahili does (counts of the MASSIVE sw-KE train
  split, `data/swahili_counts.tsv`, because wordfreq has no Swahili), or when many articles and
  actions of our own knowledge use it;
* a salient word is covered when the article's questions, title, keywords, synonyms or answer
  (either language) use it, after the lexicon's spellings and synonyms and stemming, or a
  spelling of it a few letters away.

What is left (salient and uncovered) is returned; the router then answers honestly instead.
Thresholds were chosen on the dev half of knowledge/held_out (see docs/understanding.md).
"""

from __future__ import annotations

import itertools
import math
import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Self

from rapidfuzz import fuzz, process

from bot.core.vocabulary import vocabulary
from bot.knowledge.loader import Knowledge
from bot.nlu.english_frequency import zipf_contraction, zipf_english
from bot.nlu.issuers import ANY, bystanders, is_kenyan, issuers
from bot.nlu.model import stemmed_words
from bot.nlu.model_store import kept_state, restored_from
from bot.nlu.normalize import skeleton
from bot.nlu.purposes import Purposes
from bot.nlu.word_forms import (
    INFINITIVE,
    OF_A_PLACE,
    POSSESSIVES,
    SHORT_NEGATIVE,
    SWAHILI_VERB,
    forms,
    inflected,
    is_number,
    named_in,
    swahili_zipf,
)

_WORD = re.compile(r"(?u)\b[^\W\d_]{3,}\b")  # numbers and placeholders are never salient
_PLACEHOLDER = "zz"
_ALL_WORDS = re.compile(r"(?u)\b[^\W\d_]+\b")
_CLAUSES = re.compile(r"[,.;:!?()\n]+")
INFLECTED = 0.3  # the weight left to an inflected English word or a Swahili verb
RARE_ZIPF = 2.0  # rarer in English than this: a name (wordfreq knows "pumwani" at 1.1)
MEMO_SIZE = 50_000  # words whose weight is remembered (bounded: citizens type anything)


@dataclass(frozen=True, slots=True)
class CoverageSettings:
    """When a word is salient, and how much uncovered salience turns an answer honest."""

    common_zipf: float = 4.2  # Zipf frequency (English or Swahili) from which a word is common
    everyday_zipf: float = 5.3  # an everyday word ("two", "back", "ndani") is no domain term
    distinctive_share: float = 0.10  # used by at most this share of our labels: a domain term
    spelling: float = 85.0  # RapidFuzz ratio from which a word is a spelling of a covered one
    min_fuzzy_length: int = 5  # shorter words must match exactly (or by stem)
    min_weight: float = 2.5  # an uncovered word must weigh at least this much...
    min_share: float = 0.35  # ...and uncovered words this share of the question's salience
    kind_weight: float = 3.0  # the word naming the kind of licence or permit ("gun licence")
    issuer_weight: float = 3.0  # a place that issues the document ("pasipoti ya Uganda")
    own_weight: float = 3.0  # a word naming what the article itself is about ("birth")...
    own_shared_by: int = 5  # ...that at most this many articles' titles and keywords name


@dataclass(frozen=True, slots=True)
class Reading:
    """What of a question the check of every article reads alike, read once per question."""

    clauses: list[list[str]]  # the words of each clause, after the normaliser
    words: tuple[str, ...]  # the words that may be salient (three letters or more)
    all_words: list[str]  # every word, the short connectives ("ya", "la") too
    issuers: dict[str, str]  # places abroad that issue a document, with its noun
    journeys: frozenset[str]  # the story of a trip or of where someone is: never salient
    undriven: frozenset[str]  # what a driving licence is asked for that is no vehicle
    bystanders: frozenset[str]  # nationalities that say who someone is
    stories: dict[str, frozenset[str]] = field(default_factory=dict)  # per label, once read


@dataclass(frozen=True, slots=True)
class Assessment:
    """The salient words of a question, which an article leaves uncovered, and their weight."""

    uncovered: tuple[str, ...] = ()
    strongest: float = 0.0  # the weight of the heaviest uncovered word
    share: float = 0.0  # uncovered weight / all salient weight
    foreign: bool = False  # an uncovered place issues the document: withheld whatever the share
    undriven: bool = False  # a driving licence "for" no vehicle ("ya kuendesha boti"): likewise


DOCUMENTS = frozenset(("licence", "licences", "permit", "permits", "leseni", "kibali",
                       "vibali"))
_OF = frozenset(("ya", "za", "cha", "vya", "la"))
_PURPOSE = frozenset(("ya", "cha", "la", "to", "for"))  # "leseni ya kuchimba", "permit to hold"
_DETERMINERS = frozenset(("a", "an", "the", "my", "our", "his", "her", "their"))
_JOURNEY = frozenset(("travel", "travelling", "traveling", "fly", "flying"))
# What a document or a registration is "in" or "at" names its subject or body, not a place.
_EARNED = DOCUMENTS | frozenset(("certificate", "certificates", "cheti", "vyeti", "diploma",
                                 "degree", "course", "training", "register", "registered",
                                 "registration", "enrol", "enroll", "enrolled"))
# Where something happened or someone is: "born at Pumwani", "I live in Kitengela", "huko Ruai".
_LOCATIVE = frozenset(("at", "in", "near", "huko", "kule"))
_DRIVING = "driving"  # what the normaliser makes of "ya kuendesha" before a licence
_OBJECT_WORDS = 2  # "a public rally", "duka la dawa": the object's noun and one more word
# What the synonyms of articles for foreigners normalise to ("raia wa kigeni", "expat").
FOREIGNER = "foreigner"
# A payment article (first tag `payment`: a receipt, a refund, a payment not reflected) may
# cover the agencies whose fees eCitizen collects, named by the titles and keywords of the
# articles tagged `agencies` ("SHA, HELB, KNEC, KWS park fees"): "the receipt for the knec fee
# I paid". Only lent: the agency may be the actor ("a refund from HELB after overpaying"), so
# an article covered only so is offered, never asserted (the matcher marks it `storied`).
PAYMENT_TAG = "payment"
PAID_AGENCIES_TAG = "agencies"
_REBUILT = frozenset({"_normalise", "_swahili", "_weights"})  # not kept: rebuilt or shared


_ARTICLES = frozenset(("a", "an", "the"))


def _kind_after(words: list[str], i: int) -> str:
    """Return the word after the licence at `i` and its "of" or "for" (past a/the), if any.

    "For my shop" says whose the permit is, not its kind: a possessive ends the search.
    """
    j = i + 1
    if j >= len(words) or (words[j] not in _OF and words[j] != "for"):
        return ""
    j += 1
    while words[i + 1] == "for" and j < len(words) and words[j] in _ARTICLES:
        j += 1
    return words[j] if j < len(words) else ""


class Coverage:
    """Per-article vocabularies and the weight of words, built once per knowledge version."""

    def __init__(self, knowledge: Knowledge, normalise: Callable[[str], str],
                 settings: CoverageSettings | None = None) -> None:
        self._normalise = normalise
        self.settings = settings or CoverageSettings()
        texts: dict[str, list[str]] = {}
        terms: dict[str, list[str]] = {}  # what editors declared an article is about
        paid: list[str] = []  # the agencies whose fees eCitizen collects
        payments: set[str] = set()  # the articles about paying
        for (article_id, _), article in knowledge.articles.items():
            if PAID_AGENCIES_TAG in article.tags:
                paid.extend([article.title, *article.keywords])
            if article.tags[:1] == (PAYMENT_TAG,):
                payments.add(article_id)
            named = [article.title, *article.keywords,
                     *(w for term, variants in article.synonyms for w in (term, *variants))]
            terms.setdefault(article_id, []).extend(named)
            texts.setdefault(article_id, []).extend([*article.questions, article.body, *named])
        for intent in knowledge.intents:
            if intent.intent != "out_of_scope":
                texts.setdefault(intent.intent, []).extend(intent.examples)
        vocabularies = {label: self._vocabulary(t) for label, t in texts.items()}
        labels = list(vocabularies.values())
        # Only articles are checked: an action covers what it does, whatever the words.
        self._words = {a: v for a, v in vocabularies.items() if a in terms}
        agencies = self._vocabulary(paid)
        self._lent = {a: self._words[a] | agencies for a in payments if a in self._words}
        self._users = Counter(word for vocabulary in labels for word in vocabulary)
        # Terms as written (no stems): "processing time" makes no domain term of "process".
        own = {label: frozenset(w for t in named for w in _WORD.findall(
            self._normalise(t) + " " + t.lower())) for label, named in terms.items()}
        self._terms = Counter(w for words in own.values() for w in words)
        # What the article is about, when few articles are ("birth", "logbook", "kra"): the
        # question naming it is evidence for the article, however many questions use the word.
        # The documents an article is about ("id" of "National ID", "visa" of "visitor visa"):
        # a country abroad that issues one of them asks for another country's document.
        self._documents = {label: frozenset(w.removesuffix("s") for t in named
                                            for w in _ALL_WORDS.findall(self._normalise(t)))
                           for label, named in terms.items()}
        self._own = {label: frozenset(w for w in words
                                      if self._terms[w] <= self.settings.own_shared_by)
                     for label, words in own.items()}
        self._labels = len(labels)
        self._swahili = swahili_zipf()
        # The words that tell a message's language (vocabulary.yaml, language_evidence) are
        # grammar and chat ("eti", "msee", "the"): they never name the service asked about.
        words = knowledge.usable_vocabulary() or vocabulary()
        self._grammar = words.folded("swahili_words") | words.folded("english_words")
        # Where the citizen is or travels ("nikiwa Dubai", "hapa Likoni") never names the
        # service asked about, nor do the people of a place ("Mjerumani", "Waingereza").
        self._abroad = words.folded("abroad")
        self._nationalities = words.folded("nationalities")
        self._places = words.folded("places") | self._abroad
        # Nor do the people it is about ("mathe", "mwajiri wangu"), nor when it happened
        # ("juzi", "yesterday": the single words of vocabulary.yaml's `when` group).
        # The vehicles a driving licence covers ("boda", "lorry"): any of them is covered by
        # an article whose own terms name driving or a vehicle.
        self._vehicles = words.folded("vehicles")
        # A date ("a wedding in june", "mwezi juni", "by friday") is when, not what: a month,
        # weekday or holiday (vocabulary.yaml, coverage/calendar) counts against no article;
        # for an article that names it ("the 30 June deadline") it still counts as covered.
        self._calendar = words.folded("calendar")
        # Everyday Swahili that never names a service, in any of its forms: a polite request
        # ("naomba kuelekezwa", "mnifahamishe"), a size ("duka langu dogo"), "hasa".
        self._everyday = words.folded("everyday")
        self._vehicular = frozenset(label for label, named in own.items()
                                    if named & self._vehicles or self._about_verb(label, "drive"))
        self._people = words.folded("people") | frozenset(
            w.folded for meaning in ("today", "yesterday", "day_before_yesterday")
            for w in words.words(meaning) if " " not in w.folded)
        # Chat drops or swaps the vowels of grammar words ("lkn", "hbr", "tngu", "jameni"):
        # a word with the consonants of one, that our knowledge does not use, is that word.
        self._skeletons = frozenset(k for k in map(skeleton, self._grammar) if len(k) >= 3)
        self._choices = {label: tuple(sorted(v)) for label, v in self._words.items()}
        self._weights: dict[str, float] = {}  # per word: the same words come back all day
        # The documents each article covers (vocabulary.yaml, coverage/documents): what one
        # is wanted for, or by whom, is the story ("good conduct for a tsc job application").
        self._purposes = Purposes.of(knowledge, self._normalise, words.words("documents"),
                                     terms, lambda w: self.weight(w) > 0)

    def state(self) -> dict[str, Any]:
        """Return what was derived from the knowledge, to be kept beside its fitted model."""
        return kept_state(self, _REBUILT)

    @classmethod
    def restored(cls, state: dict[str, Any], normalise: Callable[[str], str]) -> Self:
        """Return the coverage a `state` was taken from, with this process's normaliser."""
        return restored_from(cls, state, _normalise=normalise, _swahili=swahili_zipf(),
                             _weights={})

    def _vocabulary(self, texts: Iterable[str]) -> frozenset[str]:
        """Return the stemmed words and the plain words of `texts`, after normalisation."""
        words: set[str] = set()
        for text in texts:
            # The words as written too: the lexicon may rewrite "kupakia" to "upload", and
            # "kupakiwa" should still be found a spelling away from it.
            for form in (self._normalise(text), text.lower()):
                words.update(_WORD.findall(form))
                words.update(stemmed_words(form))
        return frozenset(words)

    def weight(self, word: str) -> float:
        """Return how strongly `word` names a service, agency or document (0: not at all).

        A word our knowledge uses in a few labels only is a domain term, however common in
        English ("tax"); otherwise rarity in English and everyday Swahili decides.
        """
        found = self._weights.get(word)
        if found is None:
            if len(self._weights) >= MEMO_SIZE:
                self._weights.clear()
            found = self._weights[word] = self._weight(word)
        return found

    def _weightless(self, word: str) -> bool:
        """Return True for words that never name a service: grammar, numbers, places, people."""
        return (word in POSSESSIVES or is_number(word) or word in self._grammar
                or word in self._people or self.is_place(word) or self._chat_grammar(word)
                or self._everyday_word(word))

    def _everyday_word(self, word: str) -> bool:
        """Return True for an everyday Swahili word or any form of one ("kuelekezwa")."""
        return word in self._everyday or any(f in self._everyday for f in forms(word))

    def _chat_grammar(self, word: str) -> bool:
        """Return True for a grammar word typed without (or with other) vowels ("lkn")."""
        return (skeleton(word) in self._skeletons and word not in self._users
                and not any(self._users.get(f, 0) for f in forms(word)))

    def _weight(self, word: str) -> float:
        if self._weightless(word):
            return 0.0
        variants = forms(word)
        users = max(self._users.get(f, 0) for f in variants)
        if users > self.settings.distinctive_share * self._labels:
            return 0.0  # a word many of our articles and actions share
        rarity = math.log2((self._labels + 1) / (users + 1))
        english = max(zipf_english(word), zipf_contraction(word))  # "isnt" is "isn't"
        # An inflected English word ("enrolling", "slipped") or a Swahili verb form is rarely
        # the name of the service asked for; the nouns that are ("firearm", "liquor") are bare.
        verb = (SHORT_NEGATIVE.match(word) is not None
                or (inflected(word) if english > 0 else SWAHILI_VERB.match(word) is not None))
        scale = INFLECTED if verb else 1.0
        # A keyword or title word of some article is a domain term, unless everyday English
        # or Swahili uses it: "ana" (has) of "ana kwa ana", "ndani" (inside) of a ministry's name.
        everyday = max(english, self._swahili.get(word, 0.0))
        if self._terms.get(word, 0) and everyday < self.settings.everyday_zipf:
            return rarity * scale
        # A derived English word is not as common as its stem: "succession" is not "success".
        derived = set(stemmed_words(word)) - {word} if english > 0 and not verb else set()
        zipf = max(english, *(max(zipf_english(f), self._swahili.get(f, 0.0))
                              for f in variants if f not in derived))
        if zipf >= self.settings.common_zipf:
            return 0.0
        return (min(7.0 - zipf, rarity) if users else 7.0 - zipf) * scale

    def is_place(self, word: str) -> bool:
        """Return True for a place name or the name of its people ("Mjerumani": Ujerumani)."""
        return named_in(word, self._places) or word in self._nationalities

    def is_abroad(self, word: str) -> bool:
        """Return True for a place outside Kenya, its people or manner ("Mganda", "kiganda")."""
        return named_in(word, self._abroad, OF_A_PLACE) or word in self._nationalities

    def is_nationality(self, word: str) -> bool:
        """Return True for the people of a place abroad ("ugandan", "Mganda", "Watanzania")."""
        return word in self._nationalities or (word not in self._abroad
                                               and named_in(word, self._abroad))

    def _for_foreigners(self, label: str) -> bool:
        """Return True when the article speaks of foreigners (its synonyms make "foreigner")."""
        return FOREIGNER in self._words.get(label, frozenset())

    def is_vehicle(self, word: str) -> bool:
        """Return True for a vehicle a driving licence covers ("boda", "lorries", "probox")."""
        return any(f in self._vehicles for f in forms(word))

    def lends(self, label: str) -> bool:
        """Return True when article `label` may cover the agencies eCitizen collects for."""
        return label in self._lent

    def _covers(self, label: str, word: str, lent: bool = True) -> bool:
        variants = forms(word)
        vocabulary = self._lent.get(label, self._words[label]) if lent else self._words[label]
        if any(f in vocabulary for f in variants):
            return True
        if label in self._vehicular and self.is_vehicle(word):
            return True  # "leseni ya boda": the driving licence covers every vehicle class
        return any(len(f) >= self.settings.min_fuzzy_length and process.extractOne(
            f, self._choices[label], scorer=fuzz.ratio, processor=None,
            score_cutoff=self.settings.spelling) is not None for f in variants)

    def _clauses(self, text: str) -> list[list[str]]:
        """Return the words of each clause of `text` (a comma ends one), after the normaliser."""
        return [_ALL_WORDS.findall(self._normalise(c)) for c in _CLAUSES.split(text)
                if c.strip()]

    def story(self, text: str | Reading, label: str) -> frozenset[str]:
        """Return the words telling what a document article `label` covers is wanted for.

        "good conduct for a tsc job application": "tsc", "job", "application" (see
        bot/nlu/purposes.py); none when the question names no document of the article.
        """
        reading = self._reading(text)
        told = reading.stories.get(label)
        if told is None:  # the matcher and the check of one label both ask for it
            told = reading.stories[label] = self._purposes.story(reading.clauses, label,
                                                                  self._people)
        return told

    def held_only(self, text: str | Reading, label: str) -> bool:
        """Return True when the documents of `label` the question names are all ones it holds."""
        return self._purposes.held_only(self._reading(text).clauses, label)

    def asks(self, text: str | Reading, label: str) -> bool:
        """Return True when the question names a document of `label` it does not hold."""
        return self._purposes.asks(self._reading(text).clauses, label)

    def documents(self, label: str) -> frozenset[str]:
        """Return the words of the listed documents article `label` covers ("good", "conduct")."""
        return self._purposes.documents(label)

    def read(self, text: str) -> Reading:
        """Return what of `text` every article's check reads alike (see `Reading`)."""
        normalised = self._normalise(text)
        # a comma ends a clause: each is read alone for whose document it is, and for whom
        clauses = self._clauses(text)
        all_words = _ALL_WORDS.findall(normalised)
        return Reading(
            clauses=clauses, words=tuple(_WORD.findall(normalised)),
            all_words=all_words, issuers=self._issuers(clauses),
            journeys=frozenset(self._journeys(all_words) | self._located(all_words)),
            undriven=frozenset(self._undriven(all_words)),
            bystanders=frozenset(bystanders(clauses, self.is_nationality, self._people)))

    def _reading(self, text: str | Reading) -> Reading:
        return text if isinstance(text, Reading) else self.read(text)

    def assess(self, text: str | Reading, label: str, *, purposes: bool = True,
               lent: bool = True) -> Assessment:
        """Weigh the salient words of `text` and find those article `label` leaves uncovered.

        Labels that are not articles (actions) are never checked. With `purposes`, what a
        document the article covers is wanted for, or by whom, is the story and weighs
        nothing, unless it names an issuer or a nationality. `text` may be its `read`ing,
        when several articles are checked against one question.
        """
        if label not in self._words:
            return Assessment()
        reading = self._reading(text)
        total, missing = 0.0, []
        documents = self._documents.get(label, frozenset())
        issuing = {place for place, document in reading.issuers.items()
                   if document == ANY or document in documents}
        # a short name that issues the document ("tz", "uk") is salient however short
        words = [*reading.words, *sorted(issuing)]
        kinds = self._kinds(reading.all_words, label)
        undriven = reading.undriven if label in self._vehicular else frozenset()
        journeys = reading.journeys
        own = self._own.get(label, frozenset())
        story = reading.bystanders
        told = self.story(reading, label) if purposes else frozenset()
        for word in dict.fromkeys(words):
            if word in told and word not in issuing and not self.is_nationality(word):
                continue  # what the document is wanted for: "good conduct for a tsc job"
            if word in self._calendar and not self._covers(label, word, lent):
                continue  # when it happened: "my daughter turned eighteen in june"
            weight = (0.0 if word.startswith(_PLACEHOLDER) or word in journeys
                      else self.weight(word))
            if word in kinds or word in undriven:
                weight = max(weight, self.settings.kind_weight)
            if word in issuing:
                weight = max(weight, self.settings.issuer_weight)
            elif (self.is_nationality(word) and word not in story
                  and not self._for_foreigners(label)):
                # a foreigner asking about a citizen's document asks about their own country's
                weight = max(weight, self.settings.issuer_weight)
            if word in own and not self._weightless(word):
                # a story word ("kinyozi", "hosi") is then not all the question says
                weight = max(weight, self.settings.own_weight)
            total += weight
            if weight > 0 and not self._covers(label, word, lent):
                missing.append((word, weight))
        lost = sum(w for _, w in missing)
        return Assessment(tuple(w for w, _ in missing), max((w for _, w in missing), default=0.0),
                          lost / total if total else 0.0,
                          any(w in issuing for w, _ in missing),
                          any(w in undriven for w, _ in missing))

    def _issuers(self, clauses: list[list[str]]) -> dict[str, str]:
        """Return the places abroad that issue a document, with its noun, clause by clause.

        A comma ends the clause: "kazi Nairobi, kibali cha kazi" has Nairobi as the place of
        the work, not the maker of the permit. Every word counts here ("ya", "id"). A document
        called Kenyan anywhere in the question silences the places that issue the same one.
        """
        found: dict[str, str] = {}
        ours: set[str] = set()  # the documents called Kenyan ("my kenyan passport")
        for words in clauses:
            found |= issuers(words, self.is_abroad, self._people)
            ours.update(issuers(words, is_kenyan, self._people).values())
        # A document called Kenyan is ours whatever else issued something: "a police abstract
        # from the Uganda police, how do I replace my lost Kenyan passport".
        return {place: document for place, document in found.items()
                if not ours or (ANY not in ours and document != ANY and document not in ours)}

    def _kinds(self, words: list[str], label: str = "") -> set[str]:
        """Return the words that say which kind of licence or permit is asked for.

        The word before one ("gun licence") or after its "of" ("leseni ya uvuvi") or its "for"
        ("a permit for a rally"), unless it is grammar, a Swahili verb ("kibali cha kuingiza":
        what it is for) or everyday.
        `words` are all of the question's, the short connectives ("ya", "la") too; an English
        word is never taken for a Swahili verb ("hunting" is no habitual "hu-" form). What a
        licence is for counts unless article `label` is about that very verb (`_purpose`).
        """
        found: set[str] = set()
        for i, word in enumerate(words):
            if word not in DOCUMENTS:
                continue
            before = words[i - 1] if i > 0 else ""
            found.update(kind for kind in (before, _kind_after(words, i))
                         if self._names_kind(kind))
            found.update(self._purpose(words, i, label))
        return found

    def _journeys(self, words: list[str]) -> set[str]:
        """Return the journey words of a trip to a place ("before we travel to Tanzania").

        The trip is the story; a "travel document" or "travel permit" still names a service.
        """
        return {word for i, word in enumerate(words[:-2])
                if word in _JOURNEY and words[i + 1] == "to" and self.is_place(words[i + 2])}

    def _located(self, words: list[str]) -> set[str]:
        """Return the names of places after a locative ("born at Pumwani", "huko Ruai").

        A word after "at" or "in" that English hardly uses and no Swahili list nor article
        knows is the name of a place the lists lack (a hospital, an estate); an
        agency's name is left alone, since it follows "from" or "by", not "at" or "in", and
        so is what a document or a registration is in or at ("a certificate in phlebotomy",
        "register at KNQA"): a subject, a body or a system, not where someone is.
        """
        return {word for i, (before, word) in enumerate(itertools.pairwise(words))
                if before in _LOCATIVE and len(word) >= 4 and self._unknown(word)
                and (i == 0 or words[i - 1] not in _EARNED)}

    def _unknown(self, word: str) -> bool:
        """Return True for a word English hardly uses, and no Swahili list nor label uses."""
        return (max(zipf_english(word), zipf_contraction(word)) < RARE_ZIPF
                and not any(self._swahili.get(f, 0.0) or self._users.get(f, 0)
                            for f in forms(word)))

    def _undriven(self, words: list[str]) -> list[str]:
        """Return what a driving licence is asked for when it is no vehicle ("... boti").

        The normaliser makes "leseni ya kuendesha <object>" a "driving licence <object>": a
        licence to run a shop or steer a boat is another licence, however common its noun.
        """
        return [after for before, document, after in zip(words, words[1:], words[2:], strict=False)
                if before == _DRIVING and document in DOCUMENTS and not self._weightless(after)
                and after not in DOCUMENTS and not self.is_vehicle(after)
                and (zipf_english(after) > 0 or SWAHILI_VERB.match(after) is None)]

    def _names_kind(self, word: str) -> bool:
        """Return True when `word` beside a licence may name its kind: no grammar, verb, place."""
        return bool(word and word not in DOCUMENTS and not self._weightless(word)
                    and (zipf_english(word) > 0 or SWAHILI_VERB.match(word) is None)
                    and max(zipf_english(word), self._swahili.get(word, 0.0))
                    < self.settings.everyday_zipf)

    def _purpose(self, words: list[str], i: int, label: str = "") -> list[str]:
        """Return what a licence is for, the object of its verb ("leseni ya kuchimba mchanga").

        "A permit to hold a rally", "leseni ya kufungua duka la dawa": the verb says little,
        its object names the kind. Grammar, places and people end the object. When the
        article is about the verb itself ("a licence to drive a car": the driving licence),
        the object is only what is driven, never another kind.
        """
        j = i + 1
        if j < len(words) and words[j] in _PURPOSE:
            j += 1
        if j >= len(words) or not (words[j - 1] == "to" or INFINITIVE.match(words[j])):
            return []
        objects = self._objects(words[j + 1:])
        if label and self._about_verb(label, words[j]):
            # what is driven: a vehicle is the article's; anything else ("boti", "duka la
            # dawa") is another licence's kind
            return [] if not objects or self.is_vehicle(objects[0]) else objects[:1]
        return objects

    def _objects(self, words: list[str]) -> list[str]:
        """Return the object of a licence's verb: its noun and one more word, after a/the."""
        objects: list[str] = []
        for word in words:
            if word in _DETERMINERS and not objects:
                continue
            if word in DOCUMENTS or self._weightless(word) or len(objects) == _OBJECT_WORDS:
                break
            objects.append(word)
        return objects

    def _about_verb(self, label: str, verb: str) -> bool:
        """Return True when article `label`'s own terms name `verb` ("driving": "drive")."""
        stems = set(forms(verb))
        return any(stems.intersection((w, *stemmed_words(w))) for w in self._own.get(label, ()))

    def uncovered(self, text: str | Reading, label: str, *, purposes: bool = True,
                  lent: bool = True) -> tuple[str, ...]:
        """Return the uncovered salient words when they are enough to withhold article `label`.

        `purposes=False` weighs what a document is wanted for too: the matcher asks so when
        the purpose names a service of the document's own agency ("kra pin for vat").
        `lent=False` reads a payment article without the agencies eCitizen collects for.
        """
        found = self.assess(text, label, purposes=purposes, lent=lent)
        s = self.settings
        # Another country's document, or a driving licence for no vehicle, is not ours however
        # much else the question says about it.
        if found.foreign or found.undriven or (found.strongest >= s.min_weight
                                               and found.share >= s.min_share):
            return found.uncovered
        return ()
