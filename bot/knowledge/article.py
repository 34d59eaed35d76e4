"""Read one article file: front matter, answer text, and every problem located by line."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from bot.core.placeholders import KINDS, placeholders
from bot.core.ports import Article
from bot.knowledge.problems import Problem
from bot.knowledge.sources import is_official
from bot.knowledge.yaml_pitfalls import cut_at_hash, yaml_problem
from common import yaml_read

LANGUAGES = ("en", "sw")
ASSISTANT_TAG = "assistant"  # an article about Msaidizi itself: nothing outside to cite
_FILENAME = re.compile(r"^(?P<slug>[a-z0-9]+(?:-[a-z0-9]+)*)\.(?P<lang>[a-z]{2})\.md$")
_REQUIRED = ("id", "title", "questions", "tags", "agency", "reviewed")
_KEY = re.compile(r"^(?P<key>[\w-]+)\s*:")
URL = re.compile(r"https?://[^\s)>\]*]+")
_FIRST_LINE = 2  # the front matter starts on the line after the opening '---'
_NUMBERS_OK = ("keywords", "tests", "known_gaps")  # "222222" may be written without quotes


def split_front_matter(text: str) -> tuple[str, str, int]:
    """Return (front matter, body, line where the body starts); raise ValueError if absent."""
    lines = text.splitlines()
    if not lines or lines[0].strip() != "---":
        raise ValueError("the file must start with a line '---' that opens the front matter")
    for index, line in enumerate(lines[1:], start=1):
        if line.strip() == "---":
            rest = lines[index + 1:]
            blank = next((i for i, text in enumerate(rest) if text.strip()), len(rest))
            return "\n".join(lines[1:index]), "\n".join(rest).strip(), index + 2 + blank
    raise ValueError("the front matter is never closed: add a line '---' after the last field")


def load_article(path: Path, problems: list[Problem]) -> Article | None:
    """Parse one article file; record problems and return None when it is unusable."""
    where = str(path)
    name = _FILENAME.match(path.name)
    if not name or name["lang"] not in LANGUAGES:
        problems.append(Problem(where, 1, "the file name must be <id>.en.md or <id>.sw.md, "
                                "for example kra-pin.sw.md"))
        return None
    try:
        head, body, body_line = split_front_matter(path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        problems.append(Problem(where, 1, f"cannot read the article: {exc}"))
        return None
    try:
        meta = yaml_read.safe_load(head) or {}
    except yaml.YAMLError as exc:
        line, message = yaml_problem(exc, _FIRST_LINE, head)
        problems.append(Problem(where, line, f"cannot read the front matter: {message}"))
        return None
    for cut in cut_at_hash(head, _FIRST_LINE):
        problems.append(Problem(where, cut.line, f"this text is cut at '#': it reads "
                                f"{cut.kept!r} and drops {cut.dropped!r}. Put the whole text in "
                                "double quotes, or move a comment to a line of its own"))
    if not isinstance(meta, dict):
        problems.append(Problem(where, _FIRST_LINE, "the front matter must be fields written "
                                "'name: value', one per line"))
        return None
    lines = _key_lines(head)
    found = _field_problems(meta, name["slug"], body, where, lines, head.splitlines())
    found += _link_problems(meta, body, where, lines, body_line)
    problems.extend(found)
    if any(p.severity == "error" for p in found):
        return None
    return _article(meta, name["lang"], body, where)


def _article(meta: dict[str, Any], language: str, body: str, where: str) -> Article:
    return Article(
        id=str(meta["id"]),
        language=language,
        title=str(meta["title"]).strip(),
        body=body,
        questions=_texts(meta["questions"]),
        keywords=_texts(meta.get("keywords")),
        synonyms=tuple((str(term), tuple(str(v) for v in variants))
                       for term, variants in (meta.get("synonyms") or {}).items()),
        tags=tuple(str(t) for t in meta["tags"]),
        agency=str(meta["agency"]),
        source=str(meta.get("source") or ""),
        reviewed=meta["reviewed"],
        escalate_if_unresolved=bool(meta.get("escalate_if_unresolved", False)),
        path=where,
        extra_cases=_texts(meta.get("tests")),
        known_gaps=_texts(meta.get("known_gaps")),
        services=_texts(meta.get("services")),
        notes=_notes(meta.get("notes")),
        source_is_home_page=meta.get("source_is_home_page") is True,
    )


def _is_text(value: Any, *, numbers: bool) -> bool:
    """Tell whether a list item is usable text (a bare number such as 222222 where allowed)."""
    if numbers and isinstance(value, int | float) and not isinstance(value, bool):
        return True
    return isinstance(value, str) and bool(value.strip())


def _texts(value: Any) -> tuple[str, ...]:
    return tuple(str(v).strip() for v in value or ())


def _notes(value: Any) -> str:
    if isinstance(value, list):
        return "\n".join(str(v) for v in value)
    return str(value or "")


def _item_line(head: list[str], key_line: int, item: Any) -> int:
    """Return the file line of a list item YAML did not read as text (or the field's line).

    Only the field's own list is searched, and an item must start with what YAML read: a
    question that merely mentions the same word elsewhere is not the culprit.
    """
    if isinstance(item, dict):
        key = str(next(iter(item), ""))
        wanted = re.compile(rf"^-\s+['\"]?{re.escape(key)}['\"]?\s*:") if key else None
    else:
        wanted = re.compile(rf"^-\s+{re.escape(str(item))}\s*$") if item is not None else None
    for index in range(key_line - _FIRST_LINE + 1, len(head)):
        line = head[index]
        if _KEY.match(line):  # the next field: the list has ended
            break
        if wanted is not None and wanted.match(line.strip()):
            return index + _FIRST_LINE
    return key_line


def _key_lines(head: str) -> dict[str, int]:
    """Return the file line of every top-level field of the front matter."""
    return {m["key"]: i + _FIRST_LINE for i, line in enumerate(head.splitlines())
            if (m := _KEY.match(line))}


def _field_problems(meta: dict[str, Any], slug: str, body: str, where: str,
                    lines: dict[str, int], head: list[str]) -> list[Problem]:
    """Return every schema problem of one article's front matter."""
    missing = [k for k in _REQUIRED if k not in meta or meta[k] in (None, "", [])]
    if missing:
        return [Problem(where, lines.get(k, _FIRST_LINE), f"the field {k!r} is missing or empty: "
                        "every article needs id, title, questions, tags, agency and reviewed")
                for k in missing]
    found: list[Problem] = []

    def bad(key: str, message: str) -> None:
        found.append(Problem(where, lines.get(key, _FIRST_LINE), message))

    if str(meta["id"]) != slug:
        bad("id", f"id {meta['id']!r} must be the file name without .en.md/.sw.md: {slug!r}")
    for key in ("questions", "keywords", "tests", "known_gaps", "services", "tags"):
        value = meta.get(key)
        if value is None:
            continue
        wrong = [v for v in value if not _is_text(v, numbers=key in _NUMBERS_OK)] if isinstance(
            value, list) else [value]
        if wrong:
            line = _item_line(head, lines.get(key, _FIRST_LINE), wrong[0])
            found.append(Problem(where, line, f"{key} must be a list of texts, one '- text' per "
                                 "line; a text with ': ' inside must be put in double quotes"))
    if not isinstance(meta["reviewed"], date):
        bad("reviewed", "reviewed must be a date written YYYY-MM-DD, for example 2026-11-30")
    if meta.get("source_is_home_page") not in (None, True, False):
        bad("source_is_home_page", "source_is_home_page must be true or false")
    synonyms = meta.get("synonyms")
    if synonyms is not None and not (
        isinstance(synonyms, dict) and all(isinstance(v, list) for v in synonyms.values())
    ):
        bad("synonyms", "synonyms must map a term to a list of variants: 'fee: [cost, price]'")
    if not body:
        found.append(Problem(where, max(lines.values(), default=1) + 2,
                             "the article has no answer text after the closing '---'"))
    return found


def _link_problems(meta: dict[str, Any], body: str, where: str, lines: dict[str, int],
                   body_line: int) -> list[Problem]:
    """Refuse unofficial links and unknown placeholders: citizens would see them."""
    found: list[Problem] = []
    source = meta.get("source")
    if source in (None, ""):
        if ASSISTANT_TAG not in (meta.get("tags") or ()):
            found.append(Problem(where, lines.get("tags", _FIRST_LINE), "the field 'source' is "
                                 "missing: give the official page that states these facts"))
    elif not is_official(str(source)):
        found.append(Problem(where, lines.get("source", _FIRST_LINE), not_official(str(source))))
    body_lines = body.splitlines()
    for offset, line in enumerate(body_lines):
        for url in URL.findall(line):
            if not is_official(url.rstrip(".,;:")):
                found.append(Problem(where, body_line + offset,
                                     not_official(url)))
        for placeholder in placeholders(line):
            if placeholder.kind not in KINDS:
                found.append(Problem(where, body_line + offset,
                                     f"unknown placeholder {placeholder.text}: write "
                                     f"{{fee:{placeholder.code}}}, {{service_fee:"
                                     f"{placeholder.code}}} or {{convenience_fee:"
                                     f"{placeholder.code}}}"))
    return found


def not_official(url: str) -> str:
    """Explain why an unofficial link may not be shown to citizens, and what to do."""
    return (f"{url} is not an official page: citizens see only government (.go.ke) pages, "
            "the agency's own site or Safaricom for M-Pesa. Keep this link under 'notes:' and "
            "link the official page that says the same, or leave the fact out")
