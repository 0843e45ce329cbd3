"""Database rows turned into the engine's inputs (the engine itself never sees SQLite).

Reference data (items, tax classes, card types) is cached per lane session: it changes rarely and
a scan must not wait on several queries. :meth:`EngineInputs.forget` drops the cache after the
back office edits it. A customer is read afresh every time (:class:`CustomerState`: row,
balances, discounts) but converted again only when those rows changed.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from pos_tui import engine
from pos_tui.services.runtime.backend import Backend
from pos_tui.storage.catalog import ItemRow
from pos_tui.storage.customers import CustomerRow, TransactionDiscountRow
from pos_tui.storage.db import change_mark

# Store settings (table ``settings``) named ``engine.<field>`` override the engine's defaults,
# e.g. ``engine.percent_combination = best_of``.
ENGINE_SETTING_PREFIX = "engine."


@dataclass(frozen=True, eq=True)
class CustomerState:
    """A customer's rows as read, before conversion: everything of theirs a price depends on
    that sales and the back office change. Two states compare equal when nothing changed."""

    row: CustomerRow
    exempt_tax_ids: tuple[int, ...]
    transaction_discounts: tuple[TransactionDiscountRow, ...]
    points_balance: Decimal
    receivable_balance: Decimal


@dataclass(frozen=True, eq=True)
class PricingBasis:
    """What a cart's price depends on besides the cart: the catalog version (items, taxes, card
    types, settings, price lists), the moment and the customer's rows. A commit prices the cart
    with one basis and reads it again under the write lock: equal, the price still holds."""

    catalog_version: int
    # What the engine reads of the moment (engine.moment_key): prices made at two moments of
    # one key are the same, so the moment itself is not compared.
    moment_key: tuple[Any, ...]
    customer: CustomerState | None
    moment: datetime = dataclasses.field(compare=False)
    # storage.db.change_mark before the reads: while it holds, nothing read can have changed.
    mark: tuple[int, int] = dataclasses.field(compare=False, default=(-1, -1))

    @property
    def timestamp(self) -> str:
        return self.moment.isoformat(timespec="seconds")


# A customer converted for the engine: the customer, exempt tax codes, transaction discounts.
_Converted = tuple[engine.Customer, frozenset[str], tuple[engine.TransactionDiscount, ...]]


def find_item_by_code(backend: Backend, code: str) -> ItemRow | None:
    """An active item by barcode or SKU, the SKU matched as ``[lane] sku_case`` says."""
    any_case = backend.settings.lane.sku_case == "insensitive"
    return backend.catalog.item_by_code(code, sku_any_case=any_case)


class EngineInputs:
    def __init__(self, backend: Backend) -> None:
        self.b = backend
        self._items: dict[int, engine.Item] = {}
        self._tax_classes: dict[int, engine.TaxClass] = {}
        self._card_types: dict[int, engine.CardType] = {}
        self._card_type_ids: list[int] | None = None
        self._settings: engine.Settings | None = None
        # customer id -> (the rows converted, the conversion): a scan re-reads the customer
        # but converts again only when their rows changed.
        self._customers: dict[int, tuple[tuple[Any, ...], _Converted]] = {}
        self._version = backend.catalog.version()

    def refresh(self) -> int:
        """Drop cached reference data if the catalog changed (here or on another lane); the
        catalog version now."""
        version = self.b.catalog.version()
        if version != self._version:
            self.forget()
            self._version = version
        return version

    def basis(
        self, customer_id: int | None, moment: datetime, *, known: PricingBasis | None = None
    ) -> PricingBasis:
        """Read what a price depends on now (reference data is dropped if the catalog changed).

        ``known``: a basis read earlier for this customer. When no connection has changed the
        database since (its change mark holds) and the moment's key is the same, it still holds
        and nothing is read again."""
        mark = change_mark(self.b.db)
        if known is not None and known.mark == mark:
            same_customer = (
                known.customer.row.id == customer_id
                if known.customer is not None
                else customer_id is None
            )
            card_type_id = known.customer.row.card_type_id if known.customer else None
            key = engine.moment_key(self.card_type(card_type_id), moment)
            if same_customer and key == known.moment_key:
                return dataclasses.replace(known, moment=moment)
        version = self.refresh()
        state = self.customer_state(customer_id) if customer_id is not None else None
        card_type = self.card_type(state.row.card_type_id) if state is not None else None
        return PricingBasis(
            catalog_version=version,
            moment_key=engine.moment_key(card_type, moment),
            customer=state,
            moment=moment,
            mark=mark,
        )

    def mark(self) -> tuple[int, int]:
        """Where the database stands for this connection now (``storage.db.change_mark``)."""
        return change_mark(self.b.db)

    def carried(self, basis: PricingBasis, before: tuple[int, int]) -> PricingBasis | None:
        """``basis`` at the mark of now, inside a write transaction of this connection that
        changed nothing a price depends on, begun at mark ``before``; None when something had
        changed since the basis was read (then it is read again as usual)."""
        if basis.mark != before:
            return None
        return dataclasses.replace(basis, mark=change_mark(self.b.db))

    def forget(self) -> None:
        self._items.clear()
        self._tax_classes.clear()
        self._card_types.clear()
        self._card_type_ids = None
        self._settings = None
        self._customers.clear()

    def settings(self) -> engine.Settings:
        if self._settings is None:
            self._settings = engine_settings(
                self.b.store.settings(), minor_unit=self.b.settings.currency.minor_unit
            )
        return self._settings

    def item(self, item_id: int) -> engine.Item:
        if item_id not in self._items:
            row = self.b.catalog.item(item_id)
            if row is None:
                raise KeyError(f"no item {item_id}")
            self._items[item_id] = engine.from_row(engine.Item, asdict(row))
            if row.tax_class_id is not None:
                self.tax_class(row.tax_class_id)
        return self._items[item_id]

    def item_row_by_code(self, code: str) -> ItemRow | None:
        return find_item_by_code(self.b, code)

    def tax_class(self, tax_class_id: int) -> engine.TaxClass:
        if tax_class_id not in self._tax_classes:
            row = self.b.catalog.get("tax_classes", tax_class_id)
            if row is None:
                raise KeyError(f"no tax class {tax_class_id}")
            taxes = tuple(
                engine.from_row(engine.Tax, asdict(t))
                for t in self.b.catalog.taxes_of_class(tax_class_id)
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
                engine.from_row(engine.Subgroup, asdict(sg))
                for sid in self.b.catalog.restricted_subgroup_ids(card_type_id)
                if (sg := self.b.catalog.subgroup(sid)) is not None
            )
            sub_row = self.b.catalog.subscription(card_type_id)
            subscription = (
                engine.from_row(engine.CardTypeSubscription, asdict(sub_row)) if sub_row else None
            )
            self._card_types[card_type_id] = engine.from_row(
                engine.CardType, row, restricted_subgroups=subgroups, subscription=subscription
            )
        return self._card_types[card_type_id]

    def all_card_types(self) -> list[engine.CardType]:
        if self._card_type_ids is None:
            self._card_type_ids = self.b.catalog.ids("card_types")
        return [ct for i in self._card_type_ids if (ct := self.card_type(i)) is not None]

    def customer_state(self, customer_id: int) -> CustomerState:
        """The customer's rows and balances as they are now (no conversion)."""
        repo = self.b.customers
        row = repo.get(customer_id)
        if row is None:
            raise KeyError(f"no customer {customer_id}")
        return CustomerState(
            row=row,
            exempt_tax_ids=tuple(repo.exempt_tax_ids(customer_id)),
            transaction_discounts=tuple(repo.transaction_discounts(customer_id)),
            points_balance=repo.loyalty_balance(customer_id),
            receivable_balance=repo.receivable_balance(customer_id),
        )

    def customer(
        self, customer_id: int, state: CustomerState | None = None
    ) -> tuple[engine.Customer, engine.CustomerAccount, engine.PriceList | None]:
        """The customer, their balances and discounts, and their default price list (fresh: these
        change with every sale). ``state``: rows already read by :meth:`customer_state`."""
        state = state or self.customer_state(customer_id)
        customer, exempt, discounts = self._converted(customer_id, state)
        account = engine.CustomerAccount(
            points_balance=state.points_balance,
            receivable_balance=state.receivable_balance,
            exempt_tax_codes=exempt,
            transaction_discounts=discounts,
        )
        price_list = None
        if state.row.price_list_id is not None:
            price_list = self._price_list(state.row.price_list_id)
        return customer, account, price_list

    def _converted(self, customer_id: int, state: CustomerState) -> _Converted:
        read = (state.row, state.exempt_tax_ids, state.transaction_discounts)
        cached = self._customers.get(customer_id)
        if cached is not None and cached[0] == read:
            return cached[1]
        exempt = frozenset(
            t.code for tid in state.exempt_tax_ids if (t := self.b.catalog.tax(tid)) is not None
        )
        discounts = tuple(
            engine.from_row(engine.TransactionDiscount, asdict(d))
            for d in state.transaction_discounts
        )
        only = state.row.limit_to_location_id
        store = self.b.catalog.get("locations", int(only)) if only is not None else None
        customer = engine.from_row(
            engine.Customer,
            state.row.columns(),
            limit_to_location_name=str(store["name"]) if store is not None else None,
        )
        converted = (customer, exempt, discounts)
        self._customers[customer_id] = (read, converted)
        return converted

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
        return self.b.catalog.id_by_code("locations", self.b.settings.lane.location)


def engine_settings(values: Mapping[str, str], *, minor_unit: int) -> engine.Settings:
    """The engine's settings from the store's ``engine.<field>`` rows (text, parsed by
    :meth:`engine.Settings.from_strings`: yes/no/1/0/true/false, whole numbers, choices).

    The minor unit is the lane's ``[currency]`` config, so receipts and prices agree; keys of
    fields this version does not know are ignored (a newer lane may have written them).
    """
    known = {f.name for f in dataclasses.fields(engine.Settings)}
    texts = {"minor_unit": str(minor_unit)}
    for key, value in values.items():
        name = key.removeprefix(ENGINE_SETTING_PREFIX)
        if key.startswith(ENGINE_SETTING_PREFIX) and name in known and name != "minor_unit":
            texts[name] = value
    return engine.Settings.from_strings(texts, prefix=ENGINE_SETTING_PREFIX)
