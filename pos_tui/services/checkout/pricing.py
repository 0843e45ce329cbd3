"""A cart priced by the engine: the cart's lines and discounts as the engine's basket, with
the customer, card type, settings and tax classes read for it (the engine is pure: it is given
everything it prices from)."""

from __future__ import annotations

from decimal import Decimal

from pos_tui import engine
from pos_tui.services.checkout.cart import Cart, CartDiscount
from pos_tui.services.checkout.engine_inputs import EngineInputs, PricingBasis


def price_cart(
    inputs: EngineInputs,
    cart: Cart,
    basis: PricingBasis,
    *,
    redemption: engine.RedemptionRequest | None,
    charge: engine.ChargeRequest | None,
) -> engine.PricedSale:
    """``cart`` priced on ``basis`` (catalog version, moment, customer rows)."""
    lines = tuple(
        engine.BasketLine(
            line_no=cl.line_no,
            item=inputs.item(cl.item_id),
            quantity=Decimal(cl.quantity),
            manual_discount=manual_discount(cl.discount),
            price_override=Decimal(cl.price_override) if cl.price_override is not None else None,
        )
        for cl in cart.lines
    )
    basket = engine.Basket(
        lines=lines, kind=cart.kind, manual_discount=manual_discount(cart.sale_discount)
    )
    customer = account = price_list = card_type = None
    if cart.customer_id is not None:
        customer, account, price_list = inputs.customer(cart.customer_id, basis.customer)
        card_type = inputs.card_type(customer.card_type_id)
    return engine.price_sale(
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
