"""The reliability harness's quick mode, as CI runs it: SIGKILLed lanes, lanes redeeming the
same points, a real full disk, an import beside a selling lane and the input fuzzers, with
nothing lost, half-written, mismatched or crashed (docs/reliability.md)."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def test_the_quick_harness_finds_every_promise_kept(tmp_path: Path) -> None:
    out = tmp_path / "figures.json"
    done = subprocess.run(
        [str(REPO / "scripts" / "reliability"), "--quick", "--out", str(out)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["mode"] == "quick" and data["ok"]
    total = data["summary"]
    assert total["kills"] >= 16 and total["sales"] > 0 and total["inputs_tried"] > 0
    for broken in ("lost", "partial", "ledger_mismatches", "lock_errors_shown", "crashes"):
        assert total[broken] == 0, (broken, data["parts"])
    parts = data["parts"]
    assert set(parts) == {"kills", "redeem", "disk", "import", "fuzz"}
    assert parts["kills"]["details"]["resumed"] >= 1  # a kill left a sale open: taken up
    assert parts["redeem"]["details"]["redeeming_sales"] >= 1
    assert parts["disk"]["details"]["full_disk_said"] > 0
    assert parts["disk"]["details"]["busy_said"] == 1
    if os.geteuid() == 0:  # CI: a real tmpfs, and pos-tui started on it
        assert parts["disk"]["details"]["file_system"] == "tmpfs"
        assert parts["disk"]["details"]["start_on_full_disk"].startswith("exit 2: Error: disk full")
    assert parts["import"]["details"]["batches"] > 1
    assert "| total |" in done.stdout
