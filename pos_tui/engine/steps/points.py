"""Step 10 for a sale: the points it earns the customer and their link (referring) customer
(:mod:`pos_tui.engine.loyalty`). A return's points are :mod:`.return_points`.

The earning base is the net of the points-eligible lines, less any exempt-removed inclusive
tax, plus exclusive tax with ``Settings.points_include_exclusive_tax``; the part paid with
points comes off it when ``Settings.earn_on_redeemed`` is False.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from decimal import Decimal

from pos_tui.engine.loyalty import earn_points, referral_points
from pos_tui.engine.models import PricedLine, Rule
from pos_tui.engine.money import ZERO
from pos_tui.engine.settings import Settings
from pos_tui.engine.steps.state import SaleInputs, SaleState


def earning_base(lines: Iterable[PricedLine], settings: Settings) -> Decimal:
    """What the points-eligible ``lines`` are worth for points."""
    with_tax = settings.points_include_exclusive_tax
    return sum(
        (
            p.net - p.exempt_reduction + (p.exclusive_tax if with_tax else ZERO)
            for p in lines
            if p.points_eligible
        ),
        ZERO,
    )


def earn_sale_points(state: SaleState, sale: SaleInputs) -> SaleState:
    """The sale's points and referral points (a customer with a card type only)."""
    customer, card_type, settings = sale.customer, sale.card_type, sale.settings
    if not sale.is_sale or customer is None or card_type is None:
        return state
    base = earning_base(state.priced, settings)
    redeemed = state.redeemed
    if not settings.earn_on_redeemed and redeemed:
        state = state.explain(
            Rule(
                "POINTS_BASE_LESS_REDEEMED",
                f"No points on the {redeemed} paid with points",
                amount=-min(redeemed, base),
            )
        )
        base = max(ZERO, base - redeemed)
    points = earn_points(card_type, customer, base, sale.moment, settings)
    referral = referral_points(card_type, customer, base, settings)
    state = state.explain(*points.rules)
    if referral is not None:
        state = state.explain(*referral.rules)
    return dataclasses.replace(state, points=points, referral=referral)
