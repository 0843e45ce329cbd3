"""A price list's item prices: a customer with a default price list pays these prices (a price
list wins over a price level, see docs/engine.md).

The header (code, name) is saved by :class:`~pos_tui.services.backoffice.catalog.CatalogAdmin`; the
rows here are checked one at a time as they are typed (:meth:`PriceListAdmin.check_row`) and all
again on save, which writes header and prices in one transaction, audits the prices that changed
with their old and new values, and bumps the catalog version so running lanes reload.
"""

from __future__ import annotations

from pos_tui.engine.money import NotANumber, TooManyPlaces, parse_money, to_decimal
from pos_tui.services.backoffice.catalog import CatalogAdmin
from pos_tui.services.customers.fields import FieldError
from pos_tui.services.runtime.backend import Backend
from pos_tui.storage.db import write
from pos_tui.text import plain

PRICES = "prices"  # the field name a refusal of a price row carries


class PriceRowError(FieldError):
    """A price row that cannot be saved; ``index`` is its place in the list (None: a new row)."""

    def __init__(self, message: str, index: int | None = None) -> None:
        super().__init__(PRICES, message)
        self.index = index


class PriceListAdmin:
    """Load, check and save the prices of a price list (database thread)."""

    def __init__(self, backend: Backend) -> None:
        self.b = backend

    def prices(self, price_list_id: int | None) -> list[dict[str, str]]:
        """The list's rows as the form's text: item code (SKU), item name, price."""
        if price_list_id is None:
            return []
        return [
            {"sku": plain(r.sku), "name": plain(r.name), "price": format(r.price, "f")}
            for r in self.b.catalog.price_list_items(price_list_id)
        ]

    def price(self, text: str) -> str:
        """A typed price as its stored text: exact, zero or more, in the currency's decimals."""
        places = self.b.settings.currency.minor_unit
        try:
            value = to_decimal(text, "Price", commas=True)
        except NotANumber:
            raise PriceRowError(f"Price must be a number, not {text.strip()!r}") from None
        if value < 0:
            raise PriceRowError("Price must be zero or more")
        try:
            parse_money(value, "Price", places)
        except (NotANumber, TooManyPlaces):
            raise PriceRowError(f"Price has at most {places} decimals") from None
        return format(value, "f")

    def check_row(
        self, row: dict[str, str], others: list[dict[str, str]], index: int | None = None
    ) -> dict[str, str]:
        """One typed row (item code by SKU or barcode, price) as stored: the item's SKU and
        name and the price. Refuses an unknown item, a bad price, an item already listed."""
        code = row.get("sku", "").strip()
        if not code:
            raise PriceRowError("Give the item's code (SKU or barcode)", index)
        item = self.b.catalog.item_by_sku_or_barcode(code)
        if item is None:
            raise PriceRowError(f"No item with code {code}", index)
        sku = item.sku
        if any(o.get("sku") == sku for o in others):
            raise PriceRowError(f"{sku} is already in this price list: edit its row", index)
        try:
            price = self.price(row.get("price", ""))
        except PriceRowError as exc:
            raise PriceRowError(f"{sku}: {exc.message}", index) from None
        return {"sku": sku, "name": item.name, "price": price}

    def save(
        self,
        price_list_id: int | None,
        values: dict[str, str],
        rows: list[dict[str, str]],
        *,
        employee_id: int | None,
    ) -> int:
        """Validate and store the header and every price; returns the price list's id.
        Raises FieldError naming the header field, or PriceRowError naming the row."""
        with write(self.b.db):
            checked: list[dict[str, str]] = []
            for index, row in enumerate(rows):
                checked.append(self.check_row(row, checked, index))
            price_list_id = CatalogAdmin(self.b).save(
                "price_lists", price_list_id, values, employee_id=employee_id
            )
            before = {
                r.sku: format(r.price, "f") for r in self.b.catalog.price_list_items(price_list_id)
            }
            after = {r["sku"]: r["price"] for r in checked}
            changes = {
                sku: [before.get(sku), after.get(sku)]
                for sku in sorted(before.keys() | after.keys())
                if before.get(sku) != after.get(sku)
            }
            if not changes:
                return price_list_id  # nothing new: no version bump, lanes keep their cache
            ids = {}
            for sku, price in after.items():
                item = self.b.catalog.item_by_sku(sku)
                if item is None:  # check_row found it by SKU in this same transaction
                    raise PriceRowError(f"No item with code {sku}")
                ids[item.id] = price
            self.b.catalog.set_price_list_prices(price_list_id, ids)
            self.b.store.audit(
                at=self.b.timestamp(),
                entity="price_lists",
                entity_id=price_list_id,
                action="prices",
                changes={PRICES: changes},
                employee_id=employee_id,
                lane_id=self.b.settings.lane.id,
            )
        return price_list_id
