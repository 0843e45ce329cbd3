"""The last step alone: totals and the explanation's order."""

from __future__ import annotations

from decimal import Decimal as D

from pos_tui.engine import CustomerAccount, RedemptionRequest
from pos_tui.engine.steps.discounts import manual_transaction_discount
from pos_tui.engine.steps.lines import price_lines
from pos_tui.engine.steps.redemption import redeem_points
from pos_tui.engine.steps.tax import tax_lines
from pos_tui.engine.steps.totals import priced_sale, sale_totals
from tests.engine.engine_factories import card, customer, inputs, item, line, manual, run_steps


def test_totals_are_the_sums_of_the_lines_less_what_points_paid() -> None:
    sale = inputs(
        line(1, item(1, "100.00", tax_class_id=1)),
        line(2, item(2, "105.00", tax_class_id=2)),
        manual_discount=manual("10", amount="5.00"),
        customer=customer(),
        card_type=card(points_to_convert=D(1), equivalent_currency=D(1)),
        account=CustomerAccount(points_balance=D(20)),
        redemption=RedemptionRequest(D(20)),
    )
    state = run_steps(sale, price_lines, manual_transaction_discount, tax_lines, redeem_points)
    t = sale_totals(state, sale)
    assert (t.subtotal, t.discount_total, t.net_total) == (D("205.00"), D("5.00"), D("200.00"))
    assert (t.exclusive_tax_total, t.inclusive_tax_total, t.tax_total) == (
        D("9.76"),
        D("4.88"),
        D("14.64"),
    )
    assert (t.total, t.redeemed, t.amount_due) == (D("209.76"), D("20.00"), D("189.76"))


def test_an_empty_sale_prints_zeros_in_the_minor_unit() -> None:
    sale = inputs()
    totals = sale_totals(run_steps(sale, price_lines, tax_lines), sale)
    assert {str(v) for v in (totals.subtotal, totals.total, totals.amount_due)} == {"0.00"}


def test_the_explanation_is_line_rules_in_line_order_then_sale_rules() -> None:
    sale = inputs(
        line(2, item(2, "10.00")),
        line(1, item(1, "20.00")),
        manual_discount=manual("10", amount="3.00"),
        customer=customer(),
    )
    state = run_steps(sale, price_lines, manual_transaction_discount, tax_lines)
    result = priced_sale(state, sale)
    assert [(r.code, r.line_no) for r in result.explanation] == [
        ("PRICE_REGULAR", 2),
        ("MANUAL_TRANSACTION_SHARE", 2),
        ("PRICE_REGULAR", 1),
        ("MANUAL_TRANSACTION_SHARE", 1),
        ("MANUAL_TRANSACTION_DISCOUNT", None),
    ]
    assert (result.customer_id, result.card_type_id, result.kind) == (7, None, "sale")
    assert result.lines == state.priced and result.discounts == state.discounts
