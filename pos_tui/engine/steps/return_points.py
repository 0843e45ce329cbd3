"""Step 10 for a return: take back the points the original sale earned, in proportion to the
part of its earning base returned (:func:`pos_tui.engine.loyalty.reverse_earned`).

Kept apart from everything else a return shares with a sale, so that a module pricing returns
from the original sale's lines can take this over (or drop it) without touching the sale
steps.
"""

from __future__ import annotations

import dataclasses
from decimal import Decimal

from pos_tui.engine.loyalty import reverse_earned, reverse_points
from pos_tui.engine.models import Customer, ReferralPoints, ReturnOf, Rule
from pos_tui.engine.settings import Settings
from pos_tui.engine.steps.points import earning_base
from pos_tui.engine.steps.state import SaleInputs, SaleState


def reverse_return_points(state: SaleState, sale: SaleInputs) -> SaleState:
    """A return's (negative) points and referral points; none without its original sale."""
    customer, settings = sale.customer, sale.settings
    if sale.is_sale or customer is None or sale.card_type is None:
        return state
    original = sale.basket.return_of
    if original is None:
        return state.explain(
            Rule("POINTS_RETURN_UNLINKED", "Return without its original sale: no points")
        )
    base = earning_base(state.priced, settings)
    points = reverse_earned(original, base, settings)
    referral = reverse_referral(customer, original, base, settings)
    state = state.explain(*points.rules)
    if referral is not None:
        state = state.explain(*referral.rules)
    return dataclasses.replace(state, points=points, referral=referral)


def reverse_referral(
    customer: Customer, original: ReturnOf, base: Decimal, settings: Settings
) -> ReferralPoints | None:
    """The link customer's referral points taken back (None: there were none to take)."""
    if customer.link_customer_id is None or not original.referral_points:
        return None
    back = reverse_points(original.referral_points, original.points_base, base, settings)
    rule = Rule(
        "REFERRAL_REVERSED",
        f"Return reverses {-back} referral points of link customer {customer.link_customer_id}",
        points=back,
    )
    return ReferralPoints(customer.link_customer_id, back, base, (rule,))
