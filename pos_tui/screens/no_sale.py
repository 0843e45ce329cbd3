"""No sale: the cash drawer opened between sales, by the right role, audited.

The steps (a worker of the checkout): the lane asks the drawer service what this employee's
no-sale needs (``DrawerService.plan_no_sale``). The cashier of the last sale whose drawer did not
open gets that sale's drawer at once; anyone else gives an optional reason, and below
``[lane] no_sale_role`` a supervisor's number and PIN (the PIN modal of overrides). The drawer
opens on its own port or through the printer, whatever the printer's paper; if it cannot be
reached the lane says so. Everything runs on the drawer's thread, never the screen's.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from pos_tui.screens.dialogs import Field, PromptScreen
from pos_tui.services.checkout.drawer import DrawerRefused, DrawerResult, DrawerService

if TYPE_CHECKING:
    from pos_tui.screens.lane import LaneScreen
    from pos_tui.services.checkout.drawer import DrawerWorker
    from pos_tui.services.staff.auth import Employee

T = TypeVar("T")
log = logging.getLogger(__name__)


def no_sale(screen: LaneScreen[Any], *, sale_open: bool) -> None:
    """Ctrl+D at the lane (binding ``lane.no_sale``). Each step is a worker or a modal's
    callback, so nothing waits on the cashier's typing."""
    drawer = screen.pos.drawer
    if drawer is None:
        screen.refuse("No sale: the lane's devices are not open yet")
        return
    if sale_open:
        screen.refuse("Finish, hold or void the sale first: No sale opens the drawer between sales")
        return
    screen.run_worker(_plan(screen, drawer, screen.pos_employee()), group="sale-ops")


async def _plan(screen: LaneScreen[Any], drawer: DrawerWorker, employee: Employee) -> None:
    from pos_tui.screens.supervisor import SupervisorScreen

    plan = await _on_drawer(screen, drawer, lambda service: service.plan_no_sale(employee))
    if plan is None:
        return
    if plan.kind == "sale_by_hand":
        result = await _on_drawer(
            screen, drawer, lambda service: service.open_sale_by_hand(employee)
        )
        _tell(screen, result, f"for sale {plan.sale_reference}")
        return

    def open_it(reason: str, approver: Employee | None) -> None:
        def call(service: DrawerService) -> DrawerResult:
            return service.no_sale(employee, approver=approver, reason=reason)

        async def run() -> None:
            _tell(screen, await _on_drawer(screen, drawer, call), "(no sale)")

        screen.run_worker(run(), group="sale-ops")

    def entered(values: dict[str, str] | None) -> None:
        if values is None:
            return
        reason = values.get("reason", "")
        if plan.kind == "open":
            open_it(reason, None)
            return

        def approved(approver: Employee | None) -> None:
            if approver is None:
                screen.refuse("No sale not approved: the drawer stays shut")
            else:
                open_it(reason, approver)

        screen.app.push_screen(
            SupervisorScreen(
                f"No sale: opening the drawer with no sale needs a {plan.role}",
                reason="no sale",
                role=plan.role,
            ),
            approved,
        )

    screen.app.push_screen(
        PromptScreen(
            "No sale: open the cash drawer",
            [Field("reason", "Reason (optional, Enter to skip)")],
            message="Opens the drawer with no sale; the audit log records who, when and why.",
        ),
        entered,
    )


async def _on_drawer(
    screen: LaneScreen[Any], drawer: DrawerWorker, call: Callable[[DrawerService], T]
) -> T | None:
    try:
        return await asyncio.wrap_future(drawer.submit(call))
    except DrawerRefused as exc:
        screen.refuse(exc.message)
    except Exception as exc:  # a bug must not close the lane
        log.exception("no sale failed")
        screen.refuse(f"No sale failed: {exc}")
    return None


def _tell(screen: LaneScreen[Any], result: DrawerResult | None, what: str) -> None:
    if result is None:
        return
    if result.opened:
        screen.hint(f"Drawer opened {what}")
        screen.pos.say(f"Drawer opened {what}", title="Drawer")
    else:
        screen.refuse(f"Drawer did not open: {result.message}")
