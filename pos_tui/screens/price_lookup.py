"""Price lookup: find items by SKU, barcode or name and see their price, without adding."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any, cast

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Footer, Input, Label, Static

from pos_tui.services.checkout.engine_inputs import find_item_by_code
from pos_tui.services.runtime.backend import Backend
from pos_tui.widgets.errors import ContainErrors
from pos_tui.widgets.fmt import money
from pos_tui.widgets.safe import safe

if TYPE_CHECKING:
    from pos_tui.app import PosApp


def find_items(backend: Backend, text: str) -> list[dict[str, Any]]:
    """Barcode or SKU exactly, else SKU or name prefix (database thread)."""
    text = text.strip()
    if not text:
        return []
    exact = find_item_by_code(backend, text)
    if exact is not None:
        return [exact]
    return backend.catalog.search_items(text, limit=30)


class PriceLookupScreen(ContainErrors, ModalScreen[None]):
    """Searches as you type (debounced, in an exclusive worker)."""

    DEFAULT_CSS = """
    PriceLookupScreen { align: center middle; }
    PriceLookupScreen > Vertical {
        width: 90; max-width: 100%; height: 80%; border: round $accent; padding: 0 1;
        background: $surface;
    }
    PriceLookupScreen #lookup-title { text-style: bold; }
    PriceLookupScreen DataTable { height: 1fr; }
    """
    BINDINGS = [Binding("escape", "close", "Close", id="price_lookup.close")]

    def __init__(self, *, initial: str = "") -> None:
        super().__init__()
        self.initial = initial

    @property
    def pos(self) -> PosApp:
        return cast("PosApp", self.app)

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(Text("Price lookup (nothing is added to the sale)"), id="lookup-title")
            yield Input(value=self.initial, placeholder="SKU, barcode or name", id="lookup-query")
            yield Static("", id="lookup-status")
            table: DataTable[Text] = DataTable(id="lookup-results", cursor_type="row")
            table.can_focus = False
            yield table
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns("SKU", "Barcode", "Item", Text("Price", justify="right"))
        self.query_one(Input).focus()
        if self.initial:
            self.search(self.initial)

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        self.search(event.value)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.search(event.value, now=True)

    @work(exclusive=True, group="price-lookup")
    async def search(self, text: str, *, now: bool = False) -> None:
        if not now:
            await asyncio.sleep(0.2)
        rows = await self.pos.call_service(find_items, self.pos.backend, text)
        table = self.query_one(DataTable)
        table.clear()
        for row in rows:
            table.add_row(
                safe(row["sku"]),
                safe(row["barcode"] or ""),
                safe(row["name"]),
                Text(money(row["regular_price"]), justify="right"),
            )
        status = self.query_one("#lookup-status", Static)
        status.update(f"{len(rows)} found" if rows else ("No item found" if text.strip() else ""))

    def action_close(self) -> None:
        self.dismiss(None)
