"""What the pricing steps pass along: the sale's inputs, each line's working state and the
sale's state so far.

Everything is immutable. A step takes a :class:`SaleState` and the :class:`SaleInputs` and returns
a new state, never changing the one it was given, so each step can be run (and tested) alone
on a hand-made state, and the order of the steps is all there is to :func:`price_sale`.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import NamedTuple

from pos_tui.engine.models import (
    AppliedDiscount,
    Basket,
    BasketLine,
    CardType,
    ChargeDecision,
    ChargeRequest,
    Customer,
    CustomerAccount,
    PointsEarned,
    PricedLine,
    PriceList,
    Redemption,
    RedemptionRequest,
    ReferralPoints,
    Refusal,
    Rule,
    SaleTax,
    TaxClass,
)
from pos_tui.engine.money import ZERO, round_money
from pos_tui.engine.pricing import UnitPrice, is_forced
from pos_tui.engine.settings import Settings


@dataclass(frozen=True, slots=True)
class SaleInputs:
    """Everything :func:`price_sale` was given, defaults filled in (see its docstring)."""

    basket: Basket
    customer: Customer | None
    card_type: CardType | None
    settings: Settings
    moment: dt.datetime
    account: CustomerAccount = dataclasses.field(default_factory=CustomerAccount)
    price_list: PriceList | None = None
    tax_classes: Mapping[int, TaxClass] = dataclasses.field(default_factory=dict)
    redemption: RedemptionRequest | None = None
    charge: ChargeRequest | None = None

    @property
    def is_sale(self) -> bool:
        return self.basket.kind == "sale"

    @property
    def forced(self) -> bool:
        """A forced price level: no promotions, no automatic discounts (see pricing)."""
        return is_forced(self.customer)

    @property
    def day(self) -> dt.date:
        """The sale's date: all that prices, occasions and due dates read of the moment."""
        return self.moment.date()

    def money(self, amount: Decimal) -> Decimal:
        """``amount`` rounded to the minor unit with the settings' rounding mode."""
        return round_money(amount, self.settings.minor_unit, self.settings.rounding)


class LineState(NamedTuple):
    """One basket line while it is discounted: its unit price, gross, what is left and why.

    A named tuple rather than a frozen dataclass because a sale makes several per line (one per
    discount taken) and a frozen dataclass takes three times as long to build.
    """

    line: BasketLine
    price: UnitPrice
    gross: Decimal
    left: Decimal
    rules: tuple[Rule, ...]

    @property
    def line_no(self) -> int:
        return self.line.line_no

    def take(self, amount: Decimal, rule: Rule) -> LineState:
        """The line with ``amount`` discounted off what is left, explained by ``rule``."""
        # Defensive: the discount functions already cap at what is left.
        assert ZERO <= amount <= self.left, "a discount never exceeds the price"
        return LineState(self.line, self.price, self.gross, self.left - amount, (*self.rules, rule))

    def note(self, *rules: Rule) -> LineState:
        """The line with ``rules`` added to its explanation (no money moves)."""
        return LineState(self.line, self.price, self.gross, self.left, self.rules + rules)


@dataclass(frozen=True, slots=True)
class SaleState:
    """The sale so far.

    ``lines`` are the lines being discounted (steps 1-7); the tax step turns them into the
    finished ``priced`` lines. ``rules`` are the sale-wide rules in the order applied (each
    line's own rules stay on the line); ``refusals`` everything refused so far, in order.
    """

    lines: tuple[LineState, ...] = ()
    priced: tuple[PricedLine, ...] = ()
    discounts: tuple[AppliedDiscount, ...] = ()
    rules: tuple[Rule, ...] = ()
    refusals: tuple[Refusal, ...] = ()
    taxes: tuple[SaleTax, ...] = ()
    redemption: Redemption | None = None
    points: PointsEarned | None = None
    referral: ReferralPoints | None = None
    charge: ChargeDecision | None = None

    def explain(self, *rules: Rule) -> SaleState:
        return dataclasses.replace(self, rules=self.rules + rules) if rules else self

    def refuse(self, *refusals: Refusal) -> SaleState:
        return dataclasses.replace(self, refusals=self.refusals + refusals) if refusals else self

    def give(self, discount: AppliedDiscount) -> SaleState:
        return dataclasses.replace(self, discounts=(*self.discounts, discount))

    @property
    def total(self) -> Decimal:
        """The priced lines' total (after tax, before any redemption)."""
        return sum((p.total for p in self.priced), ZERO)

    @property
    def redeemed(self) -> Decimal:
        """The currency paid with points (0 without a redemption)."""
        return self.redemption.currency_value if self.redemption is not None else ZERO

    @property
    def amount_due(self) -> Decimal:
        """What the tenders must cover."""
        return self.total - self.redeemed


#: A pricing step: the sale so far and the inputs -> the sale after this step.
Step = Callable[[SaleState, SaleInputs], SaleState]
