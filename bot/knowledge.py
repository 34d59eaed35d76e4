"""Load FAQ articles and intent examples that editors keep under `knowledge/`."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from bot.core.ports import Article

logger = logging.getLogger(__name__)

LANGUAGES = ("en", "sw")
_FILENAME = re.compile(r"^(?P<slug>[a-z0-9]+(?:-[a-z0-9]+)*)\.(?P<lang>[a-z]{2})\.md$")
_REQUIRED = ("id", "title", "questions", "tags", "agency", "source", "reviewed")


@dataclass(frozen=True, slots=True)
class Problem:
    """Something wrong with a content file, located for the editor."""

    path: str
    line: int
    message: str
    severity: str = "error"

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.severity}: {self.message}"


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

    def article(self, article_id: str, language: str) -> Article | None:
        """Return the article in `language`, falling back to any other language."""
        found = self.articles.get((article_id, language))
        if found is None:
            found = next(
                (a for (aid, _), a in sorted(self.articles.items()) if aid == article_id), None
            )
        return found

    def article_ids(self) -> Sequence[str]:
        """Return the ids of every article, sorted."""
        return sorted({aid for aid, _ in self.articles})

    @property
    def errors(self) -> list[Problem]:
        """Return the problems that make a file unusable."""
        return [p for p in self.problems if p.severity == "error"]


def load_knowledge(root: Path) -> Knowledge:
    """Load `root/faq/*.md`, `root/intents/*.yaml` and `root/lexicon.yaml`."""
    problems: list[Problem] = []
    articles: dict[tuple[str, str], Article] = {}
    for path in sorted((root / "faq").glob("*.md")):
        article = load_article(path, problems)
        if article is not None:
            articles[(article.id, article.language)] = article
    intents = tuple(_load_intents(sorted((root / "intents").glob("*.yaml")), problems))
    lexicon = _load_lexicon(root / "lexicon.yaml", problems)
    return Knowledge(articles, intents, lexicon, tuple(problems))


def split_front_matter(text: str) -> tuple[str, str, int]:
    """Return (front matter, body, line where the body starts); raise ValueError if absent."""
    lines = text.splitlines()
    if not lines or lines[0].strip() != "---":
        raise ValueError("the file must start with a '---' line opening the front matter")
    for index, line in enumerate(lines[1:], start=1):
        if line.strip() == "---":
            return "\n".join(lines[1:index]), "\n".join(lines[index + 1 :]).strip(), index + 2
    raise ValueError("the front matter is not closed with a '---' line")


def load_article(path: Path, problems: list[Problem]) -> Article | None:
    """Parse one article file; record problems and return None when it is unusable."""
    name = _FILENAME.match(path.name)
    where = str(path)
    if not name:
        problems.append(Problem(where, 1, "file name must be <slug>.<lang>.md, e.g. kra-pin.sw.md"))
        return None
    if name["lang"] not in LANGUAGES:
        problems.append(Problem(where, 1, f"language {name['lang']!r} is not one of {LANGUAGES}"))
        return None
    try:
        head, body, _ = split_front_matter(path.read_text(encoding="utf-8"))
        meta = yaml.safe_load(head) or {}
    except (ValueError, yaml.YAMLError, UnicodeDecodeError) as exc:
        problems.append(Problem(where, _yaml_line(exc), f"cannot read front matter: {exc}"))
        return None
    if not isinstance(meta, dict):
        problems.append(Problem(where, 2, "front matter must be a mapping of fields"))
        return None
    before = len(problems)
    _check_fields(meta, name["slug"], body, where, problems)
    if len(problems) > before:
        return None
    return Article(
        id=str(meta["id"]),
        language=name["lang"],
        title=str(meta["title"]).strip(),
        body=body,
        questions=tuple(str(q).strip() for q in meta["questions"]),
        keywords=tuple(str(k).strip() for k in meta.get("keywords") or ()),
        synonyms=tuple(
            (str(term), tuple(str(v) for v in variants))
            for term, variants in (meta.get("synonyms") or {}).items()
        ),
        tags=tuple(str(t) for t in meta["tags"]),
        agency=str(meta["agency"]),
        source=str(meta["source"]),
        reviewed=meta["reviewed"],
        escalate_if_unresolved=bool(meta.get("escalate_if_unresolved", False)),
        path=where,
        extra_cases=tuple(str(q).strip() for q in meta.get("tests") or ()),
        known_gaps=tuple(str(q).strip() for q in meta.get("known_gaps") or ()),
    )


def _check_fields(
    meta: dict[str, Any], slug: str, body: str, where: str, problems: list[Problem]
) -> None:
    """Record every schema problem of one article's front matter."""
    for key in _REQUIRED:
        if key not in meta or meta[key] in (None, "", []):
            problems.append(Problem(where, 2, f"missing required field {key!r}"))
    if problems and problems[-1].path == where and "missing" in problems[-1].message:
        return
    if str(meta["id"]) != slug:
        problems.append(Problem(where, 2, f"id {meta['id']!r} must match the file name {slug!r}"))
    if not isinstance(meta["questions"], list) or not all(
        isinstance(q, str) and q.strip() for q in meta["questions"]
    ):
        problems.append(Problem(where, 2, "questions must be a list of non-empty texts"))
    if not isinstance(meta["reviewed"], date):
        problems.append(Problem(where, 2, "reviewed must be a date written as YYYY-MM-DD"))
    if not str(meta["source"]).startswith(("https://", "http://")):
        problems.append(Problem(where, 2, "source must be a web link starting with https://"))
    synonyms = meta.get("synonyms")
    if synonyms is not None and not (
        isinstance(synonyms, dict) and all(isinstance(v, list) for v in synonyms.values())
    ):
        problems.append(Problem(where, 2, "synonyms must map a term to a list of variants"))
    if not body:
        problems.append(Problem(where, 2, "the article has no answer text after the front matter"))


def _load_intents(paths: Iterable[Path], problems: list[Problem]) -> Iterable[IntentExamples]:
    """Parse `<intent>.<lang>.yaml` files of built-in intent examples."""
    for path in paths:
        stem, _, lang = path.stem.rpartition(".")
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except yaml.YAMLError as exc:
            problems.append(Problem(str(path), _yaml_line(exc), f"cannot read: {exc}"))
            continue
        examples = data.get("examples") if isinstance(data, dict) else None
        if lang not in LANGUAGES or not isinstance(examples, list):
            problems.append(Problem(str(path), 1, "expected <intent>.<lang>.yaml with examples:"))
            continue
        for example in examples:
            if not isinstance(example, str):  # "report: ..." unquoted is read as a mapping
                problems.append(Problem(str(path), 1, f"example {example!r} is not plain text: "
                                        "put it in quotes"))
        yield IntentExamples(stem, lang, tuple(e.strip() for e in examples
                                               if isinstance(e, str) and e.strip()), str(path))


def _load_lexicon(path: Path, problems: list[Problem]) -> Lexicon:
    """Parse the spelling and synonym lists; an absent file means no normalisation data."""
    if not path.exists():
        return Lexicon()
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        problems.append(Problem(str(path), _yaml_line(exc), f"cannot read: {exc}"))
        return Lexicon()
    spellings = {str(k).lower(): str(v).lower() for k, v in (data.get("spellings") or {}).items()}
    groups = tuple(
        tuple(str(w).lower() for w in group) for group in data.get("synonyms") or () if group
    )
    return Lexicon(spellings, groups)


def _yaml_line(exc: Exception) -> int:
    """Return the 1-based line of a YAML error inside the file, or 1."""
    mark = getattr(exc, "problem_mark", None)
    return int(mark.line) + 2 if mark is not None else 1
