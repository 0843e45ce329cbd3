"""Step 11 alone: the check of a receivable tender."""

from __future__ import annotations

from decimal import Decimal as D
from typing import Any

from pos_tui.engine import ChargeRequest, CustomerAccount, RedemptionRequest
from pos_tui.engine.steps.lines import price_lines
from pos_tui.engine.steps.receivable import check_receivable
from pos_tui.engine.steps.redemption import redeem_points
from pos_tui.engine.steps.state import SaleInputs, SaleState
from pos_tui.engine.steps.tax import tax_lines
from tests.engine.engine_factories import card, customer, inputs, item, line, run_steps

ON_ACCOUNT = customer(ar_enabled=True, allow_charge=True, credit_limit=D(500))


def _priced(**kw: Any) -> tuple[SaleInputs, SaleState]:
    sale = inputs(line(1, item(1, "100.00", tax_class_id=1)), **kw)
    return sale, run_steps(sale, price_lines, tax_lines)


def test_the_charge_is_the_amount_due_after_redemption_unless_given() -> None:
    sale, state = _priced(
        customer=ON_ACCOUNT,
        card_type=card(points_to_convert=D(1), equivalent_currency=D(1)),
        account=CustomerAccount(points_balance=D(10)),
        redemption=RedemptionRequest(D(10)),
        charge=ChargeRequest(),
    )
    after = run_steps(sale, redeem_points, check_receivable, state=state)
    assert after.charge is not None and after.charge.allowed
    assert after.charge.amount == D("100.00")  # 110.00 - 10.00 paid with points
    assert after.rules[-1].code == "RECEIVABLE_CHARGE"
    sale, state = _priced(customer=ON_ACCOUNT, charge=ChargeRequest(amount=D(30)))
    assert check_receivable(state, sale).charge.amount == D(30)  # type: ignore[union-attr]


def test_its_refusals_join_the_sale() -> None:
    sale, state = _priced(customer=ON_ACCOUNT, charge=ChargeRequest(amount=D(600)))
    after = check_receivable(state, sale)
    assert after.charge is not None and not after.charge.allowed
    assert [r.code for r in after.refusals] == ["CREDIT_LIMIT"]


def test_a_walk_in_cannot_charge_and_no_request_changes_nothing() -> None:
    sale, state = _priced(charge=ChargeRequest())
    after = check_receivable(state, sale)
    assert [r.code for r in after.refusals] == ["CHARGE_NO_CUSTOMER"] and after.charge is None
    sale, state = _priced(customer=ON_ACCOUNT)
    assert check_receivable(state, sale) is state
