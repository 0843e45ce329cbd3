"""What a return is computed from and what it gives back (:mod:`pos_tui.engine.refunds`):
the original sale as stored, what earlier returns gave back, the units returned now, and the
refund per line and per tender kind."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Literal, get_args

from pos_tui.engine.model_fields import TaxMode, non_negative, normalise
from pos_tui.engine.money import ZERO
from pos_tui.engine.result_models import Refusal, SaleTax

TenderKind = Literal["cash", "card", "account", "points"]
TENDER_ORDER: tuple[TenderKind, ...] = get_args(TenderKind)


@dataclass(frozen=True, slots=True)
class PaidLine:
    """One line of the original sale as stored (``sale_lines``), plus what the catalog says of
    its item now: whether it earns points and which tax codes it carries (empty: not known)."""

    line_no: int
    sku: str
    description: str
    quantity: Decimal
    unit_price: Decimal
    discount: Decimal
    tax: Decimal
    total: Decimal
    item_id: int | None = None
    points_eligible: bool = True
    discount_eligible: bool = True
    tax_codes: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        normalise(self)
        if self.quantity <= 0:
            raise ValueError("PaidLine.quantity must be positive")
        non_negative(self, "unit_price", "discount", "tax", "total")


@dataclass(frozen=True, slots=True)
class PaidTax:
    """One tax of the original sale (``sale_taxes``) with its name, rate and mode for display."""

    tax_code: str
    taxable: Decimal
    amount: Decimal
    name: str = ""
    rate_percent: Decimal = ZERO
    mode: TaxMode = "exclusive"

    def __post_init__(self) -> None:
        normalise(self)


@dataclass(frozen=True, slots=True)
class PaidTender:
    """Money the sale took by one kind: cash net of change, card, account, points (with the
    points they cost)."""

    kind: TenderKind
    amount: Decimal
    points: Decimal = ZERO
    reference: str | None = None

    def __post_init__(self) -> None:
        normalise(self)
        if self.kind not in TENDER_ORDER:
            raise ValueError(f"PaidTender.kind must be one of {', '.join(TENDER_ORDER)}")


@dataclass(frozen=True, slots=True)
class PaidSale:
    """Everything a return needs of its sale, as committed."""

    lines: tuple[PaidLine, ...]
    taxes: tuple[PaidTax, ...] = ()
    tenders: tuple[PaidTender, ...] = ()
    points_earned: Decimal = ZERO
    referral_points: Decimal = ZERO
    referral_customer_id: int | None = None
    sale_id: int | None = None

    def __post_init__(self) -> None:
        normalise(self)
        object.__setattr__(self, "lines", tuple(self.lines))
        object.__setattr__(self, "taxes", tuple(self.taxes))
        object.__setattr__(self, "tenders", tuple(self.tenders))

    def line(self, line_no: int) -> PaidLine | None:
        return next((x for x in self.lines if x.line_no == line_no), None)


@dataclass(frozen=True)
class GivenBack:
    """What earlier returns of the sale gave back (all positive): units per original line,
    tax per code (taxable, amount), money and points per tender kind, points reversed."""

    quantities: Mapping[int, Decimal] = field(default_factory=dict)
    taxes: Mapping[str, tuple[Decimal, Decimal]] = field(default_factory=dict)
    tenders: Mapping[str, tuple[Decimal, Decimal]] = field(default_factory=dict)
    total: Decimal = ZERO
    points: Decimal = ZERO
    referral_points: Decimal = ZERO


@dataclass(frozen=True, slots=True)
class ReturnLine:
    """``quantity`` units of the sale's line ``original_line_no``, as line ``line_no`` of the
    return."""

    line_no: int
    original_line_no: int
    quantity: Decimal

    def __post_init__(self) -> None:
        normalise(self)
        if self.quantity <= 0:
            raise ValueError("ReturnLine.quantity must be positive")


@dataclass(frozen=True, slots=True)
class LineRefund:
    """One line of a return: what it gives back of each part of its original line."""

    line_no: int
    original_line_no: int
    quantity: Decimal
    gross: Decimal
    discount: Decimal
    net: Decimal
    exempt_reduction: Decimal
    exclusive_tax: Decimal
    inclusive_tax: Decimal
    tax: Decimal
    total: Decimal


@dataclass(frozen=True, slots=True)
class RefundAllocation:
    """A return's lines, taxes and points, all taken from what the sale paid."""

    lines: tuple[LineRefund, ...]
    taxes: tuple[SaleTax, ...]
    points: Decimal  # reversed, positive
    referral_points: Decimal  # the link customer's, reversed, positive
    points_base: Decimal  # the earning base returned
    refusals: tuple[Refusal, ...]

    @property
    def total(self) -> Decimal:
        return sum((x.total for x in self.lines), ZERO)

    @property
    def tax(self) -> Decimal:
        return sum((x.tax for x in self.lines), ZERO)


# -- where a refund goes back -----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RefundPart:
    """Where part of a refund goes back: ``amount`` by ``kind`` (with ``points`` for points)."""

    kind: TenderKind
    amount: Decimal
    points: Decimal = ZERO
    references: tuple[str, ...] = ()
