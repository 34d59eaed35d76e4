"""Normalise citizens' text before matching: case, accents, punctuation, spellings, synonyms."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping

from bot.nlu.entities import REFERENCE, TICKET, URL
from privacy.redact import EMAIL, MPESA_CODE, PHONE

# ID numbers have 7 to 9 digits; six-digit numbers such as PayBill 222222 carry meaning.
LONG_NUMBER = re.compile(r"(?<![\w-])\d{7,9}(?![\w-])")

# Placeholders keep the *kind* of a value (a reference, a phone) without its digits, which
# are noise for intent matching and personal data besides. The "zz" names share no letters
# with real words, so a placeholder never looks like a keyword of some article.
_PLACEHOLDERS: tuple[tuple[re.Pattern[str], str], ...] = (
    (URL, " zzurl "),
    (EMAIL, " zzemail "),
    (REFERENCE, " zzref "),
    (TICKET, " zzticket "),
    (PHONE, " zzphone "),
    (MPESA_CODE, " zzmpesa "),
    (LONG_NUMBER, " zzidno "),
)
# A Swahili infinitive, habitual or object prefix hyphened onto an English verb in Sheng
# ("ku-apply", "kui-renew", "hu-register") says no more than the English verb does.
_SHENG_PREFIX = re.compile(r"(?<![\w-])(?:ku(?:i|ji|zi|ki|li|mu?|wa)?|hu)-(?=[^\W\d_])",
                           re.IGNORECASE)
# Swahili puts the possessive between a noun and the "of" that names its kind ("neno langu la
# siri", "cheti changu cha kuzaliwa"): a lexicon phrase ("neno la siri") is found across it.
# The possessive goes with it: kept after the canonical form, it pulled questions towards the
# actions ("my payments"), and moved no held-out question the right way.
_POSSESSIVE = "|".join(c + s for c in ("w", "y", "z", "l", "ch", "vy", "k", "p", "m", "kw")
                       for s in ("angu", "ako", "ake", "etu", "enu", "ao"))
_OF = frozenset(("ya", "za", "la", "cha", "vya", "wa"))
_POSSESSIVE_WORD = re.compile(rf" (?:{_POSSESSIVE})(?= )")
# Chat Swahili drops the vowel of a verb's subject prefix ("nmepoteza", "nlifanya",
# "nkiresend", "nfanyeje", "kmepotea") and writes "si" as "c" ("cjapata", "cpati", "cna"):
# the full prefix comes back, so every tense of every verb is read as its standard spelling.
# Swahili starts no word with these letters (n before m, l, k, f, s, p or w; k, z, v or l
# before "me"; c before a consonant and a vowel); "nt" is the coast's future ("ntapata").
_DROPPED_VOWEL = re.compile(r"^(?:n(?=[mlkfspw][aeiou])|([kzvl])(?=me[a-z]{2})"
                            r"|c(?=[jpkwnmt][aeiou]))")
# Swahili writes its velar nasal "ng'" with an apostrophe ("ng'ambo": abroad, "ng'ombe",
# "Murang'a"): it is one letter, so the word stays whole ("muranga", as the places list spells
# it) rather than splitting into "murang" and "a". English "ng's" ("nothing's") is left alone.
_NG = re.compile(r"(?<=ng)['\u2018\u2019`](?=[aeiou])", re.IGNORECASE)
# The coast and careful Swahili write the perfect with "-mekwisha" (has finished) before the
# verb, with or without its "ku": "nimekwisha lipa", "amekwisha kuondoka". It says what
# "nimelipa" says, so the two words become that one, which the lexicon and examples know.
_ALREADY = re.compile(r"\b(ni|u|a|tu|m|mu|wa|i|li|ya|ki|vi|zi)mekwisha (?:ku(?=[a-z]{3}))?"
                      r"(?=[a-z]{2})")
# Chat drops the vowels inside long words too ("kitmbulisho", "pspoti", "cheti cha kzaliwa"):
# a word that is one of the lexicon's long words with vowels left out (its first letter kept,
# at most three missing) is that word. Only a vowel between two consonants: Swahili puts no
# two consonants together there ("tmb", "ps"), while its verb extensions add a vowel beside
# another or a glide ("funga", "fungua": close, open; "fungwa", "fungiwa"; "fika", "fikia").
LONG_WORD = 7
_DROPPED_AT_MOST = 3
_VOWEL_LETTERS = frozenset("aeiou")
_NOT_CONSONANTS = _VOWEL_LETTERS | frozenset("wy")
_NON_WORD = re.compile(r"[^\w\s]|_")
_REPEATS = re.compile(r"([^\W\d_])\1{2,}")  # letters only: 222222 stays a number
_SPACES = re.compile(r"\s+")


def restore_vowels(word: str) -> str:
    """Return a chat-spelled Swahili verb with its subject prefix whole ("nmelipa": "nimelipa")."""
    return _DROPPED_VOWEL.sub(_restored, word, count=1)


def _restored(match: re.Match[str]) -> str:
    if match.group(0) == "c":
        return "si"
    return (match.group(1) or "n") + "i"


# Swahili writes "how" as the enclitic "-je" on the verb ("nitafuatiliaje": how will I follow
# up, "napataje", "tunahamishaje"). Apart, the verb meets the lexicon and the examples that
# write it without "-je" ("kufuatilia", "nitafuatilia"): a subject (with or without a tense),
# the chat present, the coast's future or the habitual before a stem of three letters or more.
_HOW = re.compile(r"^((?:(?:ni|u|a|tu|m|wa|i|li|ya|ki|vi|zi)(?:na|li|me|ta|nge|ka)?|na|nta|hu)"
                  r"[a-z]{3,})je$")


def split_how(word: str) -> tuple[str, ...]:
    """Return a verb and its enclitic "-je" (how) as two words ("napataje": "napata", "je")."""
    match = _HOW.match(word)
    return (word,) if match is None else (match.group(1), "je")


def strip_accents(text: str) -> str:
    """Remove combining accents ("café" -> "cafe")."""
    if text.isascii():  # nearly every text: nothing to decompose
        return text
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


class Normalizer:
    """Turns raw text into the canonical form that both examples and queries are matched in."""

    def __init__(
        self,
        spellings: Mapping[str, str] | None = None,
        synonym_groups: Iterable[Iterable[str]] = (),
    ) -> None:
        self._spellings = {self._basic(k): self._basic(v) for k, v in (spellings or {}).items()}
        canonical = _canonical_forms(
            [[self._basic(w) for w in group if self._basic(w)] for group in synonym_groups]
        )
        canonical = _with_agreement(canonical)
        self._long = _by_skeleton(
            w for words in (self._spellings.values(), canonical, canonical.values())
            for phrase in words for w in phrase.split() if len(w) >= LONG_WORD)
        self._phrases = {k: v for k, v in canonical.items() if " " in k}
        self._words = {k: v for k, v in canonical.items() if " " not in k}
        self._phrase_re = (
            re.compile(r"\b(" + "|".join(map(_phrase_pattern, sorted(self._phrases, key=len,
                                                                       reverse=True))) + r")\b")
            if self._phrases
            else None
        )

    @staticmethod
    def _basic(text: str) -> str:
        """Lower-case, drop accents and punctuation, squeeze letters repeated 3+ times."""
        text = _NG.sub("", strip_accents(text).lower())
        text = _NON_WORD.sub(" ", text)
        text = _REPEATS.sub(r"\1\1", text)
        return _SPACES.sub(" ", text).strip()

    def __call__(self, text: str) -> str:
        """Return the normalised form of `text`."""
        for pattern, token in _PLACEHOLDERS:
            text = pattern.sub(token, text)
        text = _ALREADY.sub(r"\1me", self._basic(_SHENG_PREFIX.sub("", text)))
        words = [self._spellings.get(w) or self._spellings.get(r) or self._voweled(r)
                 for w in text.split() for r in (restore_vowels(w),)]
        words = [part for w in words for part in split_how(w)]
        text = " ".join(words)
        if self._phrase_re is not None:
            text = self._phrase_re.sub(self._canonical_phrase, text)
        if self._words:
            text = " ".join(self._words.get(w, w) for w in text.split())
        return text

    def _voweled(self, word: str) -> str:
        """Return the long lexicon word `word` is with vowels dropped ("kitmbulisho"), or itself."""
        if len(word) < LONG_WORD - _DROPPED_AT_MOST or word in self._words:
            return word
        found = [c for c in self._long.get(skeleton(word), ())
                 if 0 < len(c) - len(word) <= _DROPPED_AT_MOST and c[0] == word[0]
                 and _vowels_dropped(c, word)]
        return found[0] if len(found) == 1 else word

    def _canonical_phrase(self, match: re.Match[str]) -> str:
        """Return the canonical form of a matched phrase, also when a possessive split it."""
        return self._phrases[_POSSESSIVE_WORD.sub("", match.group(1))]


# A Swahili verb agrees with its noun's class: "malipo hayaonyeshi", "pesa haionyeshi",
# "cheti kimeharibika", "vyeti vimeharibika". A lexicon or synonym entry written for one class
# stands for the verb in every class of things (i, u, ya, zi, li, ki, vi), so editors need
# not list each: the negative ("haijalipwa", "hayajalipwa") and the perfect, present and past
# ("imefika", "kimefika"). The persons (ni, a, tu, m, wa) are left alone:
# "nimesahau" is not "amesahau".
_CLASSES = ("i", "u", "ya", "zi", "li", "ki", "vi")
# The tense must be followed by a stem of four letters or more, so that nouns of those
# classes ("kitambulisho", "ulinzi", "kinara") are not taken for verbs.
_AGREEING = re.compile(r"^(?:(ha)(i|u|ya|zi|li|ki|vi)((?:ja|ku|ta)?[a-z]{3,})"
                       r"|()(i|u|ya|zi|li|ki|vi)((?:me|na|li)[a-z]{4,}))$")


def agreeing(word: str) -> tuple[str, ...]:
    """Return `word`, a verb agreeing with a class of things, agreeing with each other class."""
    match = _AGREEING.match(word)
    if match is None:
        return ()
    negative, own, rest = (match.group(1) or match.group(4) or "",
                           match.group(2) or match.group(5), match.group(3) or match.group(6))
    return tuple(negative + c + rest for c in _CLASSES if c != own)


def _with_agreement(canonical: Mapping[str, str]) -> dict[str, str]:
    """Add the other classes' agreement of every verb that starts an entry (never overriding)."""
    found = dict(canonical)
    targets = set(canonical.values())
    for key, value in canonical.items():
        first, _, rest = key.partition(" ")
        for variant in agreeing(first):
            other = f"{variant} {rest}" if rest else variant
            if other not in targets:
                found.setdefault(other, value)
    return found


def _phrase_pattern(phrase: str) -> str:
    """Return the pattern of a phrase; "neno la siri" also matches "neno langu la siri"."""
    first, _, rest = phrase.partition(" ")
    if rest.split(" ", 1)[0] not in _OF:
        return re.escape(phrase)
    return rf"{re.escape(first)}(?: (?:{_POSSESSIVE}))? {re.escape(rest)}"


def skeleton(word: str) -> str:
    """Return the consonants of `word` in order ("lakini", "lkn" and "lakin": "lkn")."""
    return "".join(ch for ch in word if ch not in _VOWEL_LETTERS)


def _by_skeleton(words: Iterable[str]) -> dict[str, tuple[str, ...]]:
    found: dict[str, set[str]] = {}
    for word in words:
        if word.isalpha():
            found.setdefault(skeleton(word), set()).add(word)
    return {k: tuple(sorted(v)) for k, v in found.items()}


def _vowels_dropped(full: str, short: str) -> bool:
    """Return True when `short` is `full` with vowels between consonants left out, only."""
    i = 0
    for at, ch in enumerate(full):
        if i < len(short) and short[i] == ch:
            i += 1
        elif (ch not in _VOWEL_LETTERS or at == 0 or at == len(full) - 1
              or full[at - 1] in _NOT_CONSONANTS or full[at + 1] in _NOT_CONSONANTS):
            return False
    return i == len(short)


def singular(word: str) -> str:
    """Return `word` without an English plural ending ("taxes" -> "tax", "fees" -> "fee")."""
    if word.endswith("es") and len(word) > 4:
        return word[:-2]
    return word.removesuffix("s")


def _canonical_forms(groups: Iterable[list[str]]) -> dict[str, str]:
    """Merge groups that share a word; map every word to its class's canonical form.

    Groups sharing a word are one class (union-find), so two files can never swap or chain
    words ("ada" -> "fee" here, "fee" -> "ada" there). The canonical form is the first word of
    the earliest group, which is why the lexicon's groups are passed first.
    """
    parent: dict[str, str] = {}
    order: dict[str, int] = {}

    def find(word: str) -> str:
        while parent[word] != word:
            parent[word] = parent[parent[word]]
            word = parent[word]
        return word

    for group in groups:
        for word in group:
            parent.setdefault(word, word)
            order.setdefault(word, len(order))
        if not group:
            continue
        head = find(group[0])
        for word in group[1:]:
            root = find(word)
            if root != head:
                first, second = sorted((head, root), key=lambda w: order[w])
                parent[second] = first
                head = first
    return {word: find(word) for word in parent if find(word) != word}
