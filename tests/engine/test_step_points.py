"""Step 10 for a sale alone: the earning base, points and referral points."""

from __future__ import annotations

from decimal import Decimal as D

from pos_tui.engine import CustomerAccount, RedemptionRequest, Settings
from pos_tui.engine.steps.lines import price_lines
from pos_tui.engine.steps.points import earn_sale_points, earning_base
from pos_tui.engine.steps.redemption import redeem_points
from pos_tui.engine.steps.tax import tax_lines
from tests.engine.engine_factories import card, customer, inputs, item, line, run_steps

CARD = card(
    block_sale_value=D(100),
    points_awarded=D(2),
    points_to_convert=D(2),
    equivalent_currency=D(5),
    referral_points=D(1),
    referral_block_value=D(100),
)
LINES = (
    line(1, item(1, "100.00", tax_class_id=1)),
    line(2, item(2, "105.00", tax_class_id=2)),
    line(3, item(3, "50.00", points_eligible=False)),
)


def test_earning_base_is_the_eligible_net_less_removed_tax_with_exclusive_tax_if_set() -> None:
    sale = inputs(*LINES, customer=customer(tax_exempt=True))
    priced = run_steps(sale, price_lines, tax_lines).priced
    assert earning_base(priced, Settings()) == D("200.00")  # 100 + 105 - 5 removed
    sale = inputs(*LINES)
    priced = run_steps(sale, price_lines, tax_lines).priced
    assert earning_base(priced, Settings()) == D("205.00")
    assert earning_base(priced, Settings(points_include_exclusive_tax=True)) == D("215.00")


def test_a_customer_with_a_card_earns_and_their_link_customer_too() -> None:
    sale = inputs(*LINES, customer=customer(link_customer_id=3), card_type=CARD)
    state = run_steps(sale, price_lines, tax_lines, earn_sale_points)
    assert state.points is not None and state.points.points == D("4.1")
    assert state.referral is not None
    assert (state.referral.link_customer_id, state.referral.points) == (3, D("2.05"))
    assert [r.code for r in state.rules] == ["POINTS_BASE", "REFERRAL_POINTS"]


def test_no_points_on_the_part_paid_with_points_when_set() -> None:
    sale = inputs(
        *LINES,
        customer=customer(),
        card_type=CARD,
        settings=Settings(earn_on_redeemed=False),
        account=CustomerAccount(points_balance=D(40)),
        redemption=RedemptionRequest(D(40)),
    )
    state = run_steps(sale, price_lines, tax_lines, redeem_points, earn_sale_points)
    assert state.points is not None and state.points.base_value == D("105.00")  # 205 - 100
    less = next(r for r in state.rules if r.code == "POINTS_BASE_LESS_REDEEMED")
    assert less.amount == D("-100.00")


def test_no_points_for_a_walk_in_a_customer_without_card_or_a_return() -> None:
    for sale in (
        inputs(*LINES, card_type=CARD),
        inputs(*LINES, customer=customer()),
        inputs(*LINES, customer=customer(), card_type=CARD, kind="return"),
    ):
        state = run_steps(sale, price_lines, tax_lines)
        assert earn_sale_points(state, sale) is state
