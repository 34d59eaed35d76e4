"""The words the assistant understands as commands and signals, kept by editors in content.

`knowledge/vocabulary.yaml` lists, per meaning ("cancel", "yes", "frustration", …), the words
and phrases citizens type in English and Swahili. Code names the meanings it needs
(`MEANINGS`) and decides how a meaning is matched (the whole message, its first word, or
anywhere); the file only says which words. Matching ignores case and accents and respects
word boundaries; a word ending in `*` also matches any ending ("hack*" finds "hacked").
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

from common import yaml_read

LANGUAGES = ("en", "sw")
ANY_ENDING = "*"
DEFAULT_FILE = Path(__file__).resolve().parents[2] / "knowledge" / "vocabulary.yaml"

# The meanings the code uses, by group. A word may belong to one meaning of a group only:
# meanings of one group compete for the same message ("yes" or "no", "today" or "yesterday").
MEANINGS: Mapping[str, tuple[str, ...]] = {
    "commands": ("polite", "cancel", "menu", "talk_to_person", "end_chat", "resend_code",
                 "choice_number"),
    "answers": ("yes", "no", "question"),
    "security_report": ("account_takeover", "unauthorised_payment", "phishing", "data_leak",
                        "correction"),
    "language": ("swahili", "english", "request"),
    "when": ("today", "yesterday", "day_before_yesterday", "last_week", "last_month",
             "unknown"),
    "signals": ("frustration",),
    "language_evidence": ("swahili_words", "english_words", "shared_words", "places", "abroad",
                          "nationalities", "people"),
    "routing": ("status", "how_to", "do_it_for_me", "contact_details", "data_use", "see_my_data",
                "erase_my_data", "scam_contact", "collection", "message_link",
                "language_question", "bribery", "portal_place", "complaint_made", "incident",
                "disowned"),
    "coverage": ("vehicles", "documents", "everyday", "calendar"),
}
# Meanings the code compares word by word: a phrase there would never match.
SINGLE_WORDS = frozenset({"request", "swahili_words", "english_words", "shared_words",
                          "places", "abroad", "nationalities", "people",
                          "vehicles", "everyday", "calendar"})


@lru_cache(maxsize=256)
def fold(text: str) -> str:
    """Return `text` without accents, case-folded, with runs of spaces squeezed to one.

    Cached for the few turns in flight: a turn folds its message for every cue it is checked
    against.
    """
    if text.isascii():  # most messages: nothing to decompose (a turn folds dozens of times)
        return " ".join(text.casefold().split())
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(bare.casefold().split())


@dataclass(frozen=True, slots=True)
class Word:
    """One word or phrase of a meaning, with where an editor wrote it."""

    text: str
    language: str
    line: int = 0

    @property
    def folded(self) -> str:
        """Return the word as it is compared: folded, without the any-ending mark."""
        return fold(self.text.removesuffix(ANY_ENDING))

    @property
    def any_ending(self) -> bool:
        """Return True when the word also matches longer words that start with it."""
        return self.text.endswith(ANY_ENDING)

    def pattern(self) -> str:
        """Return the regular expression of the word: spaces match any spacing."""
        body = r"\s+".join(re.escape(part) for part in self.folded.split(" "))
        return body + (r"\w*" if self.any_ending else "")


class WordMatcher:
    """A compiled test of a message against the words of one meaning."""

    def __init__(self, pattern: str | None) -> None:
        self._pattern = re.compile(pattern, re.IGNORECASE) if pattern is not None else None

    def matches(self, text: str) -> bool:
        """Return True when the message (folded like the words) fits the pattern."""
        return self._pattern is not None and self._pattern.search(fold(text)) is not None

    def find(self, text: str) -> re.Match[str] | None:
        """Return the first match in the folded message, or None."""
        return self._pattern.search(fold(text)) if self._pattern is not None else None


@dataclass(frozen=True)
class Vocabulary:
    """Every meaning's words, and the matchers the code builds from them (built once each)."""

    meanings: Mapping[str, tuple[Word, ...]]
    path: str = ""
    _cache: dict[tuple[object, ...], WordMatcher] = field(default_factory=dict, compare=False,
                                                          repr=False)
    _sets: dict[str, frozenset[str]] = field(default_factory=dict, compare=False, repr=False)

    def words(self, meaning: str) -> tuple[Word, ...]:
        """Return the words of `meaning`; none when the file does not list it."""
        return self.meanings.get(meaning, ())

    def folded(self, meaning: str) -> frozenset[str]:
        """Return the folded words of `meaning`, for comparing single words."""
        if meaning not in self._sets:
            self._sets[meaning] = frozenset(w.folded for w in self.words(meaning))
        return self._sets[meaning]

    def _alternatives(self, meaning: str) -> str | None:
        """Return the words of `meaning` as one alternation, longest first."""
        words = sorted(self.words(meaning), key=lambda w: len(w.folded), reverse=True)
        return "|".join(w.pattern() for w in words) if words else None

    def _cached(self, key: tuple[object, ...], build: Callable[[], str | None]) -> WordMatcher:
        """Return the matcher stored under `key`, building and compiling it the first time.

        `build` is called only on a miss: joining a meaning's words into a pattern costs
        more than the match itself, and these matchers are asked for on every turn.
        """
        if key not in self._cache:
            self._cache[key] = WordMatcher(build())
        return self._cache[key]

    def whole(self, meaning: str, *, around: str | None = None,
              end_marks: str = ".!?") -> WordMatcher:
        """Match a message that is only a word of `meaning`, maybe between `around` words."""
        def build() -> str | None:
            options = self._alternatives(meaning)
            extra = self._alternatives(around) if around else None
            before = rf"(?:(?:{extra})\s+)?" if extra else ""
            after = rf"(?:\s+(?:{extra}))?" if extra else ""
            marks = f"[{re.escape(end_marks)}]*" if end_marks else ""
            return rf"^\s*{before}(?:{options}){after}\s*{marks}\s*$" if options else None

        return self._cached(("whole", meaning, around, end_marks), build)

    def starts(self, meaning: str) -> WordMatcher:
        """Match a message whose first words are a word of `meaning`."""
        def build() -> str | None:
            options = self._alternatives(meaning)
            return rf"^\s*(?:{options})(?!\w)" if options else None

        return self._cached(("starts", meaning), build)

    def anywhere(self, meaning: str) -> WordMatcher:
        """Match a message that contains a word of `meaning` as a whole word."""
        def build() -> str | None:
            options = self._alternatives(meaning)
            return rf"(?<!\w)(?:{options})(?!\w)" if options else None

        return self._cached(("anywhere", meaning), build)

    def first_of(self, meanings: tuple[str, ...], text: str) -> str | None:
        """Return the meaning of the earliest (then longest) word of `meanings` in `text`."""
        found: list[tuple[int, int, str]] = []
        for meaning in meanings:
            match = self.anywhere(meaning).find(text)
            if match is not None:
                found.append((match.start(), -len(match.group(0)), meaning))
        return min(found)[2] if found else None


@dataclass(frozen=True, slots=True)
class Issue:
    """A problem in the vocabulary file: the line to look at and what to do."""

    line: int
    message: str


def parse_vocabulary(text: str, path: str = "") -> tuple[Vocabulary, list[Issue]]:
    """Read the vocabulary file's text; return what could be read and the problems found."""
    issues: list[Issue] = []
    try:
        root = yaml_read.compose(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else 1
        issues.append(Issue(line, f"cannot read the file: {getattr(exc, 'problem', exc)}"))
        return Vocabulary({}, path), issues
    meanings: dict[str, tuple[Word, ...]] = {}
    if not isinstance(root, yaml.MappingNode):
        issues.append(Issue(1, "the file must hold groups (commands:, answers:, …) of "
                            "meanings, each with 'en:' and 'sw:' word lists"))
        return Vocabulary({}, path), issues
    for group_key, group_node in _pairs(root):
        group = str(group_key.value)
        if group not in MEANINGS:
            issues.append(Issue(_line(group_key), f"unknown group {group!r}: the groups are "
                                f"{', '.join(MEANINGS)}"))
            continue
        if not isinstance(group_node, yaml.MappingNode):
            issues.append(Issue(_line(group_node), f"{group!r} must hold meanings "
                                f"({', '.join(MEANINGS[group])})"))
            continue
        for meaning_key, meaning_node in _pairs(group_node):
            meaning = str(meaning_key.value)
            if meaning not in MEANINGS[group]:
                issues.append(Issue(_line(meaning_key), f"unknown meaning {meaning!r} in "
                                    f"{group!r}: the assistant understands "
                                    f"{', '.join(MEANINGS[group])}"))
                continue
            meanings[meaning] = tuple(_words(meaning, meaning_node, issues))
        present = {str(k.value) for k, _ in _pairs(group_node)}
        for missing in (m for m in MEANINGS[group] if m not in present):
            issues.append(Issue(_line(group_key), f"the meaning {missing!r} is missing from "
                                f"{group!r}: the assistant needs it (an empty list is allowed)"))
    present_groups = {str(k.value) for k, _ in _pairs(root)}
    for missing in (g for g in MEANINGS if g not in present_groups):
        issues.append(Issue(1, f"the group {missing!r} is missing: the assistant needs it"))
    return Vocabulary(meanings, path), issues


def _pairs(node: yaml.MappingNode) -> Iterator[tuple[yaml.ScalarNode, yaml.Node]]:
    """Yield the (key, value) nodes of a mapping whose keys are plain scalars."""
    for key, value in node.value:
        if isinstance(key, yaml.ScalarNode):
            yield key, value


def _line(node: yaml.Node) -> int:
    """Return the 1-based line where `node` starts."""
    return int(node.start_mark.line) + 1


def _words(meaning: str, node: yaml.Node, issues: list[Issue]) -> Iterator[Word]:
    """Yield the words of one meaning: a mapping of language to a list of texts."""
    if not isinstance(node, yaml.MappingNode):
        issues.append(Issue(_line(node), f"{meaning!r} must have word lists per language: "
                            "'en: [...]' and 'sw: [...]'"))
        return
    for language_key, words_node in _pairs(node):
        language = str(language_key.value)
        if language not in LANGUAGES:
            issues.append(Issue(_line(language_key), f"unknown language {language!r} under "
                                f"{meaning!r}: write 'en' or 'sw' (Sheng goes under 'sw')"))
            continue
        if not isinstance(words_node, yaml.SequenceNode):
            issues.append(Issue(_line(words_node), f"{meaning!r}/{language} must be a list of "
                                "words: [word, another word]"))
            continue
        for item in words_node.value:
            word = _word(item, language, meaning, issues)
            if word is not None:
                yield word


def _word(item: yaml.Node, language: str, meaning: str, issues: list[Issue]) -> Word | None:
    """Return the word an item holds, or None (with an issue) when it cannot be one."""
    text = item.value if isinstance(item, yaml.ScalarNode) else None
    if not isinstance(text, str) or not text.strip():
        issues.append(Issue(_line(item), f"an entry of {meaning!r}/{language} is not a word: "
                            "write plain text, in double quotes if it holds ':' or ','"))
        return None
    word = Word(text.strip(), language, _line(item))
    if meaning in SINGLE_WORDS and " " in word.folded:
        issues.append(Issue(word.line, f"{word.text!r} in {meaning!r}: this meaning is compared "
                            "word by word, so write single words"))
        return None
    if not word.folded or ANY_ENDING in word.text.removesuffix(ANY_ENDING):
        issues.append(Issue(word.line, f"{word.text!r} in {meaning!r}: '*' may only end a "
                            "word, meaning 'and any ending' (hack* finds hacked, hacking)"))
        return None
    return word


_current: Vocabulary | None = None


def read_vocabulary(path: Path) -> Vocabulary:
    """Load the vocabulary file at `path`; raise ValueError when it has problems."""
    vocabulary, issues = parse_vocabulary(path.read_text(encoding="utf-8"), str(path))
    if issues:
        raise ValueError("; ".join(f"{path}:{i.line}: {i.message}" for i in issues))
    return vocabulary


def vocabulary() -> Vocabulary:
    """Return the vocabulary in use: the installed one, else the shipped file, read once."""
    global _current
    if _current is None:
        _current = read_vocabulary(DEFAULT_FILE)
    return _current


def use_vocabulary(words: Vocabulary | None) -> Vocabulary | None:
    """Install `words` for every matcher (None: the shipped file); return the previous one."""
    global _current
    previous, _current = _current, words
    return previous
