"""The customer on the sale: search and attach, quick enrol, detach, and loyalty card reads."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from pos_tui.hardware.events import mask_card
from pos_tui.screens.customer_search import CustomerSearchScreen
from pos_tui.screens.customer_step import find_customer
from pos_tui.screens.dialogs import ChoiceScreen
from pos_tui.screens.enrol import EnrolScreen
from pos_tui.screens.lane import LaneScreen
from pos_tui.services.customers.service import CustomerService

if TYPE_CHECKING:
    from pos_tui.services.checkout.sale import Checkout
    from pos_tui.services.checkout.sale_view import SaleView


class CustomerFlows(LaneScreen[None]):
    """Customer actions of the checkout screen (kept apart to keep modules small)."""

    co: Checkout
    # Provided by CheckoutScreen, which mixes these flows in.
    shown: Callable[[SaleView], None]
    _entry_text: Callable[[], str]

    def attach(self, customer_id: int) -> None:
        co = self.co
        self.guarded(
            co, lambda _a: co.attach_customer(customer_id), reason="attach", done=self._attached
        )

    def _attached(self, view: SaleView) -> None:
        self.shown(view)
        if view.customer is not None:
            self.pos.pole.welcome(view.customer.name)

    def _attach_chosen(self, customer_id: int | None) -> None:
        if customer_id is not None:
            self.attach(customer_id)

    def action_customer(self) -> None:
        """F2 opens by the store's method of input (keyboard, list, num_pad, smart_card)."""
        self.run_worker(find_customer(self, self.attach, self._entry_text()), group="sale-ops")

    def action_enrol(self) -> None:
        self.app.push_screen(EnrolScreen(), self._attach_chosen)

    def action_detach_customer(self) -> None:
        co = self.co
        self.guarded(co, lambda _a: co.detach_customer(), reason="detach", done=self.shown)

    # -- card events ---------------------------------------------------------------------------
    def on_lane_screen_card_read(self, message: LaneScreen.CardRead) -> None:
        self.run_worker(self._card_read(message.card_number.strip()), group="sale-ops")

    async def _card_read(self, card: str) -> None:
        service = CustomerService(self.pos.backend)
        ok, row = await self.attempt(service.by_card, card)
        if not ok:
            return
        if row is not None:
            self.attach(row.id)
            return

        def chosen(choice: str | None) -> None:
            if choice == "link":
                self.app.push_screen(
                    CustomerSearchScreen(title=f"Link card {mask_card(card)} to which customer?"),
                    lambda cid: self._link(card, cid),
                )
            elif choice == "enrol":
                self.app.push_screen(EnrolScreen(card_number=card), self._attach_chosen)

        self.app.push_screen(
            ChoiceScreen(
                "UNKNOWN CARD",
                f"Card {mask_card(card)} is not on file.",
                [
                    ("link", "Link it to a customer"),
                    ("enrol", "Enrol a new customer with it"),
                    ("ignore", "Ignore it"),
                ],
            ),
            chosen,
        )

    def _link(self, card: str, customer_id: int | None) -> None:
        if customer_id is not None:
            self.run_worker(self._link_and_attach(card, customer_id), group="sale-ops")

    async def _link_and_attach(self, card: str, customer_id: int) -> None:
        employee = self.pos.employee
        service = CustomerService(self.pos.backend)
        ok, _ = await self.attempt(
            service.link_card, customer_id, card, employee_id=employee.id if employee else None
        )
        if ok:
            self.hint(f"Card {mask_card(card)} linked")  # on the line: no toast over the panel
            self.attach(customer_id)
