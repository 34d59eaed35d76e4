"""Read YAML with libyaml's parser when PyYAML has it, and PyYAML's own errors when it fails.

The knowledge base is hundreds of YAML documents read at every start and every edit; PyYAML's
pure-Python parser took most of that time. Both parsers build the same values (the
constructors are PyYAML's either way), but their error messages differ, and editors read
those: a document that fails is parsed again by the pure-Python parser, whose error is raised.
libyaml also accepts tabs where the pure-Python parser refuses them (a tab after "a:"): a
document with a tab goes to the pure-Python parser alone, so what one tool accepts all accept.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import yaml

_FAST: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_Result = TypeVar("_Result")


def _parse(text: str, parse: Callable[[str, type[yaml.SafeLoader]], _Result]) -> _Result:
    """Parse with libyaml; with a tab, or when libyaml fails, with the pure-Python parser."""
    if "\t" not in text:
        try:
            return parse(text, _FAST)
        except yaml.YAMLError:
            pass  # parsed again below, for the error editors have always been shown
    return parse(text, yaml.SafeLoader)


def safe_load(text: str) -> Any:
    """Return the data of one YAML document (like `yaml.safe_load`)."""
    return _parse(text, lambda source, loader: yaml.load(source, Loader=loader))  # noqa: S506


def compose(text: str) -> yaml.Node | None:
    """Return the node tree of one YAML document, with line marks (like `yaml.compose`)."""
    return _parse(text, lambda source, loader: yaml.compose(source, Loader=loader))
