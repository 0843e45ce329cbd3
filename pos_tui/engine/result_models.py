"""What the engine returns: priced lines and sales, discounts, taxes, totals, points,
redemptions and charge decisions, each with the :class:`Rule` records that explain it and the
:class:`Refusal` records of what it would not do (see :mod:`pos_tui.engine.models`)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from pos_tui.engine.model_fields import SaleKind, TaxMode, TransactionType


@dataclass(frozen=True, slots=True)
class Rule:
    """One step of an explanation: what rule applied, and the money or points it moved."""

    code: str
    description: str
    amount: Decimal | None = None
    points: Decimal | None = None
    line_no: int | None = None


@dataclass(frozen=True, slots=True)
class Refusal:
    """Something the engine will not do, and why. ``override_allowed``: a supervisor may."""

    code: str
    message: str
    override_allowed: bool = False
    line_no: int | None = None


@dataclass(frozen=True, slots=True)
class LineTax:
    """One tax on one line. ``exempt`` taxes have amount 0 (and say so)."""

    tax_code: str
    mode: TaxMode
    rate_percent: Decimal
    taxable: Decimal
    amount: Decimal
    exempt: bool = False


@dataclass(frozen=True, slots=True)
class PricedLine:
    """A priced basket line (maps onto ``sale_lines``).

    ``gross`` = unit_price x quantity; ``discount`` = every discount on the line (including its
    share of transaction discounts); ``net`` = gross - discount; ``exempt_reduction`` = inclusive
    tax taken out of the price for an exempt customer; ``tax`` = all taxes charged (inclusive and
    exclusive); ``total`` = net - exempt_reduction + exclusive_tax.
    """

    line_no: int
    item_id: int
    sku: str
    description: str
    quantity: Decimal
    unit_price: Decimal
    price_source: str
    gross: Decimal
    discount: Decimal
    net: Decimal
    exempt_reduction: Decimal
    exclusive_tax: Decimal
    inclusive_tax: Decimal
    tax: Decimal
    total: Decimal
    points_eligible: bool
    discount_eligible: bool
    taxes: tuple[LineTax, ...]
    rules: tuple[Rule, ...]


@dataclass(frozen=True, slots=True)
class AppliedDiscount:
    """A discount given (maps onto ``sale_discounts``). ``line_no`` None: a whole-sale one."""

    kind: str
    description: str
    amount: Decimal
    line_no: int | None = None


@dataclass(frozen=True, slots=True)
class SaleTax:
    """One tax over the whole sale (maps onto ``sale_taxes``)."""

    tax_code: str
    name: str
    rate_percent: Decimal
    mode: TaxMode
    taxable: Decimal
    amount: Decimal


@dataclass(frozen=True, slots=True)
class Totals:
    """Sale totals. ``total`` = subtotal - discount_total - exempt_reduction_total +
    exclusive_tax_total; ``amount_due`` = total - redeemed (what tenders must cover)."""

    subtotal: Decimal
    discount_total: Decimal
    net_total: Decimal
    exempt_reduction_total: Decimal
    exclusive_tax_total: Decimal
    inclusive_tax_total: Decimal
    tax_total: Decimal
    total: Decimal
    redeemed: Decimal
    amount_due: Decimal


@dataclass(frozen=True, slots=True)
class PointsEarned:
    """Points for the sale (negative for a return), the base they were computed on, and why."""

    points: Decimal
    base_value: Decimal
    base_points: Decimal
    extra_points: Decimal
    multiplier: Decimal
    rules: tuple[Rule, ...]


@dataclass(frozen=True, slots=True)
class ReferralPoints:
    """Points for the link (referring) customer (negative when a return reverses them)."""

    link_customer_id: int
    points: Decimal
    base_value: Decimal
    rules: tuple[Rule, ...]


@dataclass(frozen=True, slots=True)
class Redemption:
    """Points turned into currency for this sale (a ``points`` tender)."""

    points_requested: Decimal | None
    points_used: Decimal
    currency_value: Decimal
    balance_before: Decimal
    balance_after: Decimal
    rules: tuple[Rule, ...]
    refusals: tuple[Refusal, ...]


@dataclass(frozen=True, slots=True)
class ChargeDecision:
    """May this customer put this amount on the receivable account, and why (not)."""

    allowed: bool
    transaction_type: TransactionType
    amount: Decimal
    balance_before: Decimal
    balance_after: Decimal
    available_credit: Decimal | None
    refusals: tuple[Refusal, ...]
    overridden: tuple[Refusal, ...]
    rules: tuple[Rule, ...]


@dataclass(frozen=True, slots=True)
class PointsShortfall:
    """A return takes back more points than the customer holds: what the store's policy
    (``Settings.return_points_shortfall``) does about the ``short`` points. ``value``: kept from
    the refund (0 unless deducted); ``refusal``: set while a supervisor must still allow the
    balance to go to ``balance_after``; ``allowed_by``: the supervisor who did."""

    short: Decimal
    value: Decimal
    balance_after: Decimal
    policy: str
    allowed_by: int | None
    description: str
    refusal: Refusal | None


@dataclass(frozen=True, slots=True)
class PricedSale:
    """Everything :func:`pos_tui.engine.sale.price_sale` computed, with its explanation."""

    kind: SaleKind
    moment: dt.datetime
    customer_id: int | None
    card_type_id: int | None
    lines: tuple[PricedLine, ...]
    discounts: tuple[AppliedDiscount, ...]
    taxes: tuple[SaleTax, ...]
    totals: Totals
    points: PointsEarned | None
    referral: ReferralPoints | None
    redemption: Redemption | None
    charge: ChargeDecision | None
    refusals: tuple[Refusal, ...]
    explanation: tuple[Rule, ...]
    # A return only (:mod:`pos_tui.engine.refunds`): points short and the policy's answer.
    shortfall: PointsShortfall | None = None
