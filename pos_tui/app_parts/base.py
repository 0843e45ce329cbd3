"""What every part of the lane's app shares: the backend, the service thread, who is signed
in, the devices' handles, and the few calls every part makes (``say``, ``call_service``)."""

from __future__ import annotations

import asyncio
import logging
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ParamSpec, TypeVar

from textual.app import App
from textual.binding import Binding
from textual.notifications import SeverityLevel

from pos_tui.screens.notices import NoticeLog
from pos_tui.services.runtime.backend import Backend
from pos_tui.services.runtime.runner import ServiceRunner
from pos_tui.text import plain
from pos_tui.widgets.errors import ContainErrors
from pos_tui.widgets.textual_fixes import apply_textual_fixes

if TYPE_CHECKING:
    from pos_tui.screens.checkout import CheckoutScreen
    from pos_tui.services.checkout.sale import Committed
    from pos_tui.services.runtime.lane_devices import PoleFeed
    from pos_tui.services.staff.auth import Employee
    from pos_tui.widgets.device_bridge import DeviceBridge, KeyWedge
    from pos_tui.widgets.sync_bridge import SyncBridge

# One logger for the app and its parts: the lane's log reads the same whichever part wrote.
log = logging.getLogger("pos_tui.app")

P = ParamSpec("P")
T = TypeVar("T")


def checkout_or_none(screen: object) -> CheckoutScreen | None:
    """``screen`` when it is the checkout. Asked at every notice and screen change, also at
    the sign-in: until the checkout's module is loaded (while the PIN is typed) no screen can
    be one, and asking does not load it."""
    module = sys.modules.get("pos_tui.screens.checkout")
    if module is None:
        return None
    checkout: CheckoutScreen | None = screen if isinstance(screen, module.CheckoutScreen) else None
    return checkout


class LaneAppBase(ContainErrors, App[None]):
    """The lane's state and the calls its parts share."""

    def __init__(self, backend: Backend) -> None:
        apply_textual_fixes()  # widgets closed must not stay alive (docs/bench.md, No growth)
        super().__init__()
        self.backend = backend
        self.settings = backend.settings
        self.runner = ServiceRunner()
        self.employee: Employee | None = None
        # A supervisor's takeover: the cashier who stays signed in meanwhile.
        self.taken_over_from: Employee | None = None
        # Set by the printing/hardware side; both optional.
        self.printing: Any = None
        self.after_commit: list[Callable[[Committed], object]] = []
        # Devices: set up after the first frame. `pole` is safe to call with no display.
        self.device_bridge: DeviceBridge | None = None
        self._pole: PoleFeed | None = None
        self.wedge: KeyWedge | None = None
        self._own_printing = False
        self.print_waiting = 0  # this lane's print jobs not printed (the lane bar shows it)
        # Head office sync ([sync] url): its worker and the status the top bar shows.
        self.sync_bridge: SyncBridge | None = None
        self.sync_line = ""
        # What the lane told the cashier (screens/notices.py): F1 lists the recent ones.
        self.notices = NoticeLog()

    @property
    def pole(self) -> PoleFeed:
        """The pole display's feed (one that shows nothing until the devices are open)."""
        if self._pole is None:
            from pos_tui.services.runtime.lane_devices import PoleFeed

            self._pole = PoleFeed(None, "")
        return self._pole

    async def call_service(self, fn: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs) -> T:
        """Run a service call on the database thread and await its result."""
        return await asyncio.wrap_future(self.runner.submit(fn, *args, **kwargs))

    def say(
        self, message: str, *, title: str = "", severity: SeverityLevel = "information"
    ) -> None:
        """A notification whose text may hold data: never markup, control bytes made visible."""
        self.notify(plain(message), title=plain(title), severity=severity, markup=False)

    def device_notice(self, message: str, *, error: bool = False, title: str = "Device") -> None:
        """A device event for the cashier: the app says it (``PosApp.device_notice``)."""
        raise NotImplementedError

    def _checkout_on_top(self) -> CheckoutScreen | None:
        return checkout_or_none(self.screen)

    def key_of(self, binding_id: str) -> str:
        """How the footer shows the key bound to ``binding_id`` ([keymap] applied)."""
        from pos_tui.screens.keys import default_key

        keys = self.settings.keymap.get(binding_id) or default_key(binding_id)
        return self.get_key_display(Binding(keys.split(",")[0].strip(), "")) if keys else "?"

    def show_print_waiting(self, count: int) -> None:
        from pos_tui.widgets.lane_bar import LaneBar

        self.print_waiting = count
        for screen in self.screen_stack:
            for bar in screen.query(LaneBar):
                bar.set_waiting(count)
