"""Earning rules one by one: blocks, rounding, extras, margins, multiplier, referral, returns."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest

from pos_tui.engine import LoyaltyEntry, Settings, earn_points, points_balance, referral_points
from pos_tui.engine.loyalty import (
    block_points,
    in_occasion_window,
    multiplier_active,
    observed_date,
    reverse_points,
)
from tests.engine.engine_factories import NOON, SETTINGS, card, customer

TWO_PER_100 = card(block_sale_value=D(100), points_awarded=D(2))
WHOLE = Settings(partial_blocks="whole")


def test_proportional_and_whole_blocks() -> None:
    assert block_points(D(250), D(100), D(2), SETTINGS) == D(5)
    assert block_points(D(250), D(100), D(2), WHOLE) == D(4)
    assert block_points(D(99), D(100), D(2), WHOLE) == 0


def test_no_block_or_no_points_earns_nothing() -> None:
    assert block_points(D(250), D(0), D(2), SETTINGS) == 0
    result = earn_points(card(), None, D(1000), NOON, SETTINGS)
    assert result.points == 0 and result.rules[0].code == "POINTS_NONE"


def test_rounding_no_keeps_points_places() -> None:
    one_per_3 = card(block_sale_value=D(3), points_awarded=D(1))
    assert earn_points(one_per_3, None, D(10), NOON, SETTINGS).points == D("3.3333")
    assert earn_points(one_per_3, None, D(10), NOON, Settings(points_places=2)).points == D("3.33")


def test_rounding_rule_is_explained() -> None:
    ct = card(block_sale_value=D(100), points_awarded=D(2), rounding="lower")
    result = earn_points(ct, None, D("6287.50"), NOON, SETTINGS)
    assert result.points == D(125)
    assert result.rules[-1].code == "POINTS_ROUNDING"
    assert result.rules[-1].points == D("-0.75")


def test_rounding_limit_other_than_one() -> None:
    ct = card(block_sale_value=D(1), points_awarded=D(1), rounding="standard", rounding_limit=D(5))
    assert earn_points(ct, None, D("127.49"), NOON, SETTINGS).points == D(125)
    assert earn_points(ct, None, D("127.50"), NOON, SETTINGS).points == D(130)


# --- occasions ---------------------------------------------------------------------------------


def test_feb29_birthday_observed_on_feb28_or_mar1() -> None:
    leapling = dt.date(2000, 2, 29)
    assert observed_date(leapling, 2023, SETTINGS) == dt.date(2023, 2, 28)
    assert observed_date(leapling, 2023, Settings(feb29_observed_on="mar1")) == dt.date(2023, 3, 1)
    assert observed_date(leapling, 2024, SETTINGS) == dt.date(2024, 2, 29)
    assert in_occasion_window(leapling, dt.date(2023, 2, 28), 0, SETTINGS)
    assert not in_occasion_window(leapling, dt.date(2023, 3, 1), 0, SETTINGS)
    assert in_occasion_window(leapling, dt.date(2023, 3, 1), 0, Settings(feb29_observed_on="mar1"))


def test_margin_wraps_the_year_end() -> None:
    assert in_occasion_window(dt.date(1980, 12, 30), dt.date(2025, 1, 1), 2, SETTINGS)
    assert in_occasion_window(dt.date(1980, 1, 2), dt.date(2024, 12, 31), 2, SETTINGS)
    assert not in_occasion_window(dt.date(1980, 1, 2), dt.date(2024, 12, 30), 2, SETTINGS)
    assert not in_occasion_window(None, dt.date(2024, 12, 30), 2, SETTINGS)


EXTRA5 = card(block_sale_value=D(10), points_awarded=D(1), extra_points=D(5))
BOTH = customer(birth_date=dt.date(1990, 5, 15), anniversary_date=dt.date(2015, 5, 15))


def test_birthday_and_anniversary_together() -> None:
    assert earn_points(EXTRA5, BOTH, D(1000), NOON, SETTINGS).points == D(110)
    once = Settings(extras_per_occasion=False)
    assert earn_points(EXTRA5, BOTH, D(1000), NOON, once).points == D(105)


def test_extras_without_a_customer_or_a_date() -> None:
    assert earn_points(EXTRA5, None, D(1000), NOON, SETTINGS).points == D(100)
    assert earn_points(EXTRA5, customer(), D(1000), NOON, SETTINGS).points == D(100)


def test_extra_on_sale_value_counts_whole_blocks() -> None:
    ct = card(
        block_sale_value=D(10),
        points_awarded=D(1),
        extra_points=D(5),
        extra_points_on="sale_value",
        extra_points_sale_value=D(1000),
    )
    cust = customer(birth_date=dt.date(1990, 5, 15))
    assert earn_points(ct, cust, D(2999), NOON, SETTINGS).extra_points == D(10)


# --- multiplier --------------------------------------------------------------------------------


def test_multiplier_scope_setting() -> None:
    ct = card(
        block_sale_value=D(10),
        points_awarded=D(1),
        extra_points=D(10),
        multiplier=D(2),
        multiplier_weekdays="wed",
    )
    cust = customer(birth_date=dt.date(1990, 5, 15))
    assert earn_points(ct, cust, D(1000), NOON, SETTINGS).points == D(220)  # (100 + 10) x 2
    base_only = Settings(multiplier_applies_to="base")
    assert earn_points(ct, cust, D(1000), NOON, base_only).points == D(210)  # 100 x 2 + 10


def test_multiplier_zero_gives_no_points() -> None:
    ct = card(
        block_sale_value=D(10), points_awarded=D(1), multiplier=D(0), multiplier_weekdays="wed"
    )
    assert earn_points(ct, None, D(1000), NOON, SETTINGS).points == 0


def test_multiplier_without_weekdays_never_applies() -> None:
    ct = card(block_sale_value=D(10), points_awarded=D(1), multiplier=D(2))
    assert not multiplier_active(ct, NOON)


@pytest.mark.parametrize(
    ("hour", "active"), [(21, False), (22, True), (23, True), (1, True), (6, True), (7, False)]
)
def test_multiplier_window_over_midnight(hour: int, active: bool) -> None:
    ct = card(
        multiplier=D(2),
        multiplier_weekdays="mon,tue,wed,thu,fri,sat,sun",
        multiplier_from_time=dt.time(22),
        multiplier_to_time=dt.time(6),
    )
    assert multiplier_active(ct, dt.datetime(2024, 5, 15, hour)) is active


def test_multiplier_half_open_windows() -> None:
    from_only = card(multiplier=D(2), multiplier_weekdays="wed", multiplier_from_time=dt.time(18))
    to_only = card(multiplier=D(2), multiplier_weekdays="wed", multiplier_to_time=dt.time(9))
    assert multiplier_active(from_only, dt.datetime(2024, 5, 15, 19))
    assert not multiplier_active(from_only, dt.datetime(2024, 5, 15, 17))
    assert multiplier_active(to_only, dt.datetime(2024, 5, 15, 8))
    assert not multiplier_active(to_only, dt.datetime(2024, 5, 15, 10))


def test_multiplier_rule_is_explained() -> None:
    ct = card(
        block_sale_value=D(10), points_awarded=D(1), multiplier=D("1.5"), multiplier_weekdays="wed"
    )
    result = earn_points(ct, None, D(1000), NOON, SETTINGS)
    assert result.multiplier == D("1.5")
    assert [r.code for r in result.rules] == ["POINTS_BASE", "POINTS_MULTIPLIER"]
    assert result.rules[1].points == D(50)


# --- referral and returns ----------------------------------------------------------------------


def test_referral_needs_a_link_customer() -> None:
    ct = card(referral_points=D(1), referral_block_value=D(100))
    assert referral_points(ct, customer(), D(500), SETTINGS) is None
    result = referral_points(ct, customer(link_customer_id=9), D(550), WHOLE)
    assert result is not None and result.points == D(5)


def test_referral_rounding_follows_the_card_type() -> None:
    ct = card(referral_points=D(1), referral_block_value=D(100), rounding="lower")
    result = referral_points(ct, customer(link_customer_id=9), D(550), SETTINGS)
    assert result is not None and result.points == D(5)


def test_reverse_whole_and_partial() -> None:
    assert reverse_points(D("3.0780"), D("153.90"), D("153.90"), SETTINGS) == D("-3.0780")
    assert reverse_points(D(126), D(1000), D(500), SETTINGS) == D(-63)
    assert reverse_points(D(10), D(300), D(100), SETTINGS) == D("-3.3333")
    assert reverse_points(D(10), D(300), D(400), SETTINGS) == D(-10)
    assert reverse_points(D(0), D(300), D(100), SETTINGS) == 0
    assert reverse_points(D(10), D(300), D(0), SETTINGS) == 0


def test_points_balance_by_type() -> None:
    balance = points_balance(
        [
            LoyaltyEntry("opening", D("102.375")),
            LoyaltyEntry("earned", D(10)),
            LoyaltyEntry("referral", D("0.25")),
            LoyaltyEntry("reversed", D(-4)),
            LoyaltyEntry("used", D(-8)),
        ]
    )
    assert balance.unused == D("100.625")
    assert (balance.referral, balance.reversed, balance.used) == (D("0.25"), D(-4), D(8))
    with pytest.raises(ValueError):
        points_balance([LoyaltyEntry("gift", D(1))])


def test_two_per_100_fixture() -> None:
    assert earn_points(TWO_PER_100, None, D(50), NOON, SETTINGS).points == D(1)
