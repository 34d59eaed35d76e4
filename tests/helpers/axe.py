"""Accessibility checks with axe-core (from npm, installed by `make test`) in a real browser."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page

from tests.helpers.services import services_required

AXE = (Path(__file__).resolve().parents[2] / "tests" / "browser" / "npm" / "node_modules"
       / "axe-core" / "axe.min.js")
BLOCKING = ("serious", "critical")


def serious_findings(page: Page) -> list[dict[str, Any]]:
    """Run axe on the page as it is now; return its serious and critical findings.

    The page's context must bypass the content security policy: axe is injected as a script.
    """
    if not AXE.exists():
        message = "axe-core is not installed: npm ci --prefix tests/browser/npm (make test does)"
        if services_required():
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    page.add_script_tag(path=str(AXE))
    found: list[dict[str, Any]] = page.evaluate("""async () => {
        const result = await axe.run(document, {resultTypes: ["violations"]});
        return result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
            nodes: v.nodes.slice(0, 5).map(n => n.target.join(" "))}));
    }""")
    return [finding for finding in found if finding["impact"] in BLOCKING]
