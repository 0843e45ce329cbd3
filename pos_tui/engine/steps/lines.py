"""Steps 1-4, line by line: refuse what may not be sold, price the rest, take the manual line
discount. One line at a time (not one step at a time over all lines) so that the refusals come
out in basket order, each line's together."""

from __future__ import annotations

import dataclasses

from pos_tui.engine.models import AppliedDiscount, Refusal
from pos_tui.engine.steps.discounts import manual_line_discount
from pos_tui.engine.steps.levels import open_line
from pos_tui.engine.steps.restrictions import refused_line
from pos_tui.engine.steps.state import LineState, SaleInputs, SaleState


def price_lines(state: SaleState, sale: SaleInputs) -> SaleState:
    """Every basket line that may be sold, priced and manually discounted, onto ``state``."""
    lines: list[LineState] = []
    discounts: list[AppliedDiscount] = []
    refusals: list[Refusal] = []
    for basket_line in sale.basket.lines:
        refused = refused_line(basket_line, sale)
        if refused:
            refusals.extend(refused)  # left out of the sale: the rest is still priced
            continue
        done = manual_line_discount(open_line(basket_line, sale), sale)
        lines.append(done.line)
        refusals.extend(done.refusals)
        if done.discount is not None:
            discounts.append(done.discount)
    return dataclasses.replace(
        state,
        lines=state.lines + tuple(lines),
        discounts=state.discounts + tuple(discounts),
        refusals=state.refusals + tuple(refusals),
    )
