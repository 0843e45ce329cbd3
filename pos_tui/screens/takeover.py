"""Ctrl+E at the checkout: a supervisor takes the lane over, and Ctrl+E again hands it back.

The cashier is not signed out and their sale stays on the lane: the supervisor types their own
number and PIN, does the refund (Ctrl+L) or the void (F9, Ctrl+Y), and hands the lane back to
the same cashier and the same sale. The lane bar says who is acting ("TAKEOVER Sue Supervisor for
Cass Cashier") the whole time; both ends are audited
(services/staff/takeover.py). Locking and signing out wait until the lane is handed back.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pos_tui.screens.supervisor import SupervisorScreen
from pos_tui.services.staff.auth import Employee
from pos_tui.services.staff.takeover import hand_back, take_over
from pos_tui.widgets.lane_bar import LaneBar

if TYPE_CHECKING:
    from pos_tui.screens.checkout import CheckoutScreen

KEY = "Ctrl+E"


class TakeoverScreen(SupervisorScreen):
    """The supervisor's number and PIN; dismisses with the supervisor, who now has the lane."""

    def __init__(self, checkout: CheckoutScreen, cashier: Employee) -> None:
        super().__init__(
            f"Take over the lane of {cashier.name} for a refund or a void; {KEY} hands it "
            "back to them with the same sale.",
            reason="takeover",
            heading="SUPERVISOR TAKEOVER",
        )
        self.checkout = checkout
        self.cashier = cashier

    async def check(self, number: str, pin: str) -> Employee:
        return await self.pos.call_service(
            take_over, self.pos.backend, self.checkout.co, self.cashier, number, pin
        )


def toggle(screen: CheckoutScreen) -> None:
    """Take the lane over, or hand it back when it is taken over."""
    if screen.pos.taken_over_from is not None:
        screen.run_worker(_hand_back(screen), group="sale-ops")
        return
    cashier = screen.pos_employee()

    def taken(supervisor: Employee | None) -> None:
        if supervisor is None:
            return
        screen.pos.take_over(supervisor)
        _show_who(screen)
        screen.hint(f"{supervisor.name} has the lane of {cashier.name} · {KEY} hands it back")
        screen.pos.say(f"{supervisor.name} took over from {cashier.name}", title="Takeover")

    screen.app.push_screen(TakeoverScreen(screen, cashier), taken)


async def _hand_back(screen: CheckoutScreen) -> None:
    cashier, supervisor = screen.pos.taken_over_from, screen.pos.employee
    if cashier is None or supervisor is None:
        return
    ok, _ = await screen.attempt(hand_back, screen.pos.backend, screen.co, cashier, supervisor)
    if ok:
        screen.pos.hand_back()
        _show_who(screen)
        screen.hint(f"Back to {cashier.name}: the same sale")
        screen.pos.say(
            f"{supervisor.name} handed the lane back to {cashier.name}", title="Takeover"
        )


def refused_while_taken_over(screen: CheckoutScreen, what: str) -> bool:
    """Lock and sign out wait for the hand-back: True (and said) while the lane is taken."""
    cashier = screen.pos.taken_over_from
    if cashier is None:
        return False
    screen.refuse(f"{KEY} hands the lane back to {cashier.name} first, then {what}")
    return True


def _show_who(screen: CheckoutScreen) -> None:
    for bar in screen.query(LaneBar):
        bar.who = screen.pos.who()
        bar.refresh_bar()
