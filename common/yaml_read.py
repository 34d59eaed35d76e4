"""Read YAML with libyaml's parser when PyYAML has it, and PyYAML's own errors when it fails.

The knowledge base is hundreds of YAML documents read at every start and every edit; PyYAML's
pure-Python parser took most of that time. Both parsers build the same values (the
constructors are PyYAML's either way), but their error messages differ, and editors read
those: a document that fails is parsed again by the pure-Python parser, whose error is raised.
libyaml also accepts tabs where the pure-Python parser refuses them (a tab after "a:"): a
document with a tab goes to the pure-Python parser alone, so what one tool accepts all accept.
"""

from __future__ import annotations

from typing import Any

import yaml

_FAST: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def safe_load(text: str) -> Any:
    """Return the data of one YAML document (like `yaml.safe_load`)."""
    if "\t" in text:
        return yaml.safe_load(text)
    try:
        return yaml.load(text, Loader=_FAST)  # noqa: S506 - a safe loader, in C
    except yaml.YAMLError:
        return yaml.safe_load(text)  # raises the error editors have always been shown


def compose(text: str) -> yaml.Node | None:
    """Return the node tree of one YAML document, with line marks (like `yaml.compose`)."""
    if "\t" in text:
        return yaml.compose(text, Loader=yaml.SafeLoader)
    try:
        return yaml.compose(text, Loader=_FAST)
    except yaml.YAMLError:
        return yaml.compose(text, Loader=yaml.SafeLoader)
