"""The fast YAML reader: the same values as PyYAML's own, and PyYAML's own errors."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from common import yaml_read

KNOWLEDGE = Path(__file__).resolve().parents[2] / "knowledge"


def _documents() -> list[Path]:
    return sorted(p for p in KNOWLEDGE.rglob("*") if p.suffix in {".yaml", ".yml"})


def test_libyaml_is_used_where_pyyaml_has_it() -> None:
    """The speed is the point: a PyYAML without libyaml would quietly be the slow parser."""
    assert yaml.__with_libyaml__
    assert yaml_read._FAST is yaml.CSafeLoader


@pytest.mark.parametrize("path", _documents(), ids=lambda p: str(p.relative_to(KNOWLEDGE)))
def test_every_knowledge_document_reads_the_same(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert yaml_read.safe_load(text) == yaml.safe_load(text)
    fast, slow = yaml_read.compose(text), yaml.compose(text)
    assert (fast is None) == (slow is None)
    if fast is not None and slow is not None:
        assert fast.start_mark.line == slow.start_mark.line


@pytest.mark.parametrize("text", ["a: [1, 2\nb: 3\n", "key: value\n  bad: indent\n",
                                  "- a\nb: c\n", "a: 'unterminated\n"])
def test_errors_are_pyyamls_own(text: str) -> None:
    with pytest.raises(yaml.YAMLError) as expected:
        yaml.safe_load(text)
    with pytest.raises(yaml.YAMLError) as got:
        yaml_read.safe_load(text)
    assert str(got.value) == str(expected.value)
    with pytest.raises(yaml.YAMLError) as composed:
        yaml_read.compose(text)
    assert str(composed.value) == str(expected.value)


@pytest.mark.parametrize("text", ["a:\tb\n", "[1,\t2]\n", "a: 1\t\n", "a: x\n  \ty\n"])
def test_tabs_pyyaml_refuses_are_refused_too(text: str) -> None:
    """libyaml accepts these; the pure-Python parser (and so every other tool) does not."""
    with pytest.raises(yaml.YAMLError):
        yaml.safe_load(text)
    with pytest.raises(yaml.YAMLError):
        yaml_read.safe_load(text)
    with pytest.raises(yaml.YAMLError):
        yaml_read.compose(text)


def test_only_safe_types_are_built() -> None:
    with pytest.raises(yaml.YAMLError):
        yaml_read.safe_load("!!python/object/apply:os.system ['true']\n")
