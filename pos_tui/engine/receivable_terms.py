"""Due dates of receivable charges (Quasar grace period / payment terms) and service charges.

Due date by ``customers.grace_period_type``:

* ``posted_date``: posted date + ``grace_period_days``;
* ``statement_date``: the statement date the charge is billed on + ``grace_period_days``; the
  caller may pass it, otherwise it is the store's next statement on or after the posted date
  (:func:`statement_date_for`, from ``Settings.statement_day``: month end by default);
* ``none``: from ``payment_terms`` (see :func:`parse_terms`); no terms: posted date +
  ``Settings.default_terms_days``.

Payment terms formats (case and spaces ignored):

* ``NET30``, ``NET 30``, ``N30``, ``N/30``, ``30``, ``30 DAYS`` - 30 days after posting;
* ``2/10 NET 30`` (early-payment discount terms) - due by the net days, 30;
* ``EOM`` - the last day of the posting month; ``NET 30 EOM`` - 30 days after that;
* ``COD``, ``CIA``, ``DUE ON RECEIPT``, ``IMMEDIATE``, ``CASH`` - the posted date.

Annual service charge on past-due amounts (``customers.service_charge_percent``): ``daily``
(default) charges ``amount * percent / 100 * days_past_due / 365`` (always 365, leap years
too); ``monthly`` charges ``amount * percent / 100 / 12`` per whole month past due. Each item's
charge is exact; the total is rounded once to the minor unit.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from pos_tui.engine.models import Customer, Rule
from pos_tui.engine.money import HUNDRED, ZERO, round_money
from pos_tui.engine.settings import Settings

_IMMEDIATE = {"COD", "CIA", "DUEONRECEIPT", "IMMEDIATE", "CASH", "RECEIPT"}
# [discount/days] NET|N|N/ <days> [DAY|DAYS] [EOM]; a discount prefix needs the NET part after it.
_NET = re.compile(r"^(?:(?:\d+(?:\.\d+)?%?/\d+)?(?:NET|N/?))?(\d+)(?:DAYS?)?(EOM)?$")


@dataclass(frozen=True, slots=True)
class Terms:
    """Parsed payment terms: ``days`` after posting, or after the end of the posting month."""

    days: int
    end_of_month: bool = False


def parse_terms(text: str) -> Terms:
    """Parse payment terms text (formats in the module doc); ValueError if not understood."""
    compact = re.sub(r"\s+", "", text.upper())
    if re.sub(r"[_-]", "", compact) in _IMMEDIATE:
        return Terms(0)
    if compact == "EOM":
        return Terms(0, end_of_month=True)
    match = _NET.match(compact)
    if not match:
        raise ValueError(f"payment terms {text!r} not understood (e.g. NET30, 2/10 NET 30, EOM)")
    return Terms(int(match.group(1)), end_of_month=match.group(2) is not None)


def _end_of_month(day: dt.date) -> dt.date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def _statement_in_month(year: int, month: int, statement_day: int) -> dt.date:
    """The statement of that month: ``statement_day`` (0 or past the month's end: its last day)."""
    last = calendar.monthrange(year, month)[1]
    return dt.date(year, month, last if statement_day == 0 else min(statement_day, last))


def statement_date_for(posted: dt.date, settings: Settings) -> dt.date:
    """The statement a charge posted on ``posted`` is billed on: the store's first statement
    on or after that day. Statements are monthly, on ``Settings.statement_day`` (0, the default:
    the last day of the month; 31 in a 30-day month is its 30th)."""
    this_month = _statement_in_month(posted.year, posted.month, settings.statement_day)
    if this_month >= posted:
        return this_month
    year, month = (posted.year + 1, 1) if posted.month == 12 else (posted.year, posted.month + 1)
    return _statement_in_month(year, month, settings.statement_day)


def statement_date_after(
    posted: dt.date, settings: Settings, closed_through: dt.date | None
) -> dt.date:
    """The statement a charge posted on ``posted`` is billed on once the statements up to
    ``closed_through`` have been run: the first statement day on or after the posted day and
    after that date (a charge posted on a statement day after that day's run is on the next)."""
    if closed_through is not None and posted <= closed_through:
        posted = closed_through + dt.timedelta(days=1)
    return statement_date_for(posted, settings)


def is_statement_day(day: dt.date, settings: Settings) -> bool:
    """Whether the store's statements are dated ``day`` (``Settings.statement_day``)."""
    return statement_date_for(day, settings) == day


def previous_statement_date(day: dt.date, settings: Settings) -> dt.date:
    """The store's latest statement day on or before ``day``."""
    this_month = _statement_in_month(day.year, day.month, settings.statement_day)
    if this_month <= day:
        return this_month
    year, month = (day.year - 1, 12) if day.month == 1 else (day.year, day.month - 1)
    return _statement_in_month(year, month, settings.statement_day)


@dataclass(frozen=True, slots=True)
class DueDate:
    """When a charge is due, and the rule that says why."""

    due: dt.date
    rule: Rule


def due_date(
    customer: Customer,
    posted: dt.date,
    settings: Settings,
    *,
    statement_date: dt.date | None = None,
) -> DueDate:
    """The due date of a charge posted on ``posted`` for ``customer``; ``statement_date``: the
    statement it is billed on, when known (default: :func:`statement_date_for`)."""
    days = customer.grace_period_days
    if customer.grace_period_type == "posted_date":
        due = posted + dt.timedelta(days=days)
        text = f"Due {days} days after the posted date {posted}"
    elif customer.grace_period_type == "statement_date":
        if statement_date is None:
            statement_date = statement_date_for(posted, settings)
        due = statement_date + dt.timedelta(days=days)
        text = f"Due {days} days after the statement date {statement_date}"
    elif customer.payment_terms and customer.payment_terms.strip():
        terms = parse_terms(customer.payment_terms)
        start = _end_of_month(posted) if terms.end_of_month else posted
        due = start + dt.timedelta(days=terms.days)
        text = f"Payment terms {customer.payment_terms.strip()}: due {due}"
    else:
        due = posted + dt.timedelta(days=settings.default_terms_days)
        text = f"No payment terms: due {settings.default_terms_days} days after {posted}"
    return DueDate(due, Rule("DUE_DATE", text))


def whole_months_between(start: dt.date, end: dt.date) -> int:
    """Whole calendar months from ``start`` to ``end`` (Jan 31 -> Feb 28 is 0, -> Mar 1 is 1)."""
    months = (end.year - start.year) * 12 + end.month - start.month
    # A month only counts once its day is reached; a start day past the end of the target month
    # counts as reached on that month's last day.
    last = calendar.monthrange(end.year, end.month)[1]
    if end.day < min(start.day, last):
        months -= 1
    return max(months, 0)


@dataclass(frozen=True, slots=True)
class OpenItem:
    """A past-due amount (a ``receivable_ledger`` charge still open) and its due date."""

    amount: Decimal
    due: dt.date


@dataclass(frozen=True, slots=True)
class ServiceCharge:
    """The service charge for a statement, rounded once, with one rule per item charged."""

    amount: Decimal
    rules: tuple[Rule, ...]


def service_charge(
    items: Iterable[OpenItem], annual_percent: Decimal, as_of: dt.date, settings: Settings
) -> ServiceCharge:
    """Service charge on past-due ``items`` as of ``as_of`` at ``annual_percent`` a year."""
    exact = ZERO
    rules: list[Rule] = []
    for item in items:
        if item.amount <= 0 or as_of <= item.due or annual_percent <= 0:
            continue
        if settings.service_charge_method == "daily":
            days = (as_of - item.due).days
            charge = item.amount * annual_percent / HUNDRED * days / Decimal(365)
            text = f"{annual_percent}% a year on {item.amount} for {days} days past due"
        else:
            months = whole_months_between(item.due, as_of)
            charge = item.amount * annual_percent / HUNDRED / Decimal(12) * months
            text = f"{annual_percent}% a year on {item.amount} for {months} whole months past due"
        exact += charge
        rules.append(Rule("SERVICE_CHARGE", text, amount=charge))
    return ServiceCharge(round_money(exact, settings.minor_unit, settings.rounding), tuple(rules))
