"""The last step: the priced sale, with its totals and its explanation."""

from __future__ import annotations

from itertools import chain

from pos_tui.engine.models import PricedSale, Totals
from pos_tui.engine.money import ZERO
from pos_tui.engine.steps.state import SaleInputs, SaleState


def sale_totals(state: SaleState, sale: SaleInputs) -> Totals:
    """The sums of the priced lines, the redemption and the amount due."""
    lines, money = state.priced, sale.money
    # The lines' amounts are minor-unit amounts already; money() only fixes the exponent, so
    # that an empty sum prints "0.00" like every other amount.
    exclusive = sum((p.exclusive_tax for p in lines), ZERO)
    inclusive = sum((p.inclusive_tax for p in lines), ZERO)
    return Totals(
        subtotal=money(sum((p.gross for p in lines), ZERO)),
        discount_total=money(sum((p.discount for p in lines), ZERO)),
        net_total=money(sum((p.net for p in lines), ZERO)),
        exempt_reduction_total=money(sum((p.exempt_reduction for p in lines), ZERO)),
        exclusive_tax_total=money(exclusive),
        inclusive_tax_total=money(inclusive),
        tax_total=money(exclusive + inclusive),
        total=money(state.total),
        redeemed=money(state.redeemed),
        amount_due=money(state.amount_due),
    )


def priced_sale(state: SaleState, sale: SaleInputs) -> PricedSale:
    """Everything the steps found, as the engine's answer. The explanation is every line's
    rules in line order, then the sale-wide rules in the order they were applied."""
    customer, card_type = sale.customer, sale.card_type
    return PricedSale(
        kind=sale.basket.kind,
        moment=sale.moment,
        customer_id=customer.id if customer is not None else None,
        card_type_id=card_type.id if card_type is not None else None,
        lines=state.priced,
        discounts=state.discounts,
        taxes=state.taxes,
        totals=sale_totals(state, sale),
        points=state.points,
        referral=state.referral,
        redemption=state.redemption,
        charge=state.charge,
        refusals=state.refusals,
        explanation=(*chain.from_iterable(p.rules for p in state.priced), *state.rules),
    )
