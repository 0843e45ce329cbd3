"""Catalogue dataclasses: taxes and tax classes, item sub-groups, items, price lists.

Rows of ``taxes``, ``tax_classes``, ``item_subgroups``, ``items`` and ``price_lists`` (see
:mod:`pos_tui.engine.models`).
"""

from __future__ import annotations

import datetime as dt
import types
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from pos_tui.engine.model_fields import TaxMode, check_choice, non_negative, normalise
from pos_tui.engine.money import to_decimal


@dataclass(frozen=True, slots=True)
class Tax:
    """A row of ``taxes``: one tax with its rate and whether it is inside the price."""

    id: int
    code: str
    name: str
    rate_percent: Decimal
    mode: TaxMode = "exclusive"

    def __post_init__(self) -> None:
        normalise(self)
        check_choice(self, "mode")
        non_negative(self, "rate_percent")


@dataclass(frozen=True, slots=True)
class TaxClass:
    """A row of ``tax_classes``; ``taxes`` comes from the ``tax_class_taxes`` join table."""

    id: int
    code: str
    name: str
    taxes: tuple[Tax, ...] = ()

    def __post_init__(self) -> None:
        normalise(self)
        object.__setattr__(self, "taxes", tuple(self.taxes))


@dataclass(frozen=True, slots=True)
class Subgroup:
    """A row of ``item_subgroups`` (named in restriction messages)."""

    id: int
    code: str
    name: str
    group_id: int | None = None


@dataclass(frozen=True, slots=True)
class Item:
    """A row of ``items``. Price levels 1-4 are OpSuite's A/B/C (1/2/3) plus Quasar's 4th."""

    id: int
    sku: str
    name: str
    regular_price: Decimal
    barcode: str | None = None
    subgroup_id: int | None = None
    tax_class_id: int | None = None
    price_level_1: Decimal | None = None
    price_level_2: Decimal | None = None
    price_level_3: Decimal | None = None
    price_level_4: Decimal | None = None
    promo_price: Decimal | None = None
    promo_start: dt.date | None = None
    promo_end: dt.date | None = None
    points_eligible: bool = True
    discount_eligible: bool = True
    active: bool = True

    def __post_init__(self) -> None:
        normalise(self)
        non_negative(
            self,
            "regular_price",
            "price_level_1",
            "price_level_2",
            "price_level_3",
            "price_level_4",
            "promo_price",
        )

    def level_price(self, level: int) -> Decimal | None:
        """The price for customer price level 1-4, or None when that level is not set."""
        return {
            1: self.price_level_1,
            2: self.price_level_2,
            3: self.price_level_3,
            4: self.price_level_4,
        }.get(level)


@dataclass(frozen=True, slots=True)
class PriceList:
    """A row of ``price_lists``; ``prices`` (item id -> price) comes from ``price_list_items``."""

    id: int
    code: str
    name: str
    prices: Mapping[int, Decimal] = field(default_factory=dict)

    def __post_init__(self) -> None:
        prices = {
            int(k): to_decimal(v, f"PriceList.prices[{k}]") for k, v in dict(self.prices).items()
        }
        if any(p < 0 for p in prices.values()):
            raise ValueError("PriceList.prices must not be negative")
        object.__setattr__(self, "prices", types.MappingProxyType(prices))
