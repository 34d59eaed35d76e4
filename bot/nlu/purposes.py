"""What one of our documents is wanted for: the story told around the thing asked for.

A citizen who names a document an article covers, then what it is needed for, asks for the
document: "good conduct certificate for a tsc job application", "cheti cha tabia njema kwa
kazi ya ualimu", "kra pin ya internship", "death certificate to claim my father's nssf
benefits", "tunahitaji cheti cha kifo ili tugawe mali", "msee hana kra pin na anataka kuopen
bank account". The purpose names another agency or an uncovered thing, and is the story, not
the service asked about. So is whoever asks for the document: "my internship wants a police
clearance", "shule inataka cheti cha kuzaliwa", "the hustler fund wants one".

Grammar tells a purpose from the thing asked, after the normaliser (which makes "cheti cha
tabia njema" "good conduct", "pin ya kra" "kra pin", "kitambulisho" "id"):

* a purpose follows the document, past its owner ("cha mama", "yangu", "my son s") and
  "needed", "required": after "for", "to <verb>", "so that", "before", "kwa", "kwa ajili
  ya", "ili", "ndio", "kabla ya", a subjunctive ("nipate job"), or "and wants to", "na
  anataka ku-"; a pronoun carries a document named before ("i need it for", "nakihitaji");
* after a Swahili connective ("good conduct ya internship") only when the document's name
  is two words or more: a one-word name takes its kind there ("kitambulisho cha mpiga kura",
  a voter's card; "passport ya kidiplomasia"), and only an infinitive is its purpose
  ("passport ya kuenda hajj"); likewise a bare plural after its "for" says whom it is for
  ("an id for refugees": another card);
* the purpose runs to the end of its clause, or to a question word or a conjunction ("good
  conduct for a visa how do i apply"), at most `SPAN` words;
* whoever wants the document is the few words before a verb of wanting with a third person
  subject ("my internship wants", "the county requires", "shule inataka", "boss wangu
  anataka"), never the citizen ("i need", "nataka").

An article that covers a question only through this reading is offered ("did you mean"),
never asserted (bot/nlu/matcher.py marks it `storied`): the purpose may be the question.
A document the citizen already holds ("i already have a good conduct for the tsc job, how do
i apply") or the citizen's own "and I want to ..." tells no story: the purpose is asked.

Which documents are ours is data: `coverage/documents` in knowledge/vocabulary.yaml; an
article covers those its own title, keywords or synonyms name. Licences, permits and visas
are not listed: what follows theirs names their kind or their country ("a licence for guns",
"leseni ya uvuvi", "visa for canada"). A purpose naming a service of the document's own
agency (knowledge/elsewhere.yaml, the article's `agency:`) is what is asked, not the story:
"kra pin for vat" asks KRA about VAT.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Self

from bot.core.vocabulary import Word
from bot.knowledge.loader import Knowledge
from bot.nlu.english_frequency import zipf_english
from bot.nlu.word_forms import INFINITIVE, POSSESSIVES, forms, inflected

_WORDS = re.compile(r"(?u)\b[^\W\d_]+\b")
SPAN = 8  # words a purpose may run to ("for my son s knec registration next year")
SUBJECT = 3  # content words a subject wanting the document may have ("the hustler fund")
_OWNED_BY = frozenset(("ya", "cha", "za", "la", "wa", "vya", "of"))  # "cheti cha mama"
_NEEDED = frozenset(("needed", "required", "wanted", "is", "i", "we", "need", "needs"))
_PURPOSE = frozenset(("for", "kwa", "ili", "ndio", "ndiyo", "so", "before", "kabla"))
_CONNECTIVES = frozenset(("ya", "cha", "za", "la", "vya"))
# A Swahili subjunctive of the citizen or another after the document: "nipate", "tupate".
_SUBJUNCTIVE = re.compile(r"^(?:ni|tu|a|wa|u|m)[a-z]{2,}e$")
_TO = frozenset(("to",))
_AND = frozenset(("and", "na"))
_WANT = re.compile(r"^(?:want|wants|need|needs|(?:ni|a|tu|wa|u|m)?(?:na|ta|li|me)?"
                   r"(?:taka|hitaji))$")
# Someone else who wants to do something with the document: "hana kra pin na anataka kuopen
# bank account". The citizen's own "and i want to" asks about what they want to do.
_THEY_WANT = re.compile(r"^(?:wants|needs|(?:a|wa)(?:na|ta|li|me)?(?:taka|hitaji))$")
# The citizen already holds the document: "i already have a good conduct for the tsc job, how
# do i apply", "nimepata kra pin ya hustler fund": what it is for is then the question.
_HOLDING = frozenset(("have", "has", "got", "already", "nina", "tuna", "nimepata", "tumepata",
                      "nishapata", "tushapata", "nimeshapata", "nimepokea", "received"))
_HOLDING_WITH = frozenset(("niko", "tuko", "nikiwa", "tukiwa"))  # "niko na kra pin"
# After a document, that the citizen has it: "my id is ready", "kitambulisho kiko tayari".
_READY_VERBS = frozenset(("is", "iko", "kiko", "ni", "imeshakuwa", "ishakuwa"))
_READY = frozenset(("ready", "tayari", "already"))
# Whom a one-word document is for, which makes it another card: "an id for a refugee".
_HOLDERS = frozenset(("refugee", "refugees", "asylum", "foreigner", "foreigners", "alien",
                      "aliens", "staff", "student", "students", "soldier", "soldiers",
                      "worker", "workers", "employee", "employees", "mgeni", "wageni",
                      "mkimbizi", "wakimbizi"))
_PRONOUNS = frozenset(("it", "one", "them"))
# "nakihitaji kwa", "naihitaji", "tunakitaka": the verb holds the document as its object.
_HOLDS_IT = re.compile(r"^(?:ni|tu|a|wa|u|m)?(?:na|ta|li|me)(?:ki|i|vi|zi|li)(?:hitaji|taka)$")
_DETERMINERS = frozenset(("a", "an", "the", "my", "our", "your", "his", "her", "their",
                          "this", "that", "new"))
# A verb of wanting whose subject is someone else: "my internship wants", "shule inataka".
_REQUIRES = re.compile(r"^(?:wants|needs|requires|demands|asks|asked|requested"
                       r"|(?:a|wa|i|zi|li|ki|u|ya|vi)(?:na|li|me|ta|sha)(?:taka|hitaji|dai))$")
_THEY = frozenset(("they", "wao"))
# What happened before someone wanted the document: "mtoto wangu amefika miaka 18 anataka".
_TOLD = re.compile(r"^(?:(?:ni|u|a|tu|m|wa|i|ki|li|ya|vi|zi)me|(?:ni|a|tu|wa)li)[a-z]{3,}$")
_ASKED_FOR = frozenset(("asks", "asked"))  # the verbs of `_REQUIRES` that take "for"
# Where a purpose or a subject ends: the question itself, or another matter.
STOPS = frozenset((
    "how", "where", "what", "when", "which", "why", "who", "can", "could", "do", "does",
    "did", "should", "will", "and", "but", "or", "please", "pls", "also", "then", "is", "are",
    "was", "were", "got", "has", "have", "had",
    "aje", "vipi", "wapi", "gani", "lini", "ngapi", "nini", "je", "lakini", "ila", "tena",
    "tafadhali", "pia", "ama", "au", "na", "i", "we", "nataka", "nahitaji", "tunahitaji",
    "tunataka", "naomba"))


@dataclass(frozen=True, slots=True)
class Purposes:
    """The documents each article covers, and the words its own agency's services use."""

    wanted: Mapping[str, tuple[tuple[str, ...], ...]]  # label -> document names, as words
    own_agency: Mapping[str, frozenset[str]]  # label -> words only its agency's services use

    @classmethod
    def of(cls, knowledge: Knowledge, normalise: Callable[[str], str], documents: Iterable[Word],
           terms: Mapping[str, Sequence[str]], salient: Callable[[str], bool]) -> Self:
        """Read which listed `documents` each article's `terms` name, and its agency's words.

        `terms` are each article's title, keywords and synonyms; `salient` tells a word that
        may name a service ("vat") from an everyday one.
        """
        names = {tuple(_WORDS.findall(normalise(d.text))) for d in documents}
        wanted: dict[str, tuple[tuple[str, ...], ...]] = {}
        for label, named in terms.items():
            texts = [_WORDS.findall(normalise(t)) for t in named]
            wanted[label] = tuple(sorted(name for name in names if name and any(
                words[i:i + len(name)] == list(name) for words in texts
                for i in range(len(words)))))
        # The words of the services elsewhere, with the services that use them: a word another
        # agency's service uses too ("registration") says nothing of the article's agency.
        named_by: dict[str, set[str]] = {}
        for service in knowledge.elsewhere:
            for term in service.all_terms():
                for word in _WORDS.findall(normalise(term)):
                    named_by.setdefault(word, set()).add(service.id)
        own_agency: dict[str, frozenset[str]] = {}
        for (label, language), article in knowledge.articles.items():
            own = {s.id for s in knowledge.elsewhere if s.agency.get(language) == article.agency}
            mine = {w for name in wanted.get(label, ()) for w in name}
            own_agency[label] = own_agency.get(label, frozenset()) | frozenset(
                w for w, services in named_by.items()
                if own and services <= own and w not in mine and len(w) > 2 and salient(w))
        return cls(wanted, own_agency)

    def documents(self, label: str) -> frozenset[str]:
        """Return the words of the listed documents article `label` covers ("good", "conduct")."""
        return frozenset(w for name in self.wanted.get(label, ()) for w in name)

    def held_only(self, clauses: Sequence[Sequence[str]], label: str) -> bool:
        """Return True when every document `label` covers that the question names is held.

        "nina cheti cha kuzaliwa tayari, nifanye nini kupata kitambulisho", "my id is ready,
        now how do i apply for the passport": the birth certificate, the ID, are what the
        citizen has; the question is about the other document (see `asks`).
        """
        held, asked = _mentions(clauses, self.wanted.get(label, ()))
        return held and not asked

    def asks(self, clauses: Sequence[Sequence[str]], label: str) -> bool:
        """Return True when the question names a document `label` covers, not as one held."""
        return _mentions(clauses, self.wanted.get(label, ()))[1]

    def story(self, clauses: Sequence[Sequence[str]], label: str,
              people: Collection[str] = ()) -> frozenset[str]:
        """Return what a document `label` covers is wanted for, or by whom (see `stories`).

        None when the purpose names a service of the article's own agency: "kra pin for vat".
        """
        told = stories(clauses, self.wanted.get(label, ()), people)
        own = self.own_agency.get(label, frozenset())
        if any(f in own for word in told for f in forms(word)):
            return frozenset()
        return told


def stories(clauses: Sequence[Sequence[str]], documents: Collection[tuple[str, ...]],
            people: Collection[str] = ()) -> frozenset[str]:
    """Return the words of `clauses` that tell what one of `documents` is wanted for, or by whom.

    `clauses` are a question's words clause by clause, after the normaliser; `documents`
    the names (as words) of the documents the article covers. A word counts only when every
    one of its occurrences in the question is in the story: "nssf wants my id, how do i
    check my nssf statement" still asks about NSSF.
    """
    if not documents:
        return frozenset()
    inside: set[str] = set()
    outside: set[str] = set()
    named_before = False
    for words in clauses:
        told = set[int]()
        for start, end, generic in _anchors(words, documents, named_before):
            named_before = True
            told.update(_purpose(words, end, generic, people))
            told.update(_wanting(words, start))
        for i, word in enumerate(words):
            (inside if i in told else outside).add(word)
    return frozenset(inside - outside)


def _anchors(words: Sequence[str], documents: Collection[tuple[str, ...]],
             named_before: bool) -> list[tuple[int, int, bool]]:
    """Return where each document (or a pronoun for one named before) stands: start, end, generic.

    A one-word name ("id", "passport") is generic: what follows its connective is its kind.
    """
    found: list[tuple[int, int, bool]] = []
    for i in range(len(words)):
        for name in documents:
            if tuple(words[i:i + len(name)]) == name:
                if not _held(words, i):
                    found.append((i, i + len(name), len(name) == 1))
                named_before = True
                break
        else:
            word = words[i]
            if named_before and (_HOLDS_IT.match(word) or (
                    word in _PRONOUNS and i > 0 and _WANT.match(words[i - 1]))):
                found.append((i, i + 1, False))
    return found


def _mentions(clauses: Sequence[Sequence[str]],
              documents: Collection[tuple[str, ...]]) -> tuple[bool, bool]:
    """Return whether `documents` are named as held (before or after), and as not held."""
    held = asked = False
    for words in clauses:
        for i in range(len(words)):
            name = next((n for n in documents if tuple(words[i:i + len(n)]) == n), None)
            if name is None:
                continue
            if _held(words, i) or _held_after(words, i + len(name)):
                held = True
            else:
                asked = True
    return held, asked


def _held_after(words: Sequence[str], end: int) -> bool:
    """Return True when what follows a document says the citizen has it ("id yangu iko tayari").

    "my id is ready", "kitambulisho changu kiko tayari", "birth cert already": read only
    when another document is asked about (a ready document alone is to be collected).
    """
    j = end
    while j < len(words) and (words[j] in POSSESSIVES or words[j] in _DETERMINERS):
        j += 1
    if j < len(words) and words[j] in _READY_VERBS:
        j += 1
    return j < len(words) and words[j] in _READY


def _held(words: Sequence[str], start: int) -> bool:
    """Return True when the citizen says they hold the document at `start` ("i have my id")."""
    j = start - 1
    while j >= 0 and (words[j] in _DETERMINERS or words[j] in POSSESSIVES):
        j -= 1
    if j < 0:
        return False
    return words[j] in _HOLDING or (words[j] == "na" and j > 0 and words[j - 1] in _HOLDING_WITH)


def _purpose(words: Sequence[str], end: int, generic: bool, people: Collection[str]) -> range:
    """Return the positions of what the document ending at `end` is wanted for (maybe none)."""
    j = _past_owner(words, end, people)
    if j >= len(words):
        return range(0)
    word = words[j]
    after = words[j + 1] if j + 1 < len(words) else ""
    if word in _PURPOSE:
        if word == "kwa" and words[j + 1:j + 3] == ["ajili", "ya"]:
            j += 2  # "kwa ajili ya": for the sake of
        elif word == "kabla" and after == "ya":
            j += 1  # "kabla ya kusafiri": before travelling
        elif word == "so" and after == "that":
            j += 1
        start = j + 1
        if word == "for" and generic and _for_holder(words, start):
            return range(0)  # "an id for refugees", "for a refugee": whom it is for, its kind
    elif word in _TO and after and after not in _DETERMINERS and after not in POSSESSIVES:
        start = j + 1  # "to claim my father s benefits", "to open a bank account"
    elif word in _CONNECTIVES and (not generic or INFINITIVE.match(after)):
        start = j + 1  # "good conduct ya internship", "passport ya kuenda hajj"
    elif _SUBJUNCTIVE.match(word) and zipf_english(word) == 0 and word not in people:
        start = j  # "good conduct nipate job ya rider"
    elif word in _AND and _THEY_WANT.match(after):
        k = j + 2 + (j + 2 < len(words) and words[j + 2] == "to")
        if k >= len(words) or not (INFINITIVE.match(words[k]) or words[k - 1] == "to"):
            return range(0)
        start = k  # "hana kra pin na anataka kuopen bank account"
    else:
        return range(0)
    stop = start
    while stop < len(words) and stop - start < SPAN and (
            words[stop] not in STOPS or _joins(words, stop)):
        stop += 1
    return range(start, stop)


def _joins(words: Sequence[str], i: int) -> bool:
    """Return True for a "na" an infinitive governs ("kujiunga na kdf"): no conjunction."""
    return words[i] == "na" and i > 0 and INFINITIVE.match(words[i - 1]) is not None


def _past_owner(words: Sequence[str], j: int, people: Collection[str]) -> int:
    """Return where the words after a document go on, past its owner and "needed".

    "cheti cha kifo cha mama ili ...", "birth certificate of my son for ...", "kra pin yangu".
    """
    while j < len(words):
        word = words[j]
        if word in POSSESSIVES or word == "s":
            j += 1
        elif word in _OWNED_BY and (k := j + 1 + (words[j + 1:j + 2] == ["my"])) < len(
                words) and words[k] in people:
            j = k + 1
        elif word in _NEEDED:
            j += 1  # "birth certificate needed for", "kra pin is needed to open"
        else:
            return j
    return j


def _for_holder(words: Sequence[str], start: int) -> bool:
    """Return True when a one-word document's "for" names whom it is for, not a purpose."""
    k = start
    while k < len(words) and words[k] in _DETERMINERS:
        k += 1
    holder = words[k] if k < len(words) else ""
    return holder in _HOLDERS or (k == start and _bare_plural(holder))


def _bare_plural(word: str) -> bool:
    """Return True for an English plural with no determiner ("refugees", "diplomats")."""
    return word.endswith("s") and zipf_english(word) > 0 and inflected(word)


def _wanting(words: Sequence[str], start: int) -> range:
    """Return the positions of whoever wants the document that starts at `start`.

    "my internship wants a police clearance", "boss wangu anataka kra pin": the subject
    before a verb of wanting in the third person, a few content words with their
    determiners, possessives and connectives, back to a verb ("mtoto wangu amefika miaka
    18 anataka kitambulisho": "miaka").
    """
    j = start - 1
    while j >= 0 and words[j] in _DETERMINERS:
        j -= 1
    if j >= 1 and words[j] == "for" and words[j - 1] in _ASKED_FOR:
        j -= 1  # "the school asked for a birth certificate"
    if j < 1 or not _REQUIRES.match(words[j]):
        return range(0)
    verb = j
    k, content = verb - 1, 0
    while k >= 0 and words[k] not in STOPS and words[k] not in _THEY and not _verb(words[k]):
        word = words[k]
        if word in _DETERMINERS:
            k -= 1
            break
        if word not in POSSESSIVES and word not in _OWNED_BY:
            if content == SUBJECT:
                break
            content += 1
        k -= 1
    return range(k + 1, verb)


def _verb(word: str) -> bool:
    """Return True for a Swahili verb in the perfect or the past ("amefika", "nimeapply").

    Only these: the present's and the classes' prefixes begin nouns too ("ulinzi", "kijana").
    """
    return _TOLD.match(word) is not None and zipf_english(word) == 0
