"""Card type subscriptions (FusionRetail "Enter Subscription"): periods, posting windows, amount.

Periods are counted from the financial year start (``Settings.financial_year_start_month``,
April by default): monthly = each month April..March, quarterly = Apr-Jun, Jul-Sep, Oct-Dec,
Jan-Mar, half-yearly = Apr-Sep and Oct-Mar, yearly = 1 April to 31 March.

Posting windows: at the ``beginning`` a monthly voucher may be posted on days 1-15 of the month,
the others in the first month of the period; at the ``end`` a monthly one on the 16th to the last
day, the others in the last month of the period.

Amount: the fixed ``rate``; with ``cover_charges`` the rate less the member's net sales (sales
minus returns) from the period start up to the voucher moment, never below zero (rate 1000:
sales 0 -> 1000, 500 -> 500, 1000/1001/2000 -> 0). Tax is ``tax_rate_percent`` of the amount,
rounded to the minor unit.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from pos_tui.engine.models import CardTypeSubscription, Periodicity, Refusal, Rule
from pos_tui.engine.money import ZERO, percent_of, round_money
from pos_tui.engine.settings import Settings

MONTHS_PER_PERIOD: dict[str, int] = {"monthly": 1, "quarterly": 3, "half_yearly": 6, "yearly": 12}


@dataclass(frozen=True, slots=True)
class Period:
    """A subscription period, first and last day inclusive."""

    start: dt.date
    end: dt.date


def _add_months(year: int, month: int, months: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + months
    return index // 12, index % 12 + 1


def _last_day(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def period_containing(on: dt.date, periodicity: Periodicity, fy_start_month: int) -> Period:
    """The subscription period that contains day ``on``."""
    size = MONTHS_PER_PERIOD[periodicity]
    offset = (on.month - fy_start_month) % 12  # months since the financial year started
    fy_year = on.year if on.month >= fy_start_month else on.year - 1
    start_year, start_month = _add_months(fy_year, fy_start_month, offset - offset % size)
    end_year, end_month = _add_months(start_year, start_month, size - 1)
    return Period(dt.date(start_year, start_month, 1), _last_day(end_year, end_month))


def posting_window(period: Period, periodicity: Periodicity, posting: str) -> Period:
    """The days of ``period`` on which its voucher may be posted (see module doc)."""
    if periodicity == "monthly":
        if posting == "beginning":
            return Period(period.start, period.start.replace(day=15))
        return Period(period.start.replace(day=16), period.end)
    if posting == "beginning":
        return Period(period.start, _last_day(period.start.year, period.start.month))
    return Period(period.end.replace(day=1), period.end)


def net_sales_in_period(
    sales: Iterable[tuple[dt.datetime, Decimal]], period: Period, moment: dt.datetime
) -> Decimal:
    """Sum of the member's sale totals (returns negative) from the period start to ``moment``."""
    start = dt.datetime.combine(period.start, dt.time.min)
    return sum((amount for at, amount in sales if start <= at <= moment), ZERO)


@dataclass(frozen=True, slots=True)
class SubscriptionCharge:
    """The subscription voucher for the period containing the moment."""

    period: Period
    window: Period
    postable: bool
    rate: Decimal
    net_sales: Decimal
    amount: Decimal
    tax: Decimal
    total: Decimal
    rules: tuple[Rule, ...]
    refusals: tuple[Refusal, ...]


def subscription_charge(
    subscription: CardTypeSubscription,
    moment: dt.datetime,
    net_sales: Decimal,
    settings: Settings,
) -> SubscriptionCharge:
    """The subscription amount due at ``moment`` given the member's ``net_sales`` this period.

    ``postable`` is False (with a refusal) outside the posting window; the amounts are still
    computed so the screen can show them.
    """
    period = period_containing(
        moment.date(), subscription.periodicity, settings.financial_year_start_month
    )
    window = posting_window(period, subscription.periodicity, subscription.posting)
    rules: list[Rule] = []
    refusals: list[Refusal] = []
    postable = window.start <= moment.date() <= window.end
    if not postable:
        refusals.append(
            Refusal(
                "SUBSCRIPTION_OUTSIDE_WINDOW",
                f"A {subscription.periodicity} subscription posted at the {subscription.posting}"
                f" of {period.start}..{period.end} may only be posted {window.start}.."
                f"{window.end}",
            )
        )
    rate = subscription.rate
    if subscription.cover_charges:
        amount = max(ZERO, rate - net_sales)
        rules.append(
            Rule(
                "SUBSCRIPTION_COVER_CHARGES",
                f"Rate {rate} less net sales {net_sales} since {period.start} (not below 0)",
                amount=amount,
            )
        )
    else:
        amount = rate
        rules.append(Rule("SUBSCRIPTION_FIXED", f"Fixed rate {rate}", amount=amount))
    amount = round_money(amount, settings.minor_unit, settings.rounding)
    tax = round_money(
        percent_of(amount, subscription.tax_rate_percent), settings.minor_unit, settings.rounding
    )
    if tax:
        label = subscription.tax_code or "tax"
        rules.append(
            Rule(
                "SUBSCRIPTION_TAX",
                f"{label} {subscription.tax_rate_percent}% on {amount}",
                amount=tax,
            )
        )
    return SubscriptionCharge(
        period=period,
        window=window,
        postable=postable,
        rate=rate,
        net_sales=net_sales,
        amount=amount,
        tax=tax,
        total=amount + tax,
        rules=tuple(rules),
        refusals=tuple(refusals),
    )
