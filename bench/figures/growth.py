"""No growth: resident memory of the real lane after many searches, scans and back-office forms.

The real app (``create_app``, its screens, services and database thread) is driven by Pilot in
a process of its own (``python -m bench.figures.growth``), so the figure is that process's RSS
alone, not the bench's with every figure run before it. Signed in as the demo manager (who may
sell and open the back office), on a copy of the demo store:

- one F2 search (typed, results shown, closed), RSS; then N more, RSS;
- one scan (a barcode typed into the entry and Enter), RSS; then N more, in sales of
  ``SALE_LINES`` lines as a cashier rings them up: each full sale paid exact cash (F5, Enter),
  every ``VOID_EVERY``-th voided instead (Ctrl+Y, "Void the sale"), so the cart stays the size
  of a real sale and commits, receipts' print jobs and voids are part of what is repeated;
- one back-office form: from the menu, Customers (the list), Enter (the customer's form), Escape,
  Escape; RSS; then N more, RSS.

Every RSS is read after ``gc.collect()``: the figure is what is kept alive, not garbage the
collector has not reached yet. Growth is the RSS after the N repetitions minus the RSS after the
first of them (goal: <= 10 MB). ``--trace`` (a diagnosis, not part of the bench) also takes
tracemalloc snapshots around each run and prints where the memory that stayed was allocated and
which object types grew.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.context import Context
from bench.core import Figure

MANAGER = ("301", "3456")
SALE_LINES = 20  # lines per sale: about the 22-line cart
VOID_EVERY = 4  # every 4th sale is voided, the others paid exact cash
GOAL_MB = 10.0
# The counts with --full; a tenth of them in the quick bench (about 30 s).
FULL_COUNTS = {"search": 1000, "scan": 1000, "form": 100}
QUICK_COUNTS = {"search": 100, "scan": 100, "form": 10}
KINDS = ("search", "scan", "form")
TITLES = {
    "search": "F2 searches (typed, shown, closed)",
    "scan": "scans (sales of 20 lines paid or voided)",
    "form": "back-office customer form opens",
}


def rss_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def settled_rss() -> float:
    gc.collect()
    return rss_mb()


# -- the session (in the child process) ---------------------------------------------------------


async def _tick() -> None:
    """Let the app run a moment. Not ``Pilot.pause``: each of those leaves a cancelled 30 s
    ``wait_for`` timer in the event loop whose context holds the screen stack of that moment,
    so closed screens would stay alive for 30 s because of the harness, not the app."""
    await asyncio.sleep(0.002)


async def _until(pilot: Any, condition: Callable[[], bool], timeout: float = 60.0) -> None:
    deadline = time.perf_counter() + timeout
    while not condition():
        if time.perf_counter() > deadline:
            raise TimeoutError(f"the screen did not show the change in time: {_where(pilot.app)}")
        await _tick()


def _where(app: Any) -> str:
    from textual.widgets import Input

    screen = app.screen
    fields = {w.id: w.value for w in screen.query(Input)}
    return f"on {type(screen).__name__}, fields {fields}, focus {app.focused!r}"


def _keys(app: Any, *keys: str) -> None:
    """Keys as a fast typist sends them (tests/app/helpers_lane.py ``burst``)."""
    from textual import events

    chars = {"enter": "\r", "escape": "\x1b", "space": " "}
    for key in keys:
        char = key if len(key) == 1 else chars.get(key)
        app.post_message(events.Key(key, char))


def _search_texts(db: Path, count: int) -> list[str]:
    """Name prefixes a cashier types: the first 3 to 5 letters of customers' last names."""
    import sqlite3

    conn = sqlite3.connect(str(db))
    names = [
        r[0]
        for r in conn.execute(
            "SELECT DISTINCT last_name FROM customers WHERE length(last_name) >= 5"
            " ORDER BY last_name LIMIT 200"
        )
    ]
    conn.close()
    return [names[n % len(names)][: 3 + n % 3].lower() for n in range(count)]


class Session:
    def __init__(self, app: Any, pilot: Any, db: Path, trace: bool) -> None:
        self.app, self.pilot, self.db, self.trace = app, pilot, db, trace
        self.figures: dict[str, dict[str, Any]] = {}
        self.codes: list[str] = []
        self.lines = 0
        self.sales = 0

    # one search: F2, the prefix, its results on screen, Escape back to the checkout
    async def search(self, text: str) -> None:
        from pos_tui.screens.checkout import CheckoutScreen
        from pos_tui.screens.customer_search import CustomerSearchScreen

        app = self.app
        _keys(app, "f2")
        await _until(
            self.pilot,
            lambda: (
                isinstance(app.screen, CustomerSearchScreen)
                and getattr(app.focused, "id", None) == "customer-query"
            ),
        )
        _keys(app, *text)
        await _until(
            self.pilot,
            lambda: (
                isinstance(app.screen, CustomerSearchScreen) and app.screen._results_for == text
            ),
        )
        await _tick()
        _keys(app, "escape")
        await _until(self.pilot, lambda: isinstance(app.screen, CheckoutScreen))

    # one scan; a sale that reaches SALE_LINES lines is paid (or voided)
    async def scan(self, n: int) -> None:
        from pos_tui.screens.checkout import CheckoutScreen

        app = self.app
        screen = app.screen
        assert isinstance(screen, CheckoutScreen)
        expected = self.lines + 1
        _keys(app, *self.codes[self.lines % len(self.codes)], "enter")
        await _until(
            self.pilot,
            lambda: screen.view is not None and len(screen.view.priced.lines) == expected,
        )
        self.lines = expected
        if self.lines >= SALE_LINES:
            await self._finish_sale(screen)

    async def _finish_sale(self, checkout: Any) -> None:
        from pos_tui.screens.dialogs import ChoiceScreen
        from pos_tui.screens.tender import TenderScreen

        app, pilot = self.app, self.pilot
        self.sales += 1
        if self.sales % VOID_EVERY == 0:
            _keys(app, "ctrl+y")
            await _until(pilot, lambda: isinstance(app.screen, ChoiceScreen))
            await _tick()
            _keys(app, "down", "enter")
        else:
            _keys(app, "f5")
            await _until(pilot, lambda: isinstance(app.screen, TenderScreen))
            await _tick()
            _keys(app, "enter")
        await _until(
            pilot,
            lambda: app.screen is checkout and checkout.view is not None and checkout.view.empty,
        )
        self.lines = 0

    # one back-office form: Customers, Enter on the first, Escape, Escape (back on the menu)
    async def form(self) -> None:
        from pos_tui.screens.backoffice.customer_form import CustomerFormScreen
        from pos_tui.screens.backoffice.customer_list import CustomerListScreen
        from pos_tui.screens.backoffice.menu import BackOfficeScreen

        app, pilot = self.app, self.pilot
        _keys(app, "1")
        await _until(
            pilot,
            lambda: (
                isinstance(app.screen, CustomerListScreen)
                and app.screen.page is not None
                and app.screen.selected_id() is not None
            ),
        )
        list_screen = app.screen
        _keys(app, "enter")
        await _until(
            pilot,
            lambda: isinstance(app.screen, CustomerFormScreen) and bool(app.screen._loaded),
        )
        await _tick()
        _keys(app, "escape")
        await _until(pilot, lambda: app.screen is list_screen)
        await app.workers.wait_for_complete()
        _keys(app, "escape")
        await _until(pilot, lambda: isinstance(app.screen, BackOfficeScreen))

    async def measure(self, kind: str, once: Callable[[int], Any], count: int) -> None:
        await once(0)
        await self._quiet()
        first = settled_rss()
        tracer = Tracer() if self.trace else None
        marks: list[tuple[int, float]] = []
        step = max(1, count // 10)
        started = time.perf_counter()
        for n in range(1, count + 1):
            await once(n)
            if n % step == 0 or n == count:
                await self._quiet()
                marks.append((n, round(settled_rss(), 2)))
        seconds = time.perf_counter() - started
        after = marks[-1][1]
        self.figures[kind] = {
            "first_mb": round(first, 2),
            "after_mb": after,
            "growth_mb": round(after - first, 2),
            "count": count,
            "seconds": round(seconds, 1),
            "curve": marks,
        }
        print(f"{kind}: {first:.1f} MB after the first, {after:.1f} MB after {count}", flush=True)
        if tracer is not None:
            tracer.report(kind)

    async def _quiet(self) -> None:
        await _tick()
        await self.app.workers.wait_for_complete()
        await asyncio.wrap_future(self.app.runner.submit(lambda: None))
        await _tick()


class Tracer:
    """tracemalloc and live-object counts before and after a run (``--trace``)."""

    def __init__(self) -> None:
        import tracemalloc

        if not tracemalloc.is_tracing():
            tracemalloc.start(25)
        gc.collect()
        self.snapshot = tracemalloc.take_snapshot()
        self.types = Counter(type(o).__qualname__ for o in gc.get_objects())

    def report(self, kind: str) -> None:
        import tracemalloc

        gc.collect()
        snapshot = tracemalloc.take_snapshot()
        types = Counter(type(o).__qualname__ for o in gc.get_objects())
        print(f"--- {kind}: object types that grew", flush=True)
        grown = sorted(((types[t] - self.types[t], t) for t in types), reverse=True)[:25]
        for delta, name in grown:
            if delta > 0:
                print(f"  {delta:+7d} {name}")
        print(f"--- {kind}: where the memory that stayed was allocated", flush=True)
        for stat in snapshot.compare_to(self.snapshot, "traceback")[:12]:
            print(f"  {stat.size_diff / 1024:+9.1f} KiB {stat.count_diff:+7d} blocks")
            for line in stat.traceback.format(limit=12):
                print(f"      {line}")


async def session(db: Path, counts: dict[str, int], trace: bool) -> dict[str, Any]:
    from bench.data import NOW, open_backend
    from bench.figures.lane_ui import _barcodes
    from pos_tui.app import create_app
    from pos_tui.screens.backoffice.menu import BackOfficeScreen
    from pos_tui.screens.checkout import CheckoutScreen

    backend = open_backend(db)
    app = create_app(backend.settings, backend=backend, now=lambda: NOW)
    texts = _search_texts(db, counts["search"] + 1)
    async with app.run_test(size=(120, 40)) as pilot:
        run = Session(app, pilot, db, trace)
        run.codes = _barcodes(db, SALE_LINES)
        _keys(app, *MANAGER[0], "enter", *MANAGER[1], "enter")
        await _until(pilot, lambda: isinstance(app.screen, CheckoutScreen))
        await run._quiet()
        signed_in = settled_rss()

        async def one_search(n: int) -> None:
            await run.search(texts[n])

        async def one_form(n: int) -> None:
            await run.form()

        await run.measure("search", one_search, counts["search"])
        await run.measure("scan", run.scan, counts["scan"])
        _keys(app, "f11")
        await _until(pilot, lambda: isinstance(app.screen, BackOfficeScreen))
        await run.measure("form", one_form, counts["form"])
        result = {"signed_in_mb": round(signed_in, 2), "sales": run.sales, **run.figures}
    backend.close()
    return result


def child_main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.figures.growth")
    parser.add_argument("db", type=Path, help="a copy of the demo store (it is written to)")
    parser.add_argument("--searches", type=int, default=1000)
    parser.add_argument("--scans", type=int, default=1000)
    parser.add_argument("--forms", type=int, default=100)
    parser.add_argument("--out", type=Path, help="the figures as JSON")
    parser.add_argument("--trace", action="store_true", help="tracemalloc: what stayed, where")
    args = parser.parse_args(argv)
    counts = {"search": args.searches, "scan": args.scans, "form": args.forms}
    result = asyncio.run(session(args.db, counts, args.trace))
    if args.out:
        args.out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    else:
        print(json.dumps(result, indent=2))
    return 0


# -- the bench figure ---------------------------------------------------------------------------


def run(ctx: Context) -> list[Figure]:
    from bench.figures.lane_ui import _demo_copy

    counts = dict(FULL_COUNTS if ctx.mode == "full" else QUICK_COUNTS)
    db = _demo_copy(ctx, "growth")
    out = ctx.tmp("growth") / "growth.json"
    argv = [
        sys.executable,
        "-m",
        "bench.figures.growth",
        str(db),
        f"--searches={counts['search']}",
        f"--scans={counts['scan']}",
        f"--forms={counts['form']}",
        f"--out={out}",
    ]
    repo = Path(__file__).resolve().parents[2]
    done = subprocess.run(argv, cwd=repo, capture_output=True, text=True, timeout=3600)
    if done.returncode:
        raise RuntimeError(f"the growth session failed:\n{done.stderr[-2000:]}")
    result = json.loads(out.read_text(encoding="utf-8"))
    figures = []
    for kind in KINDS:
        got = result[kind]
        figures.append(
            Figure(
                name=f"growth_{kind}",
                title=f"RSS growth: {got['count']:,} {TITLES[kind]}",
                metric="value",
                unit="MB",
                ours={"value": got["after_mb"]},
                floor={"value": got["first_mb"]},
                goal=f"growth <= {GOAL_MB:.0f} MB",
                max_abs=GOAL_MB,
                abs_value=got["growth_mb"],
                abs_unit="MB growth",
                sizes={"count": got["count"], "demo_customers": 5000, "terminal": "120x40"},
                extra={
                    "curve_mb": got["curve"],
                    "seconds": got["seconds"],
                    "signed_in_mb": result["signed_in_mb"],
                    "sales": result["sales"],
                },
                notes=[
                    "ours: RSS after the repetitions, floor: RSS after the first one (both after"
                    " gc.collect()); the real app under Pilot in a process of its own"
                ],
            )
        )
    return figures


if __name__ == "__main__":
    sys.exit(child_main())
