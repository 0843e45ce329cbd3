"""The cart being rung up, as plain data that survives a crash (saved as JSON on every change)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

TenderKind = Literal["cash", "card", "account", "points"]


@dataclass
class CartLine:
    line_no: int
    item_id: int
    quantity: str
    discount_percent: str | None = None
    discount_amount: str | None = None
    # Employee whose limit covers the discount or price override (the cashier, or the
    # supervisor who approved it with their PIN).
    approved_by: int | None = None
    approver_limit: str = "0"
    override: bool = False
    price_override: str | None = None
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
    sale_discount_percent: str | None = None
    sale_discount_amount: str | None = None
    sale_discount_approved_by: int | None = None
    sale_discount_limit: str = "0"
    sale_discount_override: bool = False
    tenders: list[CartTender] = field(default_factory=list)
    reference: str | None = None
    original_sale_id: int | None = None

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Cart:
        data = dict(data)
        lines = [CartLine(**line) for line in data.pop("lines", [])]
        tenders = [CartTender(**t) for t in data.pop("tenders", [])]
        return cls(lines=lines, tenders=tenders, **data)

    def line(self, line_no: int) -> CartLine:
        for line in self.lines:
            if line.line_no == line_no:
                return line
        raise KeyError(line_no)
