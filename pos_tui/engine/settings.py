"""Engine settings: every place where the three manuals conflict or leave a choice open.

The defaults are the behaviour documented in ``docs/engine.md``. Settings are a frozen dataclass
so one instance can be shared by every lane thread; :meth:`Settings.from_strings` builds one from
the ``settings`` table's key/value text rows (keys are the field names, prefix ``engine.``
optional).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import (
    ROUND_05UP,
    ROUND_CEILING,
    ROUND_DOWN,
    ROUND_FLOOR,
    ROUND_HALF_DOWN,
    ROUND_HALF_EVEN,
    ROUND_HALF_UP,
    ROUND_UP,
)
from typing import Literal, get_args, get_type_hints

ROUNDING_MODES = frozenset(
    {
        ROUND_HALF_UP,
        ROUND_HALF_EVEN,
        ROUND_HALF_DOWN,
        ROUND_UP,
        ROUND_DOWN,
        ROUND_CEILING,
        ROUND_FLOOR,
        ROUND_05UP,
    }
)

PercentCombination = Literal["compound", "best_of", "additive"]
TaxRounding = Literal["line", "sale"]
PartialBlocks = Literal["proportional", "whole"]
MultiplierScope = Literal["base", "base_and_extras"]
Feb29Rule = Literal["feb28", "mar1"]
ServiceChargeMethod = Literal["daily", "monthly"]
TransactionDiscountMode = Literal["all", "best"]
PointsShortfallPolicy = Literal["deduct", "supervisor"]


@dataclass(frozen=True, slots=True)
class Settings:
    """How the engine resolves every open choice. All fields have documented defaults."""

    # --- money -------------------------------------------------------------------------------
    #: Digits of the currency's minor unit (2 for INR/USD/EUR, 0 for JPY, 3 for KWD).
    minor_unit: int = 2
    #: ``decimal`` rounding mode used for every money rounding (ROUND_HALF_UP by default).
    rounding: str = ROUND_HALF_UP

    # --- prices and discounts ----------------------------------------------------------------
    #: A promotional price applies only if it is lower than the customer's price (True), or it
    #: always replaces it inside its date window (False).
    promo_best_price: bool = True
    #: Forced-price-level customers get no promotions and no automatic/card/transaction
    #: discounts (Quasar). Manual discounts are refused too unless this is True.
    forced_allows_manual_discounts: bool = False
    #: How the customer's automatic discount % and the card type's discount % combine:
    #: ``compound`` (card % on what is left after the customer %), ``best_of`` (only the larger)
    #: or ``additive`` (the two percents added, capped at 100).
    percent_combination: PercentCombination = "compound"
    #: Which qualifying automatic transaction discounts apply: ``all`` in list order, each on
    #: what is left, or only the ``best`` (largest) one.
    transaction_discount_mode: TransactionDiscountMode = "all"

    # --- tax -----------------------------------------------------------------------------------
    #: Round tax per ``line`` (each line and tax rounded, then summed) or per ``sale`` (summed
    #: exactly per tax code, rounded once, then spread back over the lines).
    tax_rounding: TaxRounding = "line"
    #: A customer exempt from an *inclusive* tax pays the price without it (True), or the price
    #: stays and only the tax report changes (False).
    exempt_inclusive_reduces_price: bool = True

    # --- loyalty earning -----------------------------------------------------------------------
    #: Partial blocks of sale value earn ``proportional`` points (FusionRetail "carry fraction")
    #: or only ``whole`` blocks earn.
    partial_blocks: PartialBlocks = "proportional"
    #: Decimal places kept on points when the card type's rounding is "no" (and on reversals).
    points_places: int = 4
    #: The point multiplier multiplies the ``base`` points only, or ``base_and_extras``
    #: (FusionRetail: "if the total points earned ... is 100 ... 100 * 1.5 = 150").
    multiplier_applies_to: MultiplierScope = "base_and_extras"
    #: A Feb 29 birth/anniversary date is observed on Feb 28 or Mar 1 in non-leap years.
    feb29_observed_on: Feb29Rule = "feb28"
    #: Birthday and anniversary falling in the same window both award extras (True) or once.
    extras_per_occasion: bool = True
    #: Points are earned on the part of the sale paid with redeemed points too (True), or the
    #: redeemed currency is taken off the earning base first (False).
    earn_on_redeemed: bool = True
    #: The earning base includes exclusive tax (False: the discounted line net, before tax
    #: added on top; an inclusive tax is inside the net price either way).
    points_include_exclusive_tax: bool = False
    #: A return takes back more points than the customer holds (they spent them): ``deduct``
    #: keeps the value of the points short out of the refund at the card type's redemption
    #: rate (a supervisor decides when the points have no cash value or the money refunded
    #: cannot cover it); ``supervisor``: refused unless a supervisor lets the balance go below
    #: zero. Either way a balance never goes below zero unnoticed (``docs/money.md``).
    return_points_shortfall: PointsShortfallPolicy = "deduct"

    # --- receivable / card status validation ---------------------------------------------------
    #: Refuse charges on a card past its expiry date (FusionRetail card status validation).
    validate_card_expiry: bool = False
    #: Refuse charges while the balance owed is over the credit limit.
    validate_due_over_credit_limit: bool = False
    #: Refuse charges while anything at all is owed.
    validate_due_over_zero: bool = False
    #: A credit limit of 0 means no credit at all (False) or no limit (True).
    zero_credit_limit_is_unlimited: bool = False
    #: Days used when a customer with grace type "none" has no payment terms.
    default_terms_days: int = 0
    #: Annual service charge: ``daily`` pro-rata (percent/365 per day past due) or ``monthly``
    #: (percent/12 per whole month past due).
    service_charge_method: ServiceChargeMethod = "daily"
    #: Day of the month (1-31) the monthly statement is dated; 0 = the month's last day. A
    #: charge for a customer whose grace period counts from the statement date is billed on the
    #: first statement on or after it (a day past a month's end is that month's last day).
    statement_day: int = 0

    # --- subscriptions and card types ----------------------------------------------------------
    #: Month (1-12) the financial year starts in; subscription periods are counted from it.
    financial_year_start_month: int = 4
    #: Auto-upgrade may also move a customer down to a lower card type.
    allow_downgrade: bool = False

    def __post_init__(self) -> None:
        if not 0 <= self.minor_unit <= 6:
            raise ValueError("minor_unit must be between 0 and 6")
        if self.rounding not in ROUNDING_MODES:
            raise ValueError(f"unknown rounding mode {self.rounding!r}")
        if not 0 <= self.points_places <= 8:
            raise ValueError("points_places must be between 0 and 8")
        if not 1 <= self.financial_year_start_month <= 12:
            raise ValueError("financial_year_start_month must be 1-12")
        if self.default_terms_days < 0:
            raise ValueError("default_terms_days must not be negative")
        if not 0 <= self.statement_day <= 31:
            raise ValueError("statement_day must be 0 (month end) or 1-31")
        hints = get_type_hints(Settings)
        for f in dataclasses.fields(self):
            choices = get_args(hints[f.name])
            if choices and getattr(self, f.name) not in choices:
                raise ValueError(f"{f.name} must be one of {', '.join(choices)}")
            if hints[f.name] is bool and not isinstance(getattr(self, f.name), bool):
                raise TypeError(f"{f.name} must be a bool")
            if hints[f.name] is int and (
                isinstance(getattr(self, f.name), bool)
                or not isinstance(getattr(self, f.name), int)
            ):
                raise TypeError(f"{f.name} must be an int")

    @classmethod
    def from_strings(cls, values: Mapping[str, str], *, prefix: str = "engine.") -> Settings:
        """Build settings from text key/value pairs (the ``settings`` table).

        Keys may carry ``prefix``; keys with another dotted prefix are ignored (they belong to
        other parts of pos-tui), an unknown key with the prefix or no prefix raises ValueError.
        Booleans are ``1/0/true/false/yes/no``.
        """
        hints = get_type_hints(cls)
        kwargs: dict[str, object] = {}
        for raw_key, raw in values.items():
            key = raw_key.removeprefix(prefix)
            if "." in key:
                continue
            if key not in hints:
                raise ValueError(f"unknown engine setting {raw_key!r}")
            kind = hints[key]
            text = raw.strip()
            if kind is bool:
                low = text.lower()
                if low not in {"1", "0", "true", "false", "yes", "no"}:
                    raise ValueError(f"setting {raw_key!r}: {raw!r} is not a boolean")
                kwargs[key] = low in {"1", "true", "yes"}
            elif kind is int:
                kwargs[key] = int(text)
            else:
                kwargs[key] = text
        return cls(**kwargs)  # type: ignore[arg-type]
