"""Tell English from Swahili per message, code-switched and Sheng messages included."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.core.vocabulary import fold, vocabulary

# Swahili grammar words and frequent chat words. A Swahili frame ("passport yangu iko
# ready?") is what makes a mixed message Swahili, so these weigh more than content words.
_SW_FRAME = {
    "ni", "na", "ya", "wa", "za", "la", "cha", "vya", "kwa", "kwenye", "katika", "hii", "hiyo",
    "hizi", "huo", "hilo", "hapa", "pale", "iko", "ziko", "yuko", "niko", "tuko", "uko", "kuna",
    "yangu", "yako", "yake", "yetu", "yenu", "langu", "lako", "lake", "changu", "chako", "wangu",
    "wako", "zangu", "zako", "bado", "sasa", "tafadhali", "naomba", "nataka", "ninataka",
    "nimesahau", "sijui", "siwezi", "nifanye", "nini", "gani", "je", "vipi", "aje", "wapi",
    "lini", "ngapi", "mangapi", "kiasi", "ama", "au", "lakini", "kama", "pia", "tu", "sana",
    "hapana", "ndio", "ndiyo", "sawa", "asante", "asanteni", "habari", "hujambo", "mambo",
    "niaje", "poa", "karibu", "kwaheri", "samahani", "msaada", "nisaidie", "saidia",
    "mimi", "wewe", "yeye", "sisi", "nyinyi", "wao", "hakuna", "sina", "nina", "ana", "una",
    "jinsi", "namna", "kupata", "kulipa", "kulipia", "kuomba", "kujua", "kubadilisha",
    "kuongea", "kufanya", "kwanza", "tena", "mara", "siku", "leo", "jana", "kesho", "mwezi",
    "wiki", "mwaka", "saa", "pesa", "malipo", "ombi", "maombi", "cheti", "kitambulisho",
    "akaunti", "nambari", "namba", "simu", "nenosiri", "risiti", "huduma", "kuhusu", "ndani",
    "nje", "kila", "sababu", "kwanini", "mbona", "hadi", "mpaka", "tangu", "baada", "kabla",
    "bila", "pamoja", "yote", "wote", "zote", "mtu", "watu", "mhudumu", "kiswahili", "jo",
    "bana", "msee", "doh", "ganji", "form", "fiti", "sare", "wasee", "manze", "ata", "hata",
    "nimelipa", "imekatwa", "imefika", "limefika", "imeshatoka", "naweza", "unaweza",
    "inachukua", "inagharimu", "kinagharimu", "nitapata", "nipate", "nilipe", "nini?",
}
_EN_FRAME = {
    "the", "a", "an", "is", "are", "was", "were", "am", "be", "been", "to", "of", "in", "on",
    "for", "with", "my", "your", "his", "her", "our", "their", "i", "you", "he", "she", "we",
    "they", "it", "this", "that", "these", "those", "what", "how", "when", "where", "why",
    "which", "who", "can", "could", "should", "would", "will", "do", "does", "did", "have",
    "has", "had", "not", "no", "yes", "please", "thanks", "thank", "hello", "hi", "hey",
    "want", "need", "get", "got", "pay", "paid", "check", "apply", "forgot", "lost", "much",
    "many", "long", "take", "takes", "there", "here", "from", "about", "and", "or", "but",
    "if", "so", "me", "help", "still", "yet", "already", "just", "again", "some", "any",
    "tell", "show", "know", "make", "go", "come", "money", "fee", "fees", "cost", "costs",
    "renew", "receive", "received", "change", "speak", "talk", "person", "human", "agent",
    "english", "bye", "goodbye", "morning", "evening", "afternoon", "ok", "okay",
    "doesn't", "don't", "didn't", "can't", "isn't", "i'm", "it's", "what's", "where's",
}
# Swahili verb morphology: subject + tense marker + stem, e.g. ni-me-sahau, ha-ku-ja, ku-lipa.
_SW_VERB = re.compile(
    r"^(ni|u|a|tu|m|wa|i|zi|ki|vi|li|ya|ku|hu|si|ha|hu|ha[wt]?)"
    r"(na|li|me|ta|ja|nge|ngali|sha|ka|ki)[a-z]{2,}$"
)
_SW_INFINITIVE = re.compile(r"^ku[a-z]{3,}$")
_SW_ENDINGS = re.compile(r"(isha|ishwa|ika|iwa|ewa|eni|wani|anga|ia|ua)$")
_WORD = re.compile(r"[a-z']+")
# Names and borrowed words both languages use: no evidence either way ("Huduma Centre",
# "Gava Mkononi", "M-Pesa", "KRA PIN").
_NEUTRAL = {
    "kenya", "huduma", "ecitizen", "citizen", "mkononi", "gava", "mpesa", "pesa", "nairobi",
    "mombasa", "kisumu", "nakuru", "kentrade", "ntsa", "kra", "dci", "brs", "nrb",
    "itax", "paybill", "inua", "jamii", "maisha", "namba", "odpc", "wanjiru", "otp", "pin",
    "sms", "id", "dl", "msaidizi", "safaricom", "airtel", "sacco", "boda", "online", "okay",
}
# Swahili verb prefixes written apart from English stems: "ku-apply", "ime-reflect".
_HYPHENATED = re.compile(r"\b(ku|ni|na|me|ta|li|ime|ita|ili|ina|ana|wana|tume|nime)-(?=[a-z])")
# Swahili words end in a vowel; English ones mostly do not. Weak evidence, for unknown words.
_ENGLISH_SHAPE = re.compile(
    r"(th|ck|ght|tion|[bcdfgklmnprstvwxz]s|[^aeiou]y|[bcdfgkprstvxz]|ce|re|ge|se)$")
_VOWEL_END = re.compile(r"[aeiou]$")
# A language asked for by name: the meaning in knowledge/vocabulary.yaml, and the command.
_NAMES = {"sw": "swahili", "en": "english"}
_COMMAND = {code: re.compile(rf"/lang\s+{code}\b", re.IGNORECASE) for code in _NAMES}
_COMMAND_WORDS = {"lang", "sw", "en"}


@dataclass(frozen=True, slots=True)
class Detection:
    """A language guess for one message with the evidence behind it."""

    language: str | None
    confidence: float
    sw_score: float
    en_score: float


def detect_language(text: str) -> Detection:
    """Guess whether `text` is English or Swahili; None when there is no evidence either way."""
    lowered = _HYPHENATED.sub(lambda m: m.group(1), text.lower())
    words = [w for w in _WORD.findall(lowered) if w not in _NEUTRAL]
    sw = en = 0.0
    for word in words:
        if word in _SW_FRAME:
            sw += 2.0
        elif _SW_VERB.match(word) or _SW_INFINITIVE.match(word):
            sw += 1.5
        elif word in _EN_FRAME:
            en += 2.0 if len(word) > 1 else 1.0
        elif _SW_ENDINGS.search(word) and not word.endswith(("ia", "ua")):
            sw += 0.5
        elif len(word) >= 4 and _ENGLISH_SHAPE.search(word):
            en += 0.5
        elif len(word) >= 4 and _VOWEL_END.search(word):
            sw += 0.5
    total = sw + en
    if total == 0:
        return Detection(None, 0.0, 0.0, 0.0)
    language = "sw" if sw > en else "en" if en > sw else None
    confidence = abs(sw - en) / total if language else 0.0
    return Detection(language, confidence, sw, en)


def is_clear(detection: Detection) -> bool:
    """Return True when a detection is strong enough to switch the conversation language."""
    winner = max(detection.sw_score, detection.en_score)
    return detection.language is not None and detection.confidence >= 0.6 and winner >= 4.0


def is_indicative(detection: Detection) -> bool:
    """Return True when a detection rests on at least one grammar word, not only word shapes."""
    winner = max(detection.sw_score, detection.en_score)
    return detection.language is not None and detection.confidence >= 0.5 and winner >= 1.5


def explicit_language_request(text: str) -> str | None:
    """Return "sw" or "en" when the message asks for a language ("Kiswahili tafadhali")."""
    stripped = text.strip()
    words = _WORD.findall(stripped.lower())
    if not words or len(words) > 7:
        return None
    vocab = vocabulary()
    request = vocab.folded("request")
    for language, meaning in _NAMES.items():
        name = vocab.anywhere(meaning)
        if name.matches(stripped) or _COMMAND[language].search(stripped):
            rest = [
                w for w in words
                if not name.matches(w) and fold(w) not in request and w not in _COMMAND_WORDS
            ]
            if len(rest) <= 1:
                return language
    return None
