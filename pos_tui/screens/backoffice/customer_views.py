"""Read-only views of one customer: purchase and return history with its chart, the orders
(layaway, special, work and back orders) and the audit trail of who changed what."""

from __future__ import annotations

from datetime import date
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import DataTable, Footer, Input, Label, Static

from pos_tui.screens.backoffice.base import BackOfficePage, StatusLine
from pos_tui.services.customers.history import History, HistoryService, SaleDetail
from pos_tui.widgets.backoffice.chart import SpendingChart
from pos_tui.widgets.errors import ContainErrors
from pos_tui.widgets.safe import safe


class TextScreen(ContainErrors, ModalScreen[None]):
    """A scrollable text (a sale's detail, an audit entry, a statement); Escape closes."""

    DEFAULT_CSS = """
    TextScreen { align: center middle; }
    TextScreen > Vertical {
        width: 76; max-width: 100%; height: 90%; border: round $accent; background: $surface;
        padding: 0 1;
    }
    TextScreen .text-title { text-style: bold; }
    TextScreen VerticalScroll { height: 1fr; }
    """
    BINDINGS = [Binding("escape", "close", "Close", id="backoffice.close")]

    def __init__(self, title: str, text: str) -> None:
        super().__init__()
        self.title_text = title
        self.body = text

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(safe(self.title_text), classes="text-title")
            with VerticalScroll():
                # Line breaks are the text's own; any other control character shows escaped.
                yield Static(safe(self.body, multiline=True), id="text-body")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(VerticalScroll).focus()

    def action_close(self) -> None:
        self.dismiss(None)


VISIT_OUTCOMES = {
    "void": "sale voided",
    "hold": "sale held",
    "detach": "taken off the sale",
    "replaced": "another customer attached",
}


def sale_text(detail: SaleDetail) -> str:
    sale = detail.sale
    out = [
        f"{sale.kind.capitalize()} {sale.lane_id}-{sale.sale_number}  {sale.committed_at}",
        f"{'Item':<12}{'Description':<24}{'Qty':>6}{'Price':>10}{'Total':>11}",
    ]
    for line in detail.lines:
        out.append(
            f"{line.sku[:11]:<12}{line.description[:23]:<24}{line.quantity:>6}"
            f"{line.unit_price:>10}{line.total:>11}"
        )
    out += [
        f"Subtotal {sale.subtotal}  Discounts {sale.discount_total}  Tax {sale.tax_total}",
        f"Total {sale.total}  Points earned {sale.points_earned}  used {sale.points_used}",
        "Tenders: " + ", ".join(f"{t.kind} {t.amount}" for t in detail.tenders),
    ]
    if sale.reference:
        out.append(f"Reference {sale.reference}")
    return "\n".join(out)


def _date(text: str, label: str) -> date | None:
    if not text.strip():
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise ValueError(f"{label} must be a date YYYY-MM-DD") from None


class CustomerPage(BackOfficePage[None]):
    """A view of one customer."""

    def __init__(self, customer_id: int) -> None:
        super().__init__()
        self.customer_id = customer_id

    async def on_mount(self) -> None:
        await self.refresh_view()

    async def refresh_view(self) -> None:
        """Load and show (each view)."""


class HistoryScreen(CustomerPage):
    """Purchases and returns between optional dates, with counts and a spending chart."""

    TITLE_TEXT = "History"
    DEFAULT_CSS = """
    HistoryScreen .bar { height: 1; margin: 0 1; }
    HistoryScreen .bar Input { width: 16; margin-right: 2; }
    HistoryScreen .bar Label { margin-right: 1; }
    HistoryScreen #history { height: 1fr; }
    HistoryScreen #visits-title { padding: 0 1; text-style: bold; }
    HistoryScreen #visits { height: auto; max-height: 7; }
    """
    BINDINGS = [
        Binding("escape", "back", "Back", id="backoffice.back"),
        Binding("enter", "detail", "Sale detail", id="backoffice.sale_detail"),
    ]

    def compose(self) -> ComposeResult:
        yield from self.compose_title()
        with Horizontal(classes="bar"):
            yield Label("From")
            yield Input(placeholder="YYYY-MM-DD", id="start", compact=True, restrict=r"[0-9\-]*")
            yield Label("to")
            yield Input(placeholder="YYYY-MM-DD", id="end", compact=True, restrict=r"[0-9\-]*")
        yield StatusLine("", id="history-summary")
        yield SpendingChart(id="chart")
        table: DataTable[Text] = DataTable(id="history", cursor_type="row", zebra_stripes=True)
        for label in ("Date", "Number", "Kind", "Lines", "Amount", "Earned", "Used"):
            table.add_column(label)
        yield table
        # Shown only when the store tracks visits in and out and there are some.
        title = Static("", id="visits-title")
        visits: DataTable[Text] = DataTable(id="visits", cursor_type="row", zebra_stripes=True)
        for label in ("In", "Out", "Minutes", "Lane", "Outcome"):
            visits.add_column(label)
        title.display = visits.display = False
        yield title
        yield visits
        yield Footer()

    async def refresh_view(self) -> None:
        self.history: History | None = None
        try:
            start = _date(self.query_one("#start", Input).value, "From")
            end = _date(self.query_one("#end", Input).value, "To")
        except ValueError as exc:
            self.refuse(str(exc))
            return
        ok, history = await self.attempt(HistoryService(self.pos.backend).history, self.customer_id, start, end)  # fmt: skip
        if not ok or history is None:
            return
        self.history = history
        self.query_one(SpendingChart).show(history.series, history.per)
        self.hint(
            f"Sales {history.sales_count} · returns {history.returns_count} · visits "
            f"{history.visit_count} · bought {history.purchases} · returned {history.returns} "
            f"· net {history.net}"
        )
        table = self.query_one("#history", DataTable)
        table.clear()
        for row in history.rows:
            cells = (row.at.replace("T", " ")[:16], row.number, row.kind, row.lines, row.amount, row.points_earned, row.points_used)  # fmt: skip
            table.add_row(*(safe(c) for c in cells), key=str(row.sale_id))
        self._show_visits(history)
        if not history.rows:
            self.query_one("#start", Input).focus()
        else:
            table.focus()

    def _show_visits(self, history: History) -> None:
        title, table = self.query_one("#visits-title", Static), self.query_one("#visits", DataTable)
        title.display = table.display = bool(history.visits)
        title.update(f"Visits {len(history.visits)} (in and out at the lane)")
        table.clear()
        for v in history.visits:
            outcome = v.sale or VISIT_OUTCOMES.get(v.outcome or "", "at the lane")
            cells = (v.in_at.replace("T", " ")[:16], (v.out_at or "").replace("T", " ")[:16], "" if v.minutes is None else v.minutes, v.lane_id, outcome)  # fmt: skip
            table.add_row(*(safe(c) for c in cells))

    async def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        await self.refresh_view()

    async def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        await self.action_detail()

    async def action_detail(self) -> None:
        table = self.query_one("#history", DataTable)
        history = getattr(self, "history", None)
        if history is None or not history.rows or table.row_count == 0:
            return
        row = history.rows[min(table.cursor_row, len(history.rows) - 1)]
        ok, detail = await self.attempt(HistoryService(self.pos.backend).sale_detail, row.sale_id)
        if ok and detail is not None:
            self.app.push_screen(TextScreen(f"Sale {row.number}", sale_text(detail)))


class OrdersScreen(CustomerPage):
    """The customer's orders and their status."""

    TITLE_TEXT = "Orders"
    DEFAULT_CSS = "OrdersScreen #orders { height: 1fr; }"

    def compose(self) -> ComposeResult:
        yield from self.compose_title()
        yield StatusLine("", id="orders-status")
        table: DataTable[Text] = DataTable(id="orders", cursor_type="row", zebra_stripes=True)
        for label in ("Placed", "Number", "Location", "Type", "Status", "Due", "Closed"):
            table.add_column(label)
        yield table
        yield Footer()

    async def refresh_view(self) -> None:
        ok, orders = await self.attempt(HistoryService(self.pos.backend).orders, self.customer_id)
        if not ok or orders is None:
            return
        table = self.query_one("#orders", DataTable)
        table.clear()
        for o in orders:
            cells = (o.placed_at[:10], o.number, o.location_name or "", o.order_type, o.status, str(o.amount_due), (o.closed_at or "")[:10])  # fmt: skip
            table.add_row(*(safe(c) for c in cells))
        pending = sum(1 for o in orders if o.status == "pending")
        self.hint(f"{len(orders)} orders, {pending} pending" if orders else "No orders for this customer")  # fmt: skip
        table.focus()


class AuditScreen(CustomerPage):
    """Who changed what on this customer; Enter shows an entry in full."""

    TITLE_TEXT = "Audit trail"
    DEFAULT_CSS = "AuditScreen #audit { height: 1fr; }"
    BINDINGS = [
        Binding("escape", "back", "Back", id="backoffice.back"),
        Binding("enter", "detail", "Entry", id="backoffice.audit_entry"),
    ]

    def compose(self) -> ComposeResult:
        yield from self.compose_title()
        yield StatusLine("", id="audit-status")
        table: DataTable[Text] = DataTable(id="audit", cursor_type="row", zebra_stripes=True)
        for label, width in (("When", 16), ("Who", 14), ("Action", 10), ("Changes", 60)):
            table.add_column(label, width=width)
        yield table
        yield Footer()

    async def refresh_view(self) -> None:
        ok, entries = await self.attempt(HistoryService(self.pos.backend).audit, self.customer_id)
        if not ok or entries is None:
            return
        self.entries = entries
        table = self.query_one("#audit", DataTable)
        table.clear()
        for e in entries:
            changes = "; ".join(f"{k}: {v}" for k, v in e.changes)
            table.add_row(safe(e.at.replace("T", " ")[:16]), safe(e.employee), safe(e.action), safe(changes))  # fmt: skip
        self.hint(f"{len(entries)} entries · Enter shows one in full")
        table.focus()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_detail()

    def action_detail(self) -> None:
        table = self.query_one("#audit", DataTable)
        entries = getattr(self, "entries", [])
        if not entries:
            return
        e = entries[min(table.cursor_row, len(entries) - 1)]
        text = "\n".join(f"{k}: {v}" for k, v in e.changes) or "(no details)"
        self.app.push_screen(TextScreen(f"{e.at} · {e.employee} · {e.action}", text))


def view_screen(which: str, customer_id: int) -> Screen[Any]:
    """The view F2-F6 opens for a customer."""
    from pos_tui.screens.backoffice.money import AccountScreen, LoyaltyScreen

    screens: dict[str, type[CustomerPage]] = {
        "history": HistoryScreen,
        "loyalty": LoyaltyScreen,
        "account": AccountScreen,
        "orders": OrdersScreen,
        "audit": AuditScreen,
    }
    return screens[which](customer_id)
