"""Payment terms parsing, due dates and service charges."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest

from pos_tui.engine import (
    OpenItem,
    Settings,
    due_date,
    parse_terms,
    service_charge,
    statement_date_for,
)
from pos_tui.engine.receivable_terms import Terms, whole_months_between
from tests.engine.engine_factories import SETTINGS, customer


@pytest.mark.parametrize(
    ("text", "terms"),
    [
        ("NET30", Terms(30)),
        ("net 30", Terms(30)),
        ("N30", Terms(30)),
        ("N/30", Terms(30)),
        ("30", Terms(30)),
        ("30 days", Terms(30)),
        ("2/10 NET 30", Terms(30)),
        ("1.5%/10 N 45", Terms(45)),
        ("EOM", Terms(0, end_of_month=True)),
        ("NET 15 EOM", Terms(15, end_of_month=True)),
        ("COD", Terms(0)),
        ("Due on receipt", Terms(0)),
    ],
)
def test_parse_terms(text: str, terms: Terms) -> None:
    assert parse_terms(text) == terms


@pytest.mark.parametrize("text", ["whenever", "NET", "2/10", "-5"])
def test_parse_terms_refuses_nonsense(text: str) -> None:
    with pytest.raises(ValueError, match="not understood"):
        parse_terms(text)


def test_due_date_end_of_month_terms() -> None:
    cust = customer(payment_terms="NET 15 EOM")
    assert due_date(cust, dt.date(2024, 2, 10), SETTINGS).due == dt.date(2024, 3, 15)


def test_due_date_without_terms_uses_setting() -> None:
    assert due_date(customer(), dt.date(2024, 2, 10), SETTINGS).due == dt.date(2024, 2, 10)
    fourteen = Settings(default_terms_days=14)
    assert due_date(customer(), dt.date(2024, 2, 10), fourteen).due == dt.date(2024, 2, 24)


def test_statement_grace_counts_from_the_given_statement_date() -> None:
    cust = customer(grace_period_type="statement_date", grace_period_days=5)
    given = due_date(cust, dt.date(2024, 2, 10), SETTINGS, statement_date=dt.date(2024, 2, 20))
    assert given.due == dt.date(2024, 2, 25)


@pytest.mark.parametrize(
    ("statement_day", "posted", "statement"),
    [
        (0, dt.date(2024, 2, 10), dt.date(2024, 2, 29)),  # month end, a leap February
        (0, dt.date(2024, 2, 29), dt.date(2024, 2, 29)),  # on the statement day itself
        (0, dt.date(2023, 12, 31), dt.date(2023, 12, 31)),
        (20, dt.date(2024, 2, 10), dt.date(2024, 2, 20)),
        (20, dt.date(2024, 2, 20), dt.date(2024, 2, 20)),
        (20, dt.date(2024, 2, 21), dt.date(2024, 3, 20)),
        (20, dt.date(2024, 12, 21), dt.date(2025, 1, 20)),  # into the next year
        (31, dt.date(2024, 4, 10), dt.date(2024, 4, 30)),  # 31 in a 30-day month
        (31, dt.date(2024, 5, 1), dt.date(2024, 5, 31)),
        (30, dt.date(2024, 1, 31), dt.date(2024, 2, 29)),  # past this month's, February's end
    ],
)
def test_statement_date_from_the_store_statement_day(
    statement_day: int, posted: dt.date, statement: dt.date
) -> None:
    settings = Settings(statement_day=statement_day)
    assert statement_date_for(posted, settings) == statement
    cust = customer(grace_period_type="statement_date", grace_period_days=5)
    found = due_date(cust, posted, settings)
    assert found.due == statement + dt.timedelta(days=5)
    assert f"statement date {statement}" in found.rule.description


def test_statement_day_is_checked() -> None:
    with pytest.raises(ValueError, match="statement_day"):
        Settings(statement_day=32)
    assert Settings.from_strings({"engine.statement_day": "15"}).statement_day == 15


def test_service_charge_daily_and_monthly() -> None:
    items = [OpenItem(D("1000.00"), dt.date(2024, 1, 31))]
    daily = service_charge(items, D(12), dt.date(2024, 3, 31), SETTINGS)
    # 1000 * 12% * 60 / 365 = 19.7260...
    assert daily.amount == D("19.73")
    monthly = service_charge(
        items, D(12), dt.date(2024, 3, 31), Settings(service_charge_method="monthly")
    )
    assert monthly.amount == D("20.00")  # 2 whole months at 1% a month


def test_service_charge_skips_items_not_past_due() -> None:
    items = [OpenItem(D(100), dt.date(2024, 5, 1)), OpenItem(D(-50), dt.date(2024, 1, 1))]
    result = service_charge(items, D(18), dt.date(2024, 5, 1), SETTINGS)
    assert result.amount == D("0.00") and result.rules == ()


def test_service_charge_rounds_once_over_items() -> None:
    items = [OpenItem(D("10.00"), dt.date(2024, 1, 1))] * 3
    # each 10 * 18% * 1/365 = 0.00493..., three of them 0.0148 -> 0.01 (not 0.00 x 3)
    assert service_charge(items, D(18), dt.date(2024, 1, 2), SETTINGS).amount == D("0.01")


@pytest.mark.parametrize(
    ("start", "end", "months"),
    [
        (dt.date(2024, 1, 31), dt.date(2024, 2, 28), 0),
        (dt.date(2024, 1, 31), dt.date(2024, 2, 29), 1),
        (dt.date(2024, 1, 31), dt.date(2024, 3, 1), 1),
        (dt.date(2024, 1, 15), dt.date(2024, 3, 14), 1),
        (dt.date(2024, 1, 15), dt.date(2024, 3, 15), 2),
        (dt.date(2024, 3, 1), dt.date(2024, 2, 1), 0),
    ],
)
def test_whole_months_between(start: dt.date, end: dt.date, months: int) -> None:
    assert whole_months_between(start, end) == months
