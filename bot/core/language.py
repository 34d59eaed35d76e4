"""Tell English from Swahili per message, code-switched and Sheng messages included."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.core.vocabulary import fold, vocabulary

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


@dataclass(frozen=True, slots=True)
class Detection:
    """A language guess for one message with the evidence behind it."""

    language: str | None
    confidence: float
    sw_score: float
    en_score: float


def detect_language(text: str) -> Detection:
    """Guess whether `text` is English or Swahili; None when there is no evidence either way."""
    vocab = vocabulary()
    swahili, english = vocab.folded("swahili_words"), vocab.folded("english_words")
    shared = vocab.folded("shared_words")
    lowered = _HYPHENATED.sub(lambda m: m.group(1), text.lower())
    words = [w for w in _WORD.findall(lowered) if w not in shared]
    sw = en = 0.0
    for word in words:
        if word in swahili:
            sw += 2.0
        elif _SW_VERB.match(word) or _SW_INFINITIVE.match(word):
            sw += 1.5
        elif word in english:
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
