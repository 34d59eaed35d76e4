"""Whose document a question asks about: a country that issues it, or a place in the story.

Where a citizen is or travels never names the service ("nikiwa Dubai", "a passport to travel
to Tanzania", "I live in Uganda, how do I renew my Kenyan passport"), so places weigh nothing
in the coverage check. A place abroad that issues the document is another matter: "cheti cha
kuzaliwa cha Tanzania", "pasipoti ya Uganda", "a Congo passport", "a police clearance from the
Uganda police" ask for another country's document, which no article of a Kenyan portal covers.
Grammar tells the two apart, after the normaliser ("cheti cha kuzaliwa" is "birth
certificate" by then):

* Swahili: the place follows a connective ("ya", "cha", ...) of the document, directly or
  through a word of the document's name ("certificate cha ndoa cha tanzania");
* English: the place stands before the document's name, with only words of that name between
  ("uganda passport", "sudan birth certificate"), follows its "of" ("passport of uganda"), or
  names the body a document comes from ("from the uganda police");
* a visa or a work permit admits to a country: the one it is for is its issuer ("visa for
  canada", "viza ya kwenda dubai", "work permit in qatar"), while a passport for a journey
  is still ours.

A place after any other word ("kwenda Tanzania" with a passport, "stolen in Kampala",
"reported to Kampala police") is where the story happens, never the issuer.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

# The nouns of documents a state issues, after the normaliser ("pasipoti" -> "passport",
# "kitambulisho" -> "id", "cheti cha tabia njema" -> "good conduct").
DOCUMENT_NOUNS = frozenset((
    "passport", "passports", "id", "ids", "certificate", "certificates", "cert", "visa",
    "visas", "eta", "licence", "licences", "license", "licenses", "leseni", "permit",
    "permits", "kibali", "vibali", "card", "kadi", "conduct", "clearance", "logbook", "deed"))
# The words a document's name holds besides its noun, in either language ("uganda smart
# driving licence", "cheti cha ndoa cha tanzania"): only these may stand between the place
# and the noun, so "niko dubai na passport yangu" (I am in Dubai, and my passport) and
# "pasipoti ya safari ya uganda" (a passport for the trip to Uganda) name no issuer.
NAME_WORDS = frozenset((
    "birth", "death", "marriage", "driving", "smart", "good", "work", "national", "identity",
    "title", "police", "e", "ndoa", "kifo", "kuzaliwa", "kuendesha", "kazi", "tabia", "njema"))
# The bodies a document comes from: "from the uganda police", "from the tanzania government".
BODIES = frozenset(("police", "government", "embassy"))
FROM = frozenset(("from",))
# Swahili connectives of the noun classes documents take: "pasipoti ya", "cheti cha",
# "vyeti vya"; and the English "of".
CONNECTIVES = frozenset(("ya", "za", "cha", "vya", "la", "of"))
# Documents that admit to a country, and the words that lead from one to that country.
ADMITS = frozenset(("visa", "visas", "eta"))
TOWARD = frozenset(("for", "to", "in", "into", "the", "ya", "kwa", "kwenda", "kuenda",
                    "kuingia", "enter", "visit", "kutembelea", "travel", "kusafiri", "go"))
TOWARD_SPAN = 5  # words that may lead from the document to its country ("visa to go to the usa")


def issuers(words: Sequence[str], is_abroad: Callable[[str], bool]) -> set[str]:
    """Return the places abroad in `words` (one clause) that issue the document it names."""
    return {word for i, word in enumerate(words)
            if is_abroad(word) and (_after_connective(words, i) or _before_name(words, i)
                                    or _body_of(words, i) or _admits_to(words, i))}


def _after_connective(words: Sequence[str], i: int) -> bool:
    """Return True for "<document> ya <place>" and "certificate cha ndoa cha <place>"."""
    if i < 2 or words[i - 1] not in CONNECTIVES:
        return False
    if words[i - 2] in DOCUMENT_NOUNS:
        return True
    return (i >= 4 and words[i - 2] in NAME_WORDS and words[i - 3] in CONNECTIVES
            and words[i - 4] in DOCUMENT_NOUNS)


def _before_name(words: Sequence[str], i: int) -> bool:
    """Return True for "<place> [birth] certificate": the place names the document's maker."""
    for word in words[i + 1:]:
        if word in DOCUMENT_NOUNS:
            return True
        if word not in NAME_WORDS:
            return False
    return False


def _body_of(words: Sequence[str], i: int) -> bool:
    """Return True for "from [the] <place> police": the body a document comes from."""
    before = [w for w in words[max(0, i - 2):i] if w != "the"]
    return (bool(before) and before[-1] in FROM and i + 1 < len(words)
            and words[i + 1] in BODIES)


def _admits_to(words: Sequence[str], i: int) -> bool:
    """Return True for "visa for <place>", "viza ya kwenda <place>", "work permit in <place>"."""
    for j in range(i - 1, max(-1, i - 1 - TOWARD_SPAN), -1):
        word = words[j]
        if word in ADMITS or (word == "permit" and j > 0 and words[j - 1] == "work"):
            return j < i - 1  # the document must lead to the place, not stand beside it
        if word not in TOWARD:
            return False
    return False
