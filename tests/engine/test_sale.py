"""price_sale end to end: totals, returns, redemption, charge, referral, explanation, inputs."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D
from typing import Any

import pytest

from pos_tui.engine import (
    Basket,
    ChargeRequest,
    CustomerAccount,
    PriceList,
    RedemptionRequest,
    ReturnOf,
    Settings,
    price_sale,
)
from tests.engine.engine_factories import (
    NOON,
    SETTINGS,
    TAX_CLASSES,
    basket,
    card,
    customer,
    item,
    line,
)

LOYAL = card(
    block_sale_value=D(100),
    points_awarded=D(2),
    points_to_convert=D(2),
    equivalent_currency=D(5),
    referral_points=D("0.25"),
    referral_block_value=D(100),
)


def _basket() -> Basket:
    return basket(
        line(1, item(1, "100.00", tax_class_id=1), "2"),
        line(2, item(2, "50.00", points_eligible=False)),
    )


def test_totals_add_up() -> None:
    sale = price_sale(
        _basket(),
        customer(auto_discount_percent=D(10)),
        LOYAL,
        SETTINGS,
        NOON,
        tax_classes=TAX_CLASSES,
    )
    t = sale.totals
    assert (t.subtotal, t.discount_total, t.net_total, t.tax_total, t.total) == (
        D("250.00"),
        D("25.00"),
        D("225.00"),
        D("18.00"),
        D("243.00"),
    )
    assert (
        t.total == t.subtotal - t.discount_total - t.exempt_reduction_total + t.exclusive_tax_total
    )
    assert t.amount_due == t.total


def test_points_only_on_points_eligible_lines() -> None:
    sale = price_sale(_basket(), customer(), LOYAL, SETTINGS, NOON, tax_classes=TAX_CLASSES)
    assert sale.points is not None
    assert sale.points.base_value == D("200.00")
    assert sale.points.points == D(4)


def test_points_base_may_include_exclusive_tax() -> None:
    with_tax = Settings(points_include_exclusive_tax=True)
    sale = price_sale(_basket(), customer(), LOYAL, with_tax, NOON, tax_classes=TAX_CLASSES)
    assert sale.points is not None and sale.points.base_value == D("220.00")


def test_walk_in_or_no_card_earns_nothing() -> None:
    assert price_sale(_basket(), None, None, SETTINGS, NOON, tax_classes=TAX_CLASSES).points is None
    assert (
        price_sale(_basket(), customer(), None, SETTINGS, NOON, tax_classes=TAX_CLASSES).points
        is None
    )


def test_redemption_pays_part_of_the_amount_due() -> None:
    account = CustomerAccount(points_balance=D(11))
    sale = price_sale(
        _basket(),
        customer(),
        LOYAL,
        SETTINGS,
        NOON,
        account=account,
        tax_classes=TAX_CLASSES,
        redemption=RedemptionRequest(D(10)),
    )
    assert sale.redemption is not None
    assert (sale.redemption.points_used, sale.redemption.currency_value) == (D(10), D(25))
    assert sale.totals.redeemed == D("25.00")
    assert sale.totals.amount_due == D("245.00")
    assert sale.totals.tax_total == D("20.00")  # redemption is a tender: tax unchanged


def test_points_not_earned_on_redeemed_part_when_set() -> None:
    account = CustomerAccount(points_balance=D(40))
    settings = Settings(earn_on_redeemed=False)
    sale = price_sale(
        _basket(),
        customer(),
        LOYAL,
        settings,
        NOON,
        account=account,
        tax_classes=TAX_CLASSES,
        redemption=RedemptionRequest(D(40)),
    )
    assert sale.points is not None
    assert sale.points.base_value == D("100.00")  # 200 eligible - 100 redeemed
    assert "POINTS_BASE_LESS_REDEEMED" in [r.code for r in sale.explanation]


def test_redemption_needs_a_sale_and_a_customer() -> None:
    ret = basket(line(1, item()), kind="return", return_of=ReturnOf(D(2), D(100)))
    sale = price_sale(ret, customer(), LOYAL, SETTINGS, NOON, redemption=RedemptionRequest())
    assert [r.code for r in sale.refusals] == ["REDEMPTION_ON_RETURN"]
    walk_in = price_sale(
        _basket(),
        None,
        None,
        SETTINGS,
        NOON,
        tax_classes=TAX_CLASSES,
        redemption=RedemptionRequest(),
    )
    assert [r.code for r in walk_in.refusals] == ["REDEMPTION_NO_CUSTOMER"]


def test_referral_points_for_the_link_customer() -> None:
    sale = price_sale(
        _basket(), customer(link_customer_id=12), LOYAL, SETTINGS, NOON, tax_classes=TAX_CLASSES
    )
    assert sale.referral is not None
    assert (sale.referral.link_customer_id, sale.referral.points) == (12, D("0.5"))


def test_full_return_reverses_exactly() -> None:
    cust = customer(link_customer_id=12)
    sale = price_sale(_basket(), cust, LOYAL, SETTINGS, NOON, tax_classes=TAX_CLASSES)
    assert sale.points is not None and sale.referral is not None
    ret = basket(
        *_basket().lines,
        kind="return",
        return_of=ReturnOf(sale.points.points, sale.points.base_value, sale.referral.points),
    )
    back = price_sale(
        ret, cust, LOYAL, SETTINGS, NOON + dt.timedelta(days=3), tax_classes=TAX_CLASSES
    )
    assert back.kind == "return"
    assert back.points is not None and back.points.points == -sale.points.points
    assert back.referral is not None and back.referral.points == -sale.referral.points
    assert back.totals.total == sale.totals.total


def test_partial_return_reverses_in_proportion() -> None:
    ret = basket(
        line(1, item(1, "100.00"), "1"), kind="return", return_of=ReturnOf(D(4), D("200.00"))
    )
    back = price_sale(ret, customer(), LOYAL, SETTINGS, NOON)
    assert back.points is not None and back.points.points == D(-2)


def test_return_without_original_sale_earns_no_points() -> None:
    back = price_sale(basket(line(1, item()), kind="return"), customer(), LOYAL, SETTINGS, NOON)
    assert back.points is None
    assert "POINTS_RETURN_UNLINKED" in [r.code for r in back.explanation]


def test_charge_defaults_to_the_amount_due() -> None:
    cust = customer(ar_enabled=True, allow_charge=True, credit_limit=D(1000))
    account = CustomerAccount(points_balance=D(4))
    sale = price_sale(
        _basket(),
        cust,
        LOYAL,
        SETTINGS,
        NOON,
        account=account,
        tax_classes=TAX_CLASSES,
        redemption=RedemptionRequest(),
        charge=ChargeRequest(),
    )
    assert sale.charge is not None and sale.charge.allowed
    assert sale.charge.amount == sale.totals.amount_due == D("260.00")


def test_refused_charge_is_a_sale_refusal() -> None:
    cust = customer(ar_enabled=True, allow_charge=True, credit_limit=D(100))
    sale = price_sale(
        _basket(), cust, LOYAL, SETTINGS, NOON, tax_classes=TAX_CLASSES, charge=ChargeRequest()
    )
    assert sale.charge is not None and not sale.charge.allowed
    assert [(r.code, r.override_allowed) for r in sale.refusals] == [("CREDIT_LIMIT", True)]


def test_charge_needs_a_customer() -> None:
    sale = price_sale(
        _basket(), None, None, SETTINGS, NOON, tax_classes=TAX_CLASSES, charge=ChargeRequest()
    )
    assert [r.code for r in sale.refusals] == ["CHARGE_NO_CUSTOMER"]


def test_price_list_is_used_for_its_customer() -> None:
    plist = PriceList(3, "VIP", "VIP", {1: D("80.00")})
    sale = price_sale(
        basket(line(1, item(1, "100.00"))),
        customer(price_list_id=3),
        None,
        SETTINGS,
        NOON,
        price_list=plist,
    )
    assert sale.lines[0].unit_price == D("80.00")


@pytest.mark.parametrize(
    "kwargs",
    [
        {"price_list": PriceList(3, "VIP", "VIP")},
        {"card": card(id=99)},
        {"moment": dt.date(2024, 5, 15)},
    ],
)
def test_inconsistent_inputs_are_errors(kwargs: dict[str, Any]) -> None:
    cust = customer(card_type_id=1, price_list_id=None)
    with pytest.raises((ValueError, TypeError)):
        price_sale(
            basket(line(1, item())),
            cust,
            kwargs.get("card"),
            SETTINGS,
            kwargs.get("moment", NOON),
            price_list=kwargs.get("price_list"),
        )


def test_price_list_without_customer_is_an_error() -> None:
    with pytest.raises(ValueError):
        price_sale(
            basket(line(1, item())),
            None,
            None,
            SETTINGS,
            NOON,
            price_list=PriceList(3, "VIP", "VIP"),
        )


def test_explanation_lists_line_rules_then_sale_rules() -> None:
    sale = price_sale(
        _basket(),
        customer(auto_discount_percent=D(10)),
        LOYAL,
        SETTINGS,
        NOON,
        tax_classes=TAX_CLASSES,
    )
    codes = [(r.code, r.line_no) for r in sale.explanation]
    assert codes == [
        ("PRICE_REGULAR", 1),
        ("CUSTOMER_AUTO_DISCOUNT", 1),
        ("TAX", 1),
        ("PRICE_REGULAR", 2),
        ("CUSTOMER_AUTO_DISCOUNT", 2),
        ("POINTS_BASE", None),
    ]


def test_quantity_and_rounding_of_gross() -> None:
    sale = price_sale(basket(line(1, item(price="0.333"), "3")), None, None, SETTINGS, NOON)
    assert sale.lines[0].gross == D("1.00")
    jpy = Settings(minor_unit=0)
    sale = price_sale(basket(line(1, item(price="105"), "1.5")), None, None, jpy, NOON)
    assert sale.lines[0].gross == D(158)


def test_same_input_same_output() -> None:
    args = (_basket(), customer(auto_discount_percent=D(3)), LOYAL, SETTINGS, NOON)
    assert price_sale(*args, tax_classes=TAX_CLASSES) == price_sale(*args, tax_classes=TAX_CLASSES)
