"""Unit price resolution: override, forced, price list, level, regular, promotion."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D
from typing import Any

from pos_tui.engine import Customer, Item, PriceList, Settings
from pos_tui.engine.pricing import UnitPrice, is_forced, promo_active, unit_price
from tests.engine.engine_factories import SETTINGS, customer, item

DAY = dt.date(2024, 5, 15)
LEVELLED = item(
    price="10.00",
    price_level_1=D("9.00"),
    price_level_3=D("8.00"),
)
WHOLESALE = PriceList(5, "WHOLESALE", "Wholesale", {1: D("8.50")})


def _price(
    it: Item = LEVELLED,
    cust: Customer | None = None,
    plist: PriceList | None = None,
    settings: Settings = SETTINGS,
    on: dt.date = DAY,
    **kw: Any,
) -> UnitPrice:
    return unit_price(it, cust, plist, settings, on, **kw)


def test_walk_in_pays_regular() -> None:
    result = _price()
    assert (result.price, result.source) == (D("10.00"), "regular")
    assert result.rules[0].code == "PRICE_REGULAR"


def test_level_price() -> None:
    result = _price(cust=customer(price_level=1))
    assert (result.price, result.source) == (D("9.00"), "level_1")


def test_null_level_falls_back_to_regular() -> None:
    result = _price(cust=customer(price_level=2))
    assert (result.price, result.source) == (D("10.00"), "regular")
    assert result.rules[0].code == "PRICE_LEVEL_FALLBACK"


def test_price_list_wins_over_level() -> None:
    cust = customer(price_level=3, price_list_id=5)
    result = _price(cust=cust, plist=WHOLESALE)
    assert (result.price, result.source) == (D("8.50"), "price_list:WHOLESALE")


def test_price_list_without_the_item_falls_to_level() -> None:
    cust = customer(price_level=3, price_list_id=5)
    result = _price(it=item(2, "10.00", price_level_3=D("8.00")), cust=cust, plist=WHOLESALE)
    assert (result.price, result.source) == (D("8.00"), "level_3")


PROMO = item(
    price="10.00",
    price_level_1=D("9.00"),
    promo_price=D("7.00"),
    promo_start=dt.date(2024, 5, 1),
    promo_end=dt.date(2024, 5, 31),
)


def test_promo_inside_window_inclusive() -> None:
    for day in (dt.date(2024, 5, 1), dt.date(2024, 5, 31)):
        assert _price(it=PROMO, on=day).source == "promo"
    for day in (dt.date(2024, 4, 30), dt.date(2024, 6, 1)):
        assert _price(it=PROMO, on=day).source == "regular"


def test_promo_open_ended_window() -> None:
    open_end = item(price="10.00", promo_price=D("7.00"), promo_start=dt.date(2024, 1, 1))
    assert promo_active(open_end, dt.date(2030, 1, 1))
    assert not promo_active(open_end, dt.date(2023, 12, 31))
    always = item(price="10.00", promo_price=D("7.00"))
    assert promo_active(always, DAY)
    assert not promo_active(item(), DAY)


def test_promo_applies_to_level_customers_when_lower() -> None:
    assert _price(it=PROMO, cust=customer(price_level=1)).price == D("7.00")


def test_promo_not_used_when_not_lower_unless_setting() -> None:
    dear_promo = item(price="10.00", price_level_1=D("6.00"), promo_price=D("7.00"))
    result = _price(it=dear_promo, cust=customer(price_level=1))
    assert result.price == D("6.00")
    assert result.rules[-1].code == "PROMO_NOT_BETTER"
    always = Settings(promo_best_price=False)
    assert _price(it=dear_promo, cust=customer(price_level=1), settings=always).price == D("7.00")


def test_forced_level_ignores_promo_and_price_list() -> None:
    cust = customer(price_level=1, forced_price_level=True, price_list_id=5)
    result = _price(it=PROMO, cust=cust, plist=WHOLESALE)
    assert (result.price, result.source, result.forced) == (D("9.00"), "level_1", True)
    assert result.rules[-1].code == "FORCED_PRICE_LEVEL"


def test_forced_with_null_level_price_pays_regular_without_promo() -> None:
    cust = customer(price_level=2, forced_price_level=True)
    result = _price(it=PROMO, cust=cust)
    assert (result.price, result.forced) == (D("10.00"), True)


def test_is_forced_needs_a_level() -> None:
    assert is_forced(customer(price_level=4, forced_price_level=True))
    assert not is_forced(customer(price_level=0, forced_price_level=True))
    assert not is_forced(customer(price_level=4))
    assert not is_forced(None)


def test_override_wins() -> None:
    cust = customer(price_level=1, forced_price_level=True)
    result = _price(it=PROMO, cust=cust, price_override=D("4.00"))
    assert (result.price, result.source) == (D("4.00"), "override")
