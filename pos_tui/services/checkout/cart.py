"""The cart being rung up, as plain data that survives a crash (saved as JSON on every change)."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from operator import attrgetter
from typing import Any, Literal

TenderKind = Literal["cash", "card", "account", "points"]


@dataclass
class CartDiscount:
    """A manual discount (on a line or the whole sale) and whose limit covers it: the cashier's,
    or the supervisor's who approved it with their PIN."""

    percent: str | None = None
    amount: str | None = None
    approved_by: int | None = None
    approver_limit: str = "0"
    override: bool = False


@dataclass
class CartLine:
    line_no: int
    item_id: int
    quantity: str
    discount: CartDiscount | None = None
    price_override: str | None = None
    # Employee whose limit covers the price override.
    price_approved_by: int | None = None
    # Returns: the line of the original sale this one gives back.
    original_line_no: int | None = None


@dataclass
class CartTender:
    kind: TenderKind
    amount: str
    reference: str | None = None
    points: str | None = None
    approved_by: int | None = None
    pin_verified: bool = False


@dataclass
class Cart:
    kind: Literal["sale", "return"] = "sale"
    lines: list[CartLine] = field(default_factory=list)
    next_line_no: int = 1
    customer_id: int | None = None
    sale_discount: CartDiscount | None = None
    tenders: list[CartTender] = field(default_factory=list)
    reference: str | None = None
    original_sale_id: int | None = None
    # Returns: the supervisor who let the customer's points go below zero.
    points_below_zero_by: int | None = None

    def to_json(self) -> dict[str, Any]:
        """The cart as plain data (what ``dataclasses.asdict`` gives, without its deep copies:
        every scan saves the cart)."""
        plain: dict[str, Any] = _plain(self)
        return plain

    def pricing_key(self) -> tuple[Any, ...]:
        """Everything of the cart but its tenders, as immutable values: carts with equal keys
        price alike. (Points tenders reach the engine as a redemption request, compared apart.)"""
        return (
            _CART_VALUES(self),
            _discount_key(self.sale_discount),
            tuple(line_pricing_key(line) for line in self.lines),
        )

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Cart:
        data = dict(data)
        lines = []
        for line in data.pop("lines", []):
            discount = line.pop("discount", None)
            lines.append(CartLine(**line, discount=CartDiscount(**discount) if discount else None))
        sale_discount = data.pop("sale_discount", None)
        if sale_discount:
            data["sale_discount"] = CartDiscount(**sale_discount)
        tenders = [CartTender(**t) for t in data.pop("tenders", [])]
        return cls(lines=lines, tenders=tenders, **data)

    def line(self, line_no: int) -> CartLine:
        for line in self.lines:
            if line.line_no == line_no:
                return line
        raise KeyError(line_no)


def _plain_fields(cls: type, *nested: str) -> attrgetter[Any]:
    """Reads every field of ``cls`` but ``nested`` ones (lists, discounts) as one tuple."""
    return attrgetter(*(f.name for f in fields(cls) if f.name not in nested))


# The fields pricing_key reads: everything but the tenders, nested values copied into tuples
# (a later change to a line must not change a key already taken).
_CART_VALUES = _plain_fields(Cart, "lines", "tenders", "sale_discount")
_LINE_VALUES = _plain_fields(CartLine, "discount")
_DISCOUNT_VALUES = _plain_fields(CartDiscount)


def line_pricing_key(line: CartLine) -> tuple[Any, ...]:
    """Every field of ``line`` as immutable values: equal keys, equal basket lines."""
    return (_LINE_VALUES(line), _discount_key(line.discount))


def _discount_key(discount: CartDiscount | None) -> tuple[Any, ...] | None:
    return None if discount is None else _DISCOUNT_VALUES(discount)


_FIELD_NAMES = {
    cls: tuple(f.name for f in fields(cls)) for cls in (Cart, CartLine, CartDiscount, CartTender)
}


def _plain(value: Any) -> Any:
    """``value`` with the cart's dataclasses turned into dicts and its lists copied."""
    names = _FIELD_NAMES.get(value.__class__)
    if names is not None:
        return {name: _plain(getattr(value, name)) for name in names}
    if value.__class__ is list:
        return [_plain(v) for v in value]
    return value


def discount_audit(discount: CartDiscount | None) -> dict[str, Any]:
    """What an audit row says of a manual discount: its size, whose limit, an override."""
    if discount is None:
        return {}
    return {
        "percent": discount.percent,
        "amount": discount.amount,
        "approved_by": discount.approved_by,
        "override": discount.override,
    }
