"""Step 9: paying part of the sale with points (:mod:`pos_tui.engine.redemption`).

Redemption is a tender: it comes off the amount due after tax, never off the tax itself.
"""

from __future__ import annotations

import dataclasses

from pos_tui.engine.models import Refusal
from pos_tui.engine.redemption import redeem
from pos_tui.engine.steps.state import SaleInputs, SaleState


def redeem_points(state: SaleState, sale: SaleInputs) -> SaleState:
    """Redeem the points asked for, within the balance and the sale's total."""
    request = sale.redemption
    if request is None:
        return state
    if not sale.is_sale:
        return state.refuse(
            Refusal("REDEMPTION_ON_RETURN", "Points cannot be redeemed on a return")
        )
    if sale.customer is None:
        return state.refuse(Refusal("REDEMPTION_NO_CUSTOMER", "Points need a customer"))
    result = redeem(
        sale.card_type, sale.account.points_balance, state.total, request, sale.settings
    )
    state = state.refuse(*result.refusals).explain(*result.rules)
    return dataclasses.replace(state, redemption=result)
