"""Discounts and every combination that matters, through price_sale."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from pos_tui.engine import CustomerAccount, Settings, TransactionDiscount, price_sale
from pos_tui.engine.discounts import manual_discount, percent_discounts, transaction_discounts
from tests.engine.engine_factories import NOON, SETTINGS, basket, card, customer, item, line, manual

# --- manual discounts and the giver's limit -----------------------------------------------------


def test_manual_percent_within_limit() -> None:
    out = manual_discount(D("80.00"), manual("10", percent="10"), SETTINGS, forced=False, line_no=1)
    assert out.amount == D("8.00") and not out.refusals
    assert out.rules[-1].code == "MANUAL_LINE_DISCOUNT"


def test_manual_over_limit_needs_supervisor() -> None:
    out = manual_discount(D("80.00"), manual("10", percent="15"), SETTINGS, forced=False, line_no=1)
    assert out.amount == 0
    (refusal,) = out.refusals
    assert refusal.code == "DISCOUNT_NEEDS_SUPERVISOR"
    assert refusal.override_allowed and "needs supervisor" in refusal.message


def test_manual_over_limit_with_override() -> None:
    out = manual_discount(
        D("80.00"), manual("10", percent="15", override=True), SETTINGS, forced=False, line_no=1
    )
    assert out.amount == D("12.00")
    assert [r.code for r in out.rules] == ["DISCOUNT_SUPERVISOR_OVERRIDE", "MANUAL_LINE_DISCOUNT"]


def test_manual_amount_limit_is_checked_as_a_percent() -> None:
    ok = manual_discount(
        D("80.00"), manual("10", amount="8.00"), SETTINGS, forced=False, line_no=None
    )
    assert ok.amount == D("8.00")
    assert ok.rules[-1].code == "MANUAL_TRANSACTION_DISCOUNT"
    refused = manual_discount(
        D("80.00"), manual("10", amount="8.01"), SETTINGS, forced=False, line_no=None
    )
    assert refused.amount == 0 and refused.refusals[0].line_no is None


def test_manual_amount_is_capped_at_the_price() -> None:
    out = manual_discount(
        D("30.00"), manual("100", amount="50.00"), SETTINGS, forced=False, line_no=2
    )
    assert out.amount == D("30.00")
    assert out.rules[0].code == "DISCOUNT_CAPPED"


def test_manual_refused_for_forced_customer_unless_setting() -> None:
    out = manual_discount(
        D("30.00"), manual("100", percent="5", override=True), SETTINGS, forced=True, line_no=1
    )
    assert out.amount == 0
    assert [(r.code, r.override_allowed) for r in out.refusals] == [
        ("FORCED_PRICE_LEVEL_NO_DISCOUNT", False)
    ]
    allowed = Settings(forced_allows_manual_discounts=True)
    assert manual_discount(
        D("30.00"), manual("100", percent="5"), allowed, forced=True, line_no=1
    ).amount == D("1.50")


# --- customer % and card % ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("mode", "customer_amount", "card_amount"),
    [
        ("compound", "10.00", "4.50"),  # 10% of 100, then 5% of 90
        ("additive", "10.00", "5.00"),  # 15% of 100 split 10 + 5
        ("best_of", "10.00", None),  # only the larger
    ],
)
def test_percent_combinations(mode: str, customer_amount: str, card_amount: str | None) -> None:
    settings = Settings(percent_combination=mode)  # type: ignore[arg-type]
    found = percent_discounts(D("100.00"), D(10), D(5), "Gold", settings)
    amounts = {d.kind: d.amount for d in found}
    assert amounts.get("customer_auto") == D(customer_amount)
    assert amounts.get("card_type") == (D(card_amount) if card_amount else None)


def test_best_of_picks_the_card_when_larger() -> None:
    found = percent_discounts(
        D("100.00"), D(5), D(12), "Gold", Settings(percent_combination="best_of")
    )
    assert [(d.kind, d.amount) for d in found] == [("card_type", D("12.00"))]


def test_additive_is_capped_at_100_percent() -> None:
    found = percent_discounts(
        D("100.00"), D(60), D(60), "Gold", Settings(percent_combination="additive")
    )
    assert sum(d.amount for d in found) == D("100.00")


def test_only_customer_or_only_card() -> None:
    assert [d.kind for d in percent_discounts(D(100), D(10), D(0), "G", SETTINGS)] == [
        "customer_auto"
    ]
    assert [d.kind for d in percent_discounts(D(100), D(0), D(10), "G", SETTINGS)] == ["card_type"]
    assert percent_discounts(D(100), D(0), D(0), "G", SETTINGS) == []


# --- transaction discounts ----------------------------------------------------------------------

TEN_PCT_OVER_100 = TransactionDiscount("10% over 100", percent=D(10), min_subtotal=D(100))
FIVE_OFF = TransactionDiscount("5 off", amount=D(5))


def test_transaction_discount_needs_min_subtotal() -> None:
    found, rules = transaction_discounts(D("99.99"), D("99.99"), (TEN_PCT_OVER_100,), SETTINGS)
    assert found == [] and rules[0].code == "TRANSACTION_DISCOUNT_NOT_REACHED"
    found, _ = transaction_discounts(D(100), D(100), (TEN_PCT_OVER_100,), SETTINGS)
    assert found[0].amount == D("10.00")


def test_transaction_discounts_all_apply_in_order_on_what_is_left() -> None:
    found, _ = transaction_discounts(D(200), D(200), (TEN_PCT_OVER_100, FIVE_OFF), SETTINGS)
    assert [d.amount for d in found] == [D("20.00"), D("5.00")]


def test_transaction_discounts_best_only() -> None:
    best = Settings(transaction_discount_mode="best")
    found, _ = transaction_discounts(D(40), D(200), (TEN_PCT_OVER_100, FIVE_OFF), best)
    assert [d.description for d in found] == ["5 off (5 off)"]


def test_transaction_amount_never_exceeds_the_eligible_net() -> None:
    big = TransactionDiscount("big", amount=D(500))
    found, _ = transaction_discounts(D(40), D(40), (big,), SETTINGS)
    assert found[0].amount == D(40)


# --- the whole pipeline ---------------------------------------------------------------------------


def test_order_of_application_line_manual_then_percents_then_transaction_then_manual() -> None:
    """100.00 line: manual 10% -> 90; customer 10% -> 81; card 5% (compound) -> 76.95;
    transaction 10% (min 50): 7.695 rounds half up to 7.70 -> 69.25; manual
    transaction 5.00 -> 64.25."""
    cust = customer(auto_discount_percent=D(10))
    account = CustomerAccount(
        transaction_discounts=(TransactionDiscount("Club 10%", percent=D(10), min_subtotal=D(50)),)
    )
    sale = price_sale(
        basket(
            line(1, item(price="100.00"), manual_discount=manual("10", percent="10")),
            manual_discount=manual("10", amount="5.00"),
        ),
        cust,
        card(discount_percent=D(5)),
        SETTINGS,
        NOON,
        account=account,
    )
    assert [(d.kind, d.amount) for d in sale.discounts] == [
        ("manual_line", D("10.00")),
        ("customer_auto", D("9.00")),
        ("card_type", D("4.05")),
        ("transaction_auto", D("7.70")),
        ("manual_transaction", D("5.00")),
    ]
    assert sale.lines[0].net == D("64.25")
    assert sale.totals.total == D("64.25")


def test_discount_ineligible_items_skip_automatic_discounts_but_take_manual() -> None:
    cust = customer(auto_discount_percent=D(10))
    account = CustomerAccount(transaction_discounts=(TransactionDiscount("5%", percent=D(5)),))
    fixed = item(2, "50.00", discount_eligible=False)
    sale = price_sale(
        basket(
            line(1, item(1, "100.00")),
            line(2, fixed, manual_discount=manual("20", percent="20")),
            manual_discount=manual("10", percent="10"),
        ),
        cust,
        card(discount_percent=D(5)),
        SETTINGS,
        NOON,
        account=account,
    )
    ineligible = sale.lines[1]
    kinds = [d.kind for d in sale.discounts if d.line_no == 2]
    assert kinds == ["manual_line"]
    assert "NOT_DISCOUNT_ELIGIBLE" in [r.code for r in ineligible.rules]
    # The automatic transaction discount went to line 1 only; the manual one to both.
    assert "TRANSACTION_DISCOUNT_SHARE" not in [r.code for r in ineligible.rules]
    assert "MANUAL_TRANSACTION_SHARE" in [r.code for r in ineligible.rules]


def test_transaction_discount_min_subtotal_counts_ineligible_lines() -> None:
    account = CustomerAccount(
        transaction_discounts=(
            TransactionDiscount("10% over 100", percent=D(10), min_subtotal=D(100)),
        )
    )
    sale = price_sale(
        basket(line(1, item(1, "60.00")), line(2, item(2, "60.00", discount_eligible=False))),
        customer(),
        None,
        SETTINGS,
        NOON,
        account=account,
    )
    assert sale.totals.discount_total == D("6.00")


def test_forced_customer_gets_no_automatic_card_or_transaction_discount() -> None:
    cust = customer(price_level=1, forced_price_level=True, auto_discount_percent=D(10))
    account = CustomerAccount(transaction_discounts=(TransactionDiscount("5%", percent=D(5)),))
    sale = price_sale(
        basket(
            line(1, item(price="100.00", price_level_1=D("90.00"))),
            manual_discount=manual("50", percent="5"),
        ),
        cust,
        card(discount_percent=D(5)),
        SETTINGS,
        NOON,
        account=account,
    )
    assert sale.totals.discount_total == 0
    codes = [r.code for r in sale.explanation]
    assert "FORCED_NO_AUTOMATIC_DISCOUNT" in codes and "FORCED_NO_TRANSACTION_DISCOUNT" in codes
    assert [r.code for r in sale.refusals] == ["FORCED_PRICE_LEVEL_NO_DISCOUNT"]


def test_forced_customer_manual_discount_when_allowed() -> None:
    cust = customer(price_level=1, forced_price_level=True)
    sale = price_sale(
        basket(
            line(
                1,
                item(price="100.00", price_level_1=D("90.00")),
                manual_discount=manual("50", percent="10"),
            )
        ),
        cust,
        None,
        Settings(forced_allows_manual_discounts=True),
        NOON,
    )
    assert sale.totals.discount_total == D("9.00")


def test_refused_manual_line_discount_leaves_the_price() -> None:
    sale = price_sale(
        basket(line(1, item(price="100.00"), manual_discount=manual("5", percent="50"))),
        None,
        None,
        SETTINGS,
        NOON,
    )
    assert sale.totals.total == D("100.00")
    assert sale.refusals[0].code == "DISCOUNT_NEEDS_SUPERVISOR"
    assert sale.refusals[0].line_no == 1


def test_transaction_discount_is_spread_exactly_over_lines() -> None:
    account = CustomerAccount(transaction_discounts=(TransactionDiscount("10 off", amount=D(10)),))
    sale = price_sale(
        basket(*(line(i, item(i, "3.33")) for i in range(1, 4))),
        customer(),
        None,
        SETTINGS,
        NOON,
        account=account,
    )
    assert [p.discount for p in sale.lines] == [D("3.33"), D("3.33"), D("3.33")]
    assert sale.totals.discount_total == D("9.99")  # capped at the eligible net
    assert sale.totals.total == 0


def test_sum_of_line_discounts_equals_sum_of_discount_records() -> None:
    account = CustomerAccount(transaction_discounts=(TransactionDiscount("7%", percent=D(7)),))
    sale = price_sale(
        basket(
            line(1, item(1, "19.99"), "3"),
            line(2, item(2, "0.99"), "7"),
            manual_discount=manual("10", percent="3"),
        ),
        customer(auto_discount_percent=D("2.5")),
        card(discount_percent=D(3)),
        SETTINGS,
        NOON,
        account=account,
    )
    assert sum(p.discount for p in sale.lines) == sum(d.amount for d in sale.discounts)
