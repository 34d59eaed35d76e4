import json
from pathlib import Path

from click.testing import CliRunner

from tools.evaluation import cli
from tools.evaluation.systems import Scored

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "benchmarks"


def test_eval_command_quick_on_fixtures_writes_report(tmp_path):
    output = tmp_path / "benchmarks.md"
    result = CliRunner().invoke(cli.eval_command, [
        "--benchmarks-dir", str(FIXTURES), "--quick", "--dataset", "clinc150",
        "--dataset", "injongo-sw", "--output", str(output)])
    assert result.exit_code == 0, result.output
    report = output.read_text()
    assert "Produced by `" in report and "--quick" in report
    assert "### clinc150" in report and "### injongo-sw" in report
    for system in ("msaidizi IntentModel", "TF-IDF + linear SVM (reference)",
                   "rapidfuzz 1-NN fuzz.ratio (floor)"):
        assert sum(line.startswith(f"| {system} |") for line in report.splitlines()) == 2
    assert "OOS recall %" in report
    assert "| clinc150 | " in report  # the summary table


class _Echo:
    def rank(self, text, k=5):
        return [Scored("greeting" if "hello" in text else "out_of_scope", 0.9)]


def test_eval_command_jsonl_uses_registered_system(tmp_path):
    cases = tmp_path / "cases.jsonl"
    cases.write_text("\n".join(json.dumps(c) for c in [
        {"text": "hello", "expected": "greeting", "lang": "en"},
        {"text": "habari", "expected": "greeting", "lang": "sw"},
        {"text": "weather", "expected": "out_of_scope"}]) + "\n")
    cli.register_jsonl_system("echo", _Echo)
    result = CliRunner().invoke(cli.eval_command, ["--jsonl", str(cases)])
    assert result.exit_code == 0, result.output
    assert "| echo | 50.0 | – | 100.0 |" in result.output
    assert "en 100.0, sw 0.0" in result.output
