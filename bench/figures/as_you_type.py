"""Search as you type at the lane: last key to results, under Pilot and in a real terminal.

The lane's F2 customer search over the demo store of the mode's size (1,000,000 customers with
``--full``) beside the bare Textual app of ``floors/search_app.py`` doing the same query, in
the same run. A mobile case types a customer's mobile number: every digit but the last at once
(a burst, as a terminal delivers fast typing), left to settle ("No customer found"), then the
last digit, timed until its answer ("1 found") is on screen. A name case types the customer's
"first last" with a typo after it, which finds nobody, then Backspace: at 1,000,000 customers
a name and its prefixes all fill the 50 rows with the same first rows, so only a change of the
status line lets the terminal figure tell the last key's answer from the one before by reading
the screen.

Rounds alternate the two sides (the order flips every round); the ratio of each round's
medians gives the spread of the ratio (``extra.ratio_by_round``), the table's ratio is that of
the medians of all rounds together.
"""

from __future__ import annotations

import asyncio
import random
import re
import shutil
import sqlite3
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.context import Context
from bench.core import Figure, summarize
from bench.data import NOW, demo_database, open_backend
from bench.figures.lane_ui import CASHIER, FLOORS, _pos_tui, _program_env

KINDS = ("name", "mobile")
GOAL_MS = 100.0
GOAL_RATIO = 1.5


BACKSPACE = "\b"
TYPO = "q"  # typed after a name: "Michael Leeq" finds nobody, Backspace finds Michael Lee


@dataclass(frozen=True)
class Case:
    kind: str  # name | mobile
    text: str  # the query the last key asks for
    ours_before: str  # a regex of each side's screen once the keys before the last are
    ours_after: str  # answered, and once the last key is
    floor_before: str
    floor_after: str

    @property
    def typed(self) -> str:
        """The keys before the last."""
        return self.text + TYPO if self.kind == "name" else self.text[:-1]

    @property
    def last(self) -> str:
        return BACKSPACE if self.kind == "name" else self.text[-1]


def _status(count: int) -> str:
    status = "No customer found" if count == 0 else f"{count} found"
    return r"(?<!\d)" + re.escape(status) + r"(?!\w)"


def _patterns(kind: str, text: str, answer: Callable[[str], list[Any]]) -> tuple[str, str] | None:
    """(before, after): the status lines that tell the last key's answer from the one before.

    A mobile's last digit: "1 found" after "No customer found". A name: at 1,000,000 a name
    and its prefixes all fill the 50 rows ("50 found"), and the whole name's first rows are
    the prefix's too (one range of the name keys), so the screen cannot tell them apart; the
    name is typed with a typo that finds nobody and the last key is Backspace, as a cashier
    corrects one: "N found" after "No customer found"."""
    before = text[:-1] if kind == "mobile" else text + TYPO
    counts = [len(answer(t)) for t in (before, text)]
    if counts[0] or not counts[1]:
        return None
    return _status(counts[0]), _status(counts[1])


def _cases(db: Path, per_kind: int, rng: random.Random) -> list[Case]:
    """Customers whose last key changes what both sides show (see :func:`_patterns`)."""
    from bench.figures.floors.search_app import Query
    from pos_tui.screens.customer_search import RESULT_LIMIT
    from pos_tui.services.customers.service import CustomerService

    backend = open_backend(db)
    service = CustomerService(backend)
    floor = Query(str(db))
    raw = sqlite3.connect(str(db))
    high = raw.execute("SELECT max(id) FROM customers").fetchone()[0]
    found: dict[str, list[Case]] = {kind: [] for kind in KINDS}
    tries = 0
    while any(len(v) < per_kind for v in found.values()) and tries < 2000:
        tries += 1
        row = raw.execute(
            "SELECT first_name, last_name, mobile FROM customers WHERE id = ? AND active = 1 "
            "AND is_company = 0 AND first_name IS NOT NULL AND last_name IS NOT NULL "
            "AND mobile IS NOT NULL",
            [rng.randint(1, high)],
        ).fetchone()
        if row is None:
            continue
        for kind, text in (("name", f"{row[0]} {row[1]}"), ("mobile", row[2])):
            if len(found[kind]) >= per_kind or not text.isascii():
                continue
            ours = _patterns(kind, text, lambda t: service.find(t, limit=RESULT_LIMIT))
            bare = _patterns(kind, text, floor)
            if ours and bare:
                found[kind].append(Case(kind, text, *ours, *bare))
    raw.close()
    backend.close()
    if not all(found.values()):
        raise RuntimeError(f"no cases found for every kind: {found}")
    return [case for kind in KINDS for case in found[kind]]


def _store_copy(ctx: Context) -> Path:
    source, _ = demo_database(ctx.sizes["customers"], log=ctx.log)
    target = ctx.tmp("typing") / "typing.db"
    for suffix in ("", "-wal", "-shm"):
        Path(str(target) + suffix).unlink(missing_ok=True)
    shutil.copyfile(source, target)
    return target


def _figures(
    surface: str, times: dict[str, dict[str, list[float]]], rounds: list[dict[str, Any]], n: int
) -> list[Figure]:
    figures: list[Figure] = []
    where = "Pilot at 120x40" if surface == "pilot" else "tmux at 80x24, the pane read every 10 ms"
    for kind in KINDS:
        ours, floor = times["ours"][kind], times["floor"][kind]
        by_round = [r[kind] for r in rounds if kind in r]
        ours_stats = summarize(ours)
        figures.append(
            Figure(
                name=f"typing_{kind}" + ("" if surface == "pilot" else "_term"),
                title=f"F2 {kind} search, last key to results at {n:,} ({surface})",
                metric="median",
                unit="ms",
                ours=ours_stats,
                floor=summarize(floor),
                goal=f"median <= {GOAL_RATIO}x floor, < {GOAL_MS:.0f} ms",
                max_ratio=GOAL_RATIO,
                max_abs=GOAL_MS,
                sizes={"customers": n, "cases": len(ours), "rounds": len(rounds)},
                extra={
                    "ratio_by_round": [round(x, 3) for x in by_round],
                    "ratio_spread": [round(min(by_round), 3), round(max(by_round), 3)]
                    if by_round
                    else None,
                },
                notes=[
                    f"{where}: the last key of a {kind} to the answer's status line on screen;"
                    " floor: floors/search_app.py (bare Textual, same query, no debounce)",
                ],
            )
        )
    return figures


def _round_ratios(ours: dict[str, list[float]], floor: dict[str, list[float]]) -> dict[str, Any]:
    import statistics

    return {
        kind: statistics.median(ours[kind]) / statistics.median(floor[kind])
        for kind in KINDS
        if ours[kind] and floor[kind]
    }


# -- under Pilot --------------------------------------------------------------------------------


async def _until(pilot: Any, condition: Callable[[], bool], timeout: float = 30.0) -> None:
    deadline = time.perf_counter() + timeout
    while not condition():
        if time.perf_counter() > deadline:
            raise TimeoutError("the answer never showed")
        await pilot.pause()


def _key(char: str) -> str:
    return {" ": "space", "+": "plus"}.get(char, char)


async def _type_cases(
    pilot: Any, field: Any, shown_for: Callable[[], str | None], cases: list[Case]
) -> dict[str, list[float]]:
    """Per case: clear, type all but the last key, let it settle, time the last key.

    Keys go to the driver as Pilot's ``press`` sends them, but without ``press``'s waits for
    CPU idle between keys (``wait_for_idle`` sleeps until the process looks idle, ~100 ms that
    belong to neither side): the answer is polled every millisecond, and the time is taken
    after the refresh that follows it (``call_after_refresh``), when it is on screen."""
    from textual import events

    app = pilot.app
    loop = asyncio.get_running_loop()
    times: dict[str, list[float]] = {kind: [] for kind in KINDS}

    def send(char: str) -> None:
        key = events.Key("backspace", None) if char == BACKSPACE else events.Key(_key(char), char)
        key.set_sender(app)
        app._driver.send_message(key)

    for case in cases:
        before = case.typed.strip()
        if field.value:
            field.value = ""
            await _until(pilot, lambda: shown_for() == "")
        for char in case.typed:  # a burst, as a terminal delivers keys typed fast
            send(char)
        await _until(pilot, lambda: shown_for() == before)  # noqa: B023 (awaited here)
        await pilot.pause()
        deadline = time.perf_counter() + 30
        started = time.perf_counter()
        send(case.last)
        while shown_for() != case.text:
            if time.perf_counter() > deadline:
                raise TimeoutError(f"{case.text!r} was never answered")
            await asyncio.sleep(0.001)
        painted: asyncio.Future[float] = loop.create_future()
        app.screen.call_after_refresh(
            lambda painted=painted: painted.done() or painted.set_result(time.perf_counter())
        )
        times[case.kind].append((await painted - started) * 1000)
    return times


async def _pilot_ours(db: Path, cases: list[Case]) -> dict[str, list[float]]:
    from textual.widgets import Input

    from pos_tui.app import create_app
    from pos_tui.screens.checkout import CheckoutScreen
    from pos_tui.screens.customer_search import CustomerSearchScreen

    backend = open_backend(db)
    app = create_app(backend.settings, backend=backend, now=lambda: NOW)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press(*CASHIER[0], "enter", *CASHIER[1], "enter")
        await _until(pilot, lambda: isinstance(app.screen, CheckoutScreen))
        await app.workers.wait_for_complete()
        await pilot.press("f2")
        await _until(pilot, lambda: isinstance(app.screen, CustomerSearchScreen))
        screen = app.screen
        assert isinstance(screen, CustomerSearchScreen)
        field = screen.query_one("#customer-query", Input)
        return await _type_cases(pilot, field, lambda: screen._results_for, cases)


async def _pilot_floor(db: Path, cases: list[Case]) -> dict[str, list[float]]:
    from textual.widgets import Input

    from bench.figures.floors.search_app import SearchFloor

    app = SearchFloor(str(db))
    async with app.run_test(size=(120, 40)) as pilot:
        field = app.query_one(Input)
        return await _type_cases(pilot, field, lambda: app.results_for, cases)


def run_pilot(ctx: Context) -> list[Figure]:
    db = _store_copy(ctx)
    cases = _cases(db, ctx.sizes["typing_cases"], random.Random(23))
    times: dict[str, dict[str, list[float]]] = {
        s: {k: [] for k in KINDS} for s in ("ours", "floor")
    }
    rounds: list[dict[str, Any]] = []
    for r in range(ctx.sizes["typing_rounds"] + 1):  # round 0 warms caches and is dropped
        got: dict[str, dict[str, list[float]]] = {}
        for side in ("ours", "floor") if r % 2 == 0 else ("floor", "ours"):
            run = _pilot_ours if side == "ours" else _pilot_floor
            got[side] = asyncio.run(run(db, cases))
        if r:
            for side in got:
                for kind in KINDS:
                    times[side][kind] += got[side][kind]
            rounds.append(_round_ratios(got["ours"], got["floor"]))
    return _figures("pilot", times, rounds, ctx.sizes["customers"])


# -- in a real terminal (tmux) ------------------------------------------------------------------

POLL_S = 0.01


class Panes:
    """One tmux server on its own socket with a session per side, each 80x24."""

    def __init__(self, env: dict[str, str]) -> None:
        self.socket = f"pos-tui-bench-{uuid.uuid4().hex[:8]}"
        self.env = env

    def tmux(self, *args: str) -> str:
        out = subprocess.run(
            ["tmux", "-L", self.socket, "-f", "/dev/null", *args],
            env=self.env, capture_output=True, text=True, timeout=10, check=True,
        )  # fmt: skip
        return out.stdout

    def start(self, name: str, argv: list[str]) -> None:
        self.tmux("new-session", "-d", "-s", name, "-x", "80", "-y", "24", "env",
                  "TERM=xterm-256color", *argv)  # fmt: skip

    def screen(self, name: str) -> str:
        return self.tmux("capture-pane", "-p", "-t", name)

    def send(self, name: str, text: str, *, literal: bool = True) -> None:
        self.tmux("send-keys", "-t", name, *(["-l"] if literal else []), text)

    def wait(self, name: str, pattern: str, timeout: float = 60.0) -> float:
        """Seconds until ``pattern`` (a regex) is on the pane, read every 10 ms."""
        started = time.perf_counter()
        found = re.compile(pattern)
        while True:
            screen = self.screen(name)
            if found.search(screen):
                return time.perf_counter() - started
            if time.perf_counter() - started > timeout:
                raise TimeoutError(f"{pattern!r} never showed in {name}:\n{screen}")
            time.sleep(POLL_S)

    def kill(self) -> None:
        subprocess.run(["tmux", "-L", self.socket, "kill-server"], env=self.env,
                       capture_output=True, timeout=10)  # fmt: skip


def _term_case(panes: Panes, side: str, case: Case) -> float:
    before = case.ours_before if side == "ours" else case.floor_before
    after = case.ours_after if side == "ours" else case.floor_after
    panes.send(side, "C-u", literal=False)
    panes.wait(side, r"Type to search")
    panes.send(side, case.typed)
    panes.wait(side, before)
    started = time.perf_counter()
    if case.last == BACKSPACE:
        panes.send(side, "BSpace", literal=False)
    else:
        panes.send(side, case.last)
    panes.wait(side, after)
    return (time.perf_counter() - started) * 1000


def run_term(ctx: Context) -> list[Figure]:
    if shutil.which("tmux") is None:
        raise RuntimeError("tmux is not installed")
    db = _store_copy(ctx)
    cases = _cases(db, ctx.sizes["typing_cases"], random.Random(23))
    panes = Panes(_program_env())
    times: dict[str, dict[str, list[float]]] = {
        s: {k: [] for k in KINDS} for s in ("ours", "floor")
    }
    rounds: list[dict[str, Any]] = []
    try:
        panes.start("ours", [*_pos_tui(), "--db", str(db)])
        panes.start("floor", [sys.executable, str(FLOORS / "search_app.py"), str(db)])
        panes.wait("ours", "Employee number")
        panes.send("ours", CASHIER[0])
        panes.send("ours", "Enter", literal=False)
        panes.wait("ours", "PIN")
        panes.send("ours", CASHIER[1])
        panes.send("ours", "Enter", literal=False)
        panes.wait("ours", "Scan or type barcode")
        time.sleep(0.5)
        panes.send("ours", "F2", literal=False)
        panes.wait("ours", "Type to search")
        panes.wait("floor", "Type to search")
        time.sleep(0.5)  # both inputs focused and idle before the first case
        for r in range(ctx.sizes["typing_rounds"] + 1):  # round 0 is dropped
            got: dict[str, dict[str, list[float]]] = {s: {k: [] for k in KINDS} for s in times}
            for case in cases:  # the sides alternate case by case, the order flips each round
                for side in ("ours", "floor") if r % 2 == 0 else ("floor", "ours"):
                    got[side][case.kind].append(_term_case(panes, side, case))
            if r:
                for side in got:
                    for kind in KINDS:
                        times[side][kind] += got[side][kind]
                rounds.append(_round_ratios(got["ours"], got["floor"]))
    finally:
        panes.kill()
    return _figures("tmux", times, rounds, ctx.sizes["customers"])
