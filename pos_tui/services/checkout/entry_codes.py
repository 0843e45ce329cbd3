"""What the lane's item field takes besides an item: a loyalty card.

The seeds' lanes take a card at the item prompt: typed from the card, scanned from its barcode,
or swiped through a keyboard-wedge reader (track data such as ``;4000001=2812?`` arrives as
typing). A code no item has but a customer's card does attaches that customer instead of
"No item with barcode or SKU"; a swipe is always a card. Items win: a card number that is also
a barcode or SKU adds the item, as it always did.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Literal

from pos_tui.hardware.events import mask_card
from pos_tui.hardware.magstripe import MagstripeError, parse_swipe
from pos_tui.services.checkout.errors import CheckoutError

if TYPE_CHECKING:
    from pos_tui import engine
    from pos_tui.services.checkout.sale import Checkout

Entered = Literal["item", "customer"]


def swiped_card(text: str) -> str | None:
    """The card number of track data typed by a keyboard wedge, else None."""
    text = text.strip()
    if not (text[:1] in "%;" and text.endswith("?")) or not text:
        return None
    try:
        return parse_swipe(text).card_number
    except MagstripeError:
        return None


def add_code(
    co: Checkout, code: str, quantity: Decimal | str = Decimal(1)
) -> tuple[Entered, engine.PricedSale]:
    """Add the item ``code`` names, or attach the customer whose card it is (see above)."""
    code = code.strip()
    card = swiped_card(code)
    if card is None:
        try:
            return "item", co.add_item(code, quantity)
        except CheckoutError as exc:
            if exc.code != "UNKNOWN_ITEM":
                raise
            card = code
    row = co.b.customers.by_card(card)
    if row is None:
        if card != code:
            raise CheckoutError(
                f"Card {mask_card(card)} is not on file: F2 finds the customer to link it to",
                code="UNKNOWN_CARD",
            )
        raise CheckoutError(
            f"No item with barcode or SKU {code!r}, and no customer's card", code="UNKNOWN_ITEM"
        )
    return "customer", co.attach_customer(row.id)
