"""The cart being rung up, as plain data that survives a crash (saved as JSON on every change)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
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

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

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
