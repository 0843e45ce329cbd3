"""Find a customer as you type: name prefix, or mobile, card or account number exactly.

Every keystroke starts its search at once (no debounce: a name search at 1,000,000 customers
takes about a millisecond, docs/bench.md) in one exclusive worker that asks the database
thread; a newer keystroke cancels the older search (before it reaches the database if it is
still queued) and a generation counter drops any older answer that arrives late, so only the
newest query's results are ever shown (``pos_tui/widgets/newest.py``). The UI thread never
queries.
"""

from __future__ import annotations

from decimal import Decimal

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Footer, Input, Label, Static

from pos_tui.screens.host import LaneHost, host_of
from pos_tui.screens.typeahead import HoldsTypedAhead
from pos_tui.services.customers.fields import FieldError
from pos_tui.services.customers.names import display_name
from pos_tui.services.customers.service import CustomerRow, CustomerService
from pos_tui.widgets.errors import ContainErrors
from pos_tui.widgets.fmt import money
from pos_tui.widgets.newest import Newest
from pos_tui.widgets.safe import safe

RESULT_LIMIT = 50


def _credit_cell(shown: str | Decimal | None) -> Text:
    if isinstance(shown, Decimal):
        return Text(money(shown), justify="right")
    return Text(shown or "", style="bold reverse" if shown else "")


class CustomerSearchScreen(ContainErrors, HoldsTypedAhead, ModalScreen[int | None]):
    """Dismisses with the chosen customer's id (or None)."""

    DEFAULT_CSS = """
    CustomerSearchScreen { align: center middle; }
    CustomerSearchScreen > Vertical {
        width: 100; max-width: 100%; height: 90%; max-height: 30;
        border: round $accent; padding: 0 1; background: $surface;
    }
    CustomerSearchScreen #customer-search-title { text-style: bold; }
    CustomerSearchScreen #customer-results { height: 1fr; }
    CustomerSearchScreen #customer-search-status { height: 1; }
    """
    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="customer_search.cancel"),
        Binding("down", "cursor(1)", "Next", id="customer_search.down", show=False),
        Binding("up", "cursor(-1)", "Previous", id="customer_search.up", show=False),
        Binding("ctrl+n", "enrol", "New customer", id="customer_search.enrol", priority=True),
    ]

    def __init__(self, *, title: str = "Find customer", initial: str = "") -> None:
        super().__init__()
        self.title_text = title
        self.initial = initial
        self._rows: list[CustomerRow] = []
        self._results_for: str | None = None
        self._newest = Newest()
        self.start_holding()  # keys typed right after F2 wait for the field

    @property
    def pos(self) -> LaneHost:
        return host_of(self)

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(safe(self.title_text), id="customer-search-title")
            yield Input(
                value=self.initial,
                placeholder="Name, mobile, card or account number",
                id="customer-query",
            )
            yield Static("Type to search", id="customer-search-status")
            table: DataTable[Text] = DataTable(id="customer-results", cursor_type="row")
            table.can_focus = False
            yield table
        yield Footer()

    async def on_mount(self) -> None:
        table = self.query_one("#customer-results", DataTable)
        # Fixed widths: the columns must not jump about while the cashier types.
        # Credit beside the name: a customer on hold reads CREDIT HOLD, never an amount.
        for label, width in (
            ("Name", 24), ("Credit", 11), ("Mobile", 16), ("Account", 10), ("Card", 20),
        ):  # fmt: skip
            table.add_column(label, width=width)
        await self._take_the_keys()
        if self.initial:
            self.search(self.initial)

    async def _take_the_keys(self) -> None:
        # The field takes the focus at once (not after the next refresh, as focus() would) and
        # the keys held since the push are delivered to it in order.
        self.set_focus(self.query_one("#customer-query", Input))
        await self.release_typed_ahead(getattr(self.app, "deliver_key", self.app.on_event))

    # -- searching -----------------------------------------------------------------------------
    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        self.search(event.value)

    def search(self, text: str, *, pick_single: bool = False) -> None:
        """Start the search for ``text`` now; every older one is cancelled or its answer dropped."""
        self._search(text, self._newest.start(), pick_single)

    @work(exclusive=True, group="customer-search")
    async def _search(self, text: str, generation: int, pick_single: bool) -> None:
        text = text.strip()
        if not text:
            self._show(text, [], {})
            return
        status = self.query_one("#customer-search-status", Static)
        status.update("Searching…")
        service = CustomerService(self.pos.backend)
        try:
            rows = await self.pos.call_service(service.find, text, limit=RESULT_LIMIT)
            if not self._newest.is_newest(generation):
                return
            credit = await self.pos.call_service(service.credit_of, rows)
        except FieldError as exc:  # too long, or not text: say so, keep what was typed
            if not self._newest.is_newest(generation):
                return
            self._rows, self._results_for = [], None
            self.query_one("#customer-results", DataTable).clear()
            status.update(Text("! ", style="bold").append_text(safe(exc.message)))
            return
        if not self._newest.is_newest(generation):
            return  # a newer key was typed while this answer was on its way
        self._show(text, rows, credit)
        if pick_single and len(rows) == 1:
            self.dismiss(rows[0].id)

    def _show(
        self, text: str, rows: list[CustomerRow], credit: dict[int, str | Decimal | None]
    ) -> None:
        self._rows = rows
        self._results_for = text
        table = self.query_one("#customer-results", DataTable)
        table.clear()
        for row in rows:
            shown = credit.get(row.id)
            cells = (
                safe(display_name(row)),
                _credit_cell(shown),
                safe(row.mobile or ""),
                safe(row.account_number or ""),
                safe(row.card_number or ""),
            )
            table.add_row(*cells, key=str(row.id))
        status = self.query_one("#customer-search-status", Static)
        if not text:
            status.update("Type to search")
        elif not rows:
            status.update(Text("No customer found", style="bold"))
        else:
            more = " (first 50: type more to narrow)" if len(rows) >= RESULT_LIMIT else ""
            status.update(f"{len(rows)} found{more} · ↑↓ choose · Enter attach")

    # -- choosing ------------------------------------------------------------------------------
    def action_cursor(self, step: int) -> None:
        table = self.query_one("#customer-results", DataTable)
        if table.row_count:
            table.move_cursor(row=max(0, min(table.cursor_row + step, table.row_count - 1)))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        text = event.value.strip()
        table = self.query_one("#customer-results", DataTable)
        if self._results_for == text and self._rows and table.row_count:
            self.dismiss(self._rows[table.cursor_row].id)
            return
        self.search(text, pick_single=True)

    def action_cancel(self) -> None:
        self.dismiss(None)

    def action_enrol(self) -> None:
        from pos_tui.screens.enrol import EnrolScreen

        def enrolled(customer_id: int | None) -> None:
            if customer_id is not None:
                self.dismiss(customer_id)

        self.app.push_screen(EnrolScreen(), enrolled)


class CustomerListScreen(CustomerSearchScreen):
    """F2 with method of input `list`: the customers by name to choose from; typing searches."""

    def __init__(self, rows: list[CustomerRow]) -> None:
        super().__init__(title="Choose the customer")
        self.listed = rows
        self.listed_credit: dict[int, str | Decimal | None] = {}

    async def on_mount(self) -> None:
        # Textual runs the base class's on_mount too (columns, focus, the keys typed ahead).
        self.run_worker(self._show_listed(), group="customer-list")

    async def _show_listed(self) -> None:
        service = CustomerService(self.pos.backend)
        self.listed_credit = await self.pos.call_service(service.credit_of, self.listed)
        if not self.query_one("#customer-query", Input).value.strip():
            self._show("", self.listed, self.listed_credit)

    def _show(
        self, text: str, rows: list[CustomerRow], credit: dict[int, str | Decimal | None]
    ) -> None:
        if text.strip():
            super()._show(text, rows, credit)
        else:
            super()._show(text, self.listed, self.listed_credit)
        if not text.strip():
            self.query_one("#customer-search-status", Static).update(
                f"{len(self.listed)} customers A-Z · ↑↓ choose · Enter attach · type to search"
            )
