"""A return against a past sale: choose lines and quantities, then give the money back.

The service gives back what was paid for the units returned (never priced again) and reverses
the points they earned; the side shows where the refund goes by default (the sale's own
tenders) and the store's policy on points short. The refund is taken on the tender screen.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import DataTable, Static

from pos_tui.screens.dialogs import Field
from pos_tui.screens.kept_prompt import Change, ask_change, typed_check
from pos_tui.screens.lane import LaneScreen, MessageLine
from pos_tui.services.checkout.errors import typed_quantity
from pos_tui.services.checkout.past_sales import NamedSale, open_return
from pos_tui.services.checkout.returns import ReturnableLine
from pos_tui.services.checkout.sale import Checkout, Committed
from pos_tui.services.checkout.sale_view import SaleView, snapshot
from pos_tui.widgets.cart_table import CartTable
from pos_tui.widgets.fmt import money, quantity
from pos_tui.widgets.key_legend import KeyLegend
from pos_tui.widgets.refund_panel import RefundPanel
from pos_tui.widgets.safe import safe
from pos_tui.widgets.tender_table import KIND_LABELS
from pos_tui.widgets.totals import TotalsPanel


class ReturnScreen(LaneScreen[Committed | None]):
    """Dismisses with the committed return, or None when abandoned (nothing is kept)."""

    DEFAULT_CSS = """
    ReturnScreen #return-info { height: auto; padding: 0 1; }
    ReturnScreen #return-body { height: 1fr; }
    ReturnScreen #returnable { height: 1fr; border: round $secondary; }
    ReturnScreen #return-left { width: 1fr; }
    ReturnScreen #return-side { width: 30; }
    ReturnScreen CartTable { height: 1fr; }
    """
    BINDINGS = [
        Binding("enter", "add_line", "Return line", id="returns.add_line", priority=True),
        Binding("f4", "all_lines", "All lines", id="returns.all_lines"),
        Binding("f9", "void_line", "Undo line", id="returns.void_line"),
        Binding("f5", "refund", "Refund", id="returns.refund"),
        Binding("escape", "cancel", "Abandon", id="returns.cancel"),
    ]

    def __init__(self, sale: NamedSale) -> None:
        super().__init__()
        self.sale = sale
        self.co: Checkout | None = None
        self.lines: list[ReturnableLine] = []
        self.view: SaleView | None = None
        self.info = Text()

    def compose(self) -> ComposeResult:
        yield self.lane_bar()
        yield Static(id="return-info")
        yield MessageLine("Enter returns the line · F4 all · F5 refund · Esc abandon", id="message")
        with Horizontal(id="return-body"):
            with Vertical(id="return-left"):
                yield DataTable(id="returnable", cursor_type="row")
                yield CartTable(id="return-cart")
            with Vertical(id="return-side"):
                yield TotalsPanel()
                yield RefundPanel()
        yield KeyLegend()  # every key, wrapped: a footer row is cut at 80

    def on_mount(self) -> None:
        self.info = Text(f"RETURN against sale #{self.sale.sale_number}", style="bold")
        if self.sale.customer_name:
            self.info.append(" · ").append_text(safe(self.sale.customer_name))
        self.query_one("#return-info", Static).update(self.info)
        table = self.query_one("#returnable", DataTable)
        table.border_title = "Lines of the sale"
        table.add_columns(
            Text("#", justify="right"),
            "Item",
            Text("Sold", justify="right"),
            Text("Left", justify="right"),
            Text("Paid", justify="right"),
        )
        self.query_one(CartTable).border_title = "Returning"
        table.focus()
        self.run_worker(self._open(), group="sale-ops")

    async def _open(self) -> None:
        ok, opened = await self.attempt(
            open_return, self.pos.backend, self.pos_employee(), self.sale.id
        )
        if not ok or opened is None:
            return
        self.co, self.lines, tenders, view = opened
        paid = ", ".join(f"{KIND_LABELS.get(t.kind, t.kind)} {money(t.amount)}" for t in tenders)
        self.info.append(f" · paid with {paid}")
        self.query_one("#return-info", Static).update(self.info)
        self._fill()
        self.shown(view)

    def _fill(self) -> None:
        table = self.query_one("#returnable", DataTable)
        table.clear()
        for line in self.lines:
            table.add_row(
                Text(str(line.line_no), justify="right"),
                safe(line.description),
                Text(quantity(line.quantity), justify="right"),
                Text(quantity(line.returnable), justify="right"),
                Text(money(line.total), justify="right"),
            )

    def shown(self, view: SaleView) -> None:
        self.view = view
        self.query_one(CartTable).show(view.priced.lines, select_last=True)
        self.query_one(TotalsPanel).show(
            view.priced.totals, paid=view.paid, remaining=view.remaining, is_return=True
        )
        self.query_one(RefundPanel).show(view.refund, view.priced)

    def _line(self) -> ReturnableLine | None:
        table = self.query_one("#returnable", DataTable)
        if self.co is None or not self.lines or not 0 <= table.cursor_row < len(self.lines):
            return None
        return self.lines[table.cursor_row]

    def action_add_line(self) -> None:
        line, co = self._line(), self.co
        if line is None or co is None:
            return
        no, name = line.line_no, f"{line.description} (line {line.line_no})"

        def change(values: dict[str, str]) -> Change | None:
            if not values["qty"]:
                return None
            return (lambda _a: co.add_return_line(no, values["qty"])), f"return of {name}"

        # A quantity that is no number is said on the prompt; more than can still come back
        # is refused by the checkout and asked again as typed (screens/kept_prompt.py).
        ask_change(
            self, co, f"Return how many of {name}?",
            [Field("qty", "Quantity", quantity(line.returnable))], change,
            done=self.shown, check=typed_check("qty", typed_quantity),
        )  # fmt: skip

    def action_all_lines(self) -> None:
        co = self.co
        if co is None:
            return
        in_cart = {pl.line_no for pl in (self.view.priced.lines if self.view else ())}
        wanted = [
            (x.line_no, x.returnable)
            for x in self.lines
            if x.returnable > 0 and x.item_id is not None
        ]
        if in_cart:
            self.refuse("Some lines are already on the return: add the others one by one")
            return

        def add_all(_a: object) -> object:
            for no, qty in wanted:
                co.add_return_line(no, qty)
            return None

        self.guarded(co, add_all, reason="return all", done=self.shown)

    def action_void_line(self) -> None:
        co, line_no = self.co, self.query_one(CartTable).selected_line_no()
        if co is not None and line_no is not None:
            self.guarded(co, lambda _a: co.void_line(line_no), reason="undo", done=self.shown)

    def action_refund(self) -> None:
        from pos_tui.screens.tender import TenderScreen

        if self.co is None or self.view is None or self.view.empty:
            self.refuse("Choose the lines to return first (Enter, or F4 for all)")
            return

        def done(committed: Committed | None) -> None:
            if committed is not None:
                self.dismiss(committed)
            else:
                self.run_worker(self._refresh(), group="sale-ops")

        self.app.push_screen(TenderScreen(self.co, self.view), done)

    async def _refresh(self) -> None:
        if self.co is not None:
            ok, view = await self.attempt(snapshot, self.co)
            if ok and view is not None:
                self.shown(view)

    def action_cancel(self) -> None:
        self.run_worker(self._abandon(), group="sale-ops")

    async def _abandon(self) -> None:
        if self.co is not None and self.view is not None and not self.view.empty:
            await self.attempt(self.co.cancel)
        self.dismiss(None)
