"""Step 10 for a return alone: the original sale's points taken back."""

from __future__ import annotations

from decimal import Decimal as D
from typing import Any

from pos_tui.engine import ReturnOf
from pos_tui.engine.steps.lines import price_lines
from pos_tui.engine.steps.return_points import reverse_referral, reverse_return_points
from pos_tui.engine.steps.state import SaleInputs, SaleState
from pos_tui.engine.steps.tax import tax_lines
from tests.engine.engine_factories import card, customer, inputs, item, line, run_steps

ORIGINAL = ReturnOf(points_earned=D(8), points_base=D("400.00"), referral_points=D(4))


def _returned(price: str, **kw: Any) -> tuple[SaleInputs, SaleState]:
    sale = inputs(line(1, item(1, price)), kind="return", card_type=card(), **kw)
    return sale, run_steps(sale, price_lines, tax_lines)


def test_a_part_returned_takes_back_that_part_of_the_points_and_referral() -> None:
    sale, state = _returned("100.00", customer=customer(link_customer_id=3), return_of=ORIGINAL)
    after = reverse_return_points(state, sale)
    assert after.points is not None and after.points.points == D(-2)
    assert after.referral is not None
    assert (after.referral.link_customer_id, after.referral.points) == (3, D(-1))
    assert [r.code for r in after.rules] == ["POINTS_REVERSED", "REFERRAL_REVERSED"]


def test_all_returned_takes_back_exactly_what_was_earned() -> None:
    sale, state = _returned("400.00", customer=customer(), return_of=ORIGINAL)
    after = reverse_return_points(state, sale)
    assert after.points is not None and after.points.points == D(-8)
    assert after.referral is None  # no link customer now: nothing to take from


def test_a_return_without_its_original_sale_moves_no_points() -> None:
    sale, state = _returned("100.00", customer=customer())
    after = reverse_return_points(state, sale)
    assert after.points is None
    assert [r.code for r in after.rules] == ["POINTS_RETURN_UNLINKED"]


def test_sales_walk_ins_and_customers_without_a_card_are_left_alone() -> None:
    for sale in (
        inputs(line(1, item()), customer=customer(), card_type=card(), return_of=ORIGINAL),
        inputs(line(1, item()), kind="return", card_type=card(), return_of=ORIGINAL),
        inputs(line(1, item()), kind="return", customer=customer(), return_of=ORIGINAL),
    ):
        state = run_steps(sale, price_lines, tax_lines)
        assert reverse_return_points(state, sale) is state


def test_no_referral_to_reverse_without_referral_points() -> None:
    none_given = ReturnOf(points_earned=D(8), points_base=D(400))
    assert (
        reverse_referral(customer(link_customer_id=3), none_given, D(100), inputs().settings)
        is None
    )
