"""The store's options: the FusionRetail Customer Master "Option" dialog (Alt+O) and every
engine policy choice, as one registry that the back office screen and ``pos-tui options`` share.

Options are rows of the ``settings`` table, as text. ``engine.<field>`` rows override the
engine's :class:`~pos_tui.engine.Settings`; their kinds, choices and defaults are read from the
dataclass and its ``Literal`` types, only the wording is written here. ``customers.*`` rows
change the customer rules and the lane. Saving validates every value, writes them in one
transaction with an audit row per option, and bumps the catalog version so running lanes reload.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal, get_args, get_origin, get_type_hints

from pos_tui import engine
from pos_tui.engine.money import ZERO, NotANumber, to_decimal
from pos_tui.engine.settings import ROUNDING_MODES
from pos_tui.services.checkout.engine_inputs import ENGINE_SETTING_PREFIX, engine_settings
from pos_tui.services.customers.fields import FieldError, parse_flag
from pos_tui.services.customers.service import (
    SETTING_ACCOUNT_MODE,
    SETTING_ACCOUNT_START,
    SETTING_CARD_HEX,
    SETTING_PRIVACY_CRM_POINTS,
    SETTING_PRIVACY_OTHER_INFO,
)
from pos_tui.services.customers.visits import SETTING_TRACK_IN_OUT
from pos_tui.services.runtime.backend import Backend
from pos_tui.services.runtime.lane_devices import METHODS_OF_INPUT, SETTING_METHOD_OF_INPUT
from pos_tui.services.shifts.settings import SETTING_BLIND_CLOSE, SETTING_OVER_SHORT_TOLERANCE
from pos_tui.services.staff.auth import Employee
from pos_tui.storage.db import write

Kind = Literal["bool", "choice", "int", "decimal"]
# Supervisors may look at the options; changing how the whole store works is a manager's call.
SAVE_ROLE = "manager"
YES, NO = "yes", "no"

CARD_STATUS = "Card status validation"
INPUT = "Method of input"
TRACK = "Track in or out"
PRIVACY = "Privacy (new customers)"
CRM = "CRM: card type point ranges"
NUMBERS = "Account and card numbers"
PRICES = "Prices and discounts"
TAX = "Tax"
LOYALTY = "Loyalty policy"
RECEIVABLE = "Receivable policy"
MONEY = "Money"
SHIFTS = "Shifts and cash"
OTHER = "Engine (other)"
ORDERS = "Customer orders"
GROUPS = (CARD_STATUS, INPUT, TRACK, PRIVACY, CRM, NUMBERS, PRICES, TAX, LOYALTY, RECEIVABLE, MONEY, ORDERS, SHIFTS, OTHER)  # fmt: skip


@dataclass(frozen=True)
class StoreOption:
    key: str
    label: str
    group: str
    kind: Kind
    default: str  # as shown: yes/no, the choice, the number
    help: str = ""
    choices: tuple[str, ...] = ()
    minimum: Decimal | None = None
    maximum: Decimal | None = None
    # How yes/no is stored: the customer rules compare with "1"; the engine reads true/false.
    stored_yes_no: tuple[str, str] = ("1", "0")

    def stored(self, value: str) -> str:
        """The ``settings`` text of a value as shown."""
        if self.kind == "bool":
            return self.stored_yes_no[0] if value == YES else self.stored_yes_no[1]
        return value


# Engine fields -> (group, label, help). Kinds, choices, defaults: from engine.Settings.
_ENGINE_TEXT: dict[str, tuple[str, str, str]] = {
    "validate_card_expiry": (
        CARD_STATUS,
        "Card expiry date",
        "Refuse charges to the account on a card past its expiry date.",
    ),
    "validate_due_over_credit_limit": (
        CARD_STATUS,
        "If due > credit limit",
        "Refuse charges while the balance owed is over the credit limit.",
    ),
    "validate_due_over_zero": (
        CARD_STATUS,
        "If due > zero",
        "Refuse charges while anything at all is owed.",
    ),
    "allow_downgrade": (
        CRM,
        "Downgrade by point range",
        "Auto-upgrade by the card types' point ranges may also move a customer down to a lower card type (no: only upwards).",
    ),
    "promo_best_price": (
        PRICES,
        "Promotion only if lower",
        "A promotional price applies only when it is lower than the customer's price (no: it always replaces it inside its dates).",
    ),
    "forced_allows_manual_discounts": (
        PRICES,
        "Forced level: manual disc.",
        "Customers on a forced price level may still get manual discounts (they never get promotions or automatic discounts).",
    ),
    "percent_combination": (
        PRICES,
        "Customer % with card %",
        "compound: the card % on what is left after the customer %; best_of: only the larger; additive: the two added, capped at 100.",
    ),
    "transaction_discount_mode": (
        PRICES,
        "Auto transaction discounts",
        "all: every qualifying automatic transaction discount in list order; best: only the largest.",
    ),
    "tax_rounding": (
        TAX,
        "Round tax per",
        "line: each line's tax rounded; sale: summed per tax code, rounded once, spread back over the lines.",
    ),
    "exempt_inclusive_reduces_price": (
        TAX,
        "Exempt incl. tax off price",
        "A customer exempt from an inclusive tax pays the price without it (no: the price stays, only the tax report changes).",
    ),
    "partial_blocks": (
        LOYALTY,
        "Partial blocks earn",
        "proportional: part of a block of sale value earns its share (FusionRetail 'carry fraction'); whole: only whole blocks earn.",
    ),
    "points_places": (
        LOYALTY,
        "Points decimal places",
        "Decimal places kept on points when a card type's rounding is 'no', and on reversals.",
    ),
    "multiplier_applies_to": (
        LOYALTY,
        "Multiplier applies to",
        "base: the point multiplier multiplies the base points only; base_and_extras: with the birthday and anniversary extras.",
    ),
    "feb29_observed_on": (
        LOYALTY,
        "Feb 29 observed on",
        "A 29 February birthday or anniversary is observed on 28 February or 1 March in other years.",
    ),
    "extras_per_occasion": (
        LOYALTY,
        "Birthday + anniversary both",
        "Birthday and anniversary in the same window both give extra points (no: once).",
    ),
    "earn_on_redeemed": (
        LOYALTY,
        "Earn on points-paid part",
        "Points are earned on the part of the sale paid with points too (no: that part is taken off the earning base).",
    ),
    "points_include_exclusive_tax": (
        LOYALTY,
        "Earn on exclusive tax",
        "The earning base includes exclusive tax (no: the discounted net before tax added on top).",
    ),
    "return_points_shortfall": (
        LOYALTY,
        "Return: points spent",
        "A return takes back points the customer no longer holds: deduct keeps their value out of the refund at the card type's redemption rate (a supervisor decides when that cannot be done); supervisor: refused unless a supervisor lets the balance go below zero.",
    ),
    "zero_credit_limit_is_unlimited": (
        RECEIVABLE,
        "Credit limit 0 = no limit",
        "A credit limit of 0 means no limit (no: it means no credit at all).",
    ),
    "default_terms_days": (
        RECEIVABLE,
        "Default terms (days)",
        "Days to the due date for a customer with grace type 'none' and no payment terms.",
    ),
    "service_charge_method": (
        RECEIVABLE,
        "Service charge method",
        "daily: percent/365 per day past due; monthly: percent/12 per whole month past due.",
    ),
    "statement_day": (
        RECEIVABLE,
        "Statement day",
        "Day of the month (1-31) statements are dated; 0: the last day of the month. A grace period 'from statement date' counts from the first statement on or after the charge.",
    ),
    "financial_year_start_month": (
        RECEIVABLE,
        "Financial year starts (month)",
        "Month 1-12; subscription periods (monthly to yearly) are counted from it.",
    ),
    "rounding": (
        MONEY,
        "Money rounding mode",
        "The decimal rounding mode of every money amount (ROUND_HALF_UP: 0.005 becomes 0.01).",
    ),
}
_ENGINE_RANGES: dict[str, tuple[int, int | None]] = {
    "points_places": (0, 8),
    "financial_year_start_month": (1, 12),
    "default_terms_days": (0, None),
    "statement_day": (0, 31),
}
# Engine fields that are not store options, and where they are set instead.
ENGINE_FIELDS_ELSEWHERE = {
    "minor_unit": "the lane config's [currency] minor_unit (receipts and tenders use it too)",
}


def _engine_options() -> list[StoreOption]:
    hints = get_type_hints(engine.Settings)
    out = []
    for f in dataclasses.fields(engine.Settings):
        if f.name in ENGINE_FIELDS_ELSEWHERE:
            continue
        hint = hints[f.name]
        group, label, help_ = _ENGINE_TEXT.get(f.name, (OTHER, f.name.replace("_", " "), ""))
        choices: tuple[str, ...] = ()
        kind: Kind
        if get_origin(hint) is Literal:
            kind, choices = "choice", tuple(str(c) for c in get_args(hint))
        elif hint is bool:
            kind = "bool"
        elif hint is int:
            kind = "int"
        elif hint is Decimal:
            kind = "decimal"
        elif f.name == "rounding":
            kind, choices = "choice", tuple(sorted(ROUNDING_MODES))
        else:
            raise TypeError(f"engine setting {f.name}: no store option kind for {hint}")
        low, high = _ENGINE_RANGES.get(f.name, (None, None))
        out.append(
            StoreOption(
                key=ENGINE_SETTING_PREFIX + f.name,
                label=label,
                group=group,
                kind=kind,
                default=_shown_default(f.default),
                help=help_,
                choices=choices,
                minimum=Decimal(low) if low is not None else None,
                maximum=Decimal(high) if high is not None else None,
                stored_yes_no=("true", "false"),
            )
        )
    return out


def _shown_default(value: object) -> str:
    if isinstance(value, bool):
        return YES if value else NO
    return str(value)


_CUSTOMER_OPTIONS = [
    StoreOption(
        SETTING_METHOD_OF_INPUT,
        "Method of input",
        INPUT,
        "choice",
        "keyboard",
        "How F2 finds the customer at the lane: keyboard search as you type, a list to pick from, the number pad (card, account or mobile number), or a smart card device (insert or tap the card).",
        choices=METHODS_OF_INPUT,
    ),
    StoreOption(
        SETTING_TRACK_IN_OUT,
        "Track in or out",
        TRACK,
        "bool",
        NO,
        "Record each customer visit at the lane: 'in' when the customer is attached to a sale, 'out' when that sale is committed, voided or held. The customer's history shows the visits.",
    ),
    StoreOption(
        SETTING_PRIVACY_OTHER_INFO,
        "Show other information",
        PRIVACY,
        "bool",
        YES,
        "What a new customer starts with; each customer's own flag (Card & loyalty tab) decides for them.",
    ),
    StoreOption(
        SETTING_PRIVACY_CRM_POINTS,
        "Show CRM point details",
        PRIVACY,
        "bool",
        YES,
        "What a new customer starts with; each customer's own flag (Card & loyalty tab) decides for them.",
    ),
    StoreOption(
        SETTING_ACCOUNT_MODE,
        "Account numbers",
        NUMBERS,
        "choice",
        "sequential",
        "sequential: numbered by the store; manual: typed for every new customer.",
        choices=("sequential", "manual"),
    ),
    StoreOption(
        SETTING_ACCOUNT_START,
        "First account number",
        NUMBERS,
        "int",
        "1001",
        "Where sequential numbering starts when no customer has a number yet; later numbers follow the last one.",
        minimum=Decimal(1),
    ),
    StoreOption(
        SETTING_CARD_HEX,
        "Hex card numbers (UIDs)",
        NUMBERS,
        "bool",
        NO,
        "Accept contactless card UIDs in hexadecimal as card numbers (no: 6-20 digits).",
    ),
]


_ORDER_OPTIONS = [
    StoreOption(
        "orders.cancel_deposit",
        "Cancelled order: deposit",
        ORDERS,
        "choice",
        "refund",
        "When a layaway, special, work or back order is cancelled: refund what was paid, each payment back where it came from, or keep it.",
        choices=("refund", "keep"),
    ),
    StoreOption(
        "orders.min_deposit_percent",
        "Minimum deposit %",
        ORDERS,
        "decimal",
        "0",
        "The least deposit an order is opened with, as a percent of its total (0: any, none too).",
        minimum=ZERO,
        maximum=Decimal(100),
    ),
]


_SHIFT_OPTIONS = [
    StoreOption(
        SETTING_BLIND_CLOSE,
        "Blind close",
        SHIFTS,
        "bool",
        NO,
        "At the close the cashier counts the till without seeing the cash expected; the Z report shows both once it is sealed.",
    ),
    StoreOption(
        SETTING_OVER_SHORT_TOLERANCE,
        "Over/short tolerance",
        SHIFTS,
        "decimal",
        "5.00",
        "A count over or short of the cash expected by more than this needs a supervisor's approval to close the shift (audited).",
        minimum=ZERO,
        maximum=Decimal(100000),
    ),
]


def _registry() -> tuple[StoreOption, ...]:
    options = [*_CUSTOMER_OPTIONS, *_ORDER_OPTIONS, *_SHIFT_OPTIONS, *_engine_options()]
    return tuple(sorted(options, key=lambda o: GROUPS.index(o.group)))


OPTIONS: tuple[StoreOption, ...] = _registry()
BY_KEY = {o.key: o for o in OPTIONS}


def parse(option: StoreOption, raw: object) -> str:
    """A value typed or given for ``option`` as it is shown; FieldError names the option."""
    name = option.label
    if isinstance(raw, float):
        raise FieldError(option.key, f"{name}: give the value as text, not a float")
    text = raw if isinstance(raw, str) else ("" if raw is None else str(raw))
    text = text.strip()
    if option.kind == "bool":
        if isinstance(raw, bool):
            return YES if raw else NO
        flag = parse_flag(text)
        if flag is None:
            raise FieldError(option.key, f"{name}: {text!r} is not yes or no")
        return YES if flag else NO
    if option.kind == "choice":
        if text in option.choices:
            return text
        wanted = text.lower().replace(" ", "_")
        found = [c for c in option.choices if c.lower() == wanted]
        if len(found) == 1:
            return found[0]
        raise FieldError(option.key, f"{name}: {text!r} is not one of {', '.join(option.choices)}")
    if option.kind == "int":
        if isinstance(raw, bool) or not re.fullmatch(r"-?[0-9]+", text):
            raise FieldError(option.key, f"{name} must be a whole number, not {text!r}")
        value = Decimal(int(text))
    else:
        try:
            value = to_decimal(text, name)
        except NotANumber:
            raise FieldError(option.key, f"{name} must be a number, not {text!r}") from None
    _check_range(option, value)
    return str(value)


def _check_range(option: StoreOption, value: Decimal) -> None:
    low, high = option.minimum, option.maximum
    if (low is not None and value < low) or (high is not None and value > high):
        if low is not None and high is not None:
            limits = f"between {low} and {high}"
        elif low is not None:
            limits = f"at least {low}"
        else:
            limits = f"at most {high}"
        raise FieldError(option.key, f"{option.label} must be {limits}, not {value}")


def shown(option: StoreOption, stored: str | None) -> str:
    """A ``settings`` value as shown (the default when unset; as stored if it is not valid)."""
    if stored is None:
        return option.default
    try:
        return parse(option, stored)
    except FieldError:
        return stored


class StoreOptionsService:
    """Read and change the store options (database thread)."""

    def __init__(self, backend: Backend) -> None:
        self.b = backend

    def values(self) -> dict[str, str]:
        """Every option's current value as shown, in registry order."""
        stored = self.b.store.settings()
        return {o.key: shown(o, stored.get(o.key)) for o in OPTIONS}

    def save(
        self,
        changes: Mapping[str, object],
        employee: Employee | None,
        *,
        source: str = "back office",
        actor: str | None = None,
    ) -> dict[str, tuple[str, str]]:
        """Validate and write ``changes`` (key -> value); the options that changed, old and new.

        ``employee`` None is a change from the command line (whoever holds the database file);
        ``actor`` then names the operating-system user for the audit log.
        """
        if employee is not None and not employee.at_least(SAVE_ROLE):
            raise FieldError(
                "", f"{employee.name} is a {employee.role}: only a manager may change store options"
            )
        wanted: dict[str, str] = {}
        for key, raw in changes.items():
            option = BY_KEY.get(key.strip())
            if option is None:
                raise FieldError(
                    key, f"Unknown store option {key!r} ('pos-tui options list' shows them)"
                )
            wanted[option.key] = parse(option, raw)
        with write(self.b.db):
            stored = self.b.store.settings()
            changed = {
                key: (old, new)
                for key, new in wanted.items()
                if (old := shown(BY_KEY[key], stored.get(key))) != new
            }
            texts = {key: BY_KEY[key].stored(new) for key, (_, new) in changed.items()}
            self._check_engine(stored, texts)
            if not changed:
                return {}
            self.b.store.set_settings(texts)
            at = self.b.timestamp()
            for key, (old, new) in changed.items():
                note = {"key": key, "old": old, "new": new, "via": source}
                self.b.store.audit(
                    at=at,
                    entity="store_option",
                    entity_id=None,
                    action="set",
                    changes={**note, **({"actor": actor} if actor else {})},
                    employee_id=employee.id if employee else None,
                    lane_id=self.b.settings.lane.id,
                )
        return changed

    def _check_engine(self, stored: Mapping[str, str], texts: Mapping[str, str]) -> None:
        """Build the engine's settings as a lane will: each new value alone (so a refusal
        names its option), then all of them together with what is stored."""
        minor_unit = self.b.settings.currency.minor_unit
        engine_keys = [key for key in texts if key.startswith(ENGINE_SETTING_PREFIX)]
        if not engine_keys:
            return
        for key in engine_keys:
            text = texts[key]
            try:
                engine_settings({key: text}, minor_unit=minor_unit)
            except ValueError as exc:
                raise FieldError(key, f"{BY_KEY[key].label}: {exc}") from None
        try:
            engine_settings({**stored, **texts}, minor_unit=minor_unit)
        except ValueError as exc:
            raise FieldError("", f"The lane could not load the engine settings: {exc}") from None
