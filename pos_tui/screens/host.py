"""What a screen may ask of the app it runs in: the lane host.

Screens and widgets never import the concrete app (``pos_tui.app``, a contract in
pyproject.toml says so): they see it through this protocol, so the app can change behind it
and a screen's needs stay visible in one place. What Textual itself offers (``self.app``:
push_screen, switch_screen, notify, timers) is used as it is; this adds what the lane app adds.

A new need of the screens (a device hook, a count to show) becomes a member here and a method
of ``PosApp``; mypy checks that ``PosApp`` still provides all of it (see ``pos_tui/app.py``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, ParamSpec, Protocol, TypeVar, cast

from textual.message_pump import MessagePump
from textual.notifications import SeverityLevel

if TYPE_CHECKING:
    from pos_tui.config import Settings
    from pos_tui.services.checkout.drawer import DrawerService
    from pos_tui.services.checkout.record import Committed
    from pos_tui.services.runtime.backend import Backend
    from pos_tui.services.runtime.lane_devices import PoleFeed
    from pos_tui.services.staff.auth import Employee

P = ParamSpec("P")
T = TypeVar("T")


class LaneHost(Protocol):
    """The lane app as its screens see it."""

    # -- services ------------------------------------------------------------------------------
    @property
    def backend(self) -> Backend:
        """What services are built from (``CustomerService(host.backend)``); screens hand it
        to services and never read its repositories themselves."""
        ...

    @property
    def settings(self) -> Settings: ...

    async def call_service(self, fn: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs) -> T:
        """Run a service call on the database thread and await its result."""
        ...

    # -- who is signed in ----------------------------------------------------------------------
    @property
    def employee(self) -> Employee | None:
        """The signed-in employee (read-only here: :meth:`signed_in` and :meth:`signed_out`
        change it)."""
        ...

    def signed_in(self, employee: Employee) -> None: ...

    def signed_out(self) -> None: ...

    def who(self) -> str:
        """The signed-in employee as the lane bar names them."""
        ...

    @property
    def taken_over_from(self) -> Employee | None:
        """The cashier whose lane a supervisor has taken over (None: no takeover)."""
        ...

    def take_over(self, supervisor: Employee) -> None:
        """A supervisor acts at the lane of the signed-in cashier (screens/takeover.py)."""
        ...

    def hand_back(self) -> None:
        """The lane back to the cashier it was taken from."""
        ...

    # -- telling the cashier -------------------------------------------------------------------
    def say(
        self, message: str, *, title: str = "", severity: SeverityLevel = "information"
    ) -> None:
        """A notification whose text may hold data (never markup)."""
        ...

    def report_error(self, error: BaseException, *, where: str) -> None:
        """The one error policy (widgets/errors.py): log it, say one line, carry on."""
        ...

    # -- devices and printing ------------------------------------------------------------------
    @property
    def pole(self) -> PoleFeed:
        """The pole display's feed (shows nothing until the devices are open)."""
        ...

    def sale_committed(self, committed: Committed) -> None:
        """A sale or return was committed: the pole, the after-commit hooks, printing."""
        ...

    def reprint(self, sale_id: int) -> None:
        """Queue a reprint of a sale's receipt."""
        ...

    def kick_printing(self) -> None:
        """Start printing what was queued (a receipt, a slip, a statement)."""
        ...

    async def call_drawer(self, fn: Callable[[DrawerService], T]) -> T:
        """Run ``fn(drawer_service)`` on the cash drawer's thread and await its result."""
        ...

    def open_drawer_for(self, record: Mapping[str, Any], *, if_cash: bool = False) -> None:
        """Kick the drawer for a journal record now (``if_cash``: only if cash changed hands)."""
        ...


def host_of(node: MessagePump) -> LaneHost:
    """The lane host of a screen or widget (its app)."""
    return cast("LaneHost", node.app)
