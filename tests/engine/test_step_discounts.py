"""Steps 4-7 alone: manual line discount, customer and card %, automatic and manual
transaction discounts, and how a whole-sale discount is spread over the lines."""

from __future__ import annotations

from decimal import Decimal as D

from pos_tui.engine import CustomerAccount, Settings, TransactionDiscount
from pos_tui.engine.discounts import Discount
from pos_tui.engine.steps.discounts import (
    automatic_transaction_discounts,
    customer_and_card_percent,
    manual_line_discount,
    manual_transaction_discount,
    spread,
)
from pos_tui.engine.steps.levels import open_line
from pos_tui.engine.steps.lines import price_lines
from tests.engine.engine_factories import card, customer, inputs, item, line, manual, run_steps

FORCED = customer(price_level=1, forced_price_level=True, auto_discount_percent=D(10))


# --- step 4 -------------------------------------------------------------------------------------


def test_manual_line_discount_takes_its_amount_with_its_rule() -> None:
    sale = inputs()
    done = manual_line_discount(
        open_line(line(2, item(1, "80.00"), manual_discount=manual("10", percent="10")), sale),
        sale,
    )
    assert done.line.left == D("72.00") and done.refusals == ()
    assert done.line.rules[-1].code == "MANUAL_LINE_DISCOUNT"
    assert done.discount is not None
    assert (done.discount.kind, done.discount.amount, done.discount.line_no) == (
        "manual_line",
        D("8.00"),
        2,
    )


def test_manual_line_discount_refused_leaves_the_price_and_says_why() -> None:
    sale = inputs(customer=FORCED)
    levelled = item(1, "80.00", price_level_1=D("70.00"))
    asked = open_line(line(1, levelled, manual_discount=manual(percent="5")), sale)
    done = manual_line_discount(asked, sale)
    assert done.line.left == D("70.00") and done.discount is None
    assert [r.code for r in done.refusals] == ["FORCED_PRICE_LEVEL_NO_DISCOUNT"]


def test_no_manual_line_discount_no_change() -> None:
    sale = inputs()
    opened = open_line(line(1, item()), sale)
    assert manual_line_discount(opened, sale) == (opened, None, ())


# --- step 5 -------------------------------------------------------------------------------------


def test_customer_then_card_percent_on_eligible_lines_only() -> None:
    sale = inputs(
        line(1, item(1, "100.00")),
        line(2, item(2, "50.00", name="Stamps", discount_eligible=False)),
        customer=customer(auto_discount_percent=D(10)),
        card_type=card(discount_percent=D(5)),
    )
    state = run_steps(sale, price_lines, customer_and_card_percent)
    assert [w.left for w in state.lines] == [D("85.50"), D("50.00")]
    assert [(d.kind, d.amount) for d in state.discounts] == [
        ("customer_auto", D("10.00")),
        ("card_type", D("4.50")),
    ]
    assert [r.code for r in state.lines[1].rules][-1] == "NOT_DISCOUNT_ELIGIBLE"
    assert [r.code for r in state.lines[0].rules][-2:] == [
        "CUSTOMER_AUTO_DISCOUNT",
        "CARD_TYPE_DISCOUNT",
    ]


def test_no_percents_no_change_and_forced_level_is_explained() -> None:
    plain = inputs(line(1, item()))
    state = run_steps(plain, price_lines)
    assert customer_and_card_percent(state, plain) is state
    forced = inputs(line(1, item()), customer=FORCED)
    state = run_steps(forced, price_lines)
    after = customer_and_card_percent(state, forced)
    assert after.lines == state.lines and after.discounts == ()
    assert [r.code for r in after.rules] == ["FORCED_NO_AUTOMATIC_DISCOUNT"]


# --- step 6 -------------------------------------------------------------------------------------


def test_automatic_transaction_discount_spreads_over_the_eligible_lines() -> None:
    account = CustomerAccount(
        transaction_discounts=(
            TransactionDiscount("Club", amount=D(3)),
            TransactionDiscount("Big spender", percent=D(10), min_subtotal=D(1000)),
        )
    )
    sale = inputs(
        line(1, item(1, "20.00")),
        line(2, item(2, "10.00")),
        line(3, item(3, "30.00", discount_eligible=False)),
        customer=customer(),
        account=account,
    )
    state = run_steps(sale, price_lines, automatic_transaction_discounts)
    assert [w.left for w in state.lines] == [D("18.00"), D("9.00"), D("30.00")]
    assert [r.code for r in state.rules] == [
        "TRANSACTION_DISCOUNT_NOT_REACHED",
        "TRANSACTION_DISCOUNT",
    ]
    assert [(d.kind, d.amount, d.line_no) for d in state.discounts] == [
        ("transaction_auto", D("3.00"), None)
    ]
    assert state.lines[0].rules[-1].code == "TRANSACTION_DISCOUNT_SHARE"


def test_automatic_transaction_discounts_need_a_customer_and_no_forced_level() -> None:
    account = CustomerAccount(transaction_discounts=(TransactionDiscount("Club", amount=D(3)),))
    walk_in = inputs(line(1, item()), account=account)
    state = run_steps(walk_in, price_lines)
    assert automatic_transaction_discounts(state, walk_in) is state
    forced = inputs(line(1, item()), customer=FORCED, account=account)
    after = run_steps(forced, price_lines, automatic_transaction_discounts)
    assert [r.code for r in after.rules] == ["FORCED_NO_TRANSACTION_DISCOUNT"]
    assert after.discounts == ()


# --- step 7 -------------------------------------------------------------------------------------


def test_manual_transaction_discount_on_every_line() -> None:
    sale = inputs(
        line(1, item(1, "60.00")),
        line(2, item(2, "40.00", discount_eligible=False)),
        manual_discount=manual("10", amount="10.00"),
    )
    state = run_steps(sale, price_lines, manual_transaction_discount)
    assert [w.left for w in state.lines] == [D("54.00"), D("36.00")]
    assert [r.code for r in state.rules] == ["MANUAL_TRANSACTION_DISCOUNT"]
    assert {w.rules[-1].code for w in state.lines} == {"MANUAL_TRANSACTION_SHARE"}


def test_manual_transaction_discount_refused_moves_no_money() -> None:
    sale = inputs(line(1, item(1, "60.00")), manual_discount=manual("5", percent="50"))
    state = run_steps(sale, price_lines, manual_transaction_discount)
    assert [r.code for r in state.refusals] == ["DISCOUNT_NEEDS_SUPERVISOR"]
    assert state.discounts == () and state.lines[0].left == D("60.00")
    assert manual_transaction_discount(state, inputs(line(1, item()))) is state


# --- spreading ----------------------------------------------------------------------------------


def test_spread_is_exact_and_only_touches_the_given_lines() -> None:
    sale = inputs(line(1, item(1, "10.00")), line(2, item(2, "10.00")), line(3, item(3, "10.00")))
    state = run_steps(sale, price_lines)
    after = spread(state, Discount("x", "Ten off", D("10.00")), [0, 2], "SHARE", sale)
    assert [w.left for w in after.lines] == [D("5.00"), D("10.00"), D("5.00")]
    odd = spread(state, Discount("x", "One off", D("1.00")), [0, 1, 2], "SHARE", sale)
    assert sum(w.gross - w.left for w in odd.lines) == D("1.00")
    assert [w.left for w in odd.lines] == [D("9.66"), D("9.67"), D("9.67")]
    assert odd.lines[0].rules[-1].description == "Share of One off"


def test_spread_in_whole_units_without_a_minor_unit() -> None:
    sale = inputs(line(1, item(1, "10")), line(2, item(2, "10")), settings=Settings(minor_unit=0))
    state = run_steps(sale, price_lines)
    after = spread(state, Discount("x", "Three off", D(3)), [0, 1], "SHARE", sale)
    assert sorted(w.gross - w.left for w in after.lines) == [D(1), D(2)]
