"""Frozen dataclasses: what the engine is given and what it returns.

Input field names are the column names of ``pos_tui/storage/schema_v1.sql`` (tables ``taxes``,
``items``, ``card_types``, ``card_type_subscriptions``, ``customers``,
``customer_transaction_discounts``) so a row maps onto a dataclass 1:1 with :func:`from_row`.
Money and points are ``Decimal`` (the database stores decimal strings), flags ``bool``, dates
``datetime.date``, moments ``datetime.datetime`` and times of day ``datetime.time``. Fields that
come from a join table rather than a column (a tax class's taxes, a card type's restricted
sub-groups and subscription, a customer's exempt tax codes, balances) are marked as such.

Every constructor refuses floats and converts ints and decimal strings to ``Decimal`` so an
inexact value can never enter a computation.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import types
import typing
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Literal

from pos_tui.engine.money import ZERO, to_decimal

TaxMode = Literal["exclusive", "inclusive"]
Rounding = Literal["no", "higher", "lower", "standard"]
ExtraPointsOn = Literal["fixed", "sale_value"]
Periodicity = Literal["monthly", "quarterly", "half_yearly", "yearly"]
Posting = Literal["beginning", "end"]
GracePeriodType = Literal["none", "posted_date", "statement_date"]
TransactionType = Literal["charge", "cash_withdrawal", "payment"]
SaleKind = Literal["sale", "return"]
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


_HINTS: dict[type, dict[str, Any]] = {}
_DECIMALS: dict[type, tuple[str, ...]] = {}


def _hints(cls: type) -> dict[str, Any]:
    # Resolved once per class: get_type_hints is slow and constructors call this on every line.
    if cls not in _HINTS:
        _HINTS[cls] = typing.get_type_hints(cls)
    return _HINTS[cls]


def _is_decimal_type(tp: Any) -> bool:
    if tp is Decimal:
        return True
    return isinstance(tp, types.UnionType) and Decimal in typing.get_args(tp)


def _decimal_fields(cls: type) -> tuple[str, ...]:
    if cls not in _DECIMALS:
        hints = _hints(cls)
        _DECIMALS[cls] = tuple(
            f.name for f in dataclasses.fields(cls) if _is_decimal_type(hints[f.name])
        )
    return _DECIMALS[cls]


def _normalise(obj: Any) -> None:
    """Refuse floats anywhere and coerce exact numbers into ``Decimal`` for Decimal fields."""
    cls = type(obj)
    decimals = _decimal_fields(cls)
    for f in dataclasses.fields(obj):
        value = getattr(obj, f.name)
        if isinstance(value, float):
            raise TypeError(f"{cls.__name__}.{f.name}: floats are not allowed, use Decimal")
        if f.name in decimals and value is not None and not isinstance(value, Decimal):
            object.__setattr__(obj, f.name, to_decimal(value, f"{cls.__name__}.{f.name}"))


def _literal(obj: Any, name: str) -> None:
    choices = typing.get_args(_hints(type(obj))[name])
    if getattr(obj, name) not in choices:
        raise ValueError(f"{type(obj).__name__}.{name} must be one of {', '.join(choices)}")


def _non_negative(obj: Any, *names: str) -> None:
    for name in names:
        value = getattr(obj, name)
        if value is not None and value < 0:
            raise ValueError(f"{type(obj).__name__}.{name} must not be negative")


# ---------------------------------------------------------------------------------------------
# Catalogue
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Tax:
    """A row of ``taxes``: one tax with its rate and whether it is inside the price."""

    id: int
    code: str
    name: str
    rate_percent: Decimal
    mode: TaxMode = "exclusive"

    def __post_init__(self) -> None:
        _normalise(self)
        _literal(self, "mode")
        _non_negative(self, "rate_percent")


@dataclass(frozen=True, slots=True)
class TaxClass:
    """A row of ``tax_classes``; ``taxes`` comes from the ``tax_class_taxes`` join table."""

    id: int
    code: str
    name: str
    taxes: tuple[Tax, ...] = ()

    def __post_init__(self) -> None:
        _normalise(self)
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
        _normalise(self)
        _non_negative(
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


# ---------------------------------------------------------------------------------------------
# Card types
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CardTypeSubscription:
    """A row of ``card_type_subscriptions``: the periodic membership fee of a card type."""

    card_type_id: int
    ledger_account: str
    periodicity: Periodicity
    rate: Decimal
    tax_code: str | None = None
    tax_rate_percent: Decimal = ZERO
    cover_charges: bool = False
    posting: Posting = "beginning"

    def __post_init__(self) -> None:
        _normalise(self)
        _literal(self, "periodicity")
        _literal(self, "posting")
        _non_negative(self, "rate", "tax_rate_percent")


@dataclass(frozen=True, slots=True)
class CardType:
    """A row of ``card_types`` (FusionRetail card type: earning, extras, redemption, ...).

    ``restricted_subgroups`` comes from ``card_type_restricted_subgroups`` joined with
    ``item_subgroups``; ``subscription`` from ``card_type_subscriptions``.
    ``multiplier_weekdays`` keeps the column's text form (``"sat,sun"``).
    """

    id: int
    code: str
    name: str
    block_sale_value: Decimal = ZERO
    points_awarded: Decimal = ZERO
    rounding: Rounding = "no"
    rounding_limit: Decimal = Decimal(1)
    extra_points: Decimal = ZERO
    extra_points_on: ExtraPointsOn = "fixed"
    extra_points_sale_value: Decimal = ZERO
    extra_margin_days: int = 0
    referral_points: Decimal = ZERO
    referral_block_value: Decimal = ZERO
    points_to_convert: Decimal = ZERO
    equivalent_currency: Decimal = ZERO
    discount_percent: Decimal = ZERO
    multiplier: Decimal = Decimal(1)
    multiplier_weekdays: str = ""
    multiplier_from_time: dt.time | None = None
    multiplier_to_time: dt.time | None = None
    upgrade_min_points: Decimal | None = None
    upgrade_max_points: Decimal | None = None
    method_of_input: str = "keyboard"
    active: bool = True
    restricted_subgroups: tuple[Subgroup, ...] = ()
    subscription: CardTypeSubscription | None = None

    def __post_init__(self) -> None:
        _normalise(self)
        _literal(self, "rounding")
        _literal(self, "extra_points_on")
        _non_negative(
            self,
            "block_sale_value",
            "points_awarded",
            "extra_points",
            "extra_points_sale_value",
            "extra_margin_days",
            "referral_points",
            "referral_block_value",
            "points_to_convert",
            "equivalent_currency",
            "discount_percent",
        )
        if self.rounding_limit <= 0:
            raise ValueError("CardType.rounding_limit must be positive")
        if not 0 <= self.multiplier <= 10:
            raise ValueError("CardType.multiplier must be between 0 and 10")
        if self.discount_percent > 100:
            raise ValueError("CardType.discount_percent must not exceed 100")
        for day in self.weekdays:
            if day not in WEEKDAYS:
                raise ValueError(f"CardType.multiplier_weekdays: unknown weekday {day!r}")
        if (
            self.upgrade_min_points is not None
            and self.upgrade_max_points is not None
            and self.upgrade_max_points < self.upgrade_min_points
        ):
            raise ValueError("CardType.upgrade_max_points is below upgrade_min_points")
        object.__setattr__(self, "restricted_subgroups", tuple(self.restricted_subgroups))

    @property
    def weekdays(self) -> frozenset[str]:
        """The multiplier weekdays as a set of three-letter lower-case names."""
        return frozenset(
            d.strip().lower()[:3] for d in self.multiplier_weekdays.split(",") if d.strip()
        )


# ---------------------------------------------------------------------------------------------
# Customers
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TransactionDiscount:
    """A row of ``customer_transaction_discounts`` (Quasar automatic transaction discount).

    ``percent`` of the eligible subtotal or a fixed ``amount`` (if both are set, both apply),
    given when the sale's subtotal reaches ``min_subtotal``.
    """

    description: str
    percent: Decimal = ZERO
    amount: Decimal = ZERO
    min_subtotal: Decimal = ZERO
    id: int | None = None

    def __post_init__(self) -> None:
        _normalise(self)
        _non_negative(self, "percent", "amount", "min_subtotal")
        if self.percent > 100:
            raise ValueError("TransactionDiscount.percent must not exceed 100")


@dataclass(frozen=True, slots=True)
class Customer:
    """The engine-relevant columns of a ``customers`` row (same names, same meaning).

    ``price_level``: 0 regular, 1-4 levels (A/B/C = 1/2/3). ``pin_hash``: only whether it is set
    matters here (a PIN is then required to charge); verifying it is the caller's job.
    """

    id: int
    account_number: str
    first_name: str | None = None
    last_name: str | None = None
    is_company: bool = False
    company_name: str | None = None
    card_type_id: int | None = None
    card_number: str | None = None
    card_issue_date: dt.date | None = None
    card_expiry_date: dt.date | None = None
    active: bool = True
    tax_exempt: bool = False
    is_employee: bool = False
    price_level: int = 0
    forced_price_level: bool = False
    price_list_id: int | None = None
    auto_discount_percent: Decimal = ZERO
    home_location_id: int | None = None
    location_group_id: int | None = None
    limit_to_location_id: int | None = None
    link_customer_id: int | None = None
    birth_date: dt.date | None = None
    anniversary_date: dt.date | None = None
    required_reference: bool = False
    required_reference_label: str | None = None
    allow_charge: bool = False
    allow_cash_withdrawal: bool = False
    allow_payment: bool = True
    withdraw_only_in_credit: bool = False
    ar_enabled: bool = False
    credit_limit: Decimal = ZERO
    credit_hold: bool = False
    grace_period_type: GracePeriodType = "none"
    grace_period_days: int = 0
    payment_terms: str | None = None
    service_charge_percent: Decimal = ZERO
    pin_hash: str | None = None

    def __post_init__(self) -> None:
        _normalise(self)
        _literal(self, "grace_period_type")
        _non_negative(self, "auto_discount_percent", "credit_limit", "service_charge_percent")
        _non_negative(self, "grace_period_days")
        if not 0 <= self.price_level <= 4:
            raise ValueError("Customer.price_level must be 0-4")
        if self.auto_discount_percent > 100:
            raise ValueError("Customer.auto_discount_percent must not exceed 100")
        if (
            self.card_issue_date is not None
            and self.card_expiry_date is not None
            and self.card_expiry_date < self.card_issue_date
        ):
            raise ValueError("Customer.card_expiry_date must not be earlier than card_issue_date")

    @property
    def display_name(self) -> str:
        """Company name for companies, else first and last name, else the account number."""
        if self.is_company and self.company_name:
            return self.company_name
        name = " ".join(p for p in (self.first_name, self.last_name) if p)
        return name or self.company_name or self.account_number


@dataclass(frozen=True, slots=True)
class CustomerAccount:
    """What the ledgers and join tables say about a customer (not columns of ``customers``).

    ``points_balance``: sum of ``loyalty_ledger`` (see :func:`loyalty.points_balance`);
    ``receivable_balance``: sum of ``receivable_ledger`` (> 0: the customer owes);
    ``exempt_tax_codes``: ``customer_exempt_taxes`` joined to ``taxes.code``;
    ``transaction_discounts``: ``customer_transaction_discounts`` rows.
    """

    points_balance: Decimal = ZERO
    receivable_balance: Decimal = ZERO
    exempt_tax_codes: frozenset[str] = frozenset()
    transaction_discounts: tuple[TransactionDiscount, ...] = ()

    def __post_init__(self) -> None:
        _normalise(self)
        object.__setattr__(self, "exempt_tax_codes", frozenset(self.exempt_tax_codes))
        object.__setattr__(self, "transaction_discounts", tuple(self.transaction_discounts))


# ---------------------------------------------------------------------------------------------
# The basket and requests
# ---------------------------------------------------------------------------------------------


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
        _normalise(self)
        if (self.percent is None) == (self.amount is None):
            raise ValueError("ManualDiscount needs exactly one of percent or amount")
        _non_negative(self, "percent", "amount", "giver_max_discount_percent")
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
        _normalise(self)
        if self.quantity <= 0:
            raise ValueError("BasketLine.quantity must be positive (returns use Basket.kind)")
        _non_negative(self, "price_override")


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
        _normalise(self)
        _non_negative(self, "points_base")


@dataclass(frozen=True, slots=True)
class Basket:
    """The lines of a sale or return, plus an optional manual transaction discount."""

    lines: tuple[BasketLine, ...]
    kind: SaleKind = "sale"
    manual_discount: ManualDiscount | None = None
    return_of: ReturnOf | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "lines", tuple(self.lines))
        _literal(self, "kind")
        numbers = [line.line_no for line in self.lines]
        if len(set(numbers)) != len(numbers):
            raise ValueError("Basket line numbers must be unique")


@dataclass(frozen=True, slots=True)
class RedemptionRequest:
    """Pay part of the sale with points. ``points`` None: as many as the rules allow."""

    points: Decimal | None = None

    def __post_init__(self) -> None:
        _normalise(self)
        _non_negative(self, "points")


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
        _normalise(self)
        _literal(self, "transaction_type")
        _non_negative(self, "amount")


# ---------------------------------------------------------------------------------------------
# Results
# ---------------------------------------------------------------------------------------------


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
