"""After a sale: the notice, the pole display, the cash drawer, the hooks and the receipt's
print job; reprints; the drawer's own calls (no-sale)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

from pos_tui.app_parts.base import LaneAppBase, log
from pos_tui.widgets.fmt import money

if TYPE_CHECKING:
    from pos_tui.services.checkout.drawer import DrawerService, DrawerWorker
    from pos_tui.services.checkout.record import SaleRow
    from pos_tui.services.checkout.sale import Committed

T = TypeVar("T")


class AfterSale(LaneAppBase):
    """After a commit :meth:`sale_committed` kicks a cash sale's drawer, runs ``after_commit``
    callbacks, ``on_sale_committed`` and ``printing.kick()`` when present; :meth:`reprint`
    queues a reprint; :meth:`call_drawer` runs a drawer service call (no-sale) on the drawer's
    thread; ``print_waiting`` is the count of print jobs not printed."""

    def sale_committed(self, committed: Committed) -> None:
        """Called once per committed sale or return: notify, then the optional hooks."""
        sale = committed.sale
        what = "Return" if sale.kind == "return" else "Sale"
        self.say(f"{what} {sale.sale_number} committed · change {committed.change}", title="Sale")
        for message in committed.messages:
            self.say(message, title="Customer")
        self.pole.paid(money(abs(sale.total)), money(committed.change))
        if committed.open_drawer:
            self.open_drawer_for(sale)
        callbacks = [*self.after_commit, getattr(self, "on_sale_committed", None)]
        for callback in callbacks:
            if callable(callback):
                try:
                    callback(committed)
                except Exception as exc:  # a printer hook must never lose the sale screen
                    log.exception("after-commit hook failed")
                    self.say(f"After-sale hook failed: {exc}", title="Printer", severity="error")
        self.kick_printing()

    def kick_printing(self) -> None:
        """Start printing what was queued (a receipt, a slip, a report) when a queue is attached."""
        kick = getattr(self.printing, "kick", None)
        if callable(kick):
            try:
                kick()
            except Exception as exc:
                log.exception("printing kick failed")
                self.say(f"Printing did not start: {exc}", title="Printer", severity="error")

    def reprint(self, sale_id: int) -> None:
        """Queue a reprint of a sale: ``printing.reprint(sale_id)`` on the database thread when
        a print queue is attached, else only the notice."""
        self.run_worker(self._reprint(sale_id), group="printing")

    async def _reprint(self, sale_id: int) -> None:
        sale = await self.call_service(self.backend.journal.get, sale_id)
        number = sale.sale_number if sale else sale_id
        queue = getattr(self.printing, "reprint", None)
        if callable(queue):
            try:
                await self.call_service(queue, sale_id)
            except Exception as exc:
                log.exception("reprint failed")
                self.say(
                    f"Reprint of sale {number} failed: {exc}", title="Printer", severity="error"
                )
                return
            kick = getattr(self.printing, "kick", None)
            if callable(kick):
                kick()
        self.say(f"Reprint of sale {number} queued", title="Printer")

    # -- the cash drawer -------------------------------------------------------------------------
    @property
    def drawer(self) -> DrawerWorker | None:
        """The cash drawer's worker (no-sale, a sale's drawer by hand), once devices are open."""
        return self.device_bridge.drawer if self.device_bridge is not None else None

    def open_drawer_for(self, record: SaleRow, *, if_cash: bool = False) -> None:
        """Kick the drawer for a journal record now, on the drawer's thread: a cash sale at its
        commit, or (``if_cash``) a record written outside the checkout (an order payment, a cash
        withdrawal) whose print job says cash changed hands. Now or never: a kick that cannot
        fire is dropped and the cashier told to use No sale."""
        if self.device_bridge is None:
            return
        self.device_bridge.kick_for_sale(
            record.id,
            record.employee_id,
            self.key_of("lane.no_sale"),
            if_cash=if_cash,
        )

    async def call_drawer(self, fn: Callable[[DrawerService], T]) -> T:
        """Run ``fn(drawer_service)`` on the cash drawer's thread (its own database connection)
        and await its result: a kick waits on the drawer, never on the UI or the database
        thread. Raises ``DrawerRefused`` until the lane's devices are open."""
        from pos_tui.services.checkout.drawer import DrawerRefused

        drawer = self.drawer
        if drawer is None:
            raise DrawerRefused("No sale: the lane's devices are not open yet")
        return await asyncio.wrap_future(drawer.submit(fn))
