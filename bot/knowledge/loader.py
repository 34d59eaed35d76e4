"""Load FAQ articles and intent examples that editors keep under `knowledge/`."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from bot.core.ports import Article
from bot.core.vocabulary import Vocabulary, parse_vocabulary
from bot.knowledge.article import LANGUAGES, load_article, split_front_matter
from bot.knowledge.elsewhere import ELSEWHERE_FILE, ElsewhereService, load_elsewhere
from bot.knowledge.problems import Problem
from bot.knowledge.yaml_pitfalls import cut_at_hash, yaml_problem
from common import yaml_read

logger = logging.getLogger(__name__)
VOCABULARY_FILE = "vocabulary.yaml"

__all__ = ["LANGUAGES", "IntentExamples", "Knowledge", "Lexicon", "Problem", "load_article",
           "load_knowledge", "load_vocabulary", "split_front_matter"]


@dataclass(frozen=True, slots=True)
class IntentExamples:
    """Example phrasings of a built-in intent in one language."""

    intent: str
    language: str
    examples: tuple[str, ...]
    path: str = ""


@dataclass(frozen=True, slots=True)
class Lexicon:
    """Spelling fixes and synonym groups used to normalise citizens' text."""

    spellings: Mapping[str, str] = field(default_factory=dict)
    synonyms: tuple[tuple[str, ...], ...] = ()


@dataclass(frozen=True, slots=True)
class Knowledge:
    """Everything loaded from the knowledge folder, with the problems found on the way."""

    articles: Mapping[tuple[str, str], Article]
    intents: tuple[IntentExamples, ...]
    lexicon: Lexicon
    problems: tuple[Problem, ...] = ()
    vocabulary: Vocabulary | None = None  # as read from vocabulary.yaml; None: no such file
    elsewhere: tuple[ElsewhereService, ...] = ()  # other agencies' services (elsewhere.yaml)
    # Derived once: each article in its first language (the fallback), keyed in id order.
    # Handlers ask for names that are no article on every turn ("is this intent mine?"); a
    # sort of every article per question grew with the knowledge base.
    _fallback: Mapping[str, Article] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        fallback: dict[str, Article] = {}
        for (article_id, _), article in sorted(self.articles.items(), key=lambda i: i[0]):
            fallback.setdefault(article_id, article)
        object.__setattr__(self, "_fallback", fallback)

    def article(self, article_id: str, language: str) -> Article | None:
        """Return the article in `language`, falling back to any other language."""
        found = self.articles.get((article_id, language))
        return found if found is not None else self._fallback.get(article_id)

    def article_ids(self) -> Sequence[str]:
        """Return the ids of every article, sorted."""
        return list(self._fallback)

    def usable_vocabulary(self) -> Vocabulary | None:
        """Return the folder's vocabulary when its file has no errors, else None."""
        if self.vocabulary is None or any(p.path == self.vocabulary.path for p in self.errors):
            return None
        return self.vocabulary

    @property
    def errors(self) -> list[Problem]:
        """Return the problems that make a file unusable."""
        return [p for p in self.problems if p.severity == "error"]


def load_knowledge(root: Path) -> Knowledge:
    """Load `root/faq/*.md`, `root/intents/*.yaml`, the lexicon, vocabulary and elsewhere."""
    problems: list[Problem] = []
    articles: dict[tuple[str, str], Article] = {}
    if not root.is_dir():
        problems.append(Problem(str(root), 1, "the knowledge folder does not exist: check the "
                                "path given with --knowledge or in MSAIDIZI_KNOWLEDGE_DIR"))
        return Knowledge(articles, (), Lexicon(), tuple(problems))
    if not (root / "faq").is_dir():
        problems.append(Problem(str(root / "faq"), 1, "there is no faq folder: articles go in "
                                "faq/<id>.en.md and faq/<id>.sw.md inside the knowledge folder"))
    for path in sorted((root / "faq").glob("*.md")):
        article = load_article(path, problems)
        if article is not None:
            articles[(article.id, article.language)] = article
    intents = tuple(_load_intents(sorted((root / "intents").glob("*.yaml")), problems))
    lexicon = _load_lexicon(root / "lexicon.yaml", problems)
    vocabulary = load_vocabulary(root / VOCABULARY_FILE, problems)
    elsewhere = load_elsewhere(root / ELSEWHERE_FILE, problems)
    return Knowledge(articles, intents, lexicon, tuple(problems), vocabulary, elsewhere)


def _read_yaml(path: Path, problems: list[Problem]) -> tuple[object, list[str]] | None:
    """Parse a whole YAML file; record unreadable lines and texts a '#' cuts short."""
    text = path.read_text(encoding="utf-8")
    try:
        data = yaml_read.safe_load(text)
    except yaml.YAMLError as exc:
        line, message = yaml_problem(exc, 1, text)
        problems.append(Problem(str(path), line, f"cannot read the file: {message}"))
        return None
    for cut in cut_at_hash(text, 1):
        problems.append(Problem(str(path), cut.line, f"this text is cut at '#': it reads "
                                f"{cut.kept!r} and drops {cut.dropped!r}. Put the whole text in "
                                "double quotes, or move a comment to a line of its own"))
    return data, text.splitlines()


def _load_intents(paths: Iterable[Path], problems: list[Problem]) -> Iterable[IntentExamples]:
    """Parse `<intent>.<lang>.yaml` files of built-in intent examples."""
    for path in paths:
        stem, _, lang = path.stem.rpartition(".")
        read = _read_yaml(path, problems)
        if read is None:
            continue
        data, lines = read
        examples = data.get("examples") if isinstance(data, dict) else None
        if lang not in LANGUAGES or not isinstance(examples, list):
            problems.append(Problem(str(path), 1, "the file must be named <intent>.en.yaml or "
                                    "<intent>.sw.yaml and hold a list 'examples:'"))
            continue
        for example in examples:
            if not isinstance(example, str):  # "report: ..." unquoted is read as a mapping
                problems.append(Problem(str(path), _line_of(lines, example),
                                        f"the example {example!r} is not plain text: put the "
                                        "whole example in double quotes"))
        yield IntentExamples(stem, lang, tuple(e.strip() for e in examples
                                               if isinstance(e, str) and e.strip()), str(path))


def _line_of(lines: Sequence[str], value: object) -> int:
    """Return the 1-based line of the list item that YAML read as `value`, or 1."""
    first = next(iter(value), "") if isinstance(value, dict) else str(value)
    return next((i + 1 for i, line in enumerate(lines)
                 if line.lstrip().startswith("-") and str(first) in line), 1)


def load_vocabulary(path: Path, problems: list[Problem]) -> Vocabulary | None:
    """Parse the assistant's command and signal words (None when there is no such file)."""
    if not path.exists():
        return None
    if _read_yaml(path, problems) is None:  # unreadable: the problem names the opening line
        return None
    vocabulary, issues = parse_vocabulary(path.read_text(encoding="utf-8"), str(path))
    problems += [Problem(str(path), issue.line, issue.message) for issue in issues]
    return vocabulary


def _load_lexicon(path: Path, problems: list[Problem]) -> Lexicon:
    """Parse the spelling and synonym lists; an absent file means no normalisation data.

    A lexicon of the wrong shape would silently switch normalisation off and answers would get
    worse with no message, so every shape mistake is reported on its line.
    """
    if not path.exists():
        return Lexicon()
    read = _read_yaml(path, problems)
    if read is None or read[0] is None:
        return Lexicon()
    data, lines = read
    where = str(path)

    def line_of(text: str) -> int:
        return next((i for i, line in enumerate(lines, start=1) if text in line), 1)

    if not isinstance(data, dict):
        problems.append(Problem(where, 1, "the lexicon must hold 'spellings:' (one 'typo: word' "
                                "per line) and 'synonyms:' (a list of [word, variant, ...])"))
        return Lexicon()
    raw_spellings = data.get("spellings") or {}
    if not isinstance(raw_spellings, dict):
        problems.append(Problem(where, line_of("spellings:"), "'spellings:' must list one "
                                "'typo: word' per line, indented under it"))
        raw_spellings = {}
    spellings = {str(k).lower(): str(v).lower() for k, v in raw_spellings.items()}
    groups = []
    for group in data.get("synonyms") or ():
        if isinstance(group, list):
            if group:
                groups.append(tuple(str(w).lower() for w in group))
            continue
        problems.append(Problem(where, line_of(str(group)), "each synonym group must be a list "
                                "in brackets, for example: - [passport, pasipoti, pasipoti ya "
                                "kusafiria]"))
    return Lexicon(spellings, tuple(groups))
