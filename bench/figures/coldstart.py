"""Cold start: ``pos-tui --db DB`` in an 80x24 pty to its sign-in screen, beside a Textual app
with one Label (``floors/label_app.py``) to its first frame.

The resident memory of both is read once their screen is up and the output has been quiet
for 0.3 s: for ours that is the lane waiting at sign-in, with whatever it loads while it
waits. Then the cashier signs in: the time from the PIN's Enter to the checkout entry on
screen, and the memory there, are kept as information (no floor does that work).
"""

from __future__ import annotations

import sys
import time

from bench.context import Context
from bench.core import Figure, summarize
from bench.figures.lane_ui import (
    CASHIER,
    COLS,
    DEMO_CUSTOMERS,
    FLOORS,
    READY_CHECKOUT,
    READY_SIGN_IN,
    ROWS,
    Pty,
    _demo_copy,
    _pos_tui,
    _program_env,
)

READY_LABEL = b"Employee number"
QUIET_S = 0.3


def _ours(db_path: str) -> tuple[float, float, float, float]:
    """(ms from exec to the sign-in screen, MB there once quiet, ms from the PIN's Enter to
    the checkout entry, MB there once quiet)."""
    pty = Pty([*_pos_tui(), "--db", db_path], _program_env())
    try:
        to_sign_in = pty.wait_for(READY_SIGN_IN)
        pty.quiet(QUIET_S)
        rss_sign_in = pty.rss_mb()
        pty.send(CASHIER[0].encode() + b"\r")
        pty.read(0.05)
        pty.send(CASHIER[1].encode() + b"\r")
        entered = time.perf_counter()
        at_checkout = pty.wait_for(READY_CHECKOUT) + pty.started
        pty.quiet(QUIET_S)
        rss_checkout = pty.rss_mb()
    finally:
        pty.close()
    return to_sign_in * 1000, rss_sign_in, (at_checkout - entered) * 1000, rss_checkout


def _floor() -> tuple[float, float]:
    """(ms from exec to the Label on screen, MB once quiet)."""
    pty = Pty([sys.executable, str(FLOORS / "label_app.py")], _program_env())
    try:
        ready = pty.wait_for(READY_LABEL)
        pty.quiet(QUIET_S)
        return ready * 1000, pty.rss_mb()
    finally:
        pty.close()


def run(ctx: Context) -> list[Figure]:
    rounds = ctx.sizes["coldstart_rounds"]
    ours_ms: list[float] = []
    ours_mb: list[float] = []
    checkout_ms: list[float] = []
    checkout_mb: list[float] = []
    floor_ms: list[float] = []
    floor_mb: list[float] = []
    for r in range(rounds + 1):  # the first round fills the page and bytecode caches: dropped
        db = _demo_copy(ctx, "coldstart")
        order = ["ours", "floor"] if r % 2 == 0 else ["floor", "ours"]
        for side in order:
            if side == "ours":
                sign_in, sign_in_mb, checkout, at_checkout_mb = _ours(str(db))
                if r:
                    ours_ms.append(sign_in)
                    ours_mb.append(sign_in_mb)
                    checkout_ms.append(checkout)
                    checkout_mb.append(at_checkout_mb)
            else:
                ready, mb = _floor()
                if r:
                    floor_ms.append(ready)
                    floor_mb.append(mb)
    sizes = {"rounds": rounds, "terminal": f"{COLS}x{ROWS}", "demo_customers": DEMO_CUSTOMERS}
    floor_note = "floor: a Textual app with one Label, from exec to its text on screen"
    return [
        Figure(
            name="coldstart",
            title="cold start to the sign-in screen",
            metric="median",
            unit="ms",
            ours=summarize(ours_ms),
            floor=summarize(floor_ms),
            goal="<= 1.3x floor",
            max_ratio=1.3,
            sizes=sizes,
            notes=[f"ours: exec of pos-tui --db DEMO to 'Employee number' on screen; {floor_note}"],
        ),
        Figure(
            name="coldstart_rss",
            title="cold start: resident memory at sign-in",
            metric="median",
            unit="MB",
            ours=summarize(ours_mb),
            floor=summarize(floor_mb),
            goal="RSS <= 1.3x floor",
            max_ratio=1.3,
            sizes=sizes,
            notes=[f"VmRSS once the screen is up and the output quiet for {QUIET_S} s"],
        ),
        Figure(
            name="coldstart_checkout",
            title="sign-in: PIN Enter to the checkout entry",
            metric="median",
            unit="ms",
            ours=summarize(checkout_ms),
            floor={},
            goal="information",
            informational=True,
            sizes=sizes,
            extra={"rss_at_checkout_mb": summarize(checkout_mb)},
            notes=["typing 101, Enter, 1234, Enter at the quiet sign-in screen"],
        ),
    ]
