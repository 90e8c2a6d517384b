"""The benchmark command still runs (tiny sizes); its figures are not judged here."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[2]


@pytest.mark.slow
def test_benchmark_smoke_run(tmp_path: Path) -> None:
    out = tmp_path / "results.json"
    result = subprocess.run(
        [sys.executable, "benchmarks/run.py", "--smoke", "--json", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    figures = json.loads(out.read_text())
    assert figures["startup"]["app_seconds"] > 0 and figures["startup"]["bare_seconds"] > 0
    assert [row["events"] for row in figures["growth"]] == [60, 120]
    assert all(row["app_seconds"] > 0 and row["quickstart_seconds"] > 0 for row in figures["growth"])
    assert figures["responsiveness"]["presses"] > 0
    assert figures["merged"]["calendars"] == 3 and figures["merged"]["merged_seconds"] > 0
    assert "start-up to sign-in screen painted" in result.stdout
