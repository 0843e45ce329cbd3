"""Lane keys to their answer on screen: F3 price lookup, Ctrl+G held sales, the account PIN
check and opening the back office, under Pilot and in a real terminal (tmux).

Each row runs the real app on a copy of the demo store of the mode's size (1,000,000 customers
with ``--full``), with held sales added through the checkout service, beside the bare Textual
app of ``floors/lane_keys_app.py`` doing the same work in the same run:

- ``price``: F3 open with a customer on the sale (price level 2), a SKU typed but its last
  character ("STAP-000", nine items), left to settle, then the last character ("STAP-0003"),
  timed until the one item and the price the customer pays are shown ("1 found").
- ``held``: Ctrl+G on the checkout's empty sale, timed until the list of the held sales is
  shown ("N held · Enter resumes"); Escape closes it.
- ``pin``: the tender screen of a sale with a customer whose account asks for a PIN: 1.37 in
  the amount, F7, the PIN typed, Enter to the reference field, then the Enter that accepts,
  timed until the account tender is shown ("Paid 1.37"); F9 removes it again.
- ``backoffice``: signed in as a supervisor, F11 on the checkout, timed until the back
  office's first screen is usable (its menu focused and its footer shown); Escape goes back.
  The first open of each process (modules imported then) is kept in ``extra``.

Rounds alternate the two sides (the order flips every round) and the first round is dropped;
the ratio of each round's medians gives the spread (``extra.ratio_by_round``).
"""

from __future__ import annotations

import asyncio
import re
import shutil
import sqlite3
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any, TypeVar

from bench.context import Context
from bench.core import Figure, summarize
from bench.data import NOW, demo_database, open_backend
from bench.figures.as_you_type import Panes
from bench.figures.lane_ui import CASHIER, FLOORS, _pos_tui, _program_env

ROWS = ("price", "held", "pin", "backoffice")
GOAL_MS = 100.0
GOAL_RATIO = 1.5
SUPERVISOR = ("201", "2345")
HELD = 6  # held sales in the store, 5 lines each
SKU_PREFIX = "STAP-000"  # nine items; the last key makes it one
SKUS = tuple(f"{SKU_PREFIX}{n}" for n in range(1, 10))
AMOUNT = "1.37"  # an amount the screen shows nowhere else


@dataclass(frozen=True)
class Account:
    """A customer whose account takes a charge with a PIN and no reference."""

    customer_id: int
    mobile: str
    name: str
    pin: str


TITLES = {
    "price": "F3 price lookup, last key to the customer's price",
    "held": "Ctrl+G held sales, the key to the list",
    "pin": "account charge PIN check, Enter to the answer",
    "backoffice": "back office, F11 to its first screen usable",
}
NOTES = {
    "price": "a SKU's last character to its one item and the customer's price shown",
    "held": f"Ctrl+G to the list of {HELD} held sales shown",
    "pin": "Enter accepting the PIN prompt to the account tender shown (scrypt check)",
    "backoffice": "F11 to the back office menu focused with its footer shown",
}


def _goal(row: str) -> tuple[str, float | None]:
    if row == "backoffice":
        return f"median <= {GOAL_RATIO}x floor", None
    return f"median <= {GOAL_RATIO}x floor, < {GOAL_MS:.0f} ms", GOAL_MS


# -- the store ----------------------------------------------------------------------------------


def _account(db: Path) -> Account:
    from pos_tui.demo.credentials import DEMO_CUSTOMER_PIN

    conn = sqlite3.connect(str(db))
    row = conn.execute(
        "SELECT id, mobile, first_name || ' ' || last_name FROM customers WHERE pin_hash IS NOT "
        "NULL AND ar_enabled = 1 AND allow_charge = 1 AND credit_hold = 0 AND active = 1 "
        "AND required_reference = 0 AND limit_to_location_id IS NULL AND price_level = 2 "
        "AND mobile IS NOT NULL AND is_company = 0 ORDER BY id LIMIT 1"
    ).fetchone()
    conn.close()
    if row is None:
        raise RuntimeError("no demo customer with an account PIN and no reference")
    return Account(int(row[0]), row[1], row[2], DEMO_CUSTOMER_PIN)


def _forget_sales_in_progress(db: Path) -> None:
    """Drop the sale a session left on the lane (its tender screen, untimed), so the next
    sign-in is not asked to resume it; the held sales stay."""
    conn = sqlite3.connect(str(db))
    with conn:
        conn.execute("DELETE FROM open_sales WHERE status = 'in_progress'")
    conn.close()


def _store_copy(ctx: Context) -> Path:
    """A copy of the demo store with :data:`HELD` held sales of five lines."""
    from pos_tui.services.checkout.sale import Checkout
    from pos_tui.services.staff.auth import AuthService

    source, _ = demo_database(ctx.sizes["customers"], log=ctx.log)
    target = ctx.tmp("lane_keys") / "lane_keys.db"
    for suffix in ("", "-wal", "-shm"):
        Path(str(target) + suffix).unlink(missing_ok=True)
    shutil.copyfile(source, target)
    backend = open_backend(target)
    employee = AuthService(backend).sign_in(*CASHIER)
    for n in range(HELD):
        co = Checkout(backend, employee)
        for sku in SKUS[:5]:
            co.add_item(sku)
        co.suspend(f"bench {n + 1}")
    backend.close()
    return target


# -- figures ------------------------------------------------------------------------------------


def _figures(
    surface: str,
    times: dict[str, dict[str, list[float]]],
    rounds: list[dict[str, float]],
    n: int,
    first_opens: dict[str, list[float]],
) -> list[Figure]:
    where = "Pilot at 120x40" if surface == "pilot" else "tmux at 80x24, the pane read every 10 ms"
    figures = []
    for row in ROWS:
        ours, floor = times["ours"][row], times["floor"][row]
        by_round = [r[row] for r in rounds if row in r]
        goal, max_abs = _goal(row)
        extra: dict[str, Any] = {
            "ratio_by_round": [round(x, 3) for x in by_round],
            "ratio_spread": [round(min(by_round), 3), round(max(by_round), 3)]
            if by_round
            else None,
        }
        if row == "backoffice":
            extra["first_open_ms"] = {s: [round(x, 1) for x in v] for s, v in first_opens.items()}
        figures.append(
            Figure(
                name=f"lanekey_{row}" + ("" if surface == "pilot" else "_term"),
                title=f"{TITLES[row]} at {n:,} ({surface})",
                metric="median",
                unit="ms",
                ours=summarize(ours),
                floor=summarize(floor),
                goal=goal,
                max_ratio=GOAL_RATIO,
                max_abs=max_abs,
                sizes={"customers": n, "keys": len(ours), "rounds": len(rounds), "held": HELD},
                extra=extra,
                notes=[f"{where}: {NOTES[row]}; floor: floors/lane_keys_app.py (bare Textual)"],
            )
        )
    return figures


def _round_ratios(got: dict[str, dict[str, list[float]]]) -> dict[str, float]:
    return {
        row: statistics.median(got["ours"][row]) / statistics.median(got["floor"][row])
        for row in ROWS
        if got["ours"][row] and got["floor"][row]
    }


def _rounds(
    ctx: Context, run: Callable[[str, int], dict[str, list[float]]]
) -> tuple[dict[str, dict[str, list[float]]], list[dict[str, float]]]:
    """``run(side, round)`` every round, the sides' order flipping; round 0 is dropped."""
    times: dict[str, dict[str, list[float]]] = {s: {r: [] for r in ROWS} for s in ("ours", "floor")}
    rounds = []
    for r in range(ctx.sizes.get("lane_keys_rounds", 3) + 1):
        got = {}
        for side in ("ours", "floor") if r % 2 == 0 else ("floor", "ours"):
            got[side] = run(side, r)
        if r:
            for side in got:
                for row in ROWS:
                    times[side][row] += got[side][row]
            rounds.append(_round_ratios(got))
    return times, rounds


# -- under Pilot --------------------------------------------------------------------------------


async def _until(pilot: Any, condition: Callable[[], bool], timeout: float = 30.0) -> None:
    deadline = time.perf_counter() + timeout
    while not condition():
        if time.perf_counter() > deadline:
            raise TimeoutError("the screen never showed what was waited for")
        await pilot.pause()


def _send(app: Any, *keys: str) -> None:
    """Keys to the driver as ``Pilot.press`` sends them, without its waits for CPU idle."""
    import unicodedata

    from textual import events
    from textual.keys import REPLACED_KEYS, _character_to_key, _get_unicode_name_from_key

    for key in keys:
        if len(key) == 1 and not key.isalnum():
            key = _character_to_key(key)
        original = REPLACED_KEYS.get(key, key)
        try:
            char: str | None = unicodedata.lookup(_get_unicode_name_from_key(original))
        except KeyError:
            char = key if len(key) == 1 else None
        event = events.Key(key, char)
        event.set_sender(app)
        app._driver.send_message(event)


async def _timed(pilot: Any, key: str, shown: Callable[[], bool]) -> float:
    """Milliseconds from ``key`` sent to the refresh after ``shown()`` first holds (polled
    every millisecond): the answer is then on screen."""
    app = pilot.app
    loop = asyncio.get_running_loop()
    deadline = time.perf_counter() + 30
    started = time.perf_counter()
    _send(app, key)
    while not shown():
        if time.perf_counter() > deadline:
            raise TimeoutError(f"no answer to {key!r}")
        await asyncio.sleep(0.001)
    painted: asyncio.Future[float] = loop.create_future()

    def paint() -> None:
        if not painted.done():
            painted.set_result(time.perf_counter())

    app.screen.call_after_refresh(paint)
    return (await painted - started) * 1000


S = TypeVar("S")


def _top(app: Any, cls: type[S]) -> S:
    screen = app.screen
    assert isinstance(screen, cls)
    return screen


def _focused_id(app: Any) -> str | None:
    return app.focused.id if app.focused is not None else None


async def _pilot_ours(db: Path, account: Account, keys: int) -> dict[str, list[float]]:
    from textual.widgets import DataTable, Footer, Input, OptionList

    from pos_tui.app import create_app
    from pos_tui.screens.backoffice import BackOfficeScreen
    from pos_tui.screens.checkout import CheckoutScreen
    from pos_tui.screens.dialogs import PromptScreen
    from pos_tui.screens.held import HeldSalesScreen
    from pos_tui.screens.price_lookup import PriceLookupScreen
    from pos_tui.screens.tender import TenderScreen

    out: dict[str, list[float]] = {row: [] for row in ROWS}
    _forget_sales_in_progress(db)
    backend = open_backend(db)
    app = create_app(backend.settings, backend=backend, now=lambda: NOW)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press(*CASHIER[0], "enter", *CASHIER[1], "enter")
        await _until(pilot, lambda: isinstance(app.screen, CheckoutScreen))
        checkout = _top(app, CheckoutScreen)
        await app.workers.wait_for_complete()

        # held: Ctrl+G on the empty sale
        def held_shown() -> bool:
            s = app.screen
            if not isinstance(s, HeldSalesScreen):
                return False
            tables = s.query(DataTable)  # none until the screen is composed
            return bool(tables) and tables.first().row_count == HELD

        for _ in range(keys):
            out["held"].append(await _timed(pilot, "ctrl+g", held_shown))
            await pilot.press("escape")
            await _until(pilot, lambda: app.screen is checkout)

        # the customer on the sale (F2 by mobile)
        await pilot.press("f2", *account.mobile)
        await _until(pilot, lambda: getattr(app.screen, "_results_for", None) == account.mobile)
        await pilot.press("enter")
        await _until(pilot, lambda: app.screen is checkout and checkout.view is not None
                     and checkout.view.customer is not None)  # fmt: skip

        # price: F3, a SKU's last key
        await pilot.press("f3")
        await _until(pilot, lambda: isinstance(app.screen, PriceLookupScreen))
        lookup = _top(app, PriceLookupScreen)
        field = lookup.query_one("#lookup-query", Input)
        for k in range(keys):
            sku = SKUS[k % len(SKUS)]
            if field.value:
                field.value = ""
                await _until(pilot, lambda: lookup._results_for == "")
            _send(app, *sku[:-1])
            await _until(pilot, lambda: lookup._results_for == SKU_PREFIX)
            await pilot.pause()
            out["price"].append(
                await _timed(
                    pilot,
                    sku[-1],
                    lambda: lookup._results_for == sku and len(lookup.quotes) == 1,  # noqa: B023
                )
            )
        await pilot.press("escape")
        await _until(pilot, lambda: app.screen is checkout)

        # pin: an item on the sale, F5, then per key 1.37, F7, the PIN, Enter, Enter
        await pilot.press(*SKUS[0], "enter")
        await _until(pilot, lambda: checkout.view is not None and not checkout.view.empty)
        await pilot.press("f5")
        await _until(pilot, lambda: isinstance(app.screen, TenderScreen))
        tender = _top(app, TenderScreen)
        await app.workers.wait_for_complete()
        amount = tender.query_one("#amount", Input)
        for _ in range(keys):
            amount.value = AMOUNT
            await pilot.press("f7")
            await _until(pilot, lambda: isinstance(app.screen, PromptScreen)
                         and _focused_id(app) == "field-pin")  # fmt: skip
            await app.workers.wait_for_complete()  # the precheck
            _send(app, *account.pin, "enter")
            await _until(pilot, lambda: _focused_id(app) == "field-reference")
            await pilot.pause()
            out["pin"].append(
                await _timed(
                    pilot,
                    "enter",
                    lambda: app.screen is tender and tender.view.paid == Decimal(AMOUNT),
                )
            )
            await app.workers.wait_for_complete()
            await pilot.press("f9")
            await _until(pilot, lambda: tender.view.paid == 0)
    backend.close()

    # backoffice: signed in as a supervisor, F11 on the checkout
    _forget_sales_in_progress(db)
    backend = open_backend(db)
    app = create_app(backend.settings, backend=backend, now=lambda: NOW)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press(*SUPERVISOR[0], "enter", *SUPERVISOR[1], "enter")
        await _until(pilot, lambda: isinstance(app.screen, CheckoutScreen))
        checkout = _top(app, CheckoutScreen)
        await app.workers.wait_for_complete()

        def menu_usable() -> bool:
            s = app.screen
            return (
                isinstance(s, BackOfficeScreen)
                and isinstance(app.focused, OptionList)
                and s.query_one(Footer).is_mounted
            )

        for _ in range(keys):
            out["backoffice"].append(await _timed(pilot, "f11", menu_usable))
            await pilot.press("escape")
            await _until(pilot, lambda: app.screen is checkout)
    backend.close()
    return out


async def _pilot_floor(db: Path, account: Account, keys: int) -> dict[str, list[float]]:
    return {row: await _pilot_floor_row(db, account, keys, row) for row in ROWS}


async def _pilot_floor_row(db: Path, account: Account, keys: int, row: str) -> list[float]:
    from textual.widgets import Input, OptionList

    from bench.figures.floors.lane_keys_app import HeldFloor, LaneKeysFloor, MenuFloor, PinPrompt

    out: list[float] = []
    app = LaneKeysFloor(row, str(db), account.customer_id)
    async with app.run_test(size=(120, 40)) as pilot:
        await app.workers.wait_for_complete()
        field = app.query_one(Input)
        for k in range(keys):
            if row == "price":
                sku = SKUS[k % len(SKUS)]
                if field.value:
                    field.value = ""
                    await _until(pilot, lambda: app.results_for == "")
                _send(app, *sku[:-1])
                await _until(pilot, lambda: app.results_for == SKU_PREFIX)
                await pilot.pause()
                took = await _timed(pilot, sku[-1], lambda: app.results_for == sku)  # noqa: B023
            elif row == "held":
                took = await _timed(
                    pilot, "ctrl+g",
                    lambda: isinstance(app.screen, HeldFloor) and app.screen.shown == HELD,
                )  # fmt: skip
                await pilot.press("escape")
                await _until(pilot, lambda: not isinstance(app.screen, HeldFloor))
            elif row == "pin":
                field.value = AMOUNT
                await pilot.press("f7")
                await _until(pilot, lambda: isinstance(app.screen, PinPrompt)
                             and _focused_id(app) == "field-pin")  # fmt: skip
                _send(app, *account.pin, "enter")
                await _until(pilot, lambda: _focused_id(app) == "field-reference")
                await pilot.pause()
                took = await _timed(pilot, "enter", lambda: app.paid == AMOUNT)
                await pilot.press("f9")
                await _until(pilot, lambda: app.paid == "0.00")
            else:
                took = await _timed(
                    pilot, "f11",
                    lambda: isinstance(app.screen, MenuFloor)
                    and isinstance(app.focused, OptionList),
                )  # fmt: skip
                await pilot.press("escape")
                await _until(pilot, lambda: not isinstance(app.screen, MenuFloor))
            out.append(took)
    return out


def run_pilot(ctx: Context) -> list[Figure]:
    db = _store_copy(ctx)
    account = _account(db)
    keys = ctx.sizes.get("lane_keys_per_round", 8)

    def run(side: str, _round: int) -> dict[str, list[float]]:
        session = _pilot_ours if side == "ours" else _pilot_floor
        return asyncio.run(session(db, account, keys))

    times, rounds = _rounds(ctx, run)
    return _figures("pilot", times, rounds, ctx.sizes["customers"], {})


# -- in a real terminal (tmux) ------------------------------------------------------------------


def _gone(panes: Panes, name: str, pattern: str, timeout: float = 30.0) -> None:
    started, found = time.perf_counter(), re.compile(pattern)
    while found.search(panes.screen(name)):
        if time.perf_counter() - started > timeout:
            raise TimeoutError(f"{pattern!r} stayed on {name}")
        time.sleep(0.01)


def _type_amount(panes: Panes, side: str) -> None:
    """:data:`AMOUNT` in the amount field, typed again if it does not show: the lane's answer
    to F9 sets the field to what remains, over keys typed before it came (not timed)."""
    for _ in range(5):
        panes.send(side, "C-u", literal=False)
        panes.send(side, AMOUNT)
        try:
            panes.wait(side, re.escape(AMOUNT), timeout=1.0)
            time.sleep(0.3)  # still there once the lane's answer to F9 is in
            panes.wait(side, re.escape(AMOUNT), timeout=0.05)
            return
        except TimeoutError:
            continue
    raise TimeoutError(f"{AMOUNT} never stayed in the amount field of {side}")


def _timed_term(panes: Panes, name: str, key: str, shown: str, *, literal: bool = False) -> float:
    started = time.perf_counter()
    panes.send(name, key, literal=literal)
    panes.wait(name, shown)
    return (time.perf_counter() - started) * 1000


def _sign_in(panes: Panes, name: str, who: tuple[str, str]) -> None:
    panes.wait(name, "Employee number")
    panes.send(name, who[0])
    panes.send(name, "Enter", literal=False)
    panes.wait(name, "PIN")
    panes.send(name, who[1])
    panes.send(name, "Enter", literal=False)
    panes.wait(name, "Scan or type barcode")
    time.sleep(0.5)


PRICE_BEFORE = r"(?<!\d)9 found"
PRICE_AFTER = r"(?<!\d)1 found"
HELD_SHOWN = rf"(?<!\d){HELD} held · Enter resumes"
PAID = r"Paid\s+\D{0,3}%s(?!\d)"
MENU_SHOWN = r"Back office · Menu(?s:.*)esc\s+Back"


def _term_row(panes: Panes, side: str, row: str, account: Account, keys: int) -> list[float]:
    """``keys`` timed keys of ``row`` on the pane ``side`` (already on its row's screen)."""
    out = []
    for k in range(keys):
        if row == "price":
            sku = SKUS[k % len(SKUS)]
            panes.send(side, "C-u", literal=False)
            _gone(panes, side, r"\d found")
            panes.send(side, sku[:-1])
            panes.wait(side, PRICE_BEFORE)
            out.append(_timed_term(panes, side, sku[-1], PRICE_AFTER, literal=True))
        elif row == "held":
            out.append(_timed_term(panes, side, "C-g", HELD_SHOWN))
            panes.send(side, "Escape", literal=False)
            _gone(panes, side, HELD_SHOWN)
        elif row == "pin":
            _type_amount(panes, side)
            panes.send(side, "F7", literal=False)
            panes.wait(side, "Customer PIN")
            time.sleep(0.2)
            panes.send(side, account.pin)
            panes.send(side, "Enter", literal=False)
            time.sleep(0.3)  # the focus moves to the reference field (not visible on a pane)
            out.append(_timed_term(panes, side, "Enter", PAID % AMOUNT.replace(".", r"\.")))
            _gone(panes, side, "Customer PIN")
            time.sleep(0.2)
            panes.send(side, "F9", literal=False)
            panes.wait(side, PAID % r"0\.00")
        else:
            out.append(_timed_term(panes, side, "F11", MENU_SHOWN))
            panes.send(side, "Escape", literal=False)
            _gone(panes, side, "Back office · Menu")
        time.sleep(0.05)
    return out


def _term_ours(panes: Panes, db: Path, row: str, account: Account) -> None:
    """Start the lane in the pane "ours" and bring it to the row's screen."""
    _forget_sales_in_progress(db)
    panes.start("ours", [*_pos_tui(), "--db", str(db)])
    _sign_in(panes, "ours", SUPERVISOR if row == "backoffice" else CASHIER)
    if row in ("price", "pin"):
        panes.send("ours", "F2", literal=False)
        panes.wait("ours", "Type to search")
        panes.send("ours", account.mobile)
        panes.wait("ours", r"(?<!\d)1 found")
        panes.send("ours", "Enter", literal=False)
        panes.wait("ours", "Scan or type barcode")
        panes.wait("ours", account.name.split()[-1])
    if row == "price":
        panes.send("ours", "F3", literal=False)
        panes.wait("ours", "SKU, barcode or name")
    if row == "pin":
        panes.send("ours", SKUS[0])
        panes.send("ours", "Enter", literal=False)
        time.sleep(0.5)
        panes.send("ours", "F5", literal=False)
        panes.wait("ours", "Amount")
    time.sleep(0.5)


def _term_floor(panes: Panes, db: Path, row: str, account: Account) -> None:
    script = str(FLOORS / "lane_keys_app.py")
    panes.start("floor", [sys.executable, script, row, str(db), str(account.customer_id)])
    panes.wait("floor", "SKU, barcode or name" if row == "price" else "Scan or type barcode")
    time.sleep(0.5)


def run_term(ctx: Context) -> list[Figure]:
    if shutil.which("tmux") is None:
        raise RuntimeError("tmux is not installed")
    db = _store_copy(ctx)
    account = _account(db)
    keys = ctx.sizes.get("lane_keys_per_round", 8)
    first_opens: dict[str, list[float]] = {"ours": [], "floor": []}

    def run(side: str, r: int) -> dict[str, list[float]]:
        out: dict[str, list[float]] = {}
        for row in ROWS:  # a fresh process per row and round: the first open is a cold one
            panes = Panes(_program_env())
            try:
                (_term_ours if side == "ours" else _term_floor)(panes, db, row, account)
                times = _term_row(panes, side, row, account, keys + 1)
            finally:
                panes.kill()
            if row == "backoffice" and r:
                first_opens[side].append(times[0])
            out[row] = times[1:]
        return out

    times, rounds = _rounds(ctx, run)
    return _figures("tmux", times, rounds, ctx.sizes["customers"], first_opens)
