"""Step 9 alone: paying with points."""

from __future__ import annotations

from decimal import Decimal as D
from typing import Any

from pos_tui.engine import CustomerAccount, RedemptionRequest
from pos_tui.engine.steps.lines import price_lines
from pos_tui.engine.steps.redemption import redeem_points
from pos_tui.engine.steps.state import SaleInputs, SaleState
from pos_tui.engine.steps.tax import tax_lines
from tests.engine.engine_factories import card, customer, inputs, item, line, run_steps

CARD = card(points_to_convert=D(2), equivalent_currency=D(5))
ASK = RedemptionRequest(D(10))


def _priced(**kw: Any) -> tuple[SaleInputs, SaleState]:
    sale = inputs(line(1, item(1, "100.00", tax_class_id=1)), **kw)
    return sale, run_steps(sale, price_lines, tax_lines)


def test_points_pay_part_of_the_total_after_tax() -> None:
    sale, state = _priced(
        customer=customer(),
        card_type=CARD,
        account=CustomerAccount(points_balance=D(50)),
        redemption=ASK,
    )
    after = redeem_points(state, sale)
    assert after.redemption is not None and after.redemption.points_used == D(10)
    assert (after.redeemed, after.amount_due) == (D("25.00"), D("85.00"))
    assert after.rules[-1].code == "REDEMPTION"
    assert after.priced == state.priced  # a tender: the lines and their tax stay


def test_never_on_a_return_nor_without_a_customer() -> None:
    sale, state = _priced(customer=customer(), card_type=CARD, redemption=ASK, kind="return")
    assert [r.code for r in redeem_points(state, sale).refusals] == ["REDEMPTION_ON_RETURN"]
    sale, state = _priced(redemption=ASK)
    after = redeem_points(state, sale)
    assert [r.code for r in after.refusals] == ["REDEMPTION_NO_CUSTOMER"]
    assert after.redemption is None and after.redeemed == 0


def test_refusals_of_the_redemption_join_the_sale() -> None:
    sale, state = _priced(customer=customer(), card_type=card(), redemption=ASK)
    after = redeem_points(state, sale)
    assert [r.code for r in after.refusals] == ["REDEMPTION_NOT_AVAILABLE"]
    assert after.redeemed == 0


def test_no_request_no_change() -> None:
    sale, state = _priced(customer=customer(), card_type=CARD)
    assert redeem_points(state, sale) is state
