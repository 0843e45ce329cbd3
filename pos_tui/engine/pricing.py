"""The unit price of a line, before any discount.

Resolution order (first match wins), documented in ``docs/engine.md``; steps 1-5 are
:func:`level_price`, the promotion after them :func:`promotion`:

1. ``price_override`` on the line (an explicit price, e.g. a return at the price paid).
2. Forced price level (Quasar): a customer with ``forced_price_level`` and a level 1-4 always
   pays the level price; promotions and price lists are ignored. Forcing only works with the
   four levels: with level 0 (regular) the flag is ignored and an explanation says so.
3. The customer's default price list (FusionRetail) when it has a price for the item. A list
   price wins over a price level because it is the more specific, per-item agreement.
4. The customer's price level 1-4 (OpSuite A/B/C = 1/2/3); a level the item has no price for
   (NULL) falls back to the regular price.
5. The regular price.

Then, for a customer who is not forced, the item's promotional price applies inside its date
window (inclusive; an open end is unbounded) - only when lower than the price found above unless
``Settings.promo_best_price`` is False.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from pos_tui.engine.models import Customer, Item, PriceList, Rule
from pos_tui.engine.settings import Settings

LEVEL_LETTERS = {1: "A", 2: "B", 3: "C", 4: "4"}


@dataclass(frozen=True, slots=True)
class UnitPrice:
    """The chosen unit price, where it came from (``sale_lines.price_source``) and why."""

    price: Decimal
    source: str
    forced: bool
    rules: tuple[Rule, ...]


def is_forced(customer: Customer | None) -> bool:
    """A forced price level only counts with a level 1-4 (Quasar: not with the regular price)."""
    return customer is not None and customer.forced_price_level and customer.price_level > 0


def promo_active(item: Item, on: dt.date) -> bool:
    """Whether the item's promotional price is in its (inclusive) date window on ``on``."""
    if item.promo_price is None:
        return False
    if item.promo_start is not None and on < item.promo_start:
        return False
    return not (item.promo_end is not None and on > item.promo_end)


def unit_price(
    item: Item,
    customer: Customer | None,
    price_list: PriceList | None,
    settings: Settings,
    on: dt.date,
    *,
    line_no: int | None = None,
    price_override: Decimal | None = None,
) -> UnitPrice:
    """Resolve the unit price of ``item`` for ``customer`` on day ``on`` (see module doc):
    the :func:`level_price`, then the :func:`promotion` if one applies."""
    price = level_price(item, customer, price_list, line_no=line_no, price_override=price_override)
    return promotion(price, item, settings, on, line_no=line_no)


def level_price(
    item: Item,
    customer: Customer | None,
    price_list: PriceList | None,
    *,
    line_no: int | None = None,
    price_override: Decimal | None = None,
) -> UnitPrice:
    """The price before promotions: override, forced level, price list, level or regular."""
    rules: list[Rule] = []

    def note(code: str, text: str, amount: Decimal | None = None) -> None:
        rules.append(Rule(code, text, amount=amount, line_no=line_no))

    if price_override is not None:
        note("PRICE_OVERRIDE", f"Explicit unit price {price_override}", price_override)
        return UnitPrice(price_override, "override", False, tuple(rules))

    forced = is_forced(customer)
    level = customer.price_level if customer is not None else 0
    if customer is not None and customer.forced_price_level and level == 0:
        note(
            "FORCED_LEVEL_IGNORED",
            "Forced price level is ignored: it only works with price levels 1-4, not regular",
        )

    price = item.regular_price
    source = "regular"
    list_price = None
    if price_list is not None and not forced:
        list_price = price_list.prices.get(item.id)
    if list_price is not None:
        price, source = list_price, f"price_list:{price_list.code}" if price_list else "price_list"
        note(
            "PRICE_LIST",
            f"Price list {price_list.name if price_list else ''}: {list_price} "
            "(a price list price wins over a price level)",
            list_price,
        )
    elif level > 0:
        at_level = item.level_price(level)
        letter = LEVEL_LETTERS[level]
        if at_level is not None:
            price, source = at_level, f"level_{level}"
            note("PRICE_LEVEL", f"Price level {level} ({letter}): {at_level}", at_level)
        else:
            note(
                "PRICE_LEVEL_FALLBACK",
                f"Item has no price level {level} ({letter}) price: regular price "
                f"{item.regular_price}",
                item.regular_price,
            )
    else:
        note("PRICE_REGULAR", f"Regular price {item.regular_price}", item.regular_price)

    if forced:
        note("FORCED_PRICE_LEVEL", f"Forced price level {level}: no promotions or reductions")
    return UnitPrice(price, source, forced, tuple(rules))


def promotion(
    price: UnitPrice, item: Item, settings: Settings, on: dt.date, *, line_no: int | None = None
) -> UnitPrice:
    """``price`` after the item's promotional price, if it applies on ``on``.

    Never for an explicit override (the price was set by hand) nor a forced price level; only
    when lower than ``price`` unless ``Settings.promo_best_price`` is False.
    """
    if price.source == "override" or price.forced or not promo_active(item, on):
        return price
    promo = item.promo_price
    assert promo is not None  # promo_active checked it
    if promo < price.price or not settings.promo_best_price:
        window = f"{item.promo_start or '...'} to {item.promo_end or '...'}"
        rule = Rule("PROMO_PRICE", f"Promotional price {promo} ({window})", promo, line_no=line_no)
        return UnitPrice(promo, "promo", False, (*price.rules, rule))
    rule = Rule(
        "PROMO_NOT_BETTER",
        f"Promotional price {promo} is not lower than {price.price}: not used",
        line_no=line_no,
    )
    return UnitPrice(price.price, price.source, False, (*price.rules, rule))
