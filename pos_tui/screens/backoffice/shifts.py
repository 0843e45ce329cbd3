"""Back office: the shifts and Z reports of every lane by lane and date; show a Z, reprint it
as a copy, export CSV, and close another lane's shift (a supervisor, audited)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Footer, Input

from pos_tui.config import data_dir
from pos_tui.screens.backoffice.base import USER_ERRORS, BackOfficePage, StatusLine
from pos_tui.services.checkout.errors import CheckoutError
from pos_tui.services.shifts.counts import Count
from pos_tui.services.shifts.listing import ShiftRow, shift_rows, to_csv
from pos_tui.services.shifts.service import ShiftService
from pos_tui.widgets.safe import safe


def _filter(text: str) -> tuple[str | None, dt.date | None]:
    """ "L1", "2026-11-24" or "L1 2026-11-24": a lane and/or a date."""
    lane, on = None, None
    for word in text.split():
        try:
            on = dt.date.fromisoformat(word)
        except ValueError:
            lane = word
    return lane, on


def export_file(backend: Any, rows: list[ShiftRow]) -> str:
    path = data_dir() / "exports" / f"shifts-{backend.now().strftime('%Y%m%d-%H%M%S')}.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(to_csv(rows), encoding="utf-8")
    return str(path)


class ShiftsScreen(BackOfficePage[None]):
    TITLE_TEXT = "Shifts and Z reports"
    USER_ERRORS = (*USER_ERRORS, CheckoutError)  # till refusals too
    DEFAULT_CSS = """
    ShiftsScreen #shifts-table { height: 1fr; }
    """
    BINDINGS = [
        Binding("escape", "back", "Back", id="shifts.back"),
        Binding("f5", "show", "Show", id="shifts.show"),
        Binding("f6", "reprint", "Reprint", id="shifts.reprint"),
        Binding("f7", "export", "Export CSV", id="shifts.export"),
        Binding("f8", "close_shift", "Close shift", id="shifts.close"),
        Binding("up", "cursor(-1)", "Up", id="shifts.up", show=False),
        Binding("down", "cursor(1)", "Down", id="shifts.down", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[ShiftRow] = []

    def compose(self) -> ComposeResult:
        yield from self.compose_title()
        yield Input(placeholder="Lane and/or date, e.g. L1 2026-11-24 (Enter)", id="filter")
        yield StatusLine("F5 show · F6 reprint copy · F7 export CSV · F8 close shift", id="message")
        table: DataTable[Text] = DataTable(id="shifts-table", cursor_type="row")
        table.can_focus = False
        yield table
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns("Shift", "Lane", "Opened", "Status", "Z", "Net sales", "Over/short")
        self.query_one("#filter", Input).focus()
        self.load("")

    @work(group="shifts", exclusive=True)
    async def load(self, text: str) -> None:
        lane, on = _filter(text)
        ok, rows = await self.attempt(shift_rows, self.pos.backend, lane_id=lane, on=on)
        if ok and rows is not None:
            self.rows = rows
            table = self.query_one(DataTable)
            table.clear()
            for r in rows:
                table.add_row(
                    Text(r["shift"]),
                    safe(r["lane"]),
                    Text(r["opened_at"].replace("T", " ")[:16]),
                    Text(r["status"].upper()),
                    Text(r["z_number"]),
                    Text(r["net_sales"], justify="right"),
                    Text(r["over_short"], justify="right"),
                )

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.load(event.value)

    def action_cursor(self, step: int) -> None:
        table = self.query_one(DataTable)
        if table.row_count:
            table.move_cursor(row=max(0, min(table.cursor_row + step, table.row_count - 1)))

    def selected(self) -> ShiftRow | None:
        table = self.query_one(DataTable)
        if not self.rows or not 0 <= table.cursor_row < len(self.rows):
            self.refuse("No shift selected")
            return None
        return self.rows[table.cursor_row]

    def action_show(self) -> None:
        row = self.selected()
        if row is None:
            return
        if row.z_sale_id is None:
            self.refuse(f"Shift {row['shift']} is open: its X report is on its lane (Ctrl+S)")
            return
        self.run_worker(self._show(row.z_sale_id), group="shifts")

    async def _show(self, z_sale_id: int) -> None:
        from pos_tui.screens.shift import ReportScreen

        ok, report = await self.attempt(ShiftService(self.pos.backend).z_report, z_sale_id)
        if ok and report is not None:
            self.app.push_screen(ReportScreen(report))

    def action_reprint(self) -> None:
        row = self.selected()
        if row is not None and row.z_sale_id is None:
            self.refuse(f"Shift {row['shift']} has no Z report yet")
        elif row is not None and row.z_sale_id is not None:
            self.run_worker(self._reprint(row.z_sale_id, row["z_number"]), group="shifts")

    async def _reprint(self, z_sale_id: int, number: str) -> None:
        ok, _ = await self.attempt(ShiftService(self.pos.backend).reprint, z_sale_id)
        if ok:
            self.hint(f"A copy of Z {number} is queued for this lane's printer")
            self.pos.kick_printing()

    def action_export(self) -> None:
        self.run_worker(self._export(), group="shifts")

    async def _export(self) -> None:
        ok, path = await self.attempt(export_file, self.pos.backend, list(self.rows))
        if ok and path:
            self.hint(f"{len(self.rows)} shifts exported to {path}")

    def action_close_shift(self) -> None:
        from pos_tui.screens.shift import CountScreen

        row = self.selected()
        if row is None:
            return
        if row["status"] != "open":
            self.refuse(f"Shift {row['shift']} is already closed (Z {row['z_number']})")
            return
        shift_id = int(row["shift"])

        def counted(count: Count | None) -> None:
            if count is not None:
                self.run_worker(self._close(shift_id, count), group="shifts")

        message = f"Count lane {row['lane']}'s drawer: shift {shift_id} is closed from here"
        self.app.push_screen(CountScreen("CLOSE SHIFT", message, by_pieces=True), counted)

    async def _close(self, shift_id: int, count: Count) -> None:
        employee = self.employee
        if employee is None:
            return
        svc = ShiftService(self.pos.backend)
        approver = employee if employee.at_least("supervisor") else None
        ok, report = await self.attempt(
            svc.close, employee, count, approver=approver, shift_id=shift_id, back_office=True
        )
        if ok and report is not None:
            self.hint(f"Shift {shift_id} closed: Z {report.data['z_number']}")
            self.load(self.query_one("#filter", Input).value)
