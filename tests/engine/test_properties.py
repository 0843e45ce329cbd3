"""Hypothesis property tests: the invariants that must hold for every input."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

from hypothesis import given, settings
from hypothesis import strategies as st

from pos_tui.engine import (
    Basket,
    BasketLine,
    CardType,
    Customer,
    CustomerAccount,
    Item,
    ManualDiscount,
    RedemptionRequest,
    ReturnOf,
    Settings,
    TransactionDiscount,
    earn_points,
    price_sale,
    redeem,
)
from pos_tui.engine.money import allocate, round_to_step
from tests.engine.engine_factories import TAX_CLASSES, card, customer

money = st.decimals(min_value=0, max_value=5000, places=2, allow_nan=False, allow_infinity=False)
percent = st.decimals(min_value=0, max_value=100, places=2, allow_nan=False, allow_infinity=False)
qty = st.decimals(
    min_value=D("0.001"), max_value=20, places=3, allow_nan=False, allow_infinity=False
)
moments = st.datetimes(min_value=dt.datetime(2020, 1, 1), max_value=dt.datetime(2030, 12, 31))
engine_settings = st.builds(
    Settings,
    minor_unit=st.sampled_from([0, 2, 3]),
    rounding=st.sampled_from(["ROUND_HALF_UP", "ROUND_HALF_EVEN", "ROUND_UP", "ROUND_DOWN"]),
    percent_combination=st.sampled_from(["compound", "best_of", "additive"]),
    transaction_discount_mode=st.sampled_from(["all", "best"]),
    tax_rounding=st.sampled_from(["line", "sale"]),
    exempt_inclusive_reduces_price=st.booleans(),
    partial_blocks=st.sampled_from(["proportional", "whole"]),
    multiplier_applies_to=st.sampled_from(["base", "base_and_extras"]),
    forced_allows_manual_discounts=st.booleans(),
)


@st.composite
def manual_discounts(draw: st.DrawFn) -> ManualDiscount | None:
    if not draw(st.booleans()):
        return None
    use_percent = draw(st.booleans())
    return ManualDiscount(
        giver_max_discount_percent=draw(percent),
        percent=draw(percent) if use_percent else None,
        amount=None if use_percent else draw(money),
        supervisor_override=draw(st.booleans()),
    )


@st.composite
def items(draw: st.DrawFn, item_id: int) -> Item:
    return Item(
        id=item_id,
        sku=f"S{item_id}",
        name=f"Item {item_id}",
        regular_price=draw(money),
        tax_class_id=draw(st.sampled_from([None, 1, 2, 3])),
        promo_price=draw(st.none() | money),
        points_eligible=draw(st.booleans()),
        discount_eligible=draw(st.booleans()),
        price_level_1=draw(st.none() | money),
        price_level_2=draw(st.none() | money),
        price_level_3=draw(st.none() | money),
        price_level_4=draw(st.none() | money),
    )


@st.composite
def baskets(draw: st.DrawFn) -> Basket:
    count = draw(st.integers(min_value=1, max_value=6))
    lines = tuple(
        BasketLine(n, draw(items(n)), draw(qty), manual_discount=draw(manual_discounts()))
        for n in range(1, count + 1)
    )
    return Basket(lines, manual_discount=draw(manual_discounts()))


@st.composite
def loyalty_cards(draw: st.DrawFn) -> CardType:
    return card(
        block_sale_value=draw(st.sampled_from([D(0), D(1), D(50), D(100), D("0.5")])),
        points_awarded=draw(st.sampled_from([D(0), D(1), D(2), D("0.25")])),
        rounding=draw(st.sampled_from(["no", "higher", "lower", "standard"])),
        rounding_limit=draw(st.sampled_from([D(1), D("0.5"), D(5)])),
        extra_points=draw(st.sampled_from([D(0), D(5)])),
        extra_points_on=draw(st.sampled_from(["fixed", "sale_value"])),
        extra_points_sale_value=draw(st.sampled_from([D(0), D(1000)])),
        extra_margin_days=draw(st.integers(0, 5)),
        multiplier=draw(st.sampled_from([D(0), D(1), D("1.5"), D(10)])),
        multiplier_weekdays=draw(st.sampled_from(["", "wed", "mon,tue,wed,thu,fri,sat,sun"])),
        discount_percent=draw(percent),
        points_to_convert=draw(st.sampled_from([D(0), D(2), D("0.5")])),
        equivalent_currency=draw(st.sampled_from([D(0), D(5), D("0.01")])),
        referral_points=draw(st.sampled_from([D(0), D("0.25")])),
        referral_block_value=D(100),
    )


@st.composite
def customers(draw: st.DrawFn) -> Customer:
    return customer(
        price_level=draw(st.integers(0, 4)),
        forced_price_level=draw(st.booleans()),
        auto_discount_percent=draw(percent),
        tax_exempt=draw(st.booleans()),
        birth_date=draw(st.none() | st.dates(dt.date(1950, 1, 1), dt.date(2010, 12, 31))),
        link_customer_id=draw(st.none() | st.just(3)),
    )


accounts = st.builds(
    CustomerAccount,
    points_balance=st.decimals(min_value=0, max_value=1000, places=3),
    exempt_tax_codes=st.frozensets(st.sampled_from(["VAT", "GST", "CESS"])),
    transaction_discounts=st.lists(
        st.builds(
            TransactionDiscount,
            description=st.just("auto"),
            percent=percent,
            amount=money,
            min_subtotal=money,
        ),
        max_size=3,
    ).map(tuple),
)


@settings(max_examples=300, deadline=None)
@given(
    baskets(),
    customers(),
    loyalty_cards(),
    engine_settings,
    moments,
    accounts,
    st.none() | st.builds(RedemptionRequest, points=st.none() | money),
)
def test_sale_invariants(
    basket: Basket,
    cust: Customer,
    ct: CardType,
    conf: Settings,
    moment: dt.datetime,
    account: CustomerAccount,
    redemption: RedemptionRequest | None,
) -> None:
    sale = price_sale(
        basket,
        cust,
        ct,
        conf,
        moment,
        account=account,
        tax_classes=TAX_CLASSES,
        redemption=redemption,
    )
    t = sale.totals
    # Totals are never negative; discounts never exceed the price.
    assert t.total >= 0 and t.amount_due >= 0 and t.tax_total >= 0
    for p in sale.lines:
        assert 0 <= p.discount <= p.gross
        assert p.net == p.gross - p.discount >= 0
        assert p.total >= 0 and 0 <= p.exempt_reduction <= p.net
    # Everything adds up exactly.
    assert (
        t.total == t.subtotal - t.discount_total - t.exempt_reduction_total + t.exclusive_tax_total
    )
    assert sum(d.amount for d in sale.discounts) == t.discount_total
    assert sum(x.amount for x in sale.taxes) == t.tax_total
    # Every money amount is on the minor-unit grid.
    step = D(1).scaleb(-conf.minor_unit)
    for value in (t.subtotal, t.discount_total, t.tax_total, t.total, t.amount_due):
        assert value % step == 0
    # Redemption never exceeds the balance or the amount due.
    if sale.redemption is not None:
        assert 0 <= sale.redemption.points_used <= account.points_balance
        assert sale.redemption.currency_value <= t.total
    # Points are deterministic and never negative on a sale.
    again = price_sale(
        basket,
        cust,
        ct,
        conf,
        moment,
        account=account,
        tax_classes=TAX_CLASSES,
        redemption=redemption,
    )
    assert again == sale
    if sale.points is not None:
        assert sale.points.points >= 0


@settings(max_examples=300, deadline=None)
@given(loyalty_cards(), customers(), engine_settings, moments, money, money)
def test_points_are_monotonic_in_sale_value(
    ct: CardType, cust: Customer, conf: Settings, moment: dt.datetime, a: D, b: D
) -> None:
    low, high = min(a, b), max(a, b)
    assert (
        earn_points(ct, cust, low, moment, conf).points
        <= earn_points(ct, cust, high, moment, conf).points
    )


@settings(max_examples=200, deadline=None)
@given(
    baskets(),
    customers(),
    loyalty_cards(),
    engine_settings,
    moments,
    st.decimals(min_value=0, max_value=1000, places=3),
)
def test_sale_then_full_return_leaves_points_where_they_were(
    basket: Basket, cust: Customer, ct: CardType, conf: Settings, moment: dt.datetime, balance: D
) -> None:
    sale = price_sale(basket, cust, ct, conf, moment, tax_classes=TAX_CLASSES)
    assert sale.points is not None
    referral = sale.referral.points if sale.referral else D(0)
    ret = Basket(
        basket.lines,
        kind="return",
        manual_discount=basket.manual_discount,
        return_of=ReturnOf(sale.points.points, sale.points.base_value, referral),
    )
    back = price_sale(ret, cust, ct, conf, moment + dt.timedelta(days=1), tax_classes=TAX_CLASSES)
    assert back.points is not None
    assert balance + sale.points.points + back.points.points == balance
    if sale.referral is not None:
        assert back.referral is not None or referral == 0
        if back.referral is not None:
            assert sale.referral.points + back.referral.points == 0


@settings(max_examples=500, deadline=None)
@given(
    st.decimals(min_value=0, max_value=100000, places=4),
    st.sampled_from([D(1), D("0.5"), D(5), D(10), D("0.01")]),
    st.sampled_from(["higher", "lower", "standard"]),
)
def test_rounding_is_exactly_as_documented(value: D, step: D, mode: str) -> None:
    result = round_to_step(value, step, mode)
    assert result % step == 0
    assert abs(result - value) < step
    if mode == "higher":
        assert result >= value and result - value < step
    elif mode == "lower":
        assert result <= value and value - result < step
    else:
        assert abs(result - value) <= step / 2
        if abs(result - value) == step / 2:
            assert result > value  # halves go up


@settings(max_examples=300, deadline=None)
@given(
    st.decimals(min_value=0, max_value=1000, places=3),
    money,
    st.none() | money,
    st.sampled_from([D(2), D("0.5"), D(3), D(7)]),
    st.sampled_from([D(5), D("0.01"), D("1.25")]),
)
def test_redemption_never_exceeds_balance_or_amount_due(
    balance: D, due: D, wanted: D | None, per_points: D, per_money: D
) -> None:
    ct = card(points_to_convert=per_points, equivalent_currency=per_money)
    result = redeem(ct, balance, due, RedemptionRequest(wanted), Settings())
    assert 0 <= result.points_used <= balance
    assert result.currency_value <= due
    assert result.balance_after >= 0
    if wanted is not None:
        assert result.points_used <= wanted
    assert result.points_used % per_points == 0


@settings(max_examples=300, deadline=None)
@given(money, st.lists(money, min_size=1, max_size=8))
def test_allocate_always_sums(total: D, weights: list[D]) -> None:
    parts = allocate(total, weights, D("0.01"))
    assert sum(parts) == total and all(p >= 0 for p in parts)
