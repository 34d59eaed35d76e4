"""Word forms of English, Swahili and Sheng: stems, affixes, verbs, numbers, possessives.

What a word is, whatever the knowledge says: used by the coverage check (bot.nlu.coverage)
and the index of services handled elsewhere (bot.nlu.elsewhere) to find a word's dictionary
form and to tell grammar and story words from the names of services.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path

from bot.nlu.english_frequency import zipf_english
from bot.nlu.model import stemmed_words

SWAHILI_COUNTS = Path(__file__).resolve().parent / "data" / "swahili_counts.tsv"

KNOWN_BASE = 3.0  # Zipf frequency from which the word left without an ending is a real one

# A Swahili verb form: a tense, habitual, infinitive or negative prefix ("inagharimu",
# "huwekwa", "kumiliki"); the chat present without a subject ("naanzia", "naulizwa"); a
# subject with the subjunctive's -e ("nibofye", "nirekebishe"), and the plural "you" asking for
# me or us ("mnisaidie", "mtuambie": what a citizen asks of an office); a passive ending, also on an
# English stem in Sheng ("kupakiwa", "refundiwa"); the negatives, where "si" (I) and "ha" with
# a class prefix are the subject ("sijapata", "haikuja", "hayajathibitishwa") and the present
# ends in -i ("sipati", "haiendi", "haikubaliki"), or is a place ("haipo": it is not there);
# the coast's future "nta-" ("ntakipata").
# Like English inflected words, verbs rarely name the service.
_NEGATIVE = r"(?:si|hu|ha(?:i|u|ya|wa|li|ki|vi|zi|tu|m)?)"
SWAHILI_VERB = re.compile(r"^(?:(?:ha|si)?(?:ni|u|a|tu|m|wa|i|li|ya|ki|vi|zi|ku)"
                           r"(?:na|li|me|ta|ka|sha|nge|ngali|ki|ja)|ku|hu|haja|hatu|hawa|na|nta"
                           rf"|{_NEGATIVE}(?:ja|ku|ta))"
                           r"[a-z]{3,}$"
                           r"|^(?:si|hu|ha(?:i|u|ya|wa|li|ki|vi|zi|tu|m))[a-z]{2,}i$"
                           r"|^(?:si|ha(?:i|yu|ya|wa|li|ki|vi|zi|tu|m))(?:po|ko|mo)$"
                           r"|^(?:ni|u|a|tu|wa|i|li|ki|vi|zi)[a-z]{3,}e$"
                           r"|^m(?:ni|tu)[a-z]{3,}e$"
                           r"|^[a-z]{3,}[ie]wa$")
# The one-syllable verbs "-ja" (come) and "-na" (have) in the negative ("haiji", "hana",
# "hatuna"): too short for the pattern above, and some are English names ("Hana").
# Their subjunctive too ("tuje": that we come, "nile", "tupe"): a person and the verb alone.
INFINITIVE = re.compile(r"^ku[a-z]{3,}$")  # a Swahili infinitive: "kuchimba", "kuopen"
SHORT_NEGATIVE = re.compile(r"^(?:si|ha(?:i|u|ya|wa|li|ki|vi|tu|m)?)(?:ji|na)$"
                             r"|^(?:ni|u|a|tu|m|wa)(?:je|le|pe|fe|nywe)$")


# Swahili possessives ("wangu", "zenu", "chake"): grammar, never the name of a service.
POSSESSIVES = frozenset(c + s for c in ("w", "y", "z", "l", "ch", "vy", "k", "p", "m", "kw")
                        for s in ("angu", "ako", "ake", "etu", "enu", "ao"))
# Numbers written as words ("eighteen", "kumi na nane") are details, never a service's name.
NUMBER_WORDS = frozenset((
    "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
    "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen",
    "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety", "hundred",
    "thousand", "million", "moja", "mbili", "tatu", "nne", "tano", "sita", "saba", "nane",
    "tisa", "kumi", "ishirini", "thelathini", "arobaini", "hamsini", "sitini", "sabini",
    "themanini", "tisini", "mia", "elfu", "milioni",
    # the coast's spellings, nearer the Arabic ("thalathini": thirty)
    "thalathini", "arbaini", "arubaini", "khamsini"))
# A number agrees with its noun's class ("miaka kumi na minane", "watoto wawili", "vitu
# vitatu"): the class prefix, and "-wili" for "mbili", make it the number word.
_NUMBER_CLASSES = ("mi", "wa", "vi", "ma", "ki", "m")
_NUMBER_ROOTS = frozenset(("moja", "wili", "tatu", "nne", "tano", "nane"))


def is_number(word: str) -> bool:
    """Return True for a number word, bare or agreeing with a class ("minane", "wawili")."""
    return word in NUMBER_WORDS or any(
        word.startswith(c) and word[len(c):] in _NUMBER_ROOTS for c in _NUMBER_CLASSES)

_SUFFIXES = ("je", "ni")  # Swahili enclitics: "napataje" (how do I get), "nyumbani"
# A subject (a person or a class of things) with a tense: "inatransferiwa", "anaapply",
# "wanaomba", "kimeharibika", "itachukua". Each pair, so no person or class is forgotten.
_TENSED = tuple(subject + tense
                for subject in ("ni", "u", "a", "tu", "m", "wa", "i", "li", "ya", "ki", "vi", "zi")
                for tense in ("na", "li", "me", "ta", "ka"))
_PREFIXES = (*_TENSED, "na", "ni",
             "ku", "tu", "ha", "si",  # Sheng verbs built on English stems: "naopen", "kuregister"
             # negatives and the coast's future: "sijapata", "haijaonekana", "ntapata"
             "sija", "siku", "haja", "haija", "hayaja", "hawaja", "hazija", "haku", "haiku", "nta",
             "mni")  # "you (plural), ... me", in polite requests: "mnielekeze", "mnisaidie"
# Sheng also builds verbs on English ones too short for the prefixes above ("nimetry",
# "kubuy", "kudo", "naget", "alipay"): after a verb's prefix, these are the dictionary form.
# Listed, since a class prefix before a short English word is often a Swahili noun ("umeme").
_SHORT_ENGLISH = frozenset(("try", "buy", "do", "get", "pay", "put", "use", "fix", "log",
                            "set", "run"))
_VERB_PREFIXES = (*_TENSED, "ku", "na", "nta", "haku", "haiku", "siku", "sija", "haija")
# Passive endings: "kupakiwa" is "pakia" made passive, "refundiwa" is Sheng for "refunded".
_PASSIVES = ("iwa", "ewa")


# The object a verb carries after its subject and tense, "me" or "us": "ananiuliza" (he asks
# me), "kunielekeza", "mnielekeze" (you, direct me), "tuelekezeni".
_OBJECTS = ("ni", "tu")
_RELATIVES = ("vyo", "cho", "yo", "ye", "lo", "po", "ko", "mo", "zo")  # "niliyolipa": I paid
_PEOPLE = ("wa", "mw", "m")  # a person or people of a place: "Mkenya", "Wamarekani"
# ...and the manner or language of a place too: "kitanzania", "kiganda", "kikenya".
OF_A_PLACE = (*_PEOPLE, "ki")
# "apate" (that he gets): the subjunctive of "pata"; things of a plural class or of "li-"
# too: "malipo yarudishwe" (that the payments be returned), "pesa zirudishwe", "ombi lirudiwe".
_SUBJECTS = ("a", "u", "i", "ya", "zi", "li")


def named_in(word: str, places: frozenset[str], prefixes: tuple[str, ...] = _PEOPLE) -> bool:
    """Return True when `word` is one of `places`, or the name of its people ("Wamarekani").

    `prefixes` may add the manner of a place (`OF_A_PLACE`: "pasipoti ya kiganda").
    """
    rests = [word]
    for prefix in prefixes:
        rest = word.removeprefix(prefix)
        if rest != word and len(rest) >= 4:
            rests += [rest, "u" + rest]
    return any(rest in places for rest in rests)


@lru_cache(maxsize=65536)
def forms(word: str) -> tuple[str, ...]:
    """Return `word` with its stem, and without Swahili affixes, for lookups."""
    found = [word, *stemmed_words(word)]
    bare = next((word[: -len(x)] for x in _SUFFIXES if word.endswith(x) and len(word) > 5), word)
    found += [bare, *stemmed_words(bare)]
    rests = [bare[len(x):] for x in _PREFIXES if bare.startswith(x) and len(bare) - len(x) >= 4]
    rests += [bare[len(x):] for x in _VERB_PREFIXES
              if bare.startswith(x) and bare[len(x):] in _SHORT_ENGLISH]
    rests += [r[len(x):] for r in rests for x in _RELATIVES
              if r.startswith(x) and len(r) - len(x) >= 3]
    rests += [r[len(x):] for r in rests for x in _OBJECTS
              if r.startswith(x) and len(r) - len(x) >= 4]
    for ending in _PASSIVES:
        if bare.endswith(ending) and len(bare) - len(ending) >= 4:
            active = (bare[: -len(ending)], bare[:-2] + "a")  # "refund", "pakia"
            rests += [*active, *(a[len(x):] for a in active for x in _PREFIXES
                                 if a.startswith(x) and len(a) - len(x) >= 4)]
    # The subjunctive and the negative end in -e and -i where the dictionary form ends in -a.
    if bare[-1:] in ("e", "i") and len(bare) >= 5:
        changed = bare[:-1] + "a"
        unprefixed = [changed[len(x):] for x in (*_PREFIXES, *_SUBJECTS)
                      if changed.startswith(x) and len(changed) - len(x) >= 4]
        rests += [changed, *unprefixed, *(r[len(x):] for r in unprefixed for x in _OBJECTS
                                          if r.startswith(x) and len(r) - len(x) >= 4)]
    return tuple(dict.fromkeys([*found, *rests]))


def inflected(word: str) -> bool:
    """Return True when `word` is an English word with an ending over a known base word."""
    for ending in ("ing", "ed", "es", "s"):
        base = word.removesuffix(ending)
        if base == word or len(base) < 3:
            continue
        bases = {base, base + "e", base[:-1] if base[-1:] == base[-2:-1] else base}
        if any(zipf_english(b) >= KNOWN_BASE for b in bases):
            return True
    return False


@lru_cache(maxsize=1)
def swahili_zipf() -> Mapping[str, float]:
    """Return the Zipf frequency of each word of the Swahili counts file."""
    counts: dict[str, int] = {}
    total = 0
    for line in SWAHILI_COUNTS.read_text(encoding="utf-8").splitlines():
        if line.startswith("# total\t"):
            total = int(line.split("\t")[1])
        elif line and not line.startswith("#"):
            word, count = line.split("\t")
            counts[word] = int(count)
    total = total or sum(counts.values()) or 1
    return {w: math.log10(n / total * 1e9) for w, n in counts.items()}
