"""The cash drawer at the lane: a cash sale's kick, the no-sale, and what each did.

A kick belongs to its moment. :meth:`DrawerService.for_sale` runs right after a cash sale's
commit; if the drawer cannot be reached within its bound (``[devices.drawer] timeout_seconds``)
the kick is dropped, recorded ``not_opened``, and the lane tells the cashier, who opens it by
hand. Nothing ever sends a pulse later: not a print retry (printing never opens the drawer), not
a restart (an opening left ``requested`` by a lane cut off mid-kick becomes ``unknown``).

Every opening is written ``requested`` before the pulse goes out and then ``opened`` or
``not_opened`` (table ``drawer_openings``, :class:`pos_tui.storage.drawer.DrawerRepository`).

The no-sale (:meth:`DrawerService.no_sale`) opens the drawer with no sale: for an employee of at
least ``[lane] no_sale_role`` (default supervisor), or with the approval of one (their PIN at the
lane). Its request and its outcome each carry an audit row in the same transaction. The one
exception: the cashier of the lane's last sale, whose kick failed, opens that sale's drawer by
hand without approval (:meth:`DrawerService.open_sale_by_hand`, audited too): the drawer was
theirs to open.

Extending it (shifts: paid in and out, a journal record per no-sale): :meth:`DrawerService.open`
is the one place an opening is recorded and fired; pass ``audit`` for the audit row of the
request and add what else the request must record inside :meth:`DrawerService._request`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal, TypeVar

from pos_tui.services.runtime.backend import Backend
from pos_tui.services.staff.auth import Employee
from pos_tui.storage.db import write
from pos_tui.storage.journal import SaleRow

if TYPE_CHECKING:
    from pos_tui.hardware.cash_drawer import CashDrawer

log = logging.getLogger(__name__)
T = TypeVar("T")

Reason = Literal["sale", "sale_by_hand", "no_sale", "test"]


class DrawerRefused(Exception):
    """The lane will not open the drawer (no drawer, a role missing, a sale in progress)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class DrawerResult:
    opening_id: int
    opened: bool
    # For the cashier: "Drawer opened", or why it did not ("Printer ... not reachable ...").
    message: str
    route: str | None = None


@dataclass(frozen=True)
class NoSalePlan:
    """What a no-sale request by this employee does now, for the lane to ask what it needs.

    ``kind``: ``open`` (their role allows it), ``approval`` (a ``role`` must approve),
    ``sale_by_hand`` (the drawer of ``sale_id``, whose kick failed, opens for its cashier)."""

    kind: Literal["open", "approval", "sale_by_hand"]
    role: str
    sale_id: int | None = None
    sale_reference: str | None = None


class DrawerService:
    def __init__(self, backend: Backend, drawer: CashDrawer | None) -> None:
        self.b = backend
        self.drawer = drawer

    @property
    def lane(self) -> str:
        return self.b.settings.lane.id

    @property
    def no_sale_role(self) -> str:
        return self.b.settings.lane.no_sale_role

    def recover(self) -> int:
        """Openings a lane cut off mid-kick never heard back from: ``unknown``, never fired
        again. Call once when the lane's drawer starts."""
        return self.b.drawer.recover(self.lane, self.b.timestamp())

    # -- a cash sale -----------------------------------------------------------------------------

    def for_sale(
        self, sale_id: int, employee_id: int | None, *, if_cash: bool = False
    ) -> DrawerResult | None:
        """The drawer of a cash sale, right after its commit (None: the lane has no drawer).
        ``if_cash``: only when the record's print job says cash changed hands (an order paid
        in cash, a cash withdrawal: records written outside the checkout)."""
        if self.drawer is None:
            return None
        if if_cash and not self.b.print_jobs.cash_tendered(sale_id):
            return None
        return self.open("sale", employee_id=employee_id, sale_id=sale_id)

    def sale_to_open_by_hand(self, employee: Employee) -> SaleRow | None:
        """The lane's last sale, when it was this employee's and its kick did not open the
        drawer (or was cut off) and the drawer has not opened since."""
        last = self.b.drawer.last(self.lane)
        if last is None or last.reason != "sale" or last.state not in ("not_opened", "unknown"):
            return None
        sale = self.b.journal.last(self.lane)
        if sale is None or sale.id != last.sale_id or last.employee_id != employee.id:
            return None
        return sale

    def open_sale_by_hand(self, employee: Employee) -> DrawerResult:
        sale = self.sale_to_open_by_hand(employee)
        if sale is None:
            raise DrawerRefused("The last sale's drawer has opened since: use No sale")
        sale_id = sale.id
        return self.open(
            "sale_by_hand",
            employee_id=employee.id,
            sale_id=sale_id,
            audit={"action": "drawer_opened_by_hand", "changes": {"sale_id": sale_id}},
        )

    # -- no sale ---------------------------------------------------------------------------------

    def plan_no_sale(self, employee: Employee) -> NoSalePlan:
        """What a no-sale by ``employee`` needs now (raises DrawerRefused without a drawer)."""
        self._need_drawer()
        role = self.no_sale_role
        sale = self.sale_to_open_by_hand(employee)
        if sale is not None:
            from pos_tui.services.checkout.receipts import sale_reference

            return NoSalePlan("sale_by_hand", role, sale.id, sale_reference(sale))
        return NoSalePlan("open" if employee.at_least(role) else "approval", role)

    def no_sale(
        self, employee: Employee, *, approver: Employee | None = None, reason: str | None = None
    ) -> DrawerResult:
        """Open the drawer with no sale: by an employee of at least ``no_sale_role``, or
        approved by one. Audited (who, approver, lane, when, reason) with its request."""
        self._need_drawer()
        role = self.no_sale_role
        if not employee.at_least(role):
            if approver is None:
                raise DrawerRefused(f"No sale needs a {role}'s approval")
            if not approver.at_least(role):
                raise DrawerRefused(f"{approver.name} is a {approver.role}: a {role} must approve")
        note = (reason or "").strip() or None
        approved_by = approver.id if approver is not None and approver.id != employee.id else None

        def in_the_shift() -> None:
            # The open shift's journal holds the no-sale too (its X and Z count them), written
            # with the request; a lane without an open shift keeps only the drawer's record.
            from pos_tui.services.shifts.cash import CashService

            if self.b.shifts.open_for(self.lane) is not None:
                details: dict[str, object] = {"approved_by": approved_by}
                CashService(self.b, employee).drawer_opened(note or "no sale", details)

        return self.open(
            "no_sale",
            employee_id=employee.id,
            approved_by=approved_by,
            note=note,
            audit={
                "action": "no_sale",
                "changes": {"reason": note or "", "approved_by": approved_by},
            },
            also=in_the_shift,
        )

    # -- every opening ---------------------------------------------------------------------------

    def open(
        self,
        reason: Reason,
        *,
        employee_id: int | None,
        sale_id: int | None = None,
        approved_by: int | None = None,
        note: str | None = None,
        audit: dict[str, Any] | None = None,
        also: Callable[[], None] | None = None,
    ) -> DrawerResult:
        """Record the request, pulse the drawer within its bound, record what it did. ``also``
        writes more in the request's transaction (the no-sale's shift record). With
        ``audit`` ({"action", "changes"}) the request and the outcome each write an audit row
        in their own transaction. Blocks up to the drawer's timeout: run it on the drawer's
        thread (:class:`DrawerWorker`), never the UI or the lane's database thread."""
        drawer = self._need_drawer()
        opening = self._request(reason, employee_id, sale_id, approved_by, note, audit, also)
        from pos_tui.hardware.cash_drawer import DrawerError

        try:
            drawer.open(drawer.timeout)
        except DrawerError as error:
            opened, message = False, error.message
        except Exception as error:  # a driver bug must not lose the record of the request
            log.exception("drawer kick failed")
            opened, message = False, f"the drawer driver failed: {error}"
        else:
            opened, message = True, "Drawer opened"
        self._finish(opening, opened, drawer.route, message, employee_id, audit)
        return DrawerResult(opening, opened, message, drawer.route)

    def _need_drawer(self) -> CashDrawer:
        if self.drawer is None:
            raise DrawerRefused(
                f"No cash drawer on lane {self.lane}: configure [devices.drawer] (its own port) "
                "or a receipt printer whose kick connector it hangs off"
            )
        return self.drawer

    def _request(
        self,
        reason: Reason,
        employee_id: int | None,
        sale_id: int | None,
        approved_by: int | None,
        note: str | None,
        audit: dict[str, Any] | None,
        also: Callable[[], None] | None = None,
    ) -> int:
        """The opening asked for, written before the pulse (with its audit row, if any)."""
        at = self.b.timestamp()
        with write(self.b.db):
            opening = self.b.drawer.request(
                lane_id=self.lane,
                reason=reason,
                at=at,
                sale_id=sale_id,
                employee_id=employee_id,
                approved_by=approved_by,
                note=note,
            )
            if audit is not None:
                self._audit(opening, audit["action"], audit["changes"], employee_id, at)
            if also is not None:
                also()
        return opening

    def _finish(
        self,
        opening: int,
        opened: bool,
        route: str,
        message: str,
        employee_id: int | None,
        audit: dict[str, Any] | None,
    ) -> None:
        at = self.b.timestamp()
        error = None if opened else message
        with write(self.b.db):
            self.b.drawer.finish(opening, opened=opened, route=route, error=error, at=at)
            if audit is not None:
                action = "drawer_opened" if opened else "drawer_not_opened"
                self._audit(opening, action, {"route": route, "error": error}, employee_id, at)

    def _audit(
        self, opening: int, action: str, changes: dict[str, Any], employee_id: int | None, at: str
    ) -> None:
        self.b.store.audit(
            at=at,
            entity="drawer",
            entity_id=opening,
            action=action,
            changes=changes,
            employee_id=employee_id,
            lane_id=self.lane,
        )


class DrawerWorker:
    """The lane's drawer on a thread of its own with its own database connection: a kick waits
    on the drawer (up to its timeout), never the UI nor the lane's database thread. Calls run
    one at a time, in order; each returns a Future."""

    def __init__(self, drawer: CashDrawer | None, *, open_backend: Callable[[], Backend]) -> None:
        self.drawer = drawer
        self._open_backend = open_backend
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="cash-drawer")
        self._service: DrawerService | None = None

    def start(self) -> Future[int]:
        """Open the connection and mark openings a cut-off lane left ``requested``."""
        return self.submit(DrawerService.recover)

    def submit(self, fn: Callable[[DrawerService], T]) -> Future[T]:
        return self._pool.submit(lambda: fn(self._on_thread()))

    def for_sale(
        self, sale_id: int, employee_id: int | None, *, if_cash: bool = False
    ) -> Future[DrawerResult | None]:
        return self.submit(lambda service: service.for_sale(sale_id, employee_id, if_cash=if_cash))

    def stop(self) -> None:
        """After the call in hand (a kick not yet begun is dropped, as its moment is gone)."""
        self._pool.shutdown(wait=True, cancel_futures=True)
        if self._service is not None:  # the thread is done: its connection is free to close
            self._service.b.close()
            self._service = None

    def _on_thread(self) -> DrawerService:
        if self._service is None:
            self._service = DrawerService(self._open_backend(), self.drawer)
        return self._service
