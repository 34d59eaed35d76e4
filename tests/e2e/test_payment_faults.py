"""The payment fault benchmark, one run per kill point (the full one is in docs/payments.md)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


@pytest.mark.slow
@pytest.mark.timeout(900)
def test_payment_survives_sigkill_at_every_step(tmp_path: Path) -> None:
    out = tmp_path / "faults.json"
    run = subprocess.run(
        [sys.executable, str(REPO / "scripts" / "bench_payment_faults.py"), "--runs", "1",
         "--seed", "7", "--json", str(out)],
        capture_output=True, text=True, timeout=850, check=False, cwd=REPO)
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-4000:]
    summary = json.loads(out.read_text())
    for step in ("before_push", "while_daraja_answers", "after_push", "while_callback_handled"):
        found = summary[step]
        assert found["final_within_2_min"] == found["exactly_one_result"] == found["runs"] == 1
        assert found["paid_twice"] == found["money_moved_bill_unpaid"] == 0
        assert found["paid_without_money"] == 0
