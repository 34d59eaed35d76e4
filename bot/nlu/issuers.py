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
WORK_PERMIT = frozenset(("permit", "permits"))  # after "work"
TOWARD = frozenset(("for", "to", "in", "into", "the", "ya", "kwa", "kwenda", "kuenda",
                    "kuingia", "enter", "visit", "kutembelea", "travel", "kusafiri", "go"))
ANY = "*"  # a body abroad issues whichever document the question asks about
TOWARD_SPAN = 5  # words that may lead from the document to its country ("visa to go to the usa")


def issuers(words: Sequence[str], is_abroad: Callable[[str], bool]) -> dict[str, str]:
    """Return the places abroad in `words` (one clause) that issue a document, with its noun.

    The noun says which document: "i have a nigerian passport, do i need an eta" names
    Nigeria as the passport's maker, which says nothing against the eTA article.
    """
    found = {}
    for i, word in enumerate(words):
        if is_abroad(word):
            document = (_after_connective(words, i) or _before_name(words, i)
                        or _body_of(words, i) or _admits_to(words, i))
            if document:
                found[word] = document if document == ANY else document.removesuffix("s")
    return found


def _after_connective(words: Sequence[str], i: int) -> str:
    """Return the document of "<document> ya <place>" and "certificate cha ndoa cha <place>"."""
    if i < 2 or words[i - 1] not in CONNECTIVES:
        return ""
    if words[i - 2] in DOCUMENT_NOUNS:
        return words[i - 2]
    if (i >= 4 and words[i - 2] in NAME_WORDS and words[i - 3] in CONNECTIVES
            and words[i - 4] in DOCUMENT_NOUNS):
        return words[i - 4]
    return ""


def _before_name(words: Sequence[str], i: int) -> str:
    """Return the document of "<place> [birth] certificate": the place names its maker."""
    for word in words[i + 1:]:
        if word in DOCUMENT_NOUNS:
            return word
        if word not in NAME_WORDS:
            return ""
    return ""


def _body_of(words: Sequence[str], i: int) -> str:
    """Return ANY for "from [the] <place> police": the body makes the document asked about."""
    before = [w for w in words[max(0, i - 2):i] if w != "the"]
    if before and before[-1] in FROM and i + 1 < len(words) and words[i + 1] in BODIES:
        return ANY
    return ""


def _admits_to(words: Sequence[str], i: int) -> str:
    """Return the document of "visa for <place>", "viza ya kwenda <place>", "work permit in"."""
    for j in range(i - 1, max(-1, i - 1 - TOWARD_SPAN), -1):
        word = words[j]
        if word in ADMITS or (word in WORK_PERMIT and j > 0 and words[j - 1] == "work"):
            # the document must lead to the place, not stand beside it
            return word if j < i - 1 else ""
        if word not in TOWARD:
            return ""
    return ""
