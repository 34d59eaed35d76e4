"""Read `glossary.yaml` as editors write it: every mistake located by line, never a crash."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from bot.knowledge.loader import Problem
from bot.knowledge.yaml_pitfalls import cut_at_hash, yaml_problem
from common import yaml_read
from tools.faq.glossary_lint import Glossary, Term

_ITEM = re.compile(r"^\s*-\s")
_SHAPE = ("each term needs 'id', 'en' and 'sw' as texts; 'avoid' (if any) lists spellings "
          "under 'en:' and 'sw:', each a list in brackets. Copy an entry above and change its "
          "words")


def read_glossary(path: Path) -> tuple[Glossary | None, list[Problem]]:
    """Return the glossary (None when it cannot be read at all) and the problems found in it."""
    where, text = str(path), path.read_text(encoding="utf-8")
    try:
        data = yaml_read.safe_load(text) or {}
    except yaml.YAMLError as exc:
        line, message = yaml_problem(exc, 1, text)
        return None, [Problem(where, line, f"cannot read the glossary: {message}")]
    problems = [Problem(where, cut.line, f"this text is cut at '#': it reads {cut.kept!r} and "
                        f"drops {cut.dropped!r}. Put the whole text in double quotes")
                for cut in cut_at_hash(text, 1)]
    entries = data.get("terms") if isinstance(data, dict) else None
    if not isinstance(entries, list):
        return None, [*problems, Problem(where, 1, "the glossary must be a list under 'terms:', "
                                         "one '- id: ...' entry per term")]
    starts = _entry_lines(text)
    terms = []
    for index, entry in enumerate(entries):
        term = _term(entry)
        if term is None:
            line = starts[index] if index < len(starts) else 1
            problems.append(Problem(where, line, _SHAPE))
        else:
            terms.append(term)
    return Glossary(tuple(terms)), problems


def _term(entry: Any) -> Term | None:
    """Return the term an entry describes, or None when it lacks a field or has a wrong one."""
    if not isinstance(entry, dict):
        return None
    names = {lang: entry.get(lang) for lang in ("en", "sw")}
    avoid = entry.get("avoid") or {}
    if not (isinstance(entry.get("id"), str) and all(isinstance(n, str) and n.strip()
                                                     for n in names.values())):
        return None
    if not isinstance(avoid, dict) or not all(
            lang in ("en", "sw") and isinstance(spellings, list)
            and all(isinstance(s, str) for s in spellings) for lang, spellings in avoid.items()):
        return None
    return Term(id=entry["id"], names={k: str(v) for k, v in names.items()},
                avoid={lang: tuple(spellings) for lang, spellings in avoid.items()},
                note=str(entry.get("note") or ""))


def _entry_lines(text: str) -> list[int]:
    """Return the file line of each entry under `terms:` (the lines that start a list item)."""
    lines = text.splitlines()
    indent = next((len(line) - len(line.lstrip()) for line in lines if _ITEM.match(line)), None)
    return [number for number, line in enumerate(lines, start=1)
            if _ITEM.match(line) and len(line) - len(line.lstrip()) == indent]
