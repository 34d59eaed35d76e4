"""The README and docs link only files that exist inside the repository."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
PAGES = [REPO / "README.md", REPO / "SECURITY.md", REPO / "knowledge" / "README.md",
         *sorted((REPO / "docs").glob("*.md"))]
LINK = re.compile(r"\]\(([^)\s]+)\)")
MENTIONED_PATH = re.compile(r"`(\.\./[^`]+)`")


def local_targets(page: Path) -> list[str]:
    """Return the page's links that are not web addresses or anchors."""
    return [target.split("#")[0] for target in LINK.findall(page.read_text(encoding="utf-8"))
            if not re.match(r"[a-z]+:", target) and not target.startswith("#")]


@pytest.mark.parametrize("page", PAGES, ids=lambda page: str(page.relative_to(REPO)))
def test_every_local_link_is_a_file_in_the_repository(page: Path) -> None:
    broken = []
    for target in local_targets(page):
        resolved = (page.parent / target).resolve()
        if not resolved.is_relative_to(REPO) or not resolved.exists():
            broken.append(target)
    assert broken == []


@pytest.mark.parametrize("page", PAGES, ids=lambda page: str(page.relative_to(REPO)))
def test_no_page_sends_readers_outside_the_repository(page: Path) -> None:
    assert MENTIONED_PATH.findall(page.read_text(encoding="utf-8")) == []


def test_the_checker_sees_a_broken_link(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text("See [this](docs/nowhere.md), [web](https://example.go.ke) and [top](#top).")
    assert local_targets(page) == ["docs/nowhere.md"]
