"""Whose document a question asks about: a country that issues it, or a place in the story.

Where a citizen is or travels never names the service ("nikiwa Dubai", "a passport to travel
to Tanzania", "I live in Uganda, how do I renew my Kenyan passport"), so places weigh nothing
in the coverage check. A place abroad that issues the document is another matter: "cheti cha
kuzaliwa cha Tanzania", "pasipoti ya Uganda", "a Congo passport", "a police clearance from the
Uganda police" ask for another country's document, which no article of a Kenyan portal covers.
Grammar tells the two apart, after the normaliser ("cheti cha kuzaliwa" is "birth
certificate" by then):

* Swahili: the place follows a connective ("ya", "cha", ...) of the document, directly or
  through a word of the document's own name, a possessive or a person ("certificate cha ndoa
  cha tanzania", "pasipoti yangu ya tanzania", "leseni ya mke wangu ya uganda");
* English: the place stands before the document's name, with only words of that name between
  ("uganda passport", "sudan birth certificate", "Tanzania's birth certificate"), unless a
  locative puts the citizen there ("nikiwa uingereza kitambulisho kimepotea", "in the uk,
  passport expired"); it follows its "of" ("passport of uganda"), or names the body a
  document comes from ("from the uganda police");
* either: the document comes from the place ("a birth certificate from Tanzania", "cheti
  kutoka uganda", "issued in/by uganda", "tulichopata tanzania"), unless renewing, applying
  for or replacing it governs the document ("renew my passport from Dubai": the citizen is
  there);
* a visa or a work permit admits to a country: the one it is for is its issuer ("visa for
  canada", "viza ya kwenda dubai", "work permit in qatar"), while a passport for a journey
  is still ours.

A place after any other word ("kwenda Tanzania" with a passport, "stolen in Kampala",
"reported to Kampala police") is where the story happens, never the issuer.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Sequence

from bot.nlu.word_forms import OF_A_PLACE, POSSESSIVES, named_in

# The nouns of documents a state issues, after the normaliser ("pasipoti" -> "passport",
# "kitambulisho" -> "id", "cheti cha tabia njema" -> "good conduct").
DOCUMENT_NOUNS = frozenset((
    "passport", "passports", "id", "ids", "certificate", "certificates", "cert", "visa",
    "visas", "eta", "licence", "licences", "license", "licenses", "leseni", "permit",
    "permits", "kibali", "vibali", "conduct", "clearance", "logbook", "deed"))
# A card is a document only after one ("id card", "the ID card of Uganda"): alone it is as
# often a bank card ("can I pay with a UK card").
CARDS = frozenset(("card", "cards", "kadi"))
_CERTIFICATES = frozenset(("certificate", "certificates", "cert"))
_LICENCES = frozenset(("licence", "licences", "license", "licenses", "leseni", "permit",
                       "permits"))
_PERMITS = frozenset(("permit", "permits", "kibali", "vibali", "visa", "visas"))
_CARDS = frozenset(("id", "ids"))
# The words a document's name holds besides its noun, in either language ("uganda smart
# driving licence", "cheti cha ndoa cha tanzania"), each with the nouns it names: only these
# may stand between the place and the noun, so "niko dubai na passport yangu" (I am in
# Dubai, and my passport), "pasipoti ya safari ya uganda" (a passport for the trip to Uganda)
# and "good conduct cha kazi ya qatar" (for a job in Qatar: "kazi" names a work permit, not a
# certificate of good conduct) name no issuer.
NAME_WORDS: dict[str, frozenset[str]] = {
    **dict.fromkeys(("birth", "death", "marriage", "ndoa", "kifo", "kuzaliwa"), _CERTIFICATES),
    **dict.fromkeys(("driving", "kuendesha"), _LICENCES),
    **dict.fromkeys(("work", "kazi", "residence"), _PERMITS),
    **dict.fromkeys(("national", "identity"), _CARDS),
    "smart": _LICENCES | _CARDS,
    "good": frozenset(("conduct",)),
    "tabia": frozenset(("conduct",)),
    "njema": frozenset(("conduct",)),
    "police": frozenset(("conduct", "clearance", *_CERTIFICATES)),
    "title": frozenset(("deed",)),
    "e": frozenset(("visa", "visas", "id", "passport")),
}
# The bodies a document comes from: "from the uganda police", "from the tanzania government".
BODIES = frozenset(("police", "government", "embassy"))
FROM = frozenset(("from", "kutoka", "toka"))
ISSUED = frozenset(("issued",))  # "issued in uganda", "issued by tanzania", "that uganda issued"
_ISSUED_BY = frozenset(("in", "by", "from"))
# "tulichopata tanzania", "niliyopewa uganda", "iliyotolewa kenya": which we got, were given
# or which was issued there.
_GOT_THERE = re.compile(r"^(?:ni|u|a|tu|m|wa|i|li|ki|vi|zi|ya)li(?:cho|yo|lo|vyo|zo|po)"
                        r"(?:pata|pewa|tolewa|toa)$")
# Renewing, applying for or replacing a document from a place: the citizen is there.
GOVERNS = frozenset(("renew", "renewal", "renewing", "apply", "applying", "application",
                     "replace", "replacing", "replacement"))
_BEFORE_DOCUMENT = frozenset(("my", "a", "an", "the", "our", "his", "her", "their", "new",
                              "for"))
# Where the citizen is: "nikiwa uingereza kitambulisho kimepotea", "in the uk passport
# expired". A place after one is never the maker of a document that follows it.
LOCATIVES = frozenset(("in", "at", "niko", "nikiwa", "tuko", "tukiwa", "yuko", "akiwa", "uko",
                       "ukiwa", "wako", "wakiwa", "kule", "huko", "while", "living", "based"))
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
WALK = 6  # words a document may stand back from its place ("leseni ya mke wangu ya uganda")
# Kenya and its people: a document called Kenyan is ours whoever else the question names.
_KENYA = frozenset(("kenya",))
_KENYAN = frozenset(("kenyan", "kenyans"))

# A nationality said of someone else ("my wife is ugandan", "married to a tanzanian", "mke
# wangu ni mganda", "kuoa mtanzania") is the story, unless the question then asks about that
# person's own document ("she", "her", "yake", "anataka"): see `bystanders`.
_IS = frozenset(("is", "was", "ni"))
_A = frozenset(("a", "an", "the"))
_OWNERS = frozenset(("my", "our"))
_MARRIED = re.compile(r"^(?:married|marry|marrying"
                      r"|(?:ku|ni|a|tu|wa)(?:me|li|ta|na)?o(?:a|ana|lewa))$")
_TO = frozenset(("to", "na"))
_HIS_OR_HER_VERB = r"a(?:na|li|me|ta|ka)[a-z]{3,}"  # "anataka", "amepoteza"
_THIRD_PERSON_VERB = re.compile(rf"^{_HIS_OR_HER_VERB}$")
_THIRD_PERSON = re.compile(r"^(?:he|she|his|her|hers|him|they|their|them"
                           rf"|(?:y|w|z|l|ch|vy|kw|p|mw)ake|{_HIS_OR_HER_VERB})$")


def is_kenyan(word: str) -> bool:
    """Return True for Kenya and its people ("Kenyan", "Mkenya", "Wakenya", "kikenya")."""
    return word in _KENYAN or named_in(word, _KENYA, OF_A_PLACE)


def issuers(words: Sequence[str], is_abroad: Callable[[str], bool],
            people: Collection[str] = ()) -> dict[str, str]:
    """Return the places abroad in `words` (one clause) that issue a document, with its noun.

    The noun says which document: "i have a nigerian passport, do i need an eta" names
    Nigeria as the passport's maker, which says nothing against the eTA article. `people`
    ("mke", "baba") may stand with their possessive between a document and its place.
    """
    found = {}
    for i, word in enumerate(words):
        if is_abroad(word):
            document = (_after_connective(words, i, people) or _before_name(words, i)
                        or _body_of(words, i) or _issued_from(words, i, people)
                        or _admits_to(words, i))
            if document:
                found[word] = document if document == ANY else document.removesuffix("s")
    return found


def _document_at(words: Sequence[str], j: int, people: Collection[str]) -> int:
    """Return where the document that `words[j]` ends stands, stepping back over its name.

    "certificate cha ndoa", "passport yangu", "licence ya mke wangu", "birth certificate":
    each name word must name that document; -1 when `words[j]` ends none.
    """
    names: list[str] = []
    for _ in range(WALK):
        if j < 0:
            return -1
        word = words[j]
        if word in DOCUMENT_NOUNS:
            return j if all(word in NAME_WORDS[n] for n in names) else -1
        if word in POSSESSIVES or (word in CARDS and j > 0 and words[j - 1] in DOCUMENT_NOUNS):
            j -= 1
        elif (word in NAME_WORDS or word in people) and j > 0 and words[j - 1] in CONNECTIVES:
            names += [word] if word in NAME_WORDS else []
            j -= 2  # "cha ndoa", "ya mke"
        else:
            return -1
    return -1


def _after_connective(words: Sequence[str], i: int, people: Collection[str]) -> str:
    """Return the document of "<document> ya <place>" and "certificate cha ndoa cha <place>"."""
    at = _document_at(words, i - 2, people) if i >= 2 and words[i - 1] in CONNECTIVES else -1
    return words[at] if at >= 0 else ""


def _before_name(words: Sequence[str], i: int) -> str:
    """Return the document of "<place> [birth] certificate": the place names its maker.

    Not after a locative: "nikiwa uingereza kitambulisho kimepotea" is where the citizen is.
    """
    j = i - 1 - (i > 0 and words[i - 1] == "the")
    if j >= 0 and words[j] in LOCATIVES:
        return ""
    names: list[str] = []
    rest = words[i + 1:]
    if rest[:1] == ["s"]:  # "Tanzania's", its apostrophe gone
        rest = rest[1:]
    for word in rest:
        if word in DOCUMENT_NOUNS:
            return word if all(word in NAME_WORDS[n] for n in names) else ""
        if word not in NAME_WORDS:
            return ""
        names.append(word)
    return ""


def _body_of(words: Sequence[str], i: int) -> str:
    """Return ANY for "from [the] <place> police": the body makes the document asked about."""
    before = [w for w in words[max(0, i - 2):i] if w != "the"]
    if before and before[-1] in FROM and i + 1 < len(words) and words[i + 1] in BODIES:
        return ANY
    return ""


def _issued_from(words: Sequence[str], i: int, people: Collection[str]) -> str:
    """Return the document of "<document> from/kutoka/issued in <place>".

    Not when renewing, applying for or replacing it governs the document: "renew my passport
    from Dubai" is the citizen's own, asked for from where they are.
    """
    j = i - 1 - (i > 0 and words[i - 1] == "the")
    if j < 0:
        return ""
    if words[j] in FROM or _GOT_THERE.match(words[j]):
        j -= 1 + (j > 0 and words[j - 1] in ISSUED)
    elif words[j] in _ISSUED_BY and j > 0 and words[j - 1] in ISSUED:
        j -= 2
    elif words[j] in ("that", "which") and i + 1 < len(words) and words[i + 1] in ISSUED:
        j -= 1  # "a passport that uganda issued me"
    else:
        return ""
    at = _document_at(words, j, people)
    if at < 0:
        return ""
    k = at  # the verb stands before the document's name and determiners: "renew my e passport"
    while k > 0 and (words[k - 1] in _BEFORE_DOCUMENT or words[k - 1] in NAME_WORDS):
        k -= 1
    return "" if k > 0 and words[k - 1] in GOVERNS else words[at]


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


def bystanders(clauses: Sequence[Sequence[str]], is_nationality: Callable[[str], bool],
               people: Collection[str]) -> set[str]:
    """Return the nationalities that say who someone is, not whose document is asked for.

    In a clause that also calls someone Kenyan ("I am a Kenyan of Somali origin", "my
    Ugandan wife is a Kenyan citizen now"), or said of a relative or a spouse when no third
    person then holds the document ("how do I get a marriage certificate, my wife is
    ugandan"; not "my wife is ugandan, how does she renew her passport").
    """
    found: set[str] = set()
    third_person = any(_refers_back(words, i, people) for words in clauses
                       for i in range(len(words)))
    for words in clauses:
        kenyan = any(w != "kenya" and is_kenyan(w) for w in words)
        for i, word in enumerate(words):
            if is_nationality(word) and (
                    kenyan or (not third_person and _of_someone_else(words, i, people))):
                found.add(word)
    return found


def _refers_back(words: Sequence[str], i: int, people: Collection[str]) -> bool:
    """Return True for "she", "her", "yake", or a verb of his or hers with no subject named.

    "mke wangu ni mganda, anataka kurenew pasipoti": she wants it renewed; "mtoto wetu
    anahitaji cheti": the child, named, needs it.
    """
    if not _THIRD_PERSON.match(words[i]):
        return False
    if not _THIRD_PERSON_VERB.match(words[i]):
        return True
    k = i - 1
    while k > 0 and words[k] in POSSESSIVES:
        k -= 1
    return k < 0 or words[k] not in people


def _of_someone_else(words: Sequence[str], i: int, people: Collection[str]) -> bool:
    """Return True for "<relative> is <nationality>" and "married to <nationality>"."""
    k = i - 1
    while k >= 0 and words[k] in _A:
        k -= 1
    if k >= 0 and words[k] in _TO:
        k -= 1
    if k >= 0 and _MARRIED.match(words[k]):
        return True
    if k < 1 or words[k] not in _IS:
        return False
    k -= 1
    while k > 0 and (words[k] in POSSESSIVES or words[k] in _OWNERS):
        k -= 1
    return words[k] in people
