"""Past sales of this lane: find one by number, reprint it, or start a return against it."""

from __future__ import annotations

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Footer, Input

from pos_tui.screens.lane import LaneScreen, MessageLine
from pos_tui.services.checkout.past_sales import NamedSale, recent_sales, sale_by_number
from pos_tui.services.checkout.sale import Committed
from pos_tui.widgets.fmt import money
from pos_tui.widgets.safe import safe

KIND_NAMES = {
    "sale": "sale",
    "return": "RETURN",
    "paid_in": "paid in",
    "paid_out": "paid out",
    "cash_drop": "cash drop",
    "account_payment": "acct pay",
    "drawer_open": "no sale",
    "z_report": "Z report",
}


class SalesListScreen(LaneScreen[Committed | None]):
    """Dismisses with the committed return, if one was made from here."""

    DEFAULT_CSS = """
    SalesListScreen #sales-table { height: 1fr; border: round $secondary; }
    """
    BINDINGS = [
        Binding("f6", "reprint", "Reprint", id="sales.reprint"),
        Binding("f7", "return_sale", "Return", id="sales.return"),
        Binding("f8", "preview", "Preview", id="sales.preview"),
        Binding("escape", "back", "Back", id="sales.back"),
        Binding("up", "cursor(-1)", "Up", id="sales.cursor_up", show=False),
        Binding("down", "cursor(1)", "Down", id="sales.cursor_down", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.sales: list[NamedSale] = []

    def compose(self) -> ComposeResult:
        yield self.lane_bar()
        yield Input(
            placeholder="Sale number (Enter finds it)", id="sale-number", restrict=r"[0-9]*"
        )
        yield MessageLine(
            "↑↓ choose · F6 reprint · F7 return · F8 preview · Esc back", id="message"
        )
        table: DataTable[Text] = DataTable(id="sales-table", cursor_type="row")
        table.can_focus = False
        yield table
        yield Footer(compact=True)

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.border_title = "Sales on this lane"
        table.add_columns(
            Text("No.", justify="right"), "Time", "Kind", "Customer", Text("Total", justify="right")
        )
        self.query_one("#sale-number", Input).focus()
        self.load()

    @work(group="sales")
    async def load(self) -> None:
        ok, sales = await self.attempt(recent_sales, self.pos.backend)
        if ok and sales is not None:
            self._fill(sales)

    def _fill(self, sales: list[NamedSale]) -> None:
        self.sales = sales
        table = self.query_one(DataTable)
        table.clear()
        for sale in sales:
            table.add_row(
                Text(str(sale.sale_number), justify="right"),
                Text(str(sale.committed_at).replace("T", " ")[:16]),
                Text(KIND_NAMES.get(str(sale.kind), str(sale.kind))),
                safe(sale.customer_name),
                Text(money(sale.total), justify="right"),
            )

    def action_cursor(self, step: int) -> None:
        table = self.query_one(DataTable)
        if table.row_count:
            table.move_cursor(row=max(0, min(table.cursor_row + step, table.row_count - 1)))

    async def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if not event.value.strip():
            return
        ok, sale = await self.attempt(sale_by_number, self.pos.backend, int(event.value))
        if not ok:
            return
        if sale is None:
            self.refuse(f"No sale {event.value} on this lane")
            return
        others = [s for s in self.sales if s.id != sale.id]
        self._fill([sale, *others])
        self.query_one(DataTable).move_cursor(row=0)
        self.hint(f"Sale {sale.sale_number}: F6 reprint · F7 return")

    def selected(self) -> NamedSale | None:
        table = self.query_one(DataTable)
        if not self.sales or not 0 <= table.cursor_row < len(self.sales):
            self.refuse("No sale selected")
            return None
        return self.sales[table.cursor_row]

    def action_reprint(self) -> None:
        sale = self.selected()
        if sale is not None:
            self.pos.reprint(sale.id)

    def action_preview(self) -> None:
        sale = self.selected()
        if sale is not None:
            self.run_worker(self._preview(sale.id), group="sales")

    async def _preview(self, sale_id: int) -> None:
        from pos_tui.screens.shift import PreviewScreen
        from pos_tui.services.checkout.preview import receipt_preview

        ok, text = await self.attempt(receipt_preview, self.pos.backend, sale_id)
        if ok and text is not None:
            self.app.push_screen(PreviewScreen(f"Receipt (record {sale_id})", text, sale_id))

    def action_return_sale(self) -> None:
        from pos_tui.screens.returns import ReturnScreen

        sale = self.selected()
        if sale is None:
            return
        if sale.kind != "sale":
            self.refuse("A return cannot itself be returned")
            return

        def done(committed: Committed | None) -> None:
            if committed is not None:
                self.dismiss(committed)

        self.app.push_screen(ReturnScreen(sale), done)

    def action_back(self) -> None:
        self.dismiss(None)
