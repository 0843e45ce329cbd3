"""Subscription periods for other financial year starts, windows and postability."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest

from pos_tui.engine import CardTypeSubscription, Settings, subscription_charge
from pos_tui.engine.subscriptions import Period, period_containing, posting_window


@pytest.mark.parametrize(
    ("on", "fy", "periodicity", "start", "end"),
    [
        (dt.date(2024, 1, 10), 1, "quarterly", dt.date(2024, 1, 1), dt.date(2024, 3, 31)),
        (dt.date(2024, 12, 31), 1, "yearly", dt.date(2024, 1, 1), dt.date(2024, 12, 31)),
        (dt.date(2024, 3, 31), 4, "yearly", dt.date(2023, 4, 1), dt.date(2024, 3, 31)),
        (dt.date(2024, 2, 29), 7, "half_yearly", dt.date(2024, 1, 1), dt.date(2024, 6, 30)),
        (dt.date(2024, 2, 10), 4, "monthly", dt.date(2024, 2, 1), dt.date(2024, 2, 29)),
        (dt.date(2024, 1, 5), 10, "quarterly", dt.date(2024, 1, 1), dt.date(2024, 3, 31)),
        (dt.date(2023, 12, 5), 11, "quarterly", dt.date(2023, 11, 1), dt.date(2024, 1, 31)),
    ],
)
def test_periods(on: dt.date, fy: int, periodicity: str, start: dt.date, end: dt.date) -> None:
    assert period_containing(on, periodicity, fy) == Period(start, end)  # type: ignore[arg-type]


def test_monthly_end_window_for_30_day_month() -> None:
    june = period_containing(dt.date(2024, 6, 1), "monthly", 4)
    assert posting_window(june, "monthly", "end") == Period(
        dt.date(2024, 6, 16), dt.date(2024, 6, 30)
    )


def test_outside_the_posting_window_is_refused_but_computed() -> None:
    sub = CardTypeSubscription(1, "Membership", "monthly", D(1000))
    result = subscription_charge(sub, dt.datetime(2024, 5, 16, 9), D(0), Settings())
    assert not result.postable
    assert result.refusals[0].code == "SUBSCRIPTION_OUTSIDE_WINDOW"
    assert result.amount == D(1000)
    assert result.window == Period(dt.date(2024, 5, 1), dt.date(2024, 5, 15))


def test_negative_net_sales_do_not_raise_a_cover_charge_above_rate_minus_sales() -> None:
    sub = CardTypeSubscription(1, "Membership", "monthly", D(1000), cover_charges=True)
    result = subscription_charge(sub, dt.datetime(2024, 5, 2), D(-100), Settings())
    assert result.amount == D(1100)
    assert result.rules[0].code == "SUBSCRIPTION_COVER_CHARGES"
