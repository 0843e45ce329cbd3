"""Customer dataclasses: card types (with their subscription), customers, their automatic
transaction discounts and what the ledgers say about them (see :mod:`pos_tui.engine.models`)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from pos_tui.engine.catalog_models import Subgroup
from pos_tui.engine.model_fields import (
    WEEKDAYS,
    ExtraPointsOn,
    GracePeriodType,
    Periodicity,
    Posting,
    Rounding,
    check_choice,
    non_negative,
    normalise,
)
from pos_tui.engine.money import ZERO


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
        normalise(self)
        check_choice(self, "periodicity")
        check_choice(self, "posting")
        non_negative(self, "rate", "tax_rate_percent")


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
        normalise(self)
        check_choice(self, "rounding")
        check_choice(self, "extra_points_on")
        non_negative(
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
        normalise(self)
        non_negative(self, "percent", "amount", "min_subtotal")
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
    # The store's name, for the refusal the cashier reads ("only at Downtown", not "location 4").
    limit_to_location_name: str | None = None
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
        normalise(self)
        check_choice(self, "grace_period_type")
        non_negative(self, "auto_discount_percent", "credit_limit", "service_charge_percent")
        non_negative(self, "grace_period_days")
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
        normalise(self)
        object.__setattr__(self, "exempt_tax_codes", frozenset(self.exempt_tax_codes))
        object.__setattr__(self, "transaction_discounts", tuple(self.transaction_discounts))
