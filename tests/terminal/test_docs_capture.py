"""The 80x24 checkout in README.md and docs/lane.md is what the real lane shows now: the
capture of tests/terminal/lane_capture.py (``scripts/lane-capture`` rewrites the blocks),
compared with the clock and date taken out."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.terminal.lane_capture import DOCS, REPO, block, capture, in_docs, without_clock

pytestmark = pytest.mark.terminal


def test_the_docs_show_the_lane_as_it_is(tmp_path: Path) -> None:
    screen = capture(tmp_path)
    # What the capture is of: a demo sale with a customer, the status, totals and keys.
    for shown in ("Demo Cashier", "Acct ", "Card type:", "TOTAL", "REMAINING", "f5 Pay"):
        assert shown in screen, screen
    assert len(screen.rstrip("\n").splitlines()) == 24
    expected = without_clock(block(screen))
    for path in DOCS:
        assert without_clock(in_docs(path)) == expected, (
            f"{path.relative_to(REPO)} shows another 80x24 lane than the lane does: "
            "run scripts/lane-capture and commit the docs\n" + screen
        )
