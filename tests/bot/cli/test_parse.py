"""`msaidizi parse`: one JSON result per stdin line."""

from __future__ import annotations

import json

from click.testing import CliRunner

from bot.cli import main
from tests.conftest import FIXTURES


def test_parse_command_reads_plain_and_json_lines() -> None:
    stdin = 'how much is a passport\n{"text": "habari", "lang": "sw"}\n\n{bad json\n{"lang": "sw"}\n'
    result = CliRunner().invoke(
        main, ["parse"], input=stdin,
        env={"MSAIDIZI_KNOWLEDGE_DIR": str(FIXTURES / "knowledge")},
    )
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.output.strip().splitlines()]
    assert lines[0]["intent"]["name"] == "passport-fees"
    assert lines[1]["intent"]["name"] == "greet"
    assert "invalid JSON" in lines[2]["error"]
    assert "expected an object" in lines[3]["error"]
    assert len(lines) == 4
