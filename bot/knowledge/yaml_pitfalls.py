"""YAML pitfalls in editors' files, explained in plain words with the right line.

Editors write YAML by hand. Two things go wrong most: a line YAML cannot read (reported by the
parser with a mark that is often one line late), and a line YAML reads differently from what
the editor meant (a `#` in a question starts a comment and silently cuts the question).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

import yaml

# Parser contexts whose mark points where the editor opened something (a quote, a list)
# rather than where the parser gave up, a line or more later.
_OPENED_AT_CONTEXT = ("while parsing a flow", "while scanning a quoted", "while scanning a simple")
_UNCLOSED = ("a quote opened on this line is never closed; add the closing quote at the end of "
             "the text")
_ADVICE = (
    ("mapping values are not allowed",
     "this line has a ':' inside a text; put the whole text in double quotes, "
     "for example: - \"report: a fake caller\""),
    ("while parsing a flow",
     "a text that starts with '[' or '{' is read as a list; close it with ']' or '}', "
     "or put the text in double quotes"),
    ("while scanning a quoted",
     _UNCLOSED),
    ("character '\\t'",
     "this line is indented with a tab; indent with spaces only"),
    ("cannot start any token",
     "a text that starts with a special character (@, `, %, *, &, !, |, >) must be put in "
     "double quotes"),
    ("found undefined alias",
     "a text that starts with '*' must be put in double quotes"),
    ("expected <block end>",
     "the indentation of this line does not match the lines above: fields start at the "
     "beginning of the line and list items under a field start with two spaces and '- '"),
    ("could not find expected ':'",
     "this line is neither 'field: value' nor a list item '- text'; check its indentation "
     "and the line above it"),
)
_ITEM = re.compile(r"^\s*-\s+(?P<value>.*)$")
_FIELD = re.compile(r"^\s*[\w-]+\s*:\s+(?P<value>.*)$")
_COMMENT = re.compile(r"\s#")


def yaml_problem(exc: yaml.YAMLError, first_line: int, text: str = "") -> tuple[int, str]:
    """Return the file line and a plain-words message for a YAML parsing error.

    Args:
        exc: the error raised by `yaml.safe_load`.
        first_line: the file line where the parsed YAML text starts (2 for front matter).
        text: the YAML text that failed, to find a quote left open on an earlier line.
    """
    problem = str(getattr(exc, "problem", "") or exc)
    context = str(getattr(exc, "context", "") or "")
    mark = getattr(exc, "problem_mark", None)
    if context.startswith(_OPENED_AT_CONTEXT) and getattr(exc, "context_mark", None):
        mark = exc.context_mark  # type: ignore[attr-defined]
    index = int(mark.line) if mark is not None else 0
    opened = unclosed_quote(text, before=index)
    if opened is not None:
        # A double-quoted text runs on over the next lines until YAML meets another quote,
        # so the parser fails far below the line the editor has to fix.
        return opened + first_line, (f"{_UNCLOSED} (YAML gave up {index - opened} lines "
                                     f"further down: {problem.strip()})")
    line = index + first_line
    text = f"{context} {problem}"
    advice = next((a for key, a in _ADVICE if key in text),
                  "YAML cannot read this line; check it and the line above it")
    return line, f"{advice} (YAML says: {problem.strip()})"


def unclosed_quote(text: str, *, before: int) -> int | None:
    """Return the index of the first line before `before` whose value opens a quote it never closes.

    Editors' files keep every quoted text on one line, so a value that starts with a double
    quote and has no closing one on its own line is the mistake.
    """
    for index, line in enumerate(text.splitlines()[:before]):
        if line.lstrip().startswith("#"):
            continue
        match = _ITEM.match(line) or _FIELD.match(line)
        value = match["value"].strip() if match else ""
        if value.startswith('"') and not _closes(value[1:]):
            return index
    return None


def _closes(rest: str) -> bool:
    """Tell whether a double-quoted text that starts before `rest` ends in it."""
    escaped = False
    for char in rest:
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == '"':
            return True
    return False


@dataclass(frozen=True, slots=True)
class CutText:
    """A value YAML reads only up to a `#`: what is kept and what is dropped, and where."""

    line: int
    kept: str
    dropped: str


def cut_at_hash(text: str, first_line: int) -> Iterator[CutText]:
    """Yield every plain value that a ` #` cuts short (YAML reads the rest as a comment)."""
    for index, line in enumerate(text.splitlines()):
        if line.lstrip().startswith("#"):
            continue
        match = _ITEM.match(line) or _FIELD.match(line)
        value = match["value"] if match else ""
        if not value or value[0] in "#'\"[{|>":
            continue
        comment = _COMMENT.search(value)
        if comment is not None and value[: comment.start()].strip():
            yield CutText(index + first_line, value[: comment.start()].strip(),
                          value[comment.start():].strip())
