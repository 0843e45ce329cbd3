"""F2 at the lane, the screens' side: open what the store's method of input asks for (keyboard
search, a list, a digits-only card or mobile entry, or a prompt to tap the card) and attach the
customer chosen. The database side is ``services/customers/customer_step.py``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from pos_tui.screens.card_prompt import CardPromptScreen
from pos_tui.screens.customer_search import CustomerListScreen, CustomerSearchScreen
from pos_tui.screens.dialogs import Field, PromptScreen
from pos_tui.screens.lane import LaneScreen
from pos_tui.services.customers.customer_step import (
    CustomerStep,
    customer_by_number,
    customer_step,
)
from pos_tui.services.customers.fields import FieldError

# The checkout's own: attach the customer with this id to the sale.
Attach = Callable[[int], None]

log = logging.getLogger(__name__)


async def find_customer(checkout: LaneScreen[None], attach: Attach, initial: str) -> None:
    """F2 on the checkout (run in one of its workers); ``initial`` is what the entry held."""
    pos = checkout.pos
    try:
        step = await pos.call_service(customer_step, pos.backend)
    except Exception:  # the store's setting unread: the keyboard search always works
        log.exception("method of input not read")
        step = CustomerStep("keyboard")

    def chosen(customer_id: int | None) -> None:
        if customer_id is not None:
            attach(customer_id)

    def search() -> None:
        checkout.app.push_screen(CustomerSearchScreen(initial=initial), chosen)

    if step.method == "smart_card":

        def tapped(card: str | None) -> None:
            if card is None:
                search()
            else:
                checkout.post_message(LaneScreen.CardRead(card))

        checkout.app.push_screen(CardPromptScreen(), tapped)
    elif step.method == "num_pad":
        ask_number(checkout, attach, initial if initial.isdigit() else "")
    elif step.method == "list":
        checkout.app.push_screen(CustomerListScreen(list(step.listed)), chosen)
    else:
        search()


def ask_number(checkout: LaneScreen[None], attach: Attach, typed: str, said: str = "") -> None:
    """The num pad's prompt for a card or mobile number; a number that finds nobody asks
    again with the number typed and why (``said``)."""

    def entered(values: dict[str, str] | None) -> None:
        if values and values["number"]:
            number = values["number"]
            checkout.run_worker(by_number(checkout, attach, number), group="sale-ops")

    field = Field("number", "Card or mobile number", typed, restrict=r"[0-9]*")
    checkout.app.push_screen(PromptScreen("Customer", [field], message=said), entered)


async def by_number(checkout: LaneScreen[None], attach: Attach, number: str) -> None:
    """A card or mobile number typed on the num pad: attach its customer, or let the cashier
    choose among several, or say there is none (and ask again, the number kept)."""
    pos = checkout.pos
    try:
        match = await pos.call_service(customer_by_number, pos.backend, number)
    except FieldError as exc:  # a number too long to be one
        checkout.refuse(exc.message)
        ask_number(checkout, attach, number, exc.message)
        return
    if match.customer_id is not None:
        attach(match.customer_id)
    elif match.several:
        checkout.app.push_screen(
            CustomerSearchScreen(initial=number),
            lambda cid: attach(cid) if cid is not None else None,
        )
    else:
        said = f"No customer with card or mobile number {number}"
        checkout.refuse(said)
        ask_number(checkout, attach, number, said)
