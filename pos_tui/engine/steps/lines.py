"""Steps 1-4, line by line: refuse what may not be sold, price the rest, take the manual line
discount. One line at a time (not one step at a time over all lines) so that the refusals come
out in basket order, each line's together."""

from __future__ import annotations

import dataclasses
from typing import NamedTuple

from pos_tui.engine.models import AppliedDiscount, BasketLine, Refusal
from pos_tui.engine.steps.discounts import manual_line_discount
from pos_tui.engine.steps.levels import open_line
from pos_tui.engine.steps.restrictions import refused_line
from pos_tui.engine.steps.state import LineState, SaleInputs, SaleState


class LineWork(NamedTuple):
    """Steps 1-4 on one basket line: the line priced and manually discounted (None: refused,
    left out of the sale), the manual discount given and the line's refusals."""

    line: LineState | None
    discount: AppliedDiscount | None
    refusals: tuple[Refusal, ...]


def line_work(basket_line: BasketLine, sale: SaleInputs) -> LineWork:
    """Steps 1-4 on ``basket_line``: a function of the line and of what :func:`line_inputs`
    names of the sale, nothing else (the incremental pricer keeps it per line)."""
    refused = refused_line(basket_line, sale)
    if refused:
        return LineWork(None, None, refused)  # left out of the sale: the rest is still priced
    done = manual_line_discount(open_line(basket_line, sale), sale)
    return LineWork(done.line, done.discount, done.refusals)


def line_inputs(sale: SaleInputs) -> tuple[object, ...]:
    """Everything of ``sale`` but its lines that steps 1-5 read for a line (restrictions, unit
    price, promotion, manual and percent discounts): two sales with equal keys price a basket
    line alike. Keep it in step with those steps (tests/engine/test_incremental.py)."""
    return (
        sale.basket.kind,
        sale.customer,
        sale.card_type,
        sale.price_list,
        sale.settings,
        sale.day,
    )


def price_lines(state: SaleState, sale: SaleInputs) -> SaleState:
    """Every basket line that may be sold, priced and manually discounted, onto ``state``."""
    lines: list[LineState] = []
    discounts: list[AppliedDiscount] = []
    refusals: list[Refusal] = []
    for basket_line in sale.basket.lines:
        done = line_work(basket_line, sale)
        refusals.extend(done.refusals)
        if done.line is None:
            continue
        lines.append(done.line)
        if done.discount is not None:
            discounts.append(done.discount)
    return dataclasses.replace(
        state,
        lines=state.lines + tuple(lines),
        discounts=state.discounts + tuple(discounts),
        refusals=state.refusals + tuple(refusals),
    )
