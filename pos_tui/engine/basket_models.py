"""What a sale asks of the engine: the basket (lines, manual discounts, the sale a return
reverses) and the redemption and charge requests (see :mod:`pos_tui.engine.models`)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from pos_tui.engine.catalog_models import Item
from pos_tui.engine.model_fields import (
    SaleKind,
    TransactionType,
    check_choice,
    non_negative,
    normalise,
)
from pos_tui.engine.money import ZERO


@dataclass(frozen=True, slots=True)
class ManualDiscount:
    """A discount a cashier keys in: ``percent`` or ``amount`` (exactly one).

    ``giver_max_discount_percent`` is the giver's ``employees.max_discount_percent``; a discount
    worth more than that percent of what it applies to is refused ("needs supervisor") unless
    ``supervisor_override`` is set.
    """

    giver_max_discount_percent: Decimal
    percent: Decimal | None = None
    amount: Decimal | None = None
    supervisor_override: bool = False
    reason: str = ""

    def __post_init__(self) -> None:
        normalise(self)
        if (self.percent is None) == (self.amount is None):
            raise ValueError("ManualDiscount needs exactly one of percent or amount")
        non_negative(self, "percent", "amount", "giver_max_discount_percent")
        if self.percent is not None and self.percent > 100:
            raise ValueError("ManualDiscount.percent must not exceed 100")


@dataclass(frozen=True, slots=True)
class BasketLine:
    """One line of the basket. ``price_override`` is an explicit unit price (e.g. a return at
    the price originally paid); it bypasses price levels and promotions."""

    line_no: int
    item: Item
    quantity: Decimal
    manual_discount: ManualDiscount | None = None
    price_override: Decimal | None = None

    def __post_init__(self) -> None:
        normalise(self)
        if self.quantity <= 0:
            raise ValueError("BasketLine.quantity must be positive (returns use Basket.kind)")
        non_negative(self, "price_override")


@dataclass(frozen=True, slots=True)
class ReturnOf:
    """The original sale a return reverses points of (from its ``sales`` row).

    ``points_base`` is the earning base the original sale reported (``PointsEarned.base_value``)
    and ``points_earned`` the points it awarded; ``referral_points`` the link customer's points.
    """

    points_earned: Decimal
    points_base: Decimal
    referral_points: Decimal = ZERO
    sale_id: int | None = None

    def __post_init__(self) -> None:
        normalise(self)
        non_negative(self, "points_base")


@dataclass(frozen=True, slots=True)
class Basket:
    """The lines of a sale or return, plus an optional manual transaction discount."""

    lines: tuple[BasketLine, ...]
    kind: SaleKind = "sale"
    manual_discount: ManualDiscount | None = None
    return_of: ReturnOf | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "lines", tuple(self.lines))
        check_choice(self, "kind")
        numbers = [line.line_no for line in self.lines]
        if len(set(numbers)) != len(numbers):
            raise ValueError("Basket line numbers must be unique")


@dataclass(frozen=True, slots=True)
class RedemptionRequest:
    """Pay part of the sale with points. ``points`` None: as many as the rules allow."""

    points: Decimal | None = None

    def __post_init__(self) -> None:
        normalise(self)
        non_negative(self, "points")


@dataclass(frozen=True, slots=True)
class ChargeRequest:
    """A receivable tender to check: charge to account, cash withdrawal or payment.

    ``amount`` None: the sale's amount due (after any redemption). ``location_id`` is the lane's
    location. ``pin_verified`` says the caller verified the customer's PIN.
    """

    transaction_type: TransactionType = "charge"
    amount: Decimal | None = None
    pin_verified: bool = False
    reference: str | None = None
    location_id: int | None = None
    supervisor_override: bool = False

    def __post_init__(self) -> None:
        normalise(self)
        check_choice(self, "transaction_type")
        non_negative(self, "amount")
