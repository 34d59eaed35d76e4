"""Tell English from Swahili per message, code-switched and Sheng messages included."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.core.vocabulary import Vocabulary, fold, vocabulary

# Words that weigh for one language, and names both use: knowledge/vocabulary.yaml
# (group language_evidence). The grammar shapes below are structure, not vocabulary.

# Swahili verb morphology: subject + tense marker + stem, e.g. ni-me-sahau, ha-ku-ja, ku-lipa.
_SW_VERB = re.compile(
    r"^(ni|u|a|tu|m|wa|i|zi|ki|vi|li|ya|ku|hu|si|ha|hu|ha[wt]?)"
    r"(na|li|me|ta|ja|nge|ngali|sha|ka|ki)[a-z]{2,}$"
)
_SW_INFINITIVE = re.compile(r"^ku[a-z]{3,}$")
_SW_ENDINGS = re.compile(r"(isha|ishwa|ika|iwa|ewa|eni|wani|anga|ia|ua)$")
_WORD = re.compile(r"[a-z']+")
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
# Words of one or two letters ("of", "na", "ya", "my") are real grammar but too common in
# labels around data ("status of PP-...") to settle a language alone: they weigh half, unless
# the word is the whole message ("hi").
_SHORT_WORD = 2
# A citizen silent this long may no longer read the chat's language first: a push then
# follows the language chosen on the eCitizen profile (a day is also WhatsApp's window).
LONG_SILENCE = timedelta(hours=24)


@dataclass(frozen=True, slots=True)
class Detection:
    """A language guess for one message with the evidence behind it."""

    language: str | None
    confidence: float
    sw_score: float
    en_score: float
    sw_grammar: float = 0.0  # evidence from known words and verb shapes, not spelling alone
    en_grammar: float = 0.0


# The last text's guess: a turn asks twice (settling the language, then matching) in a row.
_last: tuple[Vocabulary, str, Detection] | None = None


def detect_language(text: str) -> Detection:
    """Guess whether `text` is English or Swahili; None when there is no evidence either way."""
    global _last
    vocab, last = vocabulary(), _last
    if last is not None and last[0] is vocab and last[1] == text:
        return last[2]
    detection = _detect(vocab, text)
    _last = (vocab, text, detection)
    return detection


def _detect(vocab: Vocabulary, text: str) -> Detection:
    """Weigh the words of `text` that each language's vocabulary knows, and its verb shapes."""
    swahili, english = vocab.folded("swahili_words"), vocab.folded("english_words")
    shared = vocab.folded("shared_words") | vocab.folded("places") | vocab.folded("abroad")
    lowered = _HYPHENATED.sub(lambda m: m.group(1), text.lower())
    words = [w for w in _WORD.findall(lowered) if w not in shared]
    sw = en = sw_grammar = en_grammar = 0.0
    short = 1.0 if len(_WORD.findall(lowered)) > 1 else 2.0
    for word in words:
        if word in swahili:
            sw += 2.0
            sw_grammar += short if len(word) <= _SHORT_WORD else 2.0
        elif _SW_VERB.match(word) or _SW_INFINITIVE.match(word):
            sw += 1.5
            sw_grammar += 1.5
        elif word in english:
            en += 2.0 if len(word) > 1 else 1.0
            en_grammar += short if len(word) <= _SHORT_WORD else 2.0
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
    return Detection(language, confidence, sw, en, sw_grammar, en_grammar)


def clear_language(detection: Detection) -> str | None:
    """Return the language a message clearly is in, or None when it says too little.

    Clear means a long message with a wide margin, or known words of one language at least
    twice as weighty as those of the other: "habari", "menyu" and "waiting card imepotea"
    are clear; "status of PP-2025-000123", "passport" or "2" are not.
    """
    winner = max(detection.sw_score, detection.en_score)
    if detection.language is not None and detection.confidence >= 0.6 and winner >= 4.0:
        return detection.language
    sw, en = detection.sw_grammar, detection.en_grammar
    if sw >= 1.5 and sw >= 2 * en:
        return "sw"
    if en >= 1.5 and en >= 2 * sw:
        return "en"
    return None


def is_bare_answer(text: str) -> bool:
    """Return True for a message that only answers yes or no ("yes", "sawa", "no thanks").

    Kenyan chats use these across both languages, and they answer our own question: they
    say nothing about the language the citizen wants to be answered in.
    """
    vocab = vocabulary()
    return any(vocab.whole(meaning, around="polite").matches(text) for meaning in ("yes", "no"))


def is_clear(detection: Detection) -> bool:
    """Return True when a detection is strong enough to switch the conversation language."""
    return clear_language(detection) is not None


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


def push_language(*, locale: str, explicit: bool, last_inbound_at: datetime | None,
                  preferred: str | None, now: datetime, silence: timedelta = LONG_SILENCE) -> str:
    """Return the language of a push: the chat's, or the profile's after a long silence.

    A language the citizen asked for holds until they ask for another, pushes included.
    """
    if explicit or preferred is None or preferred not in _NAMES:
        return locale
    if last_inbound_at is not None and now - last_inbound_at <= silence:
        return locale
    return preferred
