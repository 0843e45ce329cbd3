"""Price lookup (F3) and item search (Ctrl+F): find items by SKU, barcode or name as you type,
see the price this customer would pay and why, and add the chosen one with Enter."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Footer, Input, Label, Static

from pos_tui.screens.host import LaneHost, host_of
from pos_tui.screens.typeahead import HoldsTypedAhead
from pos_tui.services.checkout.price_check import ItemQuote, quote_items
from pos_tui.widgets.errors import ContainErrors
from pos_tui.widgets.fmt import money
from pos_tui.widgets.newest import Newest
from pos_tui.widgets.safe import safe

if TYPE_CHECKING:
    from pos_tui.services.checkout.sale import Checkout


class PriceLookupScreen(ContainErrors, HoldsTypedAhead, ModalScreen[str | None]):
    """Searches as you type, every key at once (an exclusive worker and a generation counter:
    only the newest query's items are shown, ``pos_tui/widgets/newest.py``); dismisses with the
    SKU of the item to add (Enter) or None (Escape)."""

    DEFAULT_CSS = """
    PriceLookupScreen { align: center middle; }
    PriceLookupScreen > Vertical {
        width: 100; max-width: 100%; height: 80%; border: round $accent; padding: 0 1;
        background: $surface;
    }
    PriceLookupScreen #lookup-title { text-style: bold; }
    PriceLookupScreen DataTable { height: 1fr; }
    """
    BINDINGS = [
        Binding("escape", "close", "Close", id="price_lookup.close"),
        Binding("down", "cursor(1)", "Next", id="price_lookup.down", show=False),
        Binding("up", "cursor(-1)", "Previous", id="price_lookup.up", show=False),
    ]

    def __init__(self, co: Checkout, *, initial: str = "", title: str = "Price lookup") -> None:
        super().__init__()
        self.co = co
        self.initial = initial
        self.title_text = title
        self.quotes: list[ItemQuote] = []
        self._results_for: str | None = None
        self._newest = Newest()
        self.start_holding()  # keys typed right after F3 / Ctrl+F wait for the field

    @property
    def pos(self) -> LaneHost:
        return host_of(self)

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(
                Text(f"{self.title_text}: the price this customer pays · Enter adds it"),
                id="lookup-title",
            )
            yield Input(value=self.initial, placeholder="SKU, barcode or name", id="lookup-query")
            yield Static("", id="lookup-status")
            table: DataTable[Text] = DataTable(id="lookup-results", cursor_type="row")
            table.can_focus = False
            yield table
        yield Footer()

    async def on_mount(self) -> None:
        table = self.query_one(DataTable)
        for label, width in (("SKU", 10), ("Item", 24), ("Price", 9), ("Pays", 9), ("Why", 30)):
            money_column = label in ("Price", "Pays")
            table.add_column(Text(label, justify="right" if money_column else "left"), width=width)
        self.set_focus(self.query_one(Input))  # at once, not after the next refresh
        if self.initial:
            self.search(self.initial)
        await self.release_typed_ahead(getattr(self.app, "deliver_key", self.app.on_event))

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        self.search(event.value)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if self._results_for == event.value.strip() and self.quotes:
            self.dismiss(self.quotes[self.query_one(DataTable).cursor_row].sku)
            return
        self.search(event.value)

    def action_cursor(self, step: int) -> None:
        table = self.query_one(DataTable)
        if table.row_count:
            table.move_cursor(row=max(0, min(table.cursor_row + step, table.row_count - 1)))

    def search(self, text: str) -> None:
        """Start the lookup of ``text`` now; every older one is cancelled or its answer dropped."""
        self._search(text, self._newest.start())

    @work(exclusive=True, group="price-lookup")
    async def _search(self, text: str, generation: int) -> None:
        quotes = await self.pos.call_service(quote_items, self.co, text)
        if not self._newest.is_newest(generation):
            return  # a newer key was typed while this answer was on its way
        self._show(text, quotes)

    def _show(self, text: str, quotes: list[ItemQuote]) -> None:
        self.quotes, self._results_for = quotes, text.strip()
        table = self.query_one(DataTable)
        table.clear()
        for q in quotes:
            table.add_row(
                safe(q.sku),
                safe(q.name),
                Text(money(q.regular), justify="right"),
                Text(money(q.pays), justify="right", style="bold"),
                safe(q.reason),
            )
        status = self.query_one("#lookup-status", Static)
        if quotes:
            status.update(f"{len(quotes)} found · ↑↓ choose · Enter adds to the sale")
        else:
            status.update("No item found" if text.strip() else "")

    def action_close(self) -> None:
        self.dismiss(None)
