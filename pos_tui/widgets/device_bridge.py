"""The Textual side of the lane's devices: driver threads to the UI thread, and keyboard wedges.

Drivers call back on their own threads. `DeviceBridge` turns each event into a `DeviceAction`
(services/runtime/lane_devices) and posts it to the app as a message: `post_message` is thread-safe and
never blocks, so a driver thread is never stuck waiting for the UI (nor the UI, stopping the
drivers at exit, for a driver thread waiting on it, as `call_from_thread` would be).

`KeyWedge` holds printable keys for a few milliseconds: a burst ending in Enter faster than a
person can type (`keyboard_wedge.WedgeDetector`) is taken as a scan or swipe; anything slower is
passed on, in order, as typing.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Awaitable, Callable
from concurrent.futures import Future
from typing import TYPE_CHECKING, Any

from textual import events
from textual.app import App
from textual.message import Message
from textual.timer import Timer

from pos_tui.config import Settings
from pos_tui.hardware.events import DeviceEvent
from pos_tui.hardware.keyboard_wedge import ENTER_KEYS, WedgeDetector
from pos_tui.services.runtime.backend import Backend
from pos_tui.services.runtime.lane_devices import DeviceAction, LaneDevices, WedgeRoute, route

if TYPE_CHECKING:
    # Made at the first sign-in (the app's ``_start_workers``), loaded then.
    from pos_tui.services.checkout.drawer import DrawerResult, DrawerWorker
    from pos_tui.services.checkout.printing import PrintWorker

log = logging.getLogger(__name__)


class DeviceBridge:
    """The lane's devices for a Textual app: events arrive as `DeviceBridge.Action` messages
    on the app (handler `on_device_bridge_action`)."""

    class Action(Message):
        def __init__(self, action: DeviceAction) -> None:
            super().__init__()
            self.action = action

    def __init__(self, app: App[Any], settings: Settings) -> None:
        self.app = app
        self.lane = LaneDevices(settings, self._on_event)
        self.pole = self.lane.pole
        self.drawer: DrawerWorker | None = None
        self._thread: threading.Thread | None = None

    def _post(self, action: DeviceAction) -> None:
        try:
            self.app.post_message(DeviceBridge.Action(action))
        except Exception:  # the app is gone: nothing left to tell
            log.debug("device action dropped: %r", action)

    def _on_event(self, event: DeviceEvent) -> None:
        """Driver threads call this."""
        action = route(event)
        if action is not None:
            self._post(action)

    def notify_print(self, message: str, error: bool) -> None:
        """The print worker's thread calls this."""
        self._post(DeviceAction("notice", message, error, title="Printer"))

    def print_worker(self, backend: Backend, retry_seconds: float) -> PrintWorker:
        return self.lane.print_worker(
            backend, self.notify_print, retry_seconds=retry_seconds, on_waiting=self._waiting
        )

    def _waiting(self, count: int) -> None:
        """The print worker's thread: how many jobs wait (for the lane bar)."""
        self._post(DeviceAction("waiting", str(count)))

    def start_drawer(self, backend: Backend) -> DrawerWorker:
        self.drawer = self.lane.drawer_worker(backend)
        self.drawer.start()
        return self.drawer

    def kick_for_sale(
        self, sale_id: int, employee_id: int | None, no_sale_key: str, *, if_cash: bool = False
    ) -> None:
        """A cash sale's drawer, now (on the drawer's thread); the cashier hears only when it
        did not open, with the key that opens it by hand. ``if_cash``: only if the record's
        print job says cash changed hands."""
        if self.drawer is None:
            return

        def done(future: Future[DrawerResult | None]) -> None:
            try:
                result = future.result()
            except Exception as exc:  # cancelled at exit, or a database error
                log.warning("drawer kick for sale %s: %s", sale_id, exc)
                return
            if result is not None and not result.opened:
                self._post(
                    DeviceAction(
                        "notice",
                        f"Drawer did not open: {result.message} — use No sale ({no_sale_key}) "
                        "to open it",
                        True,
                        title="Drawer",
                    )
                )

        self.drawer.for_sale(sale_id, employee_id, if_cash=if_cash).add_done_callback(done)

    def start(self) -> None:
        """Open the devices on a thread of their own: a slow port never holds up the screen."""
        self._thread = threading.Thread(target=self.lane.start, name="devices-start", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        if self.drawer is not None:
            self.drawer.stop()
        self.lane.stop()


class KeyWedge:
    """Keyboard-wedge scanners and magstripe readers, told apart from typing by speed.

    `take(key)` returns True when it keeps the key (held, or part of a scan); the app passes
    everything else on as usual. `watching()` says whether to look at keys at all (not on the
    sign-in screen); `in_entry()` whether the checkout's entry has the focus (it takes scans
    itself, so there only magstripe track data is taken).
    """

    HOLD_SECONDS = 0.05  # a held key goes on as typing after this much quiet

    def __init__(
        self,
        app: App[Any],
        wedge: WedgeRoute,
        *,
        forward: Callable[[events.Key], Awaitable[None]],
        act: Callable[[DeviceAction], None],
        watching: Callable[[], bool],
        in_entry: Callable[[], bool],
        max_gap: float = 0.030,
    ) -> None:
        self.app = app
        self.wedge = wedge
        self.forward = forward
        self.act = act
        self.watching = watching
        self.in_entry = in_entry
        self.detector = WedgeDetector(max_gap=max_gap)
        self._held: list[events.Key] = []
        self._timer: Timer | None = None

    async def flush(self) -> None:
        """Pass the held keys on as typing, in order."""
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        held, self._held = self._held, []
        for event in held:
            await self.forward(event)

    async def take(self, event: events.Key) -> bool:
        if not self.wedge.enabled:
            return False
        if not self.watching():
            self.detector.reset()
            await self.flush()
            return False
        char = event.character
        if event.key in ENTER_KEYS or char in ("\r", "\n"):
            burst = self.detector.feed(event.key, char, event.time)
            if burst is not None and len(self._held) >= len(burst.code):
                action = self.wedge.action(burst.code, at=event.time, in_entry=self.in_entry())
                if action is not None:
                    typed = len(self._held) - len(burst.code)
                    self._held = self._held[:typed]  # slower keys before the burst: typing
                    await self.flush()
                    self.act(action)
                    return True
            await self.flush()
            return False
        if char is not None and len(char) == 1 and char.isprintable():
            self.detector.feed(event.key, char, event.time)
            self._held.append(event)
            if self._timer is not None:
                self._timer.stop()
            self._timer = self.app.set_timer(self.HOLD_SECONDS, self.flush, name="key-wedge")
            return True
        self.detector.feed(event.key, char, event.time)  # arrows, F-keys: never part of a scan
        await self.flush()
        return False
