"""The one entry point: :func:`price_sale` prices a whole sale (or return), with its explanation.

It runs :data:`STEPS` in order, each a pure function of the sale so far (``pos_tui.engine.steps``,
one module per step). Order of application (each step works on what the previous one left;
``docs/engine.md``):

1. Checks: an inactive customer is refused; inactive items and sub-groups restricted for the
   card type are refused and left out (sales).
2. Unit price (:mod:`pricing`): override, forced level, price list, level, regular, promotion.
3. ``gross`` = unit price x quantity, rounded to the minor unit.
4. Manual line discount, within the giver's limit (:func:`discounts.manual_discount`).
5. Customer automatic % and card type % on discount-eligible lines (combined by
   ``Settings.percent_combination``).
6. Automatic transaction discounts on the discount-eligible lines' net, spread over them.
7. Manual transaction discount on every line's net, spread over the lines.
8. Tax on each line's discounted net (:mod:`tax`).
9. Redemption of points against the amount due (:mod:`redemption`).
10. Points earned on the points-eligible lines' net (:mod:`loyalty`), referral points; a return
    reverses the original sale's points in proportion.
11. The receivable check of a charge request (:mod:`credit`).

A forced-price-level customer skips the promotion (2) and steps 5-6; manual discounts (4, 7) are
refused for them unless ``Settings.forced_allows_manual_discounts``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from pos_tui.engine.loyalty import multiplier_active
from pos_tui.engine.models import (
    Basket,
    CardType,
    ChargeRequest,
    Customer,
    CustomerAccount,
    PricedSale,
    PriceList,
    RedemptionRequest,
    TaxClass,
)
from pos_tui.engine.settings import Settings
from pos_tui.engine.steps.discounts import (
    automatic_transaction_discounts,
    customer_and_card_percent,
    manual_transaction_discount,
)
from pos_tui.engine.steps.lines import price_lines
from pos_tui.engine.steps.points import earn_sale_points
from pos_tui.engine.steps.receivable import check_receivable
from pos_tui.engine.steps.redemption import redeem_points
from pos_tui.engine.steps.restrictions import refuse_inactive_customer
from pos_tui.engine.steps.return_points import reverse_return_points
from pos_tui.engine.steps.state import SaleInputs, SaleState, Step
from pos_tui.engine.steps.tax import tax_lines
from pos_tui.engine.steps.totals import priced_sale

#: The order of application (module docstring); each step sees what the previous ones left.
STEPS: tuple[Step, ...] = (
    refuse_inactive_customer,  # 1
    price_lines,  # 1-4: line checks, unit price, gross, manual line discount
    customer_and_card_percent,  # 5
    automatic_transaction_discounts,  # 6
    manual_transaction_discount,  # 7
    tax_lines,  # 8
    redeem_points,  # 9
    earn_sale_points,  # 10, a sale
    reverse_return_points,  # 10, a return
    check_receivable,  # 11
)


def _check_inputs(
    customer: Customer | None,
    card_type: CardType | None,
    price_list: PriceList | None,
    moment: dt.datetime,
) -> None:
    if not isinstance(moment, dt.datetime):
        raise TypeError("moment must be a datetime.datetime")
    if customer is None:
        if price_list is not None:
            raise ValueError("a price list needs a customer")
        return
    if card_type is not None and customer.card_type_id not in (None, card_type.id):
        raise ValueError(
            f"card type {card_type.id} is not the customer's card type {customer.card_type_id}"
        )
    if price_list is not None and customer.price_list_id != price_list.id:
        raise ValueError(
            f"price list {price_list.id} is not the customer's price list {customer.price_list_id}"
        )


def moment_key(card_type: CardType | None, moment: dt.datetime) -> tuple[dt.date, bool]:
    """All that :func:`price_sale` reads of ``moment`` for a customer holding ``card_type``: the
    date (prices, occasions, due dates) and whether the card type's point multiplier applies
    (weekday and time of day). Two moments with equal keys price any basket alike, so a price
    made at one still holds at the other. Keep it in step with every use of ``moment`` in the
    steps (``SaleInputs.day`` and the points step)."""
    return moment.date(), card_type is not None and multiplier_active(card_type, moment)


def price_sale(
    basket: Basket,
    customer: Customer | None,
    card_type: CardType | None,
    settings: Settings,
    moment: dt.datetime,
    *,
    account: CustomerAccount | None = None,
    price_list: PriceList | None = None,
    tax_classes: Mapping[int, TaxClass] | None = None,
    redemption: RedemptionRequest | None = None,
    charge: ChargeRequest | None = None,
) -> PricedSale:
    """Price ``basket`` for ``customer`` (None: walk-in) holding ``card_type`` at ``moment``.

    ``account``: the customer's balances, exempt tax codes and automatic transaction discounts;
    ``price_list``: the customer's default price list; ``tax_classes``: tax class id -> class for
    every item's ``tax_class_id``; ``redemption``: pay with points; ``charge``: a receivable
    tender to check. Pure: the same inputs always give the same :class:`PricedSale`.
    """
    sale = sale_inputs(
        basket,
        customer,
        card_type,
        settings,
        moment,
        account=account,
        price_list=price_list,
        tax_classes=tax_classes,
        redemption=redemption,
        charge=charge,
    )
    return run_steps(STEPS, sale)


def sale_inputs(
    basket: Basket,
    customer: Customer | None,
    card_type: CardType | None,
    settings: Settings,
    moment: dt.datetime,
    *,
    account: CustomerAccount | None = None,
    price_list: PriceList | None = None,
    tax_classes: Mapping[int, TaxClass] | None = None,
    redemption: RedemptionRequest | None = None,
    charge: ChargeRequest | None = None,
) -> SaleInputs:
    """The arguments of :func:`price_sale`, checked, with their defaults filled in."""
    _check_inputs(customer, card_type, price_list, moment)
    return SaleInputs(
        basket,
        customer,
        card_type,
        settings,
        moment,
        account=account or CustomerAccount(),
        price_list=price_list,
        tax_classes=tax_classes or {},
        redemption=redemption,
        charge=charge,
    )


def run_steps(steps: tuple[Step, ...], sale: SaleInputs) -> PricedSale:
    """``steps`` in order from an empty state, and the priced sale they leave."""
    state = SaleState()
    for step in steps:
        state = step(state, sale)
    return priced_sale(state, sale)
