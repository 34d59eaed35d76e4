"""Services this assistant does not handle, and where citizens get them: knowledge/elsewhere.yaml.

Editors list other agencies' services (tax refunds at KRA, student loans at HELB, business
permits at the county) with the words citizens use for them in English and Swahili, the
agency's official site and one line per language. When a question names such a service and
no close article covers it, the honest reply says where it is handled (bot/nlu/elsewhere.py).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from bot.core.ports import Referral
from bot.knowledge.problems import Problem
from bot.knowledge.sources import is_official
from bot.knowledge.yaml_pitfalls import cut_at_hash, yaml_problem
from common import yaml_read

ELSEWHERE_FILE = "elsewhere.yaml"
LANGUAGES = ("en", "sw")
_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_FIELDS = ("id", "agency", "url", "terms", "text")
SCHEMA = ("each service is: id (lower-case words joined by '-'), agency (en: and sw:), url "
          "(the agency's official site), terms (en: and sw: lists of what citizens call the "
          "service) and text (en: and sw:, one line naming the agency)")


@dataclass(frozen=True, slots=True)
class ElsewhereService:
    """One service another agency handles, as an editor wrote it."""

    id: str
    agency: Mapping[str, str]
    url: str
    terms: Mapping[str, tuple[str, ...]]
    texts: Mapping[str, str]
    path: str = ""
    line: int = 0

    def all_terms(self) -> tuple[str, ...]:
        """Return every term, English first, without repeats."""
        return tuple(dict.fromkeys(t for lang in LANGUAGES for t in self.terms.get(lang, ())))

    def referral(self, term: str = "") -> Referral:
        """Return what a reply needs to send the citizen there."""
        return Referral(self.id, self.agency, self.url, self.texts, term)


def load_elsewhere(path: Path, problems: list[Problem]) -> tuple[ElsewhereService, ...]:
    """Read the file; record every problem on its line and keep only the usable services.

    A service with a problem is left out (its link or its text may be wrong); the others stay.
    """
    if not path.exists():
        return ()
    where = str(path)
    text = path.read_text(encoding="utf-8")
    try:
        root = yaml_read.compose(text)
        data: Any = yaml_read.safe_load(text)
    except yaml.YAMLError as exc:
        line, message = yaml_problem(exc, 1, text)
        problems.append(Problem(where, line, f"cannot read the file: {message}"))
        return ()
    for cut in cut_at_hash(text, 1):
        problems.append(Problem(where, cut.line, f"this text is cut at '#': it reads "
                                f"{cut.kept!r} and drops {cut.dropped!r}. Put the whole text in "
                                "double quotes, or move a comment to a line of its own"))
    items = data.get("services") if isinstance(data, dict) else None
    if not isinstance(items, list):
        problems.append(Problem(where, 1, f"the file must hold 'services:', a list; {SCHEMA}"))
        return ()
    lines = _item_lines(root)
    found: list[ElsewhereService] = []
    seen: set[str] = set()
    for index, item in enumerate(items):
        line = lines[index] if index < len(lines) else 1
        issues = service_problems(item)
        if isinstance(item, dict) and item.get("id") in seen:
            issues.append(f"the id {item['id']!r} is used twice: give each service its own id")
        problems += [Problem(where, line, issue) for issue in issues]
        if not issues:
            assert isinstance(item, dict)
            seen.add(str(item["id"]))
            found.append(_service(item, where, line))
    return tuple(found)


def service_problems(item: Any) -> list[str]:
    """Return what is wrong with one entry of the file, in plain words (none: usable)."""
    if not isinstance(item, dict):
        return [SCHEMA]
    issues = [f"unknown field {key!r}: {SCHEMA}" for key in item if key not in _FIELDS]
    issues += [f"the field {key!r} is missing: {SCHEMA}" for key in _FIELDS if key not in item]
    if issues:
        return issues
    if not isinstance(item["id"], str) or not _ID.match(item["id"]):
        issues.append(f"the id {item['id']!r} must be lower-case words joined by '-', "
                      "for example kra-tax")
    url = item["url"]
    if not isinstance(url, str) or not is_official(url):
        issues.append(f"{url} is not an official site: link only government (.go.ke) sites or "
                      "an agency's own site listed in bot/knowledge/sources.py")
    for key in ("agency", "text"):
        issues += _per_language(item[key], key, _is_line)
    issues += _per_language(item["terms"], "terms", _is_term_list)
    return issues


def _per_language(value: Any, key: str, usable: Any) -> list[str]:
    if not isinstance(value, dict):
        return [f"{key} must give en: and sw: on their own lines under it"]
    what = "a list of terms, for example [tax refund, kurudishiwa kodi]" if key == "terms" else (
        "one line of text")
    issues = [f"{key} has no {lang}: citizens writing in that language need it too"
              for lang in LANGUAGES if lang not in value]
    issues += [f"{key} {lang}: must be {what}" for lang in LANGUAGES
               if lang in value and not usable(value[lang])]
    issues += [f"{key} has an unknown language {lang!r}: use en and sw"
               for lang in value if lang not in LANGUAGES]
    return issues


def _is_line(value: Any) -> bool:
    return isinstance(value, str) and bool(value.strip()) and "\n" not in value.strip()


def _is_term_list(value: Any) -> bool:
    return isinstance(value, list) and bool(value) and all(_is_line(v) for v in value)


def _service(item: dict[str, Any], where: str, line: int) -> ElsewhereService:
    return ElsewhereService(
        id=str(item["id"]),
        agency={lang: str(item["agency"][lang]).strip() for lang in LANGUAGES},
        url=str(item["url"]).strip(),
        terms={lang: tuple(str(t).strip() for t in item["terms"][lang]) for lang in LANGUAGES},
        texts={lang: str(item["text"][lang]).strip() for lang in LANGUAGES},
        path=where,
        line=line,
    )


def _item_lines(root: yaml.Node | None) -> list[int]:
    """Return the file line where each entry of `services:` starts."""
    if isinstance(root, yaml.MappingNode):
        for key, value in root.value:
            if getattr(key, "value", None) == "services" and isinstance(value, yaml.SequenceNode):
                return [int(item.start_mark.line) + 1 for item in value.value]
    return []
