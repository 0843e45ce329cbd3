"""The search-as-you-type floor: a bare Textual app doing the same query as the lane.

An Input, a status line and a DataTable. Every change starts the query at once on one
database thread (its own ``sqlite3`` connection), in an exclusive worker with a generation
check, as the lane does; the answer fills the table and says "N found" / "No customer found"
as the lane's F2 does. The query is the lane's own SQL, run raw: digits (a mobile number) read
``customers`` by its indexed ``mobile``; anything else walks the name keys
(``pos_tui.storage.name_keys.matching_ids``, stdlib only, for 50 customers) and reads those
rows. What the lane adds over this is its services and screens.

``python search_app.py DB`` runs it in a terminal (the tmux figure); ``SearchFloor(DB)`` under
Pilot.
"""

from __future__ import annotations

import asyncio
import re
import sqlite3
import sys
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from rich.text import Text
from textual import work
from textual.app import App, ComposeResult
from textual.widgets import DataTable, Input, Static

from pos_tui.storage.name_keys import matching_ids

LIMIT = 50
_PHONE = re.compile(r"^\+?[0-9 ]+$")
MOBILE_SQL = "SELECT * FROM customers WHERE mobile = ?"


class Query:
    """One connection, used on one thread only."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.conn: sqlite3.Connection | None = None

    def __call__(self, text: str) -> list[sqlite3.Row]:
        if self.conn is None:
            self.conn = sqlite3.connect(self.path)
            self.conn.row_factory = sqlite3.Row
        if _PHONE.match(text):
            return self.conn.execute(MOBILE_SQL, [text.replace(" ", "")]).fetchall()
        ids = matching_ids(self.conn, text, limit=LIMIT)
        if not ids:
            return []
        marks = ", ".join("?" * len(ids))
        sql = f"SELECT * FROM customers WHERE id IN ({marks}) AND active = 1"
        return self.conn.execute(sql, ids).fetchall()


class SearchFloor(App[None]):
    CSS = "#status { height: 1; } DataTable { height: 1fr; }"

    def __init__(self, path: str) -> None:
        super().__init__()
        self.query_db = Query(path)
        self.pool = ThreadPoolExecutor(max_workers=1)
        self.generation = 0
        self.results_for: str | None = None

    def compose(self) -> ComposeResult:
        yield Input(placeholder="Name or mobile", id="query")
        yield Static("Type to search", id="status")
        table: DataTable[Text] = DataTable(id="results", cursor_type="row")
        table.can_focus = False
        yield table

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        for label, width in (("Name", 24), ("Mobile", 16), ("Account", 10), ("Card", 20)):
            table.add_column(label, width=width)
        self.query_one(Input).focus()

    def on_input_changed(self, event: Input.Changed) -> None:
        self.generation += 1
        self.search(event.value.strip(), self.generation)

    @work(exclusive=True, group="search")
    async def search(self, text: str, generation: int) -> None:
        rows: list[Any] = []
        if text:
            loop = asyncio.get_running_loop()
            rows = await loop.run_in_executor(self.pool, self.query_db, text)
        if generation != self.generation:
            return
        table = self.query_one(DataTable)
        table.clear()
        for row in rows:
            name = " ".join(x for x in (row["first_name"], row["last_name"]) if x)
            table.add_row(
                Text(name or row["company_name"] or ""),
                Text(row["mobile"] or ""),
                Text(row["account_number"] or ""),
                Text(row["card_number"] or ""),
            )
        status = self.query_one("#status", Static)
        if not text:
            status.update("Type to search")
        elif not rows:
            status.update("No customer found")
        else:
            status.update(f"{len(rows)} found")
        self.results_for = text

    def on_unmount(self) -> None:
        self.pool.shutdown(wait=False)


if __name__ == "__main__":
    SearchFloor(sys.argv[1]).run()
