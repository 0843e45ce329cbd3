"""Redemption in whole conversion units, limited by balance and amount due."""

from __future__ import annotations

from decimal import Decimal as D

from pos_tui.engine import RedemptionRequest, redeem
from tests.engine.engine_factories import SETTINGS, card

TWO_FOR_FIVE = card(points_to_convert=D(2), equivalent_currency=D(5))


def test_partial_redemption_of_a_large_balance() -> None:
    result = redeem(TWO_FOR_FIVE, D(100), D("80.00"), RedemptionRequest(D(10)), SETTINGS)
    assert (result.points_used, result.currency_value, result.balance_after) == (
        D(10),
        D(25),
        D(90),
    )
    assert result.rules[-1].code == "REDEMPTION" and result.rules[-1].points == D(-10)


def test_odd_points_are_redeemed_in_whole_units() -> None:
    result = redeem(TWO_FOR_FIVE, D(100), D("80.00"), RedemptionRequest(D(7)), SETTINGS)
    assert (result.points_used, result.currency_value) == (D(6), D(15))
    assert result.rules[0].code == "REDEMPTION_WHOLE_UNITS"


def test_never_below_zero_balance() -> None:
    result = redeem(TWO_FOR_FIVE, D("5.5"), D("80.00"), RedemptionRequest(D(10)), SETTINGS)
    assert (result.points_used, result.balance_after) == (D(4), D("1.5"))
    assert "REDEMPTION_BALANCE_LIMIT" in [r.code for r in result.rules]


def test_never_more_than_the_amount_due() -> None:
    result = redeem(TWO_FOR_FIVE, D(100), D("12.00"), RedemptionRequest(D(100)), SETTINGS)
    assert (result.points_used, result.currency_value) == (D(4), D(10))
    assert "REDEMPTION_AMOUNT_DUE_LIMIT" in [r.code for r in result.rules]


def test_no_request_means_as_much_as_possible() -> None:
    result = redeem(TWO_FOR_FIVE, D(9), D("100.00"), RedemptionRequest(), SETTINGS)
    assert result.points_used == D(8)


def test_too_small_is_refused() -> None:
    result = redeem(TWO_FOR_FIVE, D(1), D("100.00"), RedemptionRequest(D(1)), SETTINGS)
    assert result.points_used == 0
    assert result.refusals[0].code == "REDEMPTION_TOO_SMALL"


def test_card_without_conversion_cannot_redeem() -> None:
    result = redeem(card(), D(100), D("100.00"), RedemptionRequest(D(10)), SETTINGS)
    assert result.points_used == 0
    assert result.refusals[0].code == "REDEMPTION_NOT_AVAILABLE"
    assert result.refusals[0].message.startswith('Points cannot be redeemed: the card type "')
    (none,) = redeem(None, D(100), D(1), RedemptionRequest(), SETTINGS).refusals
    assert none.message == "Points cannot be redeemed: the customer has no card"
