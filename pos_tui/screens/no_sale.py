"""No sale: the cash drawer opened between sales, by the right role, audited.

The steps, each a worker or a modal's callback so nothing waits on the cashier's typing: the
lane asks the drawer service what this employee's no-sale needs (``DrawerService.plan_no_sale``).
The cashier of the last sale whose drawer did not open gets that sale's drawer at once; anyone
else gives an optional reason and, below ``[lane] no_sale_role``, a supervisor's number and PIN
(the PIN modal of overrides). The drawer opens on its own port or through the printer, whatever
the printer's paper; if it cannot be reached the lane says so.

Every service call goes through ``PosApp.call_drawer``: it runs on the drawer's thread, never the
screen's nor the lane's database thread.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from pos_tui.screens.dialogs import Field, PromptScreen
from pos_tui.services.checkout.drawer import DrawerRefused, DrawerResult, NoSalePlan

if TYPE_CHECKING:
    from pos_tui.screens.lane import LaneScreen
    from pos_tui.services.checkout.drawer import DrawerService
    from pos_tui.services.staff.auth import Employee

T = TypeVar("T")
log = logging.getLogger(__name__)


def no_sale(screen: LaneScreen[Any], *, sale_open: bool) -> None:
    """Ctrl+D at the lane (binding ``lane.no_sale``)."""
    if sale_open:
        screen.refuse("Finish, hold or void the sale first: No sale opens the drawer between sales")
        return
    NoSaleFlow(screen, screen.pos_employee()).start()


class NoSaleFlow:
    """One no-sale request, step by step: plan, reason, approval, the drawer."""

    def __init__(self, screen: LaneScreen[Any], employee: Employee) -> None:
        self.screen = screen
        self.employee = employee
        self.plan: NoSalePlan | None = None
        self.reason = ""

    def start(self) -> None:
        self._work(self._planned())

    # -- the steps -------------------------------------------------------------------------------

    async def _planned(self) -> None:
        employee = self.employee
        self.plan = await self._call(lambda service: service.plan_no_sale(employee))
        if self.plan is None:
            return
        if self.plan.kind == "sale_by_hand":
            result = await self._call(lambda service: service.open_sale_by_hand(employee))
            self._tell(result, f"for sale {self.plan.sale_reference}")
            return
        self._ask_reason("Opens the drawer with no sale; the audit log records who, when and why.")

    def _ask_reason(self, message: str) -> None:
        """The reason prompt, with the reason typed before when it is asked again."""
        self.screen.app.push_screen(
            PromptScreen(
                "No sale: open the cash drawer",
                [Field("reason", "Reason (optional, Enter to skip)", self.reason)],
                message=message,
            ),
            self._entered,
        )

    def _entered(self, values: dict[str, str] | None) -> None:
        if values is None or self.plan is None:
            return  # the cashier backed out
        self.reason = values.get("reason", "")
        if self.plan.kind == "open":
            self._work(self._open(None))
            return
        from pos_tui.screens.supervisor import SupervisorScreen

        self.screen.app.push_screen(
            SupervisorScreen(
                f"No sale: opening the drawer with no sale needs a {self.plan.role}",
                reason="no sale",
                role=self.plan.role,
            ),
            self._approved,
        )

    def _approved(self, approver: Employee | None) -> None:
        if approver is None:
            # Not approved: the reason typed stays, asked again (Escape there gives up).
            said = "No sale not approved: the drawer stays shut"
            self.screen.refuse(said)
            self._ask_reason(f"{said}. Enter asks a supervisor again.")
        else:
            self._work(self._open(approver))

    async def _open(self, approver: Employee | None) -> None:
        employee, reason = self.employee, self.reason

        def call(service: DrawerService) -> DrawerResult:
            return service.no_sale(employee, approver=approver, reason=reason)

        self._tell(await self._call(call), "(no sale)")

    # -- helpers ---------------------------------------------------------------------------------

    def _work(self, step: Any) -> None:
        self.screen.run_worker(step, group="sale-ops")

    async def _call(self, call: Callable[[DrawerService], T]) -> T | None:
        """A drawer service call; a refusal or a bug is said on the screen and gives None."""
        try:
            return await self.screen.pos.call_drawer(call)
        except DrawerRefused as exc:
            self.screen.refuse(exc.message)
        except Exception as exc:  # a bug must not close the lane
            log.exception("no sale failed")
            self.screen.refuse(f"No sale failed: {exc}")
        return None

    def _tell(self, result: DrawerResult | None, what: str) -> None:
        if result is None:
            return
        if result.opened:
            self.screen.hint(f"Drawer opened {what}")
            self.screen.pos.say(f"Drawer opened {what}", title="Drawer")
        else:
            self.screen.refuse(f"Drawer did not open: {result.message}")
