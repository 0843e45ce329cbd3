"""``pos-tui customers find MOBILE`` as a process, beside ``python -c`` running the same query
with sqlite3: what a script or a support call pays for one lookup from the shell.

Both run with the same interpreter and the same bytecode cache (``_program_env``), one after
the other, the order flipping every round; the first round is dropped. The number is given
as stored (E.164); the same lookup with the number spaced as people write it ("+1 200 215
6521", read through libphonenumber) is kept as information.
"""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from bench.context import Context
from bench.core import Figure, summarize
from bench.figures.lane_ui import DEMO_CUSTOMERS, _demo_copy, _pos_tui, _program_env

# The customers find's exact-mobile query, printing what it prints.
FLOOR = """\
import sqlite3, sys
conn = sqlite3.connect(sys.argv[1])
for row in conn.execute(
    "SELECT account_number, first_name, last_name, mobile, card_number FROM customers"
    " WHERE mobile = ? AND active = 1",
    [sys.argv[2]],
):
    print(*row)
"""


def _spaced(e164: str) -> str:
    """+12002156521 as "+1 200 215 6521" (a North American number, as the demo's are)."""
    digits = e164[2:]
    return f"{e164[:2]} {digits[:3]} {digits[3:6]} {digits[6:]}"


def _timed(argv: list[str], env: dict[str, str], expect: str) -> float:
    started = time.perf_counter()
    done = subprocess.run(argv, env=env, capture_output=True, text=True, check=True)
    elapsed = (time.perf_counter() - started) * 1000
    if expect not in done.stdout:
        raise RuntimeError(f"{argv[-1]!r}: {expect!r} not in the output {done.stdout!r}")
    return elapsed


def run(ctx: Context) -> list[Figure]:
    rounds = ctx.sizes["cli_rounds"]
    db = _demo_copy(ctx, "cli")
    conn = sqlite3.connect(str(db))
    mobile, account = conn.execute(
        "SELECT mobile, account_number FROM customers WHERE active = 1 AND mobile LIKE '+1%'"
        " ORDER BY id LIMIT 1"
    ).fetchone()
    conn.close()
    env = _program_env()
    ours_argv = [*_pos_tui(), "--db", str(db), "customers", "find"]
    floor_argv = [sys.executable, "-c", FLOOR, str(db), mobile]
    ours: list[float] = []
    spaced: list[float] = []
    floor: list[float] = []
    for r in range(rounds + 1):
        sides = ["ours", "floor"] if r % 2 == 0 else ["floor", "ours"]
        for side in sides:
            if side == "ours":
                took = _timed([*ours_argv, mobile], env, account)
                also = _timed([*ours_argv, _spaced(mobile)], env, account)
                if r:
                    ours.append(took)
                    spaced.append(also)
            else:
                took = _timed(floor_argv, env, account)
                if r:
                    floor.append(took)
    return [
        Figure(
            name="cli",
            title="pos-tui customers find MOBILE, a process",
            metric="median",
            unit="ms",
            ours=summarize(ours),
            floor=summarize(floor),
            goal="<= 3x floor",
            max_ratio=3.0,
            sizes={"rounds": rounds, "demo_customers": DEMO_CUSTOMERS},
            extra={"spaced_number_ms": summarize(spaced), "database": Path(db).name},
            notes=[
                "ours: exec to exit of pos-tui --db DEMO customers find +1..., the number as"
                " stored; floor: python -c with sqlite3, the same SELECT, printed",
            ],
        )
    ]
