"""Steps 2-3 alone: a line's unit price (levels, then promotions) and its gross."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

from pos_tui.engine import PriceList, Settings
from pos_tui.engine.pricing import level_price, promotion, unit_price
from pos_tui.engine.steps.levels import open_line
from tests.engine.engine_factories import SETTINGS, customer, inputs, item, line

DAY = dt.date(2024, 5, 15)
ON_PROMO = item(1, "10.00", price_level_2=D("9.50"), promo_price=D("8.00"))


def test_a_line_opens_at_its_unit_price_with_nothing_discounted() -> None:
    opened = open_line(line(3, ON_PROMO, "2"), inputs(customer=customer(price_level=2)))
    assert (opened.price.price, opened.price.source) == (D("8.00"), "promo")
    assert opened.gross == opened.left == D("16.00")
    assert [r.code for r in opened.rules] == ["PRICE_LEVEL", "PROMO_PRICE"]
    assert {r.line_no for r in opened.rules} == {3}


def test_the_gross_is_rounded_to_the_minor_unit_with_the_settings_mode() -> None:
    third = line(1, item(1, "0.10"), "0.333")
    assert open_line(third, inputs()).gross == D("0.03")
    half_up = line(1, item(1, "0.50"), "0.05")  # 0.025
    assert open_line(half_up, inputs()).gross == D("0.03")
    assert open_line(half_up, inputs(settings=Settings(rounding="ROUND_DOWN"))).gross == D("0.02")


def test_level_price_never_looks_at_promotions() -> None:
    price = level_price(ON_PROMO, customer(price_level=2), None, line_no=1)
    assert (price.price, price.source, price.forced) == (D("9.50"), "level_2", False)
    listed = PriceList(5, "VIP", "VIP", {1: D("9.00")})
    assert level_price(ON_PROMO, customer(price_list_id=5), listed).source == "price_list:VIP"


def test_promotion_applies_only_when_lower_unless_the_setting_says_always() -> None:
    regular = level_price(ON_PROMO, None, None)
    assert promotion(regular, ON_PROMO, SETTINGS, DAY).price == D("8.00")
    dear = item(1, "10.00", promo_price=D("11.00"))
    kept = promotion(level_price(dear, None, None), dear, SETTINGS, DAY)
    assert (kept.price, kept.rules[-1].code) == (D("10.00"), "PROMO_NOT_BETTER")
    always = promotion(level_price(dear, None, None), dear, Settings(promo_best_price=False), DAY)
    assert (always.price, always.source) == (D("11.00"), "promo")


def test_no_promotion_for_an_override_a_forced_level_or_outside_its_window() -> None:
    override = level_price(ON_PROMO, None, None, price_override=D("9.99"))
    assert promotion(override, ON_PROMO, SETTINGS, DAY) is override
    forced = level_price(ON_PROMO, customer(price_level=2, forced_price_level=True), None)
    assert promotion(forced, ON_PROMO, SETTINGS, DAY) is forced
    ended = item(1, "10.00", promo_price=D("8.00"), promo_end=dt.date(2024, 5, 14))
    regular = level_price(ended, None, None)
    assert promotion(regular, ended, SETTINGS, DAY) is regular


def test_unit_price_is_the_level_price_then_the_promotion() -> None:
    cust = customer(price_level=2)
    assert unit_price(ON_PROMO, cust, None, SETTINGS, DAY, line_no=2) == promotion(
        level_price(ON_PROMO, cust, None, line_no=2), ON_PROMO, SETTINGS, DAY, line_no=2
    )
