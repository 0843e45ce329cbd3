"""Steps 2-3: a line's unit price - price levels, then promotions (:mod:`pos_tui.engine.pricing`)
- and its gross, the unit price times the quantity rounded to the minor unit."""

from __future__ import annotations

from pos_tui.engine.models import BasketLine
from pos_tui.engine.pricing import level_price, promotion
from pos_tui.engine.steps.state import LineState, SaleInputs


def open_line(line: BasketLine, sale: SaleInputs) -> LineState:
    """``line`` priced at its unit price, with nothing discounted yet."""
    price = level_price(
        line.item,
        sale.customer,
        sale.price_list,
        line_no=line.line_no,
        price_override=line.price_override,
    )
    price = promotion(price, line.item, sale.settings, sale.day, line_no=line.line_no)
    gross = sale.money(price.price * line.quantity)
    return LineState(line, price, gross, gross, price.rules)
