"""What every part of the demo generator shares: the backend, the one seeded generator, the base
moment, and what the reference data step learnt for the customers, sales and orders steps."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

from pos_tui.services.runtime.backend import Backend
from pos_tui.storage.bulk import ItemForSale
from pos_tui.storage.rows import Row

ProgressFn = Callable[[str, int], None]
"""Told (stage, units done since the last call): stages are "setup", "customers", "sales"."""

CENT = Decimal("0.01")


def money(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass
class DemoCatalog:
    """What the customer and sales generators need to know about the reference data."""

    locations: list[int] = field(default_factory=list)
    location_groups: dict[int, int] = field(default_factory=dict)  # location id -> group id
    teams: list[int] = field(default_factory=list)
    taxes: dict[str, Row] = field(default_factory=dict)  # code -> row
    class_taxes: dict[int, list[Row]] = field(default_factory=dict)  # tax class id -> taxes
    items: list[ItemForSale] = field(default_factory=list)
    restricted: dict[int, set[int]] = field(default_factory=dict)  # card type -> subgroup ids
    card_types: dict[str, Row] = field(default_factory=dict)  # code -> row
    card_types_by_id: dict[int, Row] = field(default_factory=dict)
    customer_types: dict[str, Row] = field(default_factory=dict)
    price_lists: dict[str, int] = field(default_factory=dict)
    price_list_prices: dict[tuple[int, int], Decimal] = field(default_factory=dict)
    employees: dict[str, int] = field(default_factory=dict)  # number -> id


@dataclass
class DemoContext:
    """One run's shared state. Every random draw goes through ``rng``, in a fixed order, so the
    same seed and moment give the same database."""

    b: Backend
    rng: random.Random
    now: datetime
    cat: DemoCatalog = field(default_factory=DemoCatalog)

    @property
    def today(self) -> date:
        return self.now.date()

    def ensure(self, table: str, code: str, row: Row) -> int:
        """The id of the reference row with this code, inserted first if it is not there."""
        cat = self.b.catalog
        existing = cat.by_code(table, code)
        if existing is not None:
            return int(existing["id"])
        key = "sku" if table == "items" else "code"
        return cat.insert(table, {key: code, **row})
