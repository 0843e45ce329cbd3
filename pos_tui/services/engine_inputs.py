"""Database rows turned into the engine's inputs (the engine itself never sees SQLite).

Reference data (items, tax classes, card types) is cached per lane session: it changes rarely and
a scan must not wait on several queries. :meth:`EngineInputs.forget` drops the cache after the
back office edits it.
"""

from __future__ import annotations

import dataclasses
import json
from typing import Any

from pos_tui import engine
from pos_tui.services.backend import Backend

# Store settings (table ``settings``) named ``engine.<field>`` override the engine's defaults,
# e.g. ``engine.percent_combination = best_of``.
ENGINE_SETTING_PREFIX = "engine."


class EngineInputs:
    def __init__(self, backend: Backend) -> None:
        self.b = backend
        self._items: dict[int, engine.Item] = {}
        self._tax_classes: dict[int, engine.TaxClass] = {}
        self._card_types: dict[int, engine.CardType] = {}
        self._card_type_ids: list[int] | None = None
        self._settings: engine.Settings | None = None
        self._version = backend.catalog.version()

    def refresh(self) -> None:
        """Drop cached reference data if the catalog changed (here or on another lane)."""
        version = self.b.catalog.version()
        if version != self._version:
            self.forget()
            self._version = version

    def forget(self) -> None:
        self._items.clear()
        self._tax_classes.clear()
        self._card_types.clear()
        self._card_type_ids = None
        self._settings = None

    def settings(self) -> engine.Settings:
        if self._settings is None:
            overrides: dict[str, Any] = {"minor_unit": self.b.settings.currency.minor_unit}
            fields = {f.name for f in dataclasses.fields(engine.Settings)}
            for key, value in self.b.store.settings().items():
                name = key.removeprefix(ENGINE_SETTING_PREFIX)
                if key.startswith(ENGINE_SETTING_PREFIX) and name in fields:
                    overrides[name] = _setting_value(value)
            self._settings = engine.build(engine.Settings, overrides, path="settings")
        return self._settings

    def item(self, item_id: int) -> engine.Item:
        if item_id not in self._items:
            row = self.b.catalog.get("items", item_id)
            if row is None:
                raise KeyError(f"no item {item_id}")
            self._items[item_id] = engine.from_row(engine.Item, row)
            if row["tax_class_id"] is not None:
                self.tax_class(int(row["tax_class_id"]))
        return self._items[item_id]

    def item_row_by_code(self, code: str) -> dict[str, Any] | None:
        return self.b.catalog.item_by_code(code)

    def tax_class(self, tax_class_id: int) -> engine.TaxClass:
        if tax_class_id not in self._tax_classes:
            row = self.b.catalog.get("tax_classes", tax_class_id)
            if row is None:
                raise KeyError(f"no tax class {tax_class_id}")
            taxes = tuple(
                engine.from_row(engine.Tax, t) for t in self.b.catalog.taxes_of_class(tax_class_id)
            )
            self._tax_classes[tax_class_id] = engine.from_row(engine.TaxClass, row, taxes=taxes)
        return self._tax_classes[tax_class_id]

    def tax_classes_for(self, items: list[engine.Item]) -> dict[int, engine.TaxClass]:
        ids = {i.tax_class_id for i in items if i.tax_class_id is not None}
        return {i: self.tax_class(i) for i in ids}

    def card_type(self, card_type_id: int | None) -> engine.CardType | None:
        if card_type_id is None:
            return None
        if card_type_id not in self._card_types:
            row = self.b.catalog.get("card_types", card_type_id)
            if row is None:
                return None
            subgroups = tuple(
                engine.from_row(engine.Subgroup, sg)
                for sid in self.b.catalog.restricted_subgroup_ids(card_type_id)
                if (sg := self.b.catalog.subgroup(sid)) is not None
            )
            sub_row = self.b.catalog.subscription(card_type_id)
            subscription = (
                engine.from_row(engine.CardTypeSubscription, sub_row) if sub_row else None
            )
            self._card_types[card_type_id] = engine.from_row(
                engine.CardType, row, restricted_subgroups=subgroups, subscription=subscription
            )
        return self._card_types[card_type_id]

    def all_card_types(self) -> list[engine.CardType]:
        if self._card_type_ids is None:
            self._card_type_ids = [int(r["id"]) for r in self.b.catalog.all("card_types")]
        return [ct for i in self._card_type_ids if (ct := self.card_type(i)) is not None]

    def customer(
        self, customer_id: int
    ) -> tuple[engine.Customer, engine.CustomerAccount, engine.PriceList | None]:
        """The customer, their balances and discounts, and their default price list (fresh: these
        change with every sale)."""
        repo = self.b.customers
        row = repo.get(customer_id)
        if row is None:
            raise KeyError(f"no customer {customer_id}")
        customer = engine.from_row(engine.Customer, row)
        exempt = frozenset(
            str(t["code"])
            for tid in repo.exempt_tax_ids(customer_id)
            if (t := self.b.catalog.get("taxes", tid)) is not None
        )
        discounts = tuple(
            engine.from_row(engine.TransactionDiscount, d)
            for d in repo.children(customer_id, "transaction_discounts")
        )
        account = engine.CustomerAccount(
            points_balance=repo.loyalty_balance(customer_id),
            receivable_balance=repo.receivable_balance(customer_id),
            exempt_tax_codes=exempt,
            transaction_discounts=discounts,
        )
        price_list = None
        if row["price_list_id"] is not None:
            price_list = self._price_list(int(row["price_list_id"]))
        return customer, account, price_list

    def _price_list(self, price_list_id: int) -> engine.PriceList | None:
        row = self.b.catalog.get("price_lists", price_list_id)
        if row is None:
            return None
        prices = {
            item_id: price
            for item_id in self._items
            if (price := self.b.catalog.price_list_price(price_list_id, item_id)) is not None
        }
        return engine.from_row(engine.PriceList, row, prices=prices)

    def location_id(self) -> int | None:
        row = self.b.catalog.by_code("locations", self.b.settings.lane.location)
        return int(row["id"]) if row else None


def _setting_value(text: str) -> Any:
    """Settings are text: JSON where it parses (numbers, true/false), else the plain string."""
    try:
        return json.loads(text)
    except ValueError:
        return text
