"""Which wins when an article and an action both fit a message: a table editors keep.

`knowledge/routing.yaml` lists rules, tried in order. A rule fits a message when every cue of
its `when:` is in it (a meaning of the `routing` group of knowledge/vocabulary.yaml, or
`reference` for an application reference number), no cue of its `unless:` is, and the best
candidate for the message is one of its two sides. The rule then `prefer:`s one side, or
offers `both` as numbered choices. A side is an article id, an action (intent) name,
`any article` or `any action`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from bot.core.vocabulary import MEANINGS, vocabulary
from common import yaml_read

ANY_ARTICLE = "any article"
ANY_ACTION = "any action"
BOTH = "both"
REFERENCE = "reference"  # the cue "the message carries an application reference"
DEFAULT_FILE = Path(__file__).resolve().parents[2] / "knowledge" / "routing.yaml"


@dataclass(frozen=True, slots=True)
class RouteRule:
    """One line of the table: when these cues are present, between these sides, prefer one."""

    name: str
    when: tuple[str, ...]
    between: tuple[str, str]
    prefer: str
    line: int = 0
    unless: tuple[str, ...] = ()  # cues none of which may be in the message


@dataclass(frozen=True, slots=True)
class Candidates:
    """What could answer a message: the best candidate first, then the ranked alternatives."""

    best: str
    ranked: tuple[str, ...]
    is_article: Callable[[str], bool]

    def side(self, side: str) -> str | None:
        """Return the candidate that stands for `side`, if any does."""
        if side == ANY_ARTICLE:
            return next((c for c in (self.best, *self.ranked) if self.is_article(c)), None)
        if side == ANY_ACTION:
            return next((c for c in (self.best, *self.ranked) if not self.is_article(c)), None)
        return side

    def is_side(self, candidate: str, side: str) -> bool:
        """Return True when `candidate` stands for `side`."""
        if side == ANY_ARTICLE:
            return self.is_article(candidate)
        if side == ANY_ACTION:
            return not self.is_article(candidate)
        return candidate == side


class RouteTable:
    """The rules, and the choice they make for a message."""

    def __init__(self, rules: Sequence[RouteRule]) -> None:
        self.rules = tuple(rules)

    def choose(self, text: str, has_reference: bool,
               candidates: Candidates) -> tuple[RouteRule, tuple[str, ...]] | None:
        """Return the first fitting rule and what it picks (one intent, or both in order)."""
        words = vocabulary()
        for rule in self.rules:
            # the best candidate's side first: it rules most rules out without a regex search
            if not any(candidates.is_side(candidates.best, s) for s in rule.between):
                continue
            if not all(has_reference if cue == REFERENCE else words.anywhere(cue).matches(text)
                       for cue in rule.when):
                continue
            if any(has_reference if cue == REFERENCE else words.anywhere(cue).matches(text)
                   for cue in rule.unless):
                continue
            first, second = (candidates.side(s) for s in rule.between)
            if first is None or second is None or first == second:
                continue
            if rule.prefer == BOTH:
                return rule, (first, second)
            return rule, (first if rule.prefer == rule.between[0] else second,)
        return None


def parse_route_table(text: str, where: str = "") -> tuple[RouteTable, list[tuple[int, str]]]:
    """Read the table's text; return the usable rules and the problems (line, message)."""
    problems: list[tuple[int, str]] = []
    try:
        root = yaml_read.compose(text)
        data: Any = yaml_read.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        return RouteTable(()), [(mark.line + 1 if mark else 1, f"cannot read: {exc}")]
    items = data.get("rules") if isinstance(data, dict) else None
    if not isinstance(items, list):
        return RouteTable(()), [(1, "the file must hold 'rules:', a list of rules")]
    lines = _item_lines(root)
    rules = []
    for index, item in enumerate(items):
        line = lines[index] if index < len(lines) else 1
        rule = _rule(item, line, problems)
        if rule is not None:
            rules.append(rule)
    return RouteTable(rules), problems


def _item_lines(root: yaml.Node | None) -> list[int]:
    if isinstance(root, yaml.MappingNode):
        for key, value in root.value:
            if getattr(key, "value", None) == "rules" and isinstance(value, yaml.SequenceNode):
                return [int(item.start_mark.line) + 1 for item in value.value]
    return []


def _rule(item: Any, line: int, problems: list[tuple[int, str]]) -> RouteRule | None:
    """Return the rule an entry holds, or None (with a problem) when it is malformed."""
    cues = set(MEANINGS["routing"]) | {REFERENCE}
    if not isinstance(item, dict):
        problems.append((line, "a rule is name:, when:, between: and prefer:"))
        return None
    when, between, prefer = item.get("when", []), item.get("between"), item.get("prefer")
    unless = item.get("unless", [])
    found = []
    for field_name, listed in (("when", when), ("unless", unless)):
        if not isinstance(listed, list) or any(c not in cues for c in listed):
            found.append(f"'{field_name}' lists cues among {', '.join(sorted(cues))}")
    if isinstance(when, list) and isinstance(unless, list) and not when and not unless:
        found.append("a rule names its cues: 'when' (all present), 'unless' (none present)")
    if not isinstance(between, list) or len(between) != 2 or not all(
            isinstance(s, str) and s for s in between):
        found.append("'between' names two sides: an article id, an action, 'any article' "
                     "or 'any action'")
    elif prefer not in (*between, BOTH):
        found.append(f"'prefer' is one of the two sides or '{BOTH}'")
    if found:
        problems.append((line, "; ".join(found)))
        return None
    assert isinstance(when, list)
    assert isinstance(unless, list)
    assert isinstance(between, list)
    return RouteRule(str(item.get("name", "")), tuple(str(c) for c in when),
                     (str(between[0]), str(between[1])), str(prefer), line,
                     tuple(str(c) for c in unless))


def read_route_table(path: Path = DEFAULT_FILE) -> RouteTable:
    """Load the table at `path` (no file: no rules); raise ValueError when it has problems."""
    if not path.exists():
        return RouteTable(())
    table, problems = parse_route_table(path.read_text(encoding="utf-8"), str(path))
    if problems:
        raise ValueError("; ".join(f"{path}:{line}: {message}" for line, message in problems))
    return table
