"""What every screen of a signed-in lane shares: the top bar, messages, and safe service calls.

A lane screen never blocks: service calls run on the database thread inside workers, refusals
show as an inline message and a notification, and a refusal a supervisor may lift opens the
supervisor PIN modal and retries with ``approver=``.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from functools import partial
from typing import Any, TypeVar

from rich.text import Text
from textual.message import Message
from textual.widgets import Static

from pos_tui.screens.service_calls import ServiceScreen, error_text
from pos_tui.services.checkout.sale import Checkout, CheckoutError
from pos_tui.services.checkout.sale_view import SaleView, apply
from pos_tui.services.customers.fields import FieldError
from pos_tui.services.runtime.faults import StorageFault, fault_of
from pos_tui.services.staff.auth import AuthError, Employee
from pos_tui.widgets.lane_bar import LaneBar
from pos_tui.widgets.safe import safe

R = TypeVar("R")
T = TypeVar("T")
log = logging.getLogger(__name__)

# Refusals the cashier reads; anything else is a bug, logged and reported calmly.
USER_ERRORS = (CheckoutError, FieldError, AuthError)


class MessageLine(Static):
    """One line under the entry for the latest refusal or hint; words carry the meaning. It
    says the outcome of the last action only: at the next key it goes back to the screen's key
    hint (``resting``, the text it was made with), so no refusal outlives the action after it."""

    DEFAULT_CSS = """
    MessageLine { height: 1; padding: 0 1; }
    MessageLine.-error { text-style: bold; color: $text-error; }
    """

    def __init__(self, resting: str = "", **kwargs: Any) -> None:
        super().__init__(resting, **kwargs)
        self.resting = resting

    def rest(self) -> None:
        """Back to the key hint (the last outcome is stale once another key is pressed)."""
        self.say(self.resting)

    def say(self, text: str, *, error: bool = False) -> None:
        self.set_class(error, "-error")
        shown = Text("! ", style="bold").append_text(safe(text)) if error else safe(text)
        if shown != self.content:
            # One line whatever it says: a repaint, never a layout pass of the screen.
            self.update(shown, layout=False)


class LaneScreen(ServiceScreen[R]):
    """Base of the signed-in lane's full screens."""

    USER_ERRORS = USER_ERRORS
    MESSAGE_LINE = MessageLine
    CALLS_FROM = "lane"

    class CardRead(Message):
        """A loyalty card was read (card reader, magstripe or typed): attach or link it."""

        def __init__(self, card_number: str) -> None:
            super().__init__()
            self.card_number = card_number

    class Scanned(Message):
        """A scanner read a barcode: add the item."""

        def __init__(self, code: str) -> None:
            super().__init__()
            self.code = code

    def key_arrived(self) -> None:
        """The app calls this for each key while this screen is on top: the message of the
        last action is stale now, unless it says what Enter will retry (a full disk)."""
        if self.retry_action is None:
            for line in self.query(MessageLine):
                line.rest()

    def action_back_office(self) -> None:
        """Customers, card types, items...: for supervisors and managers (the screen checks)."""
        from pos_tui.screens.backoffice import BackOfficeScreen

        self.app.push_screen(BackOfficeScreen())

    def fault_text(self, fault: StorageFault) -> str:
        return fault.at_sale

    def pos_employee(self) -> Employee:
        """The signed-in employee (lane screens exist only while someone is signed in)."""
        employee = self.pos.employee
        if employee is None:
            raise RuntimeError("no employee is signed in")
        return employee

    def lane_bar(self) -> LaneBar:
        s = self.pos.settings.lane
        return LaneBar(s.id, s.store_id, self.pos.who(), self.pos.backend.now)

    def guarded(
        self,
        co: Checkout,
        op: Callable[[Employee | None], object],
        *,
        reason: str,
        done: Callable[[SaleView], Awaitable[None] | None],
        refused: Callable[[CheckoutError], None] | None = None,
    ) -> None:
        """Change the sale in a worker; a refusal with ``override_allowed`` asks a supervisor,
        then retries with ``approver=``. ``done`` gets the new view; what the change wants the
        cashier told (the view's notices) is said after it. ``refused`` gets a refusal that
        stands (after it is said): a prompt opens again with what was typed."""
        self.run_worker(self._guarded(co, op, reason, done, None, refused), group="sale-ops")

    async def _guarded(
        self,
        co: Checkout,
        op: Callable[[Employee | None], object],
        reason: str,
        done: Callable[[SaleView], Awaitable[None] | None],
        approver: Employee | None,
        refused: Callable[[CheckoutError], None] | None = None,
    ) -> None:
        def again() -> None:
            self.run_worker(
                self._guarded(co, op, reason, done, approver, refused), group="sale-ops"
            )

        def stands(exc: CheckoutError, text: str) -> None:
            self.refuse(text)
            if refused is not None:
                refused(exc)

        try:
            view = await self.pos.call_service(apply, co, partial(op, approver))
        except CheckoutError as exc:
            if exc.retry:
                self.refuse(exc.message, retry=again)
            elif exc.override_allowed and approver is None:
                await self._ask_supervisor(co, op, reason, done, refused, exc)
            else:
                stands(exc, exc.message)
            return
        except USER_ERRORS as exc:
            self.refuse(error_text(exc))
            return
        except Exception as exc:
            fault = fault_of(exc)
            if fault is None:
                raise  # a bug: the one error policy (widgets/errors.py) says it
            log.warning("sale change: %s", fault.detail)  # outside the sale's own save
            self.refuse(fault.at_sale, retry=again)
            return
        if approver is not None:
            self.pos.say(f"Approved by {approver.name}", title="Supervisor")
        result = done(view)
        if result is not None:
            await result
        self.tell(view.notices)

    async def _ask_supervisor(
        self,
        co: Checkout,
        op: Callable[[Employee | None], object],
        reason: str,
        done: Callable[[SaleView], Awaitable[None] | None],
        refused: Callable[[CheckoutError], None] | None,
        exc: CheckoutError,
    ) -> None:
        """A refusal a supervisor may lift: their PIN, then the change again as approved."""
        from pos_tui.screens.supervisor import SupervisorScreen

        def approved(who: Employee | None) -> None:
            if who is None:
                self.refuse(f"{exc.message} (not approved)")
                if refused is not None:
                    refused(exc)
                return
            self.run_worker(self._guarded(co, op, reason, done, who, refused), group="sale-ops")

        # The override's audit row names the sale it is for.
        sale = await self.pos.call_service(getattr, co, "open_sale_id")
        self.app.push_screen(
            SupervisorScreen(exc.message, reason=reason, open_sale_id=sale), approved
        )

    def tell(self, notices: tuple[str, ...]) -> None:
        """Say what a change to the sale wants the cashier to know (after its own hint)."""
        if notices:
            self.hint(" · ".join(notices))
            for notice in notices:
                self.pos.say(notice, title="Sale")
