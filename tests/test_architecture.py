"""Imports point inward: the core and intents know no framework, nothing imports bot wrongly."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
FRAMEWORKS = {"telegram", "rasa_sdk", "fastapi", "starlette", "sqlalchemy", "httpx", "redis",
              "uvicorn", "sanic"}


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


def files(folder: str) -> list[Path]:
    return sorted((REPO / folder).rglob("*.py"))


@pytest.mark.parametrize("folder", ["bot/core", "bot/intents", "bot/nlu"])
def test_inner_layers_import_no_framework(folder: str) -> None:
    offenders = {
        str(path.relative_to(REPO)): sorted(m for m in imported_modules(path)
                                            if m.split(".")[0] in FRAMEWORKS)
        for path in files(folder)
    }
    assert {k: v for k, v in offenders.items() if v} == {}


def test_core_does_not_import_adapters() -> None:
    allowed_bot = ("bot.core",)
    offenders = [
        (str(path.relative_to(REPO)), module)
        for path in files("bot/core")
        for module in imported_modules(path)
        if module.startswith("bot.") and not module.startswith(allowed_bot)
    ]
    assert offenders == []


def test_intents_use_ports_not_adapters() -> None:
    forbidden = ("bot.storage", "bot.channels", "bot.actions", "bot.app", "bot.cli",
                 "bot.clients.backend_http")
    offenders = [
        (str(path.relative_to(REPO)), module)
        for path in files("bot/intents")
        for module in imported_modules(path)
        if module.startswith(forbidden)
    ]
    assert offenders == []


@pytest.mark.parametrize("folder", ["backend", "escalation", "privacy"])
def test_backend_and_escalation_never_import_the_bot(folder: str) -> None:
    offenders = [
        (str(path.relative_to(REPO)), module)
        for path in files(folder)
        for module in imported_modules(path)
        if module == "bot" or module.startswith("bot.")
    ]
    assert offenders == []


def test_only_adapters_import_channel_sdks() -> None:
    rules = {"telegram": "bot/channels/telegram", "rasa_sdk": "bot/actions"}
    offenders = []
    for path in files("bot"):
        relative = str(path.relative_to(REPO))
        for module in imported_modules(path):
            root = module.split(".")[0]
            if root in rules and not relative.startswith(rules[root]):
                offenders.append((relative, module))
    assert offenders == []


def test_only_composition_roots_import_the_backend_or_escalation() -> None:
    # The assistant reaches the backend over HTTP (BackendClient); only the single-process
    # composition root and the command line may build the backend app in the same process.
    allowed = ("bot/combined.py", "bot/cli/")
    offenders = [
        (str(path.relative_to(REPO)), module)
        for path in files("bot")
        for module in imported_modules(path)
        if module.split(".")[0] in ("backend", "escalation")
        and not str(path.relative_to(REPO)).startswith(allowed)
    ]
    assert offenders == []


def test_the_runtime_never_imports_the_editors_and_evaluators_tools() -> None:
    # tools/ (FAQ lint, gap reports, evaluation) run beside the assistant, never inside a
    # turn; only the command line reaches them, and only when its command is called.
    offenders = [
        (str(path.relative_to(REPO)), module)
        for path in files("bot")
        for module in imported_modules(path)
        if module.split(".")[0] == "tools" and not str(path.relative_to(REPO)).startswith("bot/cli/")
    ]
    assert offenders == []


def _under(module: str, package: str) -> bool:
    return module == package or module.startswith(package + ".")


def test_escalation_imports_only_the_backends_kernel() -> None:
    # escalation shares the backend's declared kernel (backend/core) and nothing else of it.
    offenders = [
        (str(path.relative_to(REPO)), module)
        for path in files("escalation")
        for module in imported_modules(path)
        if _under(module, "backend") and not _under(module, "backend.core")
    ]
    assert offenders == []


def test_the_kernel_imports_nothing_of_escalation_or_the_rest_of_the_backend() -> None:
    offenders = [
        (str(path.relative_to(REPO)), module)
        for path in files("backend/core")
        for module in imported_modules(path)
        if _under(module, "escalation") or _under(module, "bot")
        or (_under(module, "backend") and not _under(module, "backend.core"))
    ]
    assert offenders == []


def test_common_imports_none_of_the_applications() -> None:
    offenders = [
        (str(path.relative_to(REPO)), module)
        for path in files("common")
        for module in imported_modules(path)
        if module.split(".")[0] in ("bot", "backend", "escalation", "privacy", "tools")
    ]
    assert offenders == []


def test_common_is_pure_python_but_for_its_column_types_and_schema_check() -> None:
    # Only common/sqltypes.py (column types) and common/migration_head.py (is the schema
    # current?) may import SQLAlchemy; no module imports a web framework.
    offenders = [
        (str(path.relative_to(REPO)), module)
        for path in files("common")
        for module in imported_modules(path)
        if module.split(".")[0] in FRAMEWORKS
        and not (module.split(".")[0] == "sqlalchemy"
                 and path.name in {"sqltypes.py", "migration_head.py"})
    ]
    assert offenders == []


def test_the_architecture_rules_see_relative_imports_too() -> None:
    # imported_modules skips relative imports; none exist, so nothing slips past the rules.
    relative = [
        str(path.relative_to(REPO))
        for folder in ("backend", "escalation", "common", "privacy")
        for path in files(folder)
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.ImportFrom) and node.level > 0
    ]
    assert relative == []
