"""Step 11: the check of a receivable tender - charge to account, cash withdrawal or payment
(:func:`pos_tui.engine.credit.check_charge`), for the amount due unless one is given."""

from __future__ import annotations

import dataclasses

from pos_tui.engine.credit import check_charge
from pos_tui.engine.models import Refusal
from pos_tui.engine.steps.state import SaleInputs, SaleState


def check_receivable(state: SaleState, sale: SaleInputs) -> SaleState:
    """Decide the charge request, if any; its refusals join the sale's."""
    request = sale.charge
    if request is None:
        return state
    customer = sale.customer
    if customer is None:
        return state.refuse(
            Refusal("CHARGE_NO_CUSTOMER", "Charging to an account needs a customer")
        )
    amount = request.amount if request.amount is not None else state.amount_due
    decision = check_charge(customer, sale.account, request, amount, sale.settings, sale.day)
    state = state.refuse(*decision.refusals).explain(*decision.rules)
    return dataclasses.replace(state, charge=decision)
