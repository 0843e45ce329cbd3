"""The lane-keys floors: bare Textual apps doing the work of F3, Ctrl+G, the account PIN check
and the back office's first screen, as the lane does it but without its services and screens.

Each mode shows the same words as the lane at the moment the bench waits for, so one pattern
reads both screens in a terminal:

``price``       an Input, a status line and a DataTable. Every change starts the query at once
                on one database thread (its own ``sqlite3`` connection, an exclusive worker, a
                generation check): the lane's SQL run raw (an active item by barcode, then by
                SKU, else SKU or name prefix, 30 rows), each item's price at the customer's
                price level read from its column; "N found · ↑↓ choose" / "No item found".
``held``        Ctrl+G pushes a modal screen (title, status, DataTable, Footer) that reads the
                suspended open sales raw on the database thread, decodes each cart's JSON and
                adds its lines (``price * quantity`` in ``Decimal``); "N held · Enter resumes".
                Escape closes it.
``pin``         an amount Input ("Paid 0.00"); F7 pushes a prompt (PIN, reference, Footer);
                Enter on the last field reads the customer's stored hash and checks the PIN
                with ``hashlib.scrypt`` at the hash's own parameters on the database thread,
                then shows "Paid <amount>". F9 puts "Paid 0.00" back.
``backoffice``  F11 pushes a screen with a title bar, an OptionList of the 16 menu entries, a
                help line and a Footer (the lane's menu, as built); Escape closes it.

``python lane_keys_app.py MODE DB [CUSTOMER_ID]`` runs one in a terminal (the tmux rows);
``LaneKeysFloor(MODE, DB, customer_id)`` under Pilot.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import json
import sqlite3
import sys
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from typing import TypeVar

from rich.text import Text
from textual import work
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen, Screen
from textual.widgets import DataTable, Footer, Input, Label, OptionList, Static
from textual.widgets.option_list import Option

T = TypeVar("T")
LIMIT = 30
MENU = (
    "Customers", "Card types", "Customer types", "Items and price levels", "Sub-groups",
    "Teams", "Locations", "Location groups", "Import / export customers", "Taxes",
    "Tax classes", "Price lists", "Store options", "Statement run", "Head office flags",
    "Shifts and Z reports",
)  # fmt: skip


class Database:
    """One connection, used on the one database thread only."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.pool = ThreadPoolExecutor(max_workers=1)
        self.conn: sqlite3.Connection | None = None

    async def call(self, fn: Callable[[sqlite3.Connection], T]) -> T:
        return await asyncio.get_running_loop().run_in_executor(self.pool, self._run, fn)

    def _run(self, fn: Callable[[sqlite3.Connection], T]) -> T:
        if self.conn is None:
            self.conn = sqlite3.connect(self.path)
            self.conn.row_factory = sqlite3.Row
        return fn(self.conn)


def items_for(conn: sqlite3.Connection, text: str) -> list[sqlite3.Row]:
    """The lane's item SQL run raw: barcode, then SKU exactly, else a SKU or name prefix."""
    for column in ("barcode", "sku"):
        sql = f"SELECT * FROM items WHERE {column} = ? AND active = 1"
        row = conn.execute(sql, [text]).fetchone()
        if row is not None:
            return [row]
    like = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    return conn.execute(
        "SELECT * FROM items WHERE active = 1 AND (sku LIKE ? ESCAPE '\\' "
        "OR name LIKE ? ESCAPE '\\') ORDER BY name LIMIT ?",
        [like, "%" + like, LIMIT],
    ).fetchall()


def held_sales(conn: sqlite3.Connection) -> list[tuple[str, str, str, int, Decimal]]:
    rows = conn.execute(
        "SELECT * FROM open_sales WHERE status = 'suspended' ORDER BY updated_at"
    ).fetchall()
    out = []
    for row in rows:
        lines = json.loads(row["state"]).get("lines", [])
        total = Decimal(0)
        for line in lines:
            price = conn.execute(
                "SELECT regular_price FROM items WHERE id = ?", [line["item_id"]]
            ).fetchone()
            total += Decimal(price[0]) * Decimal(line["quantity"])
        out.append((row["updated_at"], row["lane_id"], row["label"] or "-", len(lines), total))
    return out


def pin_ok(conn: sqlite3.Connection, customer_id: int, pin: str) -> bool:
    stored = conn.execute("SELECT pin_hash FROM customers WHERE id = ?", [customer_id]).fetchone()
    _scheme, n, r, p, salt, digest = stored[0].split("$")
    expected = base64.b64decode(digest)
    got = hashlib.scrypt(
        pin.encode(), salt=base64.b64decode(salt), n=int(n), r=int(r), p=int(p),
        dklen=len(expected),
    )  # fmt: skip
    return hmac.compare_digest(got, expected)


class HeldFloor(ModalScreen[None]):
    DEFAULT_CSS = (
        "HeldFloor { align: center middle; } HeldFloor > Vertical { width: 90; height: 80%; }"
    )
    BINDINGS = [Binding("escape", "dismiss", "Back")]

    def __init__(self, db: Database) -> None:
        super().__init__()
        self.db = db
        self.shown: int | None = None

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label("Held sales (every lane)")
            yield Static("Loading…", id="held-status")
            yield DataTable(id="held-table", cursor_type="row")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(DataTable).add_columns("Held", "Lane", "Label", "Lines", "Total")
        self.query_one(DataTable).focus()
        self.load()

    @work
    async def load(self) -> None:
        sales = await self.db.call(held_sales)
        table = self.query_one(DataTable)
        for at, lane, label, lines, total in sales:
            table.add_row(Text(at[:16]), Text(lane), Text(label), str(lines), f"{total:.2f}")
        self.query_one("#held-status", Static).update(f"{len(sales)} held · Enter resumes")
        self.shown = len(sales)


class PinPrompt(ModalScreen[dict[str, str] | None]):
    DEFAULT_CSS = (
        "PinPrompt { align: center middle; } PinPrompt > Vertical { width: 60; height: auto; }"
    )
    BINDINGS = [Binding("escape", "dismiss", "Cancel")]

    def __init__(self, title: str) -> None:
        super().__init__()
        self.title_text = title

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(self.title_text)
            yield Label("Customer PIN")
            yield Input(password=True, id="field-pin")
            yield Label("Reference")
            yield Input(id="field-reference")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#field-pin", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "field-pin":
            self.query_one("#field-reference", Input).focus()
            return
        pin = self.query_one("#field-pin", Input).value
        self.dismiss({"pin": pin, "reference": event.value})


class MenuFloor(Screen[None]):
    BINDINGS = [Binding("escape", "dismiss", "Back")]
    DEFAULT_CSS = (
        "#title-bar { dock: top; height: 1; } OptionList { height: auto; max-height: 18; }"
    )

    def compose(self) -> ComposeResult:
        yield Static("Back office · Menu", id="title-bar")
        with Vertical():
            yield OptionList(*(Option(Text(label)) for label in MENU))
            yield Static("↑↓ and Enter, or the key in front. Escape goes back to the lane.")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()


class LaneKeysFloor(App[None]):
    CSS = "#status { height: 1; } DataTable { height: 1fr; }"
    BINDINGS = [
        Binding("ctrl+g", "held", "Held", priority=True),
        Binding("f7", "account", "Account"),
        Binding("f9", "remove", "Remove"),
        Binding("f11", "back_office", "Back office"),
    ]

    def __init__(self, mode: str, path: str, customer_id: int | None = None) -> None:
        super().__init__()
        self.mode = mode
        self.db = Database(path)
        self.customer_id = customer_id
        self.level = 0
        self.generation = 0
        self.results_for: str | None = None  # the text the shown items answer (price)
        self.paid = "0.00"  # what the account tender took (pin)

    def compose(self) -> ComposeResult:
        placeholder = "SKU, barcode or name" if self.mode == "price" else "Scan or type barcode"
        yield Input(placeholder=placeholder, id="query")
        status = "Paid 0.00" if self.mode == "pin" else ""
        yield Static(status, id="status")
        table: DataTable[Text] = DataTable(id="results", cursor_type="row")
        table.can_focus = False
        yield table
        yield Footer()

    async def on_mount(self) -> None:
        table = self.query_one(DataTable)
        for label, width in (("SKU", 10), ("Item", 24), ("Price", 9), ("Pays", 9)):
            table.add_column(label, width=width)
        self.query_one(Input).focus()
        if self.customer_id is not None:
            self.level = await self.db.call(self._level)

    def _level(self, conn: sqlite3.Connection) -> int:
        row = conn.execute("SELECT price_level FROM customers WHERE id = ?", [self.customer_id])
        return int(row.fetchone()[0])

    def on_input_changed(self, event: Input.Changed) -> None:
        if self.mode == "price":
            self.generation += 1
            self.search(event.value.strip(), self.generation)

    @work(exclusive=True, group="search")
    async def search(self, text: str, generation: int) -> None:
        rows = await self.db.call(lambda conn: items_for(conn, text)) if text else []
        if generation != self.generation:
            return
        table = self.query_one(DataTable)
        table.clear()
        for row in rows:
            level = row[f"price_level_{self.level}"] if self.level else None
            pays = Decimal(level or row["regular_price"])
            table.add_row(
                Text(row["sku"]), Text(row["name"]), f"{Decimal(row['regular_price']):.2f}",
                f"{pays:.2f}",
            )  # fmt: skip
        status = f"{len(rows)} found · ↑↓ choose" if rows else ("No item found" if text else "")
        self.query_one("#status", Static).update(status)
        self.results_for = text

    def action_held(self) -> None:
        if self.mode == "held":
            self.push_screen(HeldFloor(self.db))

    def action_back_office(self) -> None:
        if self.mode == "backoffice":
            self.push_screen(MenuFloor())

    def action_account(self) -> None:
        if self.mode != "pin":
            return
        amount = self.query_one(Input).value.strip() or "0"

        async def entered(values: dict[str, str] | None) -> None:
            if values is not None and self.customer_id is not None:
                await self._charge(self.customer_id, amount, values["pin"])

        self.push_screen(PinPrompt(f"Charge {amount} to the account"), entered)

    async def _charge(self, customer_id: int, amount: str, pin: str) -> None:
        ok = await self.db.call(lambda conn: pin_ok(conn, customer_id, pin))
        self.paid = f"{Decimal(amount):.2f}" if ok else "0.00"
        self.query_one("#status", Static).update(f"Paid {self.paid}" if ok else "Wrong PIN")

    def action_remove(self) -> None:
        if self.mode == "pin":
            self.paid = "0.00"
            self.query_one("#status", Static).update("Paid 0.00")

    def on_unmount(self) -> None:
        self.db.pool.shutdown(wait=False)


def main(argv: list[str]) -> None:
    customer = int(argv[3]) if len(argv) > 3 else None
    LaneKeysFloor(argv[1], argv[2], customer).run()


if __name__ == "__main__":
    main(sys.argv)
