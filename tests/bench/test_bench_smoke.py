"""``scripts/bench`` runs and writes its JSON: shape only, never a timing assertion."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


def test_bench_writes_figures_with_ratios_and_goals(tmp_path: Path) -> None:
    out = tmp_path / "results.json"
    done = subprocess.run(
        [str(REPO / "scripts" / "bench"), "--only", "engine,receipt", "--quick", "--out", str(out)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert "| figure" in done.stdout
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["mode"] == "quick"
    for key in ("cpu_count", "python", "sqlite"):
        assert key in data["machine"]
    assert set(data["figures"]) == {"engine", "engine_incremental", "receipt"}
    for figure in data["figures"].values():
        assert figure["measured"] is True
        assert isinstance(figure["ratio"], float)
        assert figure["goal"]
        assert figure["result"] in ("PASS", "MISS")
        assert isinstance(figure["passed"], bool)
        for side in ("ours", "floor"):
            assert figure[side], side
    assert data["figures"]["receipt"]["unit"] == "bytes"
    assert data["figures"]["engine"]["abs_unit"] == "ms per 10 lines"
    # Rounds: a timed figure is measured at least 3 times and carries its ratio's spread; a
    # single value (the receipt's bytes) is measured once, spread 0.
    engine, receipt = data["figures"]["engine"], data["figures"]["receipt"]
    assert engine["rounds"] >= 3 and len(engine["round_ratios"]) == engine["rounds"]
    assert engine["ratio_low"] <= engine["ratio"] <= engine["ratio_high"]
    assert len(engine["round_values"]) == engine["rounds"]
    assert receipt["rounds"] == 1 and receipt["ratio_spread"] == 0.0
    assert "ratio ± spread" in done.stdout and "±" in done.stdout
    assert data["rounds"]["min"] == 3
    # A partial run (--only) never rewrites the docs' tables.
    assert "rewrote" not in done.stdout


def test_a_partial_run_never_overwrites_the_committed_results(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from bench import cli, report

    committed = report.RESULTS["quick"].read_bytes()
    monkeypatch.setattr(report, "PARTIAL", tmp_path / "partial.json")
    monkeypatch.setattr(report, "write_docs", lambda *a, **k: pytest.fail("docs rewritten"))
    env = dict(os.environ)  # the bench isolates POS_TUI_* for itself
    try:
        assert cli.main(["--only", "receipt", "--rounds", "1"]) == 0
    finally:
        os.environ.clear()
        os.environ.update(env)
    data = json.loads((tmp_path / "partial.json").read_text(encoding="utf-8"))
    assert set(data["figures"]) == {"receipt"}
    assert report.RESULTS["quick"].read_bytes() == committed
    assert "| receipt bytes for a 50-line sale" in capsys.readouterr().out
