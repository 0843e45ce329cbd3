"""The lane's devices and print worker, joined for the app; no Textual here.

`LaneDevices` builds the `DeviceSet` device by device (a bad section disables that device only,
with a message), starts and stops it, feeds the pole display, and makes the `PrintWorker` and
the `DrawerWorker` (each on its own thread and database connection).
`route(event)` turns a driver event into what the lane should do (`DeviceAction`), and
`WedgeRoute` does the same for a keyboard-wedge burst. The Textual side (`widgets/device_bridge`)
carries actions to the UI thread.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from pos_tui.config import Settings
from pos_tui.hardware.events import (
    CardError,
    CardRead,
    CardRemoved,
    DeviceEvent,
    DeviceStatus,
    EventCallback,
    LineDropped,
    ReaderStatus,
    Scan,
    Swipe,
    mask_card,
)
from pos_tui.hardware.line_limits import SCAN_MAX_LENGTH, SWIPE_MAX_LENGTH
from pos_tui.hardware.registry import DEVICE_NAMES, DeviceSet, DriverMissing
from pos_tui.services.runtime.backend import Backend, open_backend
from pos_tui.services.runtime.devices import device_config

if TYPE_CHECKING:
    from pos_tui.hardware.pole_display import PoleDisplay
    from pos_tui.services.checkout.drawer import DrawerWorker
    from pos_tui.services.checkout.printing import PrintWorker
    from pos_tui.storage.customers import CustomerRow

log = logging.getLogger(__name__)

# Store setting (table `settings`): how F2 finds the customer (FusionRetail "Method of Input").
SETTING_METHOD_OF_INPUT = "customers.method_of_input"
METHODS_OF_INPUT = ("keyboard", "list", "num_pad", "smart_card")
LIST_LIMIT = 50
NO_PRINTER = "no receipt printer is configured"


@dataclass(frozen=True, slots=True)
class DeviceAction:
    """What the lane does with a device event: attach a card, add a scan, tell the cashier, or
    show how many print jobs wait (``waiting``, the count as text)."""

    kind: Literal["card", "scan", "notice", "waiting", "ignore"]
    text: str
    error: bool = False
    title: str = "Device"  # a notice's title

    def __repr__(self) -> str:
        # A log line about an action never carries a whole card number.
        text = mask_card(self.text) if self.kind in ("card", "ignore") else self.text
        return f"DeviceAction(kind={self.kind!r}, text={text!r}, error={self.error!r})"


# The title of the card reader's notices: the lane says them where they hide nothing (the
# checkout's message line, PosApp.device_notice).
CARD_READER = "Card reader"


def route(event: DeviceEvent) -> DeviceAction | None:
    """A driver event as a lane action."""
    match event:
        case CardRead(card_number=number) | Swipe(card_number=number):
            return DeviceAction("card", number)
        case Scan(code=code):
            return DeviceAction("scan", code)
        case CardError(message=message):
            return DeviceAction("notice", message, error=True, title=CARD_READER)
        case CardRemoved(reader=reader):
            return DeviceAction("notice", f"Card removed from {reader}", title=CARD_READER)
        case ReaderStatus(message=message, ready=ready):
            return DeviceAction("notice", message, error=not ready, title=CARD_READER)
        case DeviceStatus(message=message, online=online):
            return DeviceAction("notice", message, error=not online)
        case LineDropped(device=device, message=message):
            return DeviceAction("notice", message, error=True, title=_title(device))
    return None


def _title(device: str) -> str:
    return device.replace("_", " ").capitalize()


def method_of_input(backend: Backend) -> str:
    """keyboard | list | num_pad | smart_card (anything else reads as keyboard)."""
    value = (backend.store.setting(SETTING_METHOD_OF_INPUT, "keyboard") or "").strip().lower()
    return value if value in METHODS_OF_INPUT else "keyboard"


def customers_for_list(backend: Backend, limit: int = LIST_LIMIT) -> list[CustomerRow]:
    """The first active customers by name, for the `list` method of input."""
    return backend.customers.page(which="active", limit=limit)


class WedgeRoute:
    """What a keyboard-wedge burst (fast keys ending in Enter) means at the lane.

    Track data (`%B...^...?`, `;...=...?`) from a keyboard magstripe is a card; anything else
    from a keyboard scanner is a scan, except in the checkout's entry, which takes codes itself.
    A reader sending each track as its own line gives the same number twice: dropped within
    `repeat_window` seconds.
    """

    def __init__(
        self,
        *,
        scanner: bool,
        magstripe: bool,
        repeat_window: float = 0.5,
        max_length: int = SCAN_MAX_LENGTH,
    ) -> None:
        self.scanner = scanner
        self.magstripe = magstripe
        self.repeat_window = repeat_window
        self.max_length = max_length
        self._last: tuple[str, float] | None = None

    @property
    def enabled(self) -> bool:
        return self.scanner or self.magstripe

    def action(self, code: str, *, at: float, in_entry: bool) -> DeviceAction | None:
        """None: let the keys through as typing."""
        if len(code) > self.max_length:  # a burst no scan or swipe sends: dropped, said once
            return DeviceAction("notice", f"Scan ignored: longer than {self.max_length} characters. Try again.", error=True, title="Scanner")  # fmt: skip
        if self.magstripe and code[:1] in ("%", ";") and code.endswith("?"):
            from pos_tui.hardware.magstripe import MagstripeError, parse_swipe

            try:
                card = parse_swipe(code)
            except MagstripeError as error:
                return DeviceAction("notice", str(error), error=True)
            last = self._last
            self._last = (card.card_number, at)
            if last and last[0] == card.card_number and at - last[1] < self.repeat_window:
                return DeviceAction("ignore", card.card_number)  # the swipe's other track
            return DeviceAction("card", card.card_number)
        if self.scanner and not in_entry:
            return DeviceAction("scan", code)
        return None


class PoleFeed:
    """What the customer sees on the pole display. Every call is a no-op without a display and
    never raises (the driver only queues a frame; control bytes are stripped there)."""

    def __init__(self, display: PoleDisplay | None, idle_message: str) -> None:
        self.display = display
        self.idle_message = idle_message
        self._had_lines = False
        self._paid = False

    def _call(self, name: str, *args: Any) -> None:
        if self.display is None:
            return
        try:
            getattr(self.display, name)(*args)
        except Exception:  # the customer's display must never cost the cashier the sale
            log.exception("pole display %s failed", name)

    def item(self, name: str, price: str) -> None:
        self._had_lines = True
        self._call("show_item", name, price)

    def due(self, total: str, remaining: str | None) -> None:
        if self.display is None:
            return
        from pos_tui.hardware.pole_display import total_lines

        columns = int(getattr(self.display, "columns", 20))
        self._call("show_lines", total_lines(total, remaining, columns, change_label="REMAINING"))

    def paid(self, total: str, change: str) -> None:
        self._paid = True
        self._call("show_total", total, change)

    def welcome(self, name: str) -> None:
        self._call("welcome", name)

    def idle(self) -> None:
        self._call("idle", self.idle_message)

    def sale_shown(self, empty: bool) -> None:
        """The checkout shows the sale: a sale cleared (void, hold) goes idle; the empty sale
        after a payment keeps the total and change up until the next item."""
        if empty and self._had_lines and not self._paid:
            self.idle()
        if empty:
            self._paid = False
        self._had_lines = not empty


def _merge(sets: list[DeviceSet]) -> DeviceSet:
    merged = DeviceSet(kinds={})
    kinds: dict[str, str] = {}
    for one in sets:
        for name in DEVICE_NAMES:
            device = getattr(one, name)
            if device is not None:
                setattr(merged, name, device)
        kinds.update({k: v for k, v in (one.kinds or {}).items() if v != "none"})
    merged.kinds = {name: kinds.get(name, "none") for name in DEVICE_NAMES}
    return merged.bind_drawer()


def _wedge_max_length(settings: Settings) -> int:
    """The longest keyboard-wedge burst taken: the larger `max_length` of the scanner and
    stripe reader sections (a bad value was already reported when they were built)."""
    try:
        config = device_config(settings)
        lengths = [
            int((config.get(name) or {}).get("max_length", default))
            for name, default in (("scanner", SCAN_MAX_LENGTH), ("magstripe", SWIPE_MAX_LENGTH))
        ]
    except (TypeError, ValueError):
        return SWIPE_MAX_LENGTH
    return max(lengths)


def build_device_set(settings: Settings, on_event: EventCallback) -> tuple[DeviceSet, list[str]]:
    """Every configured device that can be built, and a notice per device that cannot (what
    the lane shows: a missing optional library names the extra to install)."""
    sets: list[DeviceSet] = []
    errors: list[str] = []
    try:
        config = device_config(settings)
    except Exception as exc:  # a config model that cannot be read: no devices at all
        return DeviceSet(), [f"Device not used: devices: {exc}"]
    for name in DEVICE_NAMES:
        try:
            sets.append(DeviceSet.from_config({name: config.get(name) or {}}, on_event))
        except Exception as exc:  # HardwareConfigError, a bad code page, a missing module
            log.warning("device %s not built: %s", name, exc)
            if isinstance(exc, DriverMissing):
                errors.append(str(exc))
            else:
                where = "" if str(exc).startswith("devices.") else f"{name}: "
                errors.append(f"Device not used: {where}{exc}")
    return _merge(sets), errors


class LaneDevices:
    """The lane's devices: built from `[devices.*]`, started off the UI thread, stopped once."""

    def __init__(self, settings: Settings, on_event: EventCallback) -> None:
        self.devices, self.errors = build_device_set(settings, on_event)
        kinds = self.devices.kinds or {}
        self.wedge = WedgeRoute(
            scanner=kinds.get("scanner") == "keyboard",
            magstripe=kinds.get("magstripe") == "keyboard",
            max_length=_wedge_max_length(settings),
        )
        header = [line for line in settings.receipt.header if line.strip()]
        self.pole = PoleFeed(self.devices.pole_display, header[0] if header else "Welcome")
        self._lock = threading.Lock()
        self._stopped = False
        self._started = False

    @property
    def printer(self) -> Any:
        return self.devices.printer

    def start(self) -> None:
        """Start the driver threads (blocking work: call it off the UI thread)."""
        with self._lock:
            if self._stopped or self._started:
                return
            self._started = True
            for name in DEVICE_NAMES:
                device = getattr(self.devices, name)
                if device is None:
                    continue
                try:
                    device.start()
                except Exception:
                    log.exception("starting %s failed", name)
        self.pole.idle()

    def stop(self) -> None:
        with self._lock:
            self._stopped = True
            if self._started:
                self.devices.stop()

    def drawer_worker(self, backend: Backend) -> DrawerWorker:
        """The cash drawer (its own port, or the printer's kick connector) on its own thread
        and connection; without either, kicks do nothing and a no-sale says why."""
        from pos_tui.services.checkout.drawer import DrawerWorker

        settings, now = backend.settings, backend.now
        return DrawerWorker(
            self.devices.cash_drawer, open_backend=lambda: open_backend(settings, now=now)
        )

    def print_worker(
        self,
        backend: Backend,
        notify: Callable[[str, bool], None],
        *,
        retry_seconds: float = 30.0,
        on_waiting: Callable[[int], None] | None = None,
    ) -> PrintWorker:
        """A print worker on its own connection. Without a printer, receipts stay queued and
        the lane is told once (not once per job per sale)."""
        from pos_tui.services.checkout.printing import PrintWorker

        printer = self.devices.printer
        told = threading.Event()

        def tell(message: str, error: bool) -> None:
            if printer is None and NO_PRINTER in message:
                if told.is_set():
                    return
                told.set()
                message = (
                    "No receipt printer is configured: receipts stay in the print queue "
                    "(pos-tui devices queue)."
                )
            notify(message, error)

        settings, now = backend.settings, backend.now
        return PrintWorker(
            backend,
            printer,
            open_backend=lambda: open_backend(settings, now=now),
            notify=tell,
            on_waiting=on_waiting,
            retry_seconds=retry_seconds,
        )
