"""Small builders shared by the engine tests (plain functions, not fixtures)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from pos_tui.engine import (
    Basket,
    BasketLine,
    CardType,
    Customer,
    Item,
    ManualDiscount,
    Settings,
    Tax,
    TaxClass,
)
from pos_tui.engine.steps.state import SaleInputs, SaleState, Step

D = Decimal
# A Wednesday, well inside the year: no birthdays or multipliers unless a test sets them.
NOON = dt.datetime(2024, 5, 15, 12, 0)
SETTINGS = Settings()

VAT10 = Tax(1, "VAT", "Value added tax", D("10"), "exclusive")
GST5_IN = Tax(2, "GST", "Goods and services tax", D("5"), "inclusive")
CESS2 = Tax(3, "CESS", "Cess", D("2"), "exclusive")
STANDARD = TaxClass(1, "STD", "Standard", (VAT10,))
INCLUSIVE = TaxClass(2, "INC", "Inclusive", (GST5_IN,))
MIXED = TaxClass(3, "MIX", "Mixed", (GST5_IN, CESS2))
TAX_CLASSES = {1: STANDARD, 2: INCLUSIVE, 3: MIXED}


def item(id: int = 1, price: str = "100.00", sku: str | None = None, **kw: Any) -> Item:
    return Item(
        id=id,
        sku=sku or f"SKU{id}",
        name=kw.pop("name", f"Item {id}"),
        regular_price=D(price),
        **kw,
    )


def line(no: int, it: Item, qty: str = "1", **kw: Any) -> BasketLine:
    return BasketLine(line_no=no, item=it, quantity=D(qty), **kw)


def basket(*lines: BasketLine, **kw: Any) -> Basket:
    return Basket(lines=tuple(lines), **kw)


def customer(**kw: Any) -> Customer:
    kw.setdefault("id", 7)
    kw.setdefault("account_number", "C0007")
    kw.setdefault("first_name", "Asha")
    kw.setdefault("last_name", "Rao")
    return Customer(**kw)


def card(**kw: Any) -> CardType:
    kw.setdefault("id", 1)
    kw.setdefault("code", "SILVER")
    kw.setdefault("name", "Silver")
    return CardType(**kw)


def manual(
    max_pct: str = "10",
    *,
    percent: str | None = None,
    amount: str | None = None,
    override: bool = False,
) -> ManualDiscount:
    return ManualDiscount(
        giver_max_discount_percent=D(max_pct),
        percent=D(percent) if percent is not None else None,
        amount=D(amount) if amount is not None else None,
        supervisor_override=override,
    )


def inputs(*lines: BasketLine, **kw: Any) -> SaleInputs:
    """The inputs of one pricing step: a basket of ``lines`` (``kind``/``manual_discount``/
    ``return_of`` go to the basket) and the other arguments of ``price_sale``."""
    basket_kw = {k: kw.pop(k) for k in ("kind", "manual_discount", "return_of") if k in kw}
    kw.setdefault("customer", None)
    kw.setdefault("card_type", None)
    kw.setdefault("settings", SETTINGS)
    kw.setdefault("moment", NOON)
    kw.setdefault("tax_classes", TAX_CLASSES)
    return SaleInputs(basket(*lines, **basket_kw), **kw)


def run_steps(sale: SaleInputs, *steps: Step, state: SaleState | None = None) -> SaleState:
    """``state`` (default: an empty sale) after ``steps``, in order."""
    state = state if state is not None else SaleState()
    for step in steps:
        state = step(state, sale)
    return state
