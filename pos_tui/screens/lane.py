"""The lane after sign-in: find a customer and see what the lane knows about them."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Input, Static

from pos_tui.screens.sign_in import SignInScreen
from pos_tui.services.auth import AuthService
from pos_tui.services.customers import CustomerDetails, CustomerService
from pos_tui.storage.customers import display_name
from pos_tui.widgets.customer_panel import CustomerPanel
from pos_tui.widgets.safe import safe

if TYPE_CHECKING:
    from pos_tui.app import PosApp


class LaneScreen(Screen[None]):
    DEFAULT_CSS = """
    LaneScreen #lane-body { height: 1fr; }
    LaneScreen #lookup { margin: 0 0 1 0; }
    LaneScreen #results { width: 2fr; }
    LaneScreen CustomerPanel { width: 1fr; min-width: 30; }
    """
    BINDINGS = [
        Binding("f2", "find_customer", "Customer", id="lane.find_customer"),
        Binding("f10", "lock", "Lock", id="lane.lock"),
        Binding("f12", "sign_out", "Sign out", id="lane.sign_out"),
    ]

    @property
    def pos(self) -> PosApp:
        return cast("PosApp", self.app)

    def compose(self) -> ComposeResult:
        yield Static(self.pos.lane_caption(), classes="lane-caption", markup=False)
        with Vertical(id="lane-body"):
            yield Input(placeholder="Mobile, card, account number or name", id="lookup")
            with Horizontal():
                table: DataTable[object] = DataTable(id="results", cursor_type="row")
                yield table
                yield CustomerPanel()
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one("#results", DataTable)
        table.add_columns("Account", "Name", "Mobile", "Card")
        self.query_one("#lookup", Input).focus()

    def action_find_customer(self) -> None:
        self.query_one("#lookup", Input).focus()

    def action_lock(self) -> None:
        employee = self.pos.employee
        self.app.push_screen(SignInScreen(locked_by=employee.number if employee else None))

    async def action_sign_out(self) -> None:
        if self.pos.employee is not None:
            await self.pos.call_service(AuthService(self.pos.backend).sign_out, self.pos.employee)
        self.pos.employee = None
        self.app.switch_screen(SignInScreen())

    async def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id != "lookup":
            return
        service = CustomerService(self.pos.backend)
        rows = await self.pos.call_service(service.find, event.value)
        table = self.query_one("#results", DataTable)
        table.clear()
        for row in rows:
            cells = (row["account_number"], display_name(row), row["mobile"], row["card_number"])
            table.add_row(
                *(safe(v or "") for v in cells),
                key=str(row["id"]),
            )
        if len(rows) == 1:
            await self.show_customer(int(rows[0]["id"]))
        elif not rows:
            self.notify("No customer found", severity="warning")
        else:
            table.focus()

    async def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        if event.row_key.value is not None:
            await self.show_customer(int(event.row_key.value))

    async def show_customer(self, customer_id: int) -> None:
        service = CustomerService(self.pos.backend)
        details: CustomerDetails | None = await self.pos.call_service(service.details, customer_id)
        self.query_one(CustomerPanel).show(details, today=self.pos.backend.now().date())
