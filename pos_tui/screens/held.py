"""Held (suspended) sales of every lane, to resume one here."""

from __future__ import annotations

import asyncio

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Footer, Label, Static

from pos_tui.screens.host import LaneHost, host_of
from pos_tui.services.checkout.sale_view import OpenSale, held_sales
from pos_tui.widgets.errors import ContainErrors
from pos_tui.widgets.fmt import money
from pos_tui.widgets.safe import safe

# How long the list may take before the screen is shown with "Loading…" first.
FIRST_PAINT_WAIT_S = 0.05


class HeldSalesScreen(ContainErrors, ModalScreen[int | None]):
    """Dismisses with the open sale id to resume, or None."""

    DEFAULT_CSS = """
    HeldSalesScreen { align: center middle; }
    HeldSalesScreen > Vertical {
        width: 90; max-width: 100%; height: 80%; border: round $accent; padding: 0 1;
        background: $surface;
    }
    HeldSalesScreen #held-title { text-style: bold; }
    HeldSalesScreen DataTable { height: 1fr; }
    """
    BINDINGS = [
        Binding("enter", "resume", "Resume", id="held.resume", priority=True),
        Binding("escape", "cancel", "Back", id="held.cancel"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.sales: list[OpenSale] = []

    @property
    def pos(self) -> LaneHost:
        return host_of(self)

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(Text("Held sales (every lane)"), id="held-title")
            yield Static("Loading…", id="held-status")
            yield DataTable(id="held-table", cursor_type="row")
        yield Footer()

    async def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns("Held", "Lane", "Label", "Lines", Text("Total", justify="right"))
        table.focus()
        employee = self.pos.employee
        assert employee is not None
        reading = asyncio.ensure_future(
            self.pos.call_service(held_sales, self.pos.backend, employee)
        )
        # The screen's first layout waits for this handler: a list read in time is laid out
        # once with its rows, instead of once for "Loading…" and again for the rows.
        done, _ = await asyncio.wait({reading}, timeout=FIRST_PAINT_WAIT_S)
        if reading in done:
            self._show(reading.result())
        else:
            self._show_when_read(reading)

    @work(group="held")
    async def _show_when_read(self, reading: asyncio.Future[list[OpenSale]]) -> None:
        self._show(await reading)

    def _show(self, sales: list[OpenSale]) -> None:
        self.sales = sales
        table = self.query_one(DataTable)
        table.clear()
        for sale in self.sales:
            table.add_row(
                Text(sale.updated_at.replace("T", " ")[:16]),
                safe(sale.lane_id),
                safe(sale.label or "-"),
                Text(str(sale.lines)),
                Text(money(sale.total), justify="right"),
                key=str(sale.open_sale_id),
            )
        status = f"{len(self.sales)} held · Enter resumes" if self.sales else "No held sales"
        self.query_one("#held-status", Static).update(status)

    def action_resume(self) -> None:
        table = self.query_one(DataTable)
        if self.sales and 0 <= table.cursor_row < len(self.sales):
            self.dismiss(self.sales[table.cursor_row].open_sale_id)

    def action_cancel(self) -> None:
        self.dismiss(None)
