"""A cart priced by the engine: the cart's lines and discounts as the engine's basket, with
the customer, card type, settings and tax classes read for it (the engine is pure: it is given
everything it prices from).

A checkout prices its cart after every change through one :class:`CartPricer`, which re-prices
only what the change affects: each cart line's basket line is kept while the line and its item
are the same, and the engine's :class:`~pos_tui.engine.SalePricer` keeps each line's work while
the line and what it depends on (customer, card type, price list, settings, date) are equal.
The result is always what a full :func:`~pos_tui.engine.price_sale` of the same sale gives
(tests/services/test_incremental_pricing.py).
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from pos_tui import engine
from pos_tui.services.checkout.cart import Cart, CartDiscount, CartLine, line_pricing_key
from pos_tui.services.checkout.engine_inputs import EngineInputs, PricingBasis


class CartPricer:
    """Prices one checkout's carts, one after another, re-pricing only what changed."""

    def __init__(self, inputs: EngineInputs) -> None:
        self.inputs = inputs
        self.engine = engine.SalePricer()
        # line number -> (the cart line's key, its item, the basket line made from them)
        self._lines: dict[int, tuple[tuple[Any, ...], engine.Item, engine.BasketLine]] = {}

    def price(
        self,
        cart: Cart,
        basis: PricingBasis,
        *,
        redemption: engine.RedemptionRequest | None,
        charge: engine.ChargeRequest | None,
    ) -> engine.PricedSale:
        """``cart`` priced on ``basis`` (catalog version, moment, customer rows)."""
        if len(self._lines) > 2 * len(cart.lines) + 32:
            self._lines.clear()  # voided lines and past sales' lines
        lines = tuple(self._basket_line(cl) for cl in cart.lines)
        return _price(self.inputs, cart, lines, basis, self.engine.price, redemption, charge)

    def _basket_line(self, line: CartLine) -> engine.BasketLine:
        key = line_pricing_key(line)
        item = self.inputs.item(line.item_id)  # a new object after the catalog changed
        known = self._lines.get(line.line_no)
        if known is not None and known[1] is item and known[0] == key:
            return known[2]
        made = basket_line(line, item)
        self._lines[line.line_no] = (key, item, made)
        return made


def price_cart(
    inputs: EngineInputs,
    cart: Cart,
    basis: PricingBasis,
    *,
    redemption: engine.RedemptionRequest | None,
    charge: engine.ChargeRequest | None,
) -> engine.PricedSale:
    """``cart`` priced on ``basis`` in full by :func:`engine.price_sale` (what a
    :class:`CartPricer` must always agree with)."""
    lines = tuple(basket_line(cl, inputs.item(cl.item_id)) for cl in cart.lines)
    return _price(inputs, cart, lines, basis, engine.price_sale, redemption, charge)


def basket_line(line: CartLine, item: engine.Item) -> engine.BasketLine:
    """A cart line as the engine reads it."""
    return engine.BasketLine(
        line_no=line.line_no,
        item=item,
        quantity=Decimal(line.quantity),
        manual_discount=manual_discount(line.discount),
        price_override=Decimal(line.price_override) if line.price_override is not None else None,
    )


def _price(
    inputs: EngineInputs,
    cart: Cart,
    lines: tuple[engine.BasketLine, ...],
    basis: PricingBasis,
    price_sale: Callable[..., engine.PricedSale],
    redemption: engine.RedemptionRequest | None,
    charge: engine.ChargeRequest | None,
) -> engine.PricedSale:
    basket = engine.Basket(
        lines=lines, kind=cart.kind, manual_discount=manual_discount(cart.sale_discount)
    )
    customer = account = price_list = card_type = None
    if cart.customer_id is not None:
        customer, account, price_list = inputs.customer(cart.customer_id, basis.customer)
        card_type = inputs.card_type(customer.card_type_id)
    return price_sale(
        basket,
        customer,
        card_type,
        inputs.settings(),
        basis.moment,
        account=account,
        price_list=price_list,
        tax_classes=inputs.tax_classes_for([bl.item for bl in lines]),
        redemption=redemption,
        charge=charge,
    )


def manual_discount(discount: CartDiscount | None) -> engine.ManualDiscount | None:
    """A cashier's discount of a line or the sale as the engine reads it."""
    if discount is None:
        return None
    return engine.ManualDiscount(
        giver_max_discount_percent=Decimal(discount.approver_limit),
        percent=Decimal(discount.percent) if discount.percent else None,
        amount=Decimal(discount.amount) if discount.amount else None,
        supervisor_override=discount.override,
    )
