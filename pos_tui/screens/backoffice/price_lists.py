"""Price lists: the list, and an edit form with the header (code, name) and the item prices.

The prices are a sub-table like the customer form's contacts: ``a`` adds, Enter edits, ``x``
removes. Each row is checked as it is entered (the item exists, the price is a number of zero or
more, the item is not listed twice); a refusal shows under the table and the row's prompt opens
again with what was typed. Ctrl+S saves header and prices together.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import DataTable, Static

from pos_tui.screens.backoffice.catalog import CatalogEditScreen, CatalogListScreen
from pos_tui.screens.backoffice.records import RecordList
from pos_tui.screens.dialogs import Field, PromptScreen
from pos_tui.screens.host import host_of
from pos_tui.screens.service_calls import error_text
from pos_tui.services.backoffice.price_lists import PriceListAdmin, PriceRowError
from pos_tui.services.customers.fields import FieldError
from pos_tui.widgets.safe import safe

PRICE_COLUMNS = [("sku", "Item code"), ("name", "Item"), ("price", "Price")]


class PriceRecords(RecordList):
    """The item prices of a price list; a row joins only once the service accepts it."""

    DEFAULT_CSS = """
    PriceRecords > .field-error { height: auto; color: $text-error; text-style: bold; }
    PriceRecords > .field-error.-empty { display: none; }
    """

    def __init__(self, records: list[dict[str, str]]) -> None:
        super().__init__("prices", "Item prices", PRICE_COLUMNS, list(records))

    def compose(self) -> ComposeResult:
        yield from super().compose()
        yield Static("", classes="field-error -empty")

    @property
    def error(self) -> str:
        line = self.query_one(".field-error", Static)
        return "" if line.has_class("-empty") else str(line.render())

    def set_error(self, message: str | None, index: int | None = None) -> None:
        """The message under the table (and the cursor on the row it is about)."""
        line = self.query_one(".field-error", Static)
        line.update(Text("! ").append_text(safe(message)) if message else "")
        line.set_class(not message, "-empty")
        table = self.query_one(DataTable)
        if message and index is not None and index < table.row_count:
            table.move_cursor(row=index)

    def _edit(self, index: int | None, typed: dict[str, str] | None = None, message: str = "") -> None:  # fmt: skip
        current = typed or (self.records[index] if index is not None else {})
        fields = [
            Field("sku", "Item code (SKU or barcode)", current.get("sku", "")),
            Field("price", "Price", current.get("price", ""), restrict=r"[0-9.,\-]*"),
        ]
        title = f"{'Edit' if index is not None else 'Add'}: item price"

        async def done(values: dict[str, str] | None) -> None:
            if values is None:
                return
            others = [r for i, r in enumerate(self.records) if i != index]
            pos = host_of(self)
            admin = PriceListAdmin(pos.backend)
            try:
                row = await pos.call_service(admin.check_row, values, others)
            except FieldError as exc:
                self.set_error(exc.message, index)
                self._edit(index, values, exc.message)  # again, with what was typed
                return
            self.set_error(None)
            if index is None:
                self.records.append(row)
            else:
                self.records[index] = row
            self._refresh()
            self.post_message(self.Changed(self))

        self.app.push_screen(PromptScreen(title, fields, message=message), done)


class PriceListEditScreen(CatalogEditScreen):
    """A price list's header and item prices; Ctrl+S saves both."""

    def __init__(self, row_id: int | None) -> None:
        super().__init__("price_lists", row_id)

    async def build(self) -> None:
        await super().build()
        if not self.query("#edit-tabs"):
            return
        ok, prices = await self.attempt(PriceListAdmin(self.pos.backend).prices, self.row_id)
        if not ok or prices is None:
            return
        await self.query_one("#tab-main").query_one(VerticalScroll).mount(PriceRecords(prices))
        self.hint("a add · Enter edit · x remove a price (in the table) · Ctrl+S save")

    @property
    def prices(self) -> PriceRecords | None:
        found = self.query(PriceRecords)
        return found.first() if found else None

    def is_dirty(self) -> bool:
        prices = self.prices
        return super().is_dirty() or (prices is not None and prices.changed)

    async def store(self, values: dict[str, str]) -> int:
        prices = self.prices
        rows = prices.records if prices is not None else []
        admin = PriceListAdmin(self.pos.backend)
        return await self.pos.call_service(
            admin.save, self.row_id, values, rows, employee_id=self.employee_id
        )

    async def save(self) -> bool:
        prices = self.prices
        if prices is not None:
            prices.set_error(None)
        saved = await super().save()
        if saved and prices is not None:
            prices.loaded = [dict(r) for r in prices.records]
        return saved

    def show_other_error(self, exc: FieldError) -> None:
        prices = self.prices
        if prices is None:
            return
        prices.set_error(error_text(exc), exc.index if isinstance(exc, PriceRowError) else None)
        prices.query_one(DataTable).focus()


class PriceListListScreen(CatalogListScreen):
    """The price lists with how many item prices each has; Enter edits, Ctrl+N adds."""

    def __init__(self) -> None:
        super().__init__("price_lists")

    def _open(self, row_id: int | None) -> None:
        async def back(_: object) -> None:
            await self.reload()

        self.app.push_screen(PriceListEditScreen(row_id), back)
