"""The glossary: each thing citizens see has one name per language; warn on the others."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from bot.knowledge.loader import Knowledge, Problem
from tools.faq.locate import find_line

# Text in double quotes or backticks is left alone: it names a button or label of a portal
# ("Forgot your password?") exactly as the citizen will see it there. So are placeholders.
_QUOTED = re.compile(r"\"[^\"\n]*\"|`[^`\n]*`|“[^”\n]*”|%\(\w+\)[sd]|\{[^}\n]*\}")


@dataclass(frozen=True, slots=True)
class Term:
    """One glossary entry: the agreed wording per language and the spellings to avoid."""

    id: str
    names: Mapping[str, str]
    avoid: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    note: str = ""


@dataclass(frozen=True, slots=True)
class Glossary:
    """Every term, with compiled patterns for the spellings to avoid."""

    terms: tuple[Term, ...]

    def findings(self, text: str, language: str) -> Iterable[tuple[str, Term]]:
        """Yield (spelling found, term) for every avoided spelling in `text`."""
        plain = _QUOTED.sub(lambda m: " " * len(m[0]), text)
        for term in self.terms:
            for spelling in term.avoid.get(language, ()):
                if _pattern(spelling).search(plain):
                    yield spelling, term


    def misnamed(self, text: str, language: str) -> Iterable[tuple[str, Term, Term]]:
        """Yield (text found, term named, term glossed) where one term is glossed as another.

        "Ada ya huduma (convenience fee)" gives the service fee's Swahili name to the
        convenience fee: each name is in the glossary, so only the pairing shows the mistake.
        """
        if "(" not in text:
            return
        plain = _QUOTED.sub(lambda m: " " * len(m[0]), text)
        other = "sw" if language == "en" else "en"
        named_by = {t.names[language].lower(): t for t in self.terms if t.names.get(language)}
        if not named_by:
            return
        for found in _bracketed(tuple(sorted(named_by, key=len, reverse=True))).finditer(plain):
            named, inside = named_by[found["name"].lower()], found["inside"].lower()
            for glossed in self.terms:
                gloss = glossed.names.get(other, "").lower()
                if glossed is not named and gloss and re.match(
                        rf"{re.escape(gloss)}(?![\w-])", inside):
                    yield f"{found['name']} ({found['inside'][:len(gloss)]})", named, glossed


@functools.lru_cache(maxsize=4)
def _bracketed(names: tuple[str, ...]) -> re.Pattern[str]:
    """Match any of `names` followed by a bracket, capturing the bracket's first words."""
    alternatives = "|".join(re.escape(name) for name in names)
    return re.compile(rf"(?<![\w-])(?P<name>{alternatives})\s*\(\s*(?P<inside>[^)\n]*)",
                      re.IGNORECASE)


def _pattern(spelling: str) -> re.Pattern[str]:
    return re.compile(rf"(?<![\w-]){re.escape(spelling)}(?![\w-])", re.IGNORECASE)


def load_glossary(path: Path) -> Glossary:
    """Read `glossary.yaml`; raise ValueError naming the first problem when it has one."""
    from tools.faq.glossary_file import read_glossary  # reads this module's Term and Glossary

    glossary, problems = read_glossary(path)
    if glossary is None or problems:
        raise ValueError(str(problems[0]))
    return glossary


def glossary_problems(knowledge: Knowledge, glossary: Glossary) -> Iterable[Problem]:
    """Warn where an answer or title uses a spelling the glossary says to avoid."""
    for (_, language), article in sorted(knowledge.articles.items()):
        for text in (article.title, *article.body.splitlines()):
            for spelling, term in glossary.findings(text, language):
                where = find_line(article.path, text, body=text != article.title)
                yield Problem(article.path, where, _advice(spelling, term, language), "warning")
            for found, named, glossed in glossary.misnamed(text, language):
                where = find_line(article.path, text, body=text != article.title)
                yield Problem(article.path, where, _mismatch(found, named, glossed, language),
                              "warning")


def _advice(spelling: str, term: Term, language: str) -> str:
    name = term.names.get(language, "")
    return (f"write {name!r} rather than {spelling!r}: the glossary (knowledge/glossary.yaml, "
            f"term {term.id!r}) names it one way, so citizens see the same word everywhere")


def _mismatch(found: str, named: Term, glossed: Term, language: str) -> str:
    right = glossed.names.get(language, "")
    return (f"{found!r} names one thing after another: {named.names.get(language)!r} is the "
            f"{named.names.get('en', named.id)}, so write {right!r} for the "
            f"{glossed.names.get('en', glossed.id)} (knowledge/glossary.yaml, term "
            f"{glossed.id!r})")


def glossary_texts(glossary: Glossary, texts: Sequence[str], language: str
                   ) -> list[tuple[str, str, str]]:
    """Return (text, words, term id) for each avoided or misnamed term in catalog texts."""
    found = [(text, spelling, term.id) for text in texts
             for spelling, term in glossary.findings(text, language)]
    return found + [(text, words, glossed.id) for text in texts
                    for words, _, glossed in glossary.misnamed(text, language)]
