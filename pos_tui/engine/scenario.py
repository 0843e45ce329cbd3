"""Self-contained JSON scenarios for ``pos-tui quote``: parse strictly, price, render.

The JSON schema is documented in ``docs/quote.md``. Parsing is strict at every level: unknown
keys, missing required keys, wrong types and fractional JSON numbers in exact fields are refused
with a :class:`ScenarioError` naming the path. JSON is read with ``parse_float=Decimal`` so no
binary float is ever created; a number with a fraction (``12.5``) in a money, points, percent or
quantity field is still refused - write it as a string (``"12.50"``), which is also what the
output uses. Whole numbers (``2``) are accepted. ``NaN`` and ``Infinity`` are refused.

Hostile input is refused before it costs anything: text over :data:`MAX_INPUT_CHARS`, nesting
deeper than :data:`MAX_DEPTH`, a key twice in one object and a number too long to read (all
while reading the JSON, :mod:`pos_tui.engine.scenario_json`), and every value outside
:mod:`pos_tui.engine.bounds` (amounts within 10^9 with at most 4 decimal places and no exponent,
quantities above 0 and at most 9999, at most :data:`MAX_LINES` lines).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from pos_tui.engine.bounds import OutOfBounds, bounded_quantity, short
from pos_tui.engine.convert import ConvertError, build
from pos_tui.engine.jsonable import to_jsonable
from pos_tui.engine.models import (
    Basket,
    BasketLine,
    CardType,
    ChargeRequest,
    Customer,
    CustomerAccount,
    Item,
    ManualDiscount,
    PricedSale,
    PriceList,
    RedemptionRequest,
    ReturnOf,
    SaleKind,
    Tax,
    TaxClass,
)
from pos_tui.engine.sale import price_sale
from pos_tui.engine.scenario_json import MAX_DEPTH, MAX_INPUT_CHARS, ScenarioError, load_json
from pos_tui.engine.settings import Settings

#: Most lines in one basket.
MAX_LINES = 1000


@dataclass(frozen=True, slots=True)
class LineSpec:
    """A basket line in JSON: the item by ``sku`` (from ``items``), quantity default 1."""

    sku: str
    quantity: Decimal = Decimal(1)
    line_no: int | None = None
    manual_discount: ManualDiscount | None = None
    price_override: Decimal | None = None


@dataclass(frozen=True, slots=True)
class TaxClassSpec:
    """A tax class in JSON: its taxes by code (from ``taxes``)."""

    id: int
    code: str
    name: str
    tax_codes: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ScenarioDoc:
    """The top-level JSON object (see ``docs/quote.md``)."""

    moment: dt.datetime
    lines: tuple[LineSpec, ...]
    items: tuple[Item, ...] = ()
    taxes: tuple[Tax, ...] = ()
    tax_classes: tuple[TaxClassSpec, ...] = ()
    settings: Settings = field(default_factory=Settings)
    customer: Customer | None = None
    card_type: CardType | None = None
    account: CustomerAccount | None = None
    price_list: PriceList | None = None
    kind: SaleKind = "sale"
    transaction_discount: ManualDiscount | None = None
    return_of: ReturnOf | None = None
    redemption: RedemptionRequest | None = None
    charge: ChargeRequest | None = None


@dataclass(frozen=True, slots=True)
class Scenario:
    """A parsed scenario: exactly the arguments of :func:`price_sale`."""

    basket: Basket
    customer: Customer | None
    card_type: CardType | None
    settings: Settings
    moment: dt.datetime
    account: CustomerAccount | None
    price_list: PriceList | None
    tax_classes: dict[int, TaxClass]
    redemption: RedemptionRequest | None
    charge: ChargeRequest | None

    def price(self) -> PricedSale:
        """Price the scenario; numbers whose results pass ``decimal``'s exact digits (a huge
        amount over a tiny points block) are a ScenarioError, not a half-done sum."""
        try:
            return price_sale(
                self.basket,
                self.customer,
                self.card_type,
                self.settings,
                self.moment,
                account=self.account,
                price_list=self.price_list,
                tax_classes=self.tax_classes,
                redemption=self.redemption,
                charge=self.charge,
            )
        except ArithmeticError as exc:  # decimal's InvalidOperation/Overflow, date overflow
            raise ScenarioError(
                "$: these amounts are too large to price exactly "
                f"({type(exc).__name__}); use smaller numbers"
            ) from None


def parse_scenario(text: str) -> Scenario:
    """Parse and check a JSON scenario; ScenarioError names the offending path."""
    data = load_json(text)
    try:
        doc = build(ScenarioDoc, data, path="$", strict=True, fractions=False, bounded=True)
    except ConvertError as exc:
        raise ScenarioError(str(exc)) from None
    return _resolve(doc)


def _resolve(doc: ScenarioDoc) -> Scenario:
    """Resolve references (skus, tax codes) and assemble the engine inputs. Checked in the
    order of the document, so the first error reported is the first one in the file."""
    items = _items_by_sku(doc)
    tax_classes = _tax_classes(doc)
    basket = _basket(doc, items)
    _check_customer_ids(doc)
    return Scenario(
        basket=basket,
        customer=doc.customer,
        card_type=doc.card_type,
        settings=doc.settings,
        moment=doc.moment,
        account=doc.account,
        price_list=doc.price_list,
        tax_classes=tax_classes,
        redemption=doc.redemption,
        charge=doc.charge,
    )


def _items_by_sku(doc: ScenarioDoc) -> dict[str, Item]:
    items: dict[str, Item] = {}
    for i, item in enumerate(doc.items):
        if item.sku in items:
            raise ScenarioError(f"$.items[{i}].sku: duplicate sku {short(item.sku)}")
        items[item.sku] = item
    return items


def _tax_classes(doc: ScenarioDoc) -> dict[int, TaxClass]:
    """The tax classes with their taxes found by code; every item's class must be one."""
    taxes: dict[str, Tax] = {t.code: t for t in doc.taxes}
    tax_classes: dict[int, TaxClass] = {}
    for i, spec in enumerate(doc.tax_classes):
        resolved = []
        for j, code in enumerate(spec.tax_codes):
            if code not in taxes:
                raise ScenarioError(f"$.tax_classes[{i}].tax_codes[{j}]: unknown tax {short(code)}")
            resolved.append(taxes[code])
        tax_classes[spec.id] = TaxClass(spec.id, spec.code, spec.name, tuple(resolved))
    for i, item in enumerate(doc.items):
        if item.tax_class_id is not None and item.tax_class_id not in tax_classes:
            raise ScenarioError(f"$.items[{i}].tax_class_id: unknown tax class {item.tax_class_id}")
    return tax_classes


def _basket(doc: ScenarioDoc, items: dict[str, Item]) -> Basket:
    if len(doc.lines) > MAX_LINES:
        raise ScenarioError(f"$.lines: more than {MAX_LINES} lines")
    lines = [_line(i, line, items) for i, line in enumerate(doc.lines)]
    if doc.kind == "return" and doc.return_of is None:
        raise ScenarioError("$.return_of: a return needs the original sale's points")
    try:
        return Basket(
            lines=tuple(lines),
            kind=doc.kind,
            manual_discount=doc.transaction_discount,
            return_of=doc.return_of,
        )
    except (TypeError, ValueError) as exc:
        raise ScenarioError(f"$.lines: {exc}") from None


def _line(i: int, line: LineSpec, items: dict[str, Item]) -> BasketLine:
    if line.sku not in items:
        raise ScenarioError(f"$.lines[{i}].sku: unknown item {short(line.sku)}")
    try:
        bounded_quantity(line.quantity)
    except OutOfBounds as exc:
        raise ScenarioError(f"$.lines[{i}].quantity: {exc}") from None
    try:
        return BasketLine(
            line_no=line.line_no if line.line_no is not None else i + 1,
            item=items[line.sku],
            quantity=line.quantity,
            manual_discount=line.manual_discount,
            price_override=line.price_override,
        )
    except (TypeError, ValueError) as exc:
        raise ScenarioError(f"$.lines[{i}]: {exc}") from None


def _check_customer_ids(doc: ScenarioDoc) -> None:
    """The card type and price list given must be the customer's."""
    if (
        doc.customer is not None
        and doc.card_type is not None
        and doc.customer.card_type_id not in (None, doc.card_type.id)
    ):
        raise ScenarioError("$.customer.card_type_id: does not match $.card_type.id")
    if doc.price_list is not None and (
        doc.customer is None or doc.customer.price_list_id != doc.price_list.id
    ):
        raise ScenarioError("$.price_list.id: does not match $.customer.price_list_id")


def sale_to_json(sale: PricedSale) -> dict[str, Any]:
    """The priced sale as a JSON-ready dict (money and points as strings)."""
    out = to_jsonable(sale)
    assert isinstance(out, dict)
    return out


def quote(text: str) -> dict[str, Any]:
    """Parse, price and render a scenario: the whole of ``pos-tui quote`` except the I/O."""
    return sale_to_json(parse_scenario(text).price())


__all__ = [
    "MAX_DEPTH",
    "MAX_INPUT_CHARS",
    "MAX_LINES",
    "LineSpec",
    "Scenario",
    "ScenarioDoc",
    "ScenarioError",
    "TaxClassSpec",
    "load_json",
    "parse_scenario",
    "quote",
    "sale_to_json",
]
