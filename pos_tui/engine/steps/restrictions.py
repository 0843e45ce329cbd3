"""Step 1: who and what may not be sold - an inactive customer, inactive items and sub-groups
restricted for the card type (:mod:`pos_tui.engine.restrictions`)."""

from __future__ import annotations

from pos_tui.engine.models import BasketLine, Refusal
from pos_tui.engine.restrictions import line_refusals
from pos_tui.engine.steps.state import SaleInputs, SaleState


def refuse_inactive_customer(state: SaleState, sale: SaleInputs) -> SaleState:
    """An inactive customer is refused; the sale is still priced so the screen can show it."""
    customer = sale.customer
    if customer is None or customer.active:
        return state
    return state.refuse(Refusal("CUSTOMER_INACTIVE", f"{customer.display_name} is inactive"))


def refused_line(line: BasketLine, sale: SaleInputs) -> tuple[Refusal, ...]:
    """Why ``line`` may not be sold (empty: it may). Returns are never refused: taking goods
    back is always allowed."""
    if not sale.is_sale:
        return ()
    return tuple(line_refusals(line.item, sale.card_type, line.line_no))
