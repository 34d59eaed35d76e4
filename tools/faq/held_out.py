"""The editors' held-out questions: read them, check their shape, refuse copies of examples.

`knowledge/held_out/<split>.yaml` holds citizen-style questions the matcher never learns
from, each with the article, action or `out_of_scope` it should reach. `dev.yaml` may be
read while tuning; `test.yaml` is only measured. See knowledge/held_out/README.md.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from rapidfuzz import fuzz, process, utils

from bot.knowledge.loader import Knowledge
from bot.knowledge.problems import Problem
from common import yaml_read

SPLITS = ("dev", "test")
LANGUAGES = ("en", "sw", "mixed")
OUT_OF_SCOPE = "out_of_scope"
ABOUT = ("service",)  # `about: service`: a government service no article covers
NEAR_COPY = 90.0  # RapidFuzz ratio from which a question counts as a copy of an example
MIN_QUESTIONS = 400
MIN_UNCOVERED_SERVICES = 60


@dataclass(frozen=True, slots=True)
class HeldOutCase:
    """One held-out question and where it should lead."""

    text: str
    expect: str
    language: str
    split: str
    about: str = ""
    path: str = ""
    line: int = 0

    @property
    def in_scope(self) -> bool:
        """Return True when an article or action answers the question."""
        return self.expect != OUT_OF_SCOPE


def read_held_out(folder: Path) -> tuple[list[HeldOutCase], list[Problem]]:
    """Read every `<split>.yaml` in `folder`; return the cases and the shape problems."""
    cases: list[HeldOutCase] = []
    problems: list[Problem] = []
    for path in sorted(folder.glob("*.yaml")):
        if path.stem in ("floors",):
            continue
        cases += _read_file(path, problems)
    return cases, problems


def _read_file(path: Path, problems: list[Problem]) -> list[HeldOutCase]:
    where = str(path)
    if path.stem not in SPLITS:
        problems.append(Problem(where, 1, f"a held-out file is named after its split: "
                                f"{', '.join(s + '.yaml' for s in SPLITS)}"))
        return []
    try:
        root = yaml_read.compose(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problems.append(Problem(where, mark.line + 1 if mark else 1, f"cannot read: {exc}"))
        return []
    data = yaml_read.safe_load(path.read_text(encoding="utf-8")) or {}
    if not isinstance(data, dict) or data.get("split") != path.stem:
        problems.append(Problem(where, 1, f"the file must start with 'split: {path.stem}' "
                                "and hold a 'questions:' list"))
        return []
    items = data.get("questions")
    if not isinstance(items, list):
        problems.append(Problem(where, 1, "'questions:' must be a list of "
                                "{lang: ..., expect: ..., text: ...} entries"))
        return []
    lines = _item_lines(root)
    cases = []
    for index, item in enumerate(items):
        line = lines[index] if index < len(lines) else 1
        case = _case(item, path.stem, where, line, problems)
        if case is not None:
            cases.append(case)
    return cases


def _item_lines(root: yaml.Node | None) -> list[int]:
    """Return the line of every item of the `questions:` list."""
    if not isinstance(root, yaml.MappingNode):
        return []
    for key, value in root.value:
        if getattr(key, "value", None) == "questions" and isinstance(value, yaml.SequenceNode):
            return [int(item.start_mark.line) + 1 for item in value.value]
    return []


def _case(item: Any, split: str, where: str, line: int,
          problems: list[Problem]) -> HeldOutCase | None:
    """Return the case an entry holds, or None (with a problem) when it is malformed."""
    if not isinstance(item, dict):
        problems.append(Problem(where, line, "each entry is {lang: en|sw|mixed, expect: <article "
                                "id, intent or out_of_scope>, text: \"the question\"}"))
        return None
    text, expect = item.get("text"), item.get("expect")
    language, about = item.get("lang"), item.get("about", "")
    unknown = set(item) - {"text", "expect", "lang", "about"}
    found = []
    if not isinstance(text, str) or not text.strip():
        found.append("'text' must be the question, in double quotes")
    if not isinstance(expect, str) or not expect.strip():
        found.append("'expect' must name an article id, an intent or out_of_scope")
    if language not in LANGUAGES:
        found.append(f"'lang' must be one of {', '.join(LANGUAGES)}")
    if about and (about not in ABOUT or expect != OUT_OF_SCOPE):
        found.append("'about: service' marks an out_of_scope question about a government "
                     "service no article covers")
    if unknown:
        found.append(f"unknown fields {', '.join(sorted(unknown))}")
    if found:
        problems.append(Problem(where, line, "; ".join(found)))
        return None
    return HeldOutCase(str(text).strip(), str(expect).strip(), str(language), split,
                       str(about), where, line)


def content_problems(cases: Iterable[HeldOutCase], knowledge: Knowledge) -> list[Problem]:
    """Check cases against the knowledge: known labels, no copies of examples, no repeats."""
    cases = list(cases)
    labels = {article_id for article_id, _ in knowledge.articles}
    labels |= {intent.intent for intent in knowledge.intents} | {OUT_OF_SCOPE}
    examples = _examples(knowledge)
    problems: list[Problem] = []
    seen: dict[str, HeldOutCase] = {}
    for case in cases:
        if case.expect not in labels:
            problems.append(Problem(case.path, case.line, f"'{case.expect}' is no article id "
                                    "or intent: check the spelling"))
        key = utils.default_process(case.text)
        if key in seen:
            first = seen[key]
            problems.append(Problem(case.path, case.line, f"the same question is already in "
                                    f"{first.path}:{first.line}"))
        seen.setdefault(key, case)
        near = process.extractOne(key, examples, scorer=fuzz.ratio, processor=None,
                                  score_cutoff=NEAR_COPY)
        if near is not None:
            problems.append(Problem(case.path, case.line, f"too close to the example "
                                    f"{near[0]!r} ({near[1]:.0f}/100): a held-out question must "
                                    "be phrased differently from what the matcher learns"))
    return problems


def size_problems(cases: Iterable[HeldOutCase], where: str) -> list[Problem]:
    """Check the set is big enough: questions in all, and questions about uncovered services."""
    cases = list(cases)
    problems = []
    if len(cases) < MIN_QUESTIONS:
        problems.append(Problem(where, 1, f"the held-out set has {len(cases)} questions; keep "
                                f"at least {MIN_QUESTIONS}"))
    services = sum(c.about == "service" for c in cases)
    if services < MIN_UNCOVERED_SERVICES:
        problems.append(Problem(where, 1, f"{services} questions are about services no article "
                                f"covers; keep at least {MIN_UNCOVERED_SERVICES}"))
    for language in LANGUAGES:
        if not any(c.language == language for c in cases):
            problems.append(Problem(where, 1, f"no held-out question in '{language}'"))
    return problems


def _examples(knowledge: Knowledge) -> list[str]:
    """Return every text the matcher learns from or is tested on, processed for RapidFuzz."""
    texts: list[str] = []
    for article in knowledge.articles.values():
        texts += [*article.questions, *article.extra_cases, *article.known_gaps,
                  *article.keywords, article.title]
    for intent in knowledge.intents:
        texts += intent.examples
    return sorted({utils.default_process(t) for t in texts if t.strip()})
