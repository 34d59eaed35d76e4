"""The vocabulary: a word listed twice, or claimed by two meanings of one group, is an error."""

from __future__ import annotations

from collections.abc import Iterable

from bot.core.vocabulary import MEANINGS, Vocabulary, Word
from bot.knowledge.loader import Knowledge, Problem


def vocabulary_problems(knowledge: Knowledge) -> Iterable[Problem]:
    """Yield the duplicates and the words two meanings of one group both claim."""
    vocabulary = knowledge.vocabulary
    if vocabulary is None:
        return
    for group, meanings in MEANINGS.items():
        yield from _group_problems(vocabulary, group, meanings)


def _group_problems(vocabulary: Vocabulary, group: str,
                    meanings: tuple[str, ...]) -> Iterable[Problem]:
    """Check one group: every word belongs to one meaning, once."""
    seen: dict[str, tuple[str, Word]] = {}
    for meaning in meanings:
        for word in vocabulary.words(meaning):
            key = _key(word)
            if key in seen:
                other_meaning, other = seen[key]
                yield Problem(vocabulary.path, word.line, _claimed(word, meaning, other,
                                                                    other_meaning))
                continue
            seen[key] = (meaning, word)
    stems = [(meaning, word) for meaning, word in seen.values() if word.any_ending]
    for meaning, word in seen.values():
        for stem_meaning, stem in stems:
            if stem_meaning != meaning and _covers(stem, word):
                yield Problem(vocabulary.path, word.line,
                              f"{word.text!r} in {group}/{meaning} is also found by "
                              f"{stem.text!r} of {stem_meaning} (line {stem.line}): a message "
                              "with it would mean both. Keep the word in one meaning, or "
                              "replace the '*' word by the whole words it should find")


def _key(word: Word) -> str:
    """Return what makes two entries the same word: folded text and the any-ending mark."""
    return word.folded + ("*" if word.any_ending else "")


def _covers(stem: Word, word: Word) -> bool:
    """Return True when the '*' word `stem` also matches `word`."""
    return word.folded.startswith(stem.folded) and word is not stem


def _claimed(word: Word, meaning: str, other: Word, other_meaning: str) -> str:
    """Return the message for a word written twice, in one meaning or in two."""
    if meaning == other_meaning:
        return (f"{word.text!r} is listed twice in {meaning} (also line {other.line}): "
                "keep one")
    return (f"{word.text!r} is claimed by {meaning} and by {other_meaning} (line {other.line}):"
            " the assistant cannot tell which is meant. Keep it in one meaning only")
