"""The lane's set of devices, built from the `devices` config mapping.

    {"printer": {"kind": "network", "host": "10.0.0.5"},
     "card_reader": {"kind": "pcsc", "profile": "uid"},
     "scanner": {"kind": "serial", "url": "/dev/ttyACM0"},
     "magstripe": {"kind": "none"},
     "pole_display": {"kind": "serial", "url": "/dev/ttyUSB0"},
     "drawer": {"kind": "printer"}}

Every device is optional: a missing entry or `kind: none` disables it, so a lane with no devices
works. The cash drawer (`kind: printer`, the shipped default) is pulsed through the printer, so
it is there only when a printer is. `describe()` feeds the `pos-tui devices` command. A driver's module (and its library:
pyscard, pyserial, python-escpos) is imported only when its device is configured.

pyscard and python-escpos are optional (the `cardreader` and `printer` extras): a thin
terminal installs pos-tui without them. A configured device whose library is missing is a
`DriverMissing` naming the extra to install, never an import traceback.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from importlib import import_module
from typing import TYPE_CHECKING, Any

from pos_tui.hardware.config_values import HardwareConfigError
from pos_tui.hardware.events import EventCallback, ignore_event

if TYPE_CHECKING:
    from pos_tui.hardware.card_reader import CardReader
    from pos_tui.hardware.cash_drawer import CashDrawer
    from pos_tui.hardware.pole_display import PoleDisplay
    from pos_tui.hardware.printer import ReceiptPrinter
    from pos_tui.hardware.serial_lines import LineDevice

log = logging.getLogger(__name__)

DEVICE_NAMES = ("printer", "card_reader", "scanner", "magstripe", "pole_display", "drawer")

# Each device's builder (module, function), and the kinds for which the builder returns None.
_BUILDERS: dict[str, tuple[str, str, frozenset[str]]] = {
    "printer": ("printer", "build_printer", frozenset({"none"})),
    "card_reader": ("card_reader", "build_card_reader", frozenset({"none"})),
    "scanner": ("serial_lines", "build_scanner", frozenset({"none", "keyboard"})),
    "magstripe": ("serial_lines", "build_magstripe", frozenset({"none", "keyboard"})),
    "pole_display": ("pole_display", "build_pole_display", frozenset({"none"})),
    "drawer": ("cash_drawer", "build_drawer", frozenset({"none"})),
}


# The optional libraries (top-level module: distribution, pos-tui extra) and each device in words.
_OPTIONAL = {
    "smartcard": ("pyscard", "cardreader"),
    "escpos": ("python-escpos", "printer"),
    "usb": ("pyusb", "printer"),
}
_IN_WORDS = {
    "printer": "Receipt printer",
    "card_reader": "Card reader",
    "scanner": "Scanner",
    "magstripe": "Stripe reader",
    "pole_display": "Pole display",
}


class DriverMissing(HardwareConfigError):
    """A configured device whose optional library is not installed."""

    def __init__(self, device: str, distribution: str, extra: str) -> None:
        self.device, self.distribution, self.extra = device, distribution, extra
        super().__init__(
            f"{_IN_WORDS[device]} not used: {distribution} is not installed "
            f"— install pos-tui[{extra}]"
        )


def build_device(name: str, cfg: dict[str, Any], on_event: EventCallback = ignore_event) -> Any:
    """The device of section ``cfg``, or None. A section holding only a driverless kind is
    None without importing the driver; anything else goes to the driver's builder, which
    checks every key. Raises DriverMissing when the driver's optional library is missing."""
    module_name, function, driverless = _BUILDERS[name]
    kind = cfg.get("kind", "none")
    if set(cfg) <= {"kind"} and isinstance(kind, str) and kind in driverless:
        return None
    try:
        builder: Callable[..., Any] = getattr(
            import_module(f"pos_tui.hardware.{module_name}"), function
        )
        return builder(cfg) if name == "printer" else builder(cfg, on_event)
    except ModuleNotFoundError as exc:
        optional = _OPTIONAL.get((exc.name or "").partition(".")[0])
        if optional is None:
            raise
        raise DriverMissing(name, *optional) from None


@dataclass(frozen=True, slots=True)
class DeviceInfo:
    """One row of `pos-tui devices`."""

    name: str
    kind: str
    target: str
    state: str


@dataclass
class DeviceSet:
    printer: ReceiptPrinter | None = None
    card_reader: CardReader | None = None
    scanner: LineDevice | None = None
    magstripe: LineDevice | None = None
    pole_display: PoleDisplay | None = None
    drawer: CashDrawer | None = None
    # Configured kinds, including those that need no driver ("none", a keyboard wedge scanner).
    kinds: Mapping[str, str] | None = None

    @classmethod
    def from_config(
        cls,
        config: Mapping[str, Mapping[str, Any] | None] | None,
        on_event: EventCallback = ignore_event,
    ) -> DeviceSet:
        config = config or {}
        unknown = sorted(set(config) - set(DEVICE_NAMES))
        if unknown:
            raise HardwareConfigError(
                f"devices: unknown device(s) {', '.join(unknown)}; "
                f"expected {', '.join(DEVICE_NAMES)}"
            )

        def section(name: str) -> dict[str, Any]:
            value = config.get(name) or {}
            if not isinstance(value, Mapping):
                raise HardwareConfigError(f"devices.{name}: expected a table, got {value!r}")
            return dict(value)

        kinds = {name: str(section(name).get("kind", "none")) for name in DEVICE_NAMES}
        return cls(
            printer=build_device("printer", section("printer"), on_event),
            card_reader=build_device("card_reader", section("card_reader"), on_event),
            scanner=build_device("scanner", section("scanner"), on_event),
            magstripe=build_device("magstripe", section("magstripe"), on_event),
            pole_display=build_device("pole_display", section("pole_display"), on_event),
            drawer=build_device("drawer", section("drawer"), on_event),
            kinds=kinds,
        ).bind_drawer()

    def bind_drawer(self) -> DeviceSet:
        """Give a drawer on the printer's kick connector this set's printer (or none)."""
        bind = getattr(self.drawer, "bind", None)
        if bind is not None:
            bind(self.printer)
        return self

    @property
    def cash_drawer(self) -> CashDrawer | None:
        """The drawer the lane can kick: its own port, or the printer's kick connector when a
        printer is configured."""
        drawer = self.drawer
        if drawer is None or (drawer.route == "printer" and self.printer is None):
            return None
        return drawer

    def _devices(self) -> dict[str, Any]:
        return {
            "printer": self.printer,
            "card_reader": self.card_reader,
            "scanner": self.scanner,
            "magstripe": self.magstripe,
            "pole_display": self.pole_display,
            "drawer": self.cash_drawer,
        }

    def start(self) -> None:
        """Start the watcher/reader threads. Failures become status events, never exceptions."""
        for device in self._devices().values():
            if device is not None:
                device.start()

    def stop(self) -> None:
        for name, device in self._devices().items():
            if device is None:
                continue
            try:
                device.stop()
            except Exception:  # shutting down: one stuck device must not keep the others up
                log.exception("stopping %s failed", name)

    def describe(self) -> list[DeviceInfo]:
        kinds = self.kinds or {}
        rows: list[DeviceInfo] = []
        for name, device in self._devices().items():
            if device is not None:
                rows.append(DeviceInfo(name, device.kind, device.target, device.state))
            elif kinds.get(name) == "keyboard":
                rows.append(
                    DeviceInfo(name, "keyboard", "keyboard wedge (detected by the UI)", "passive")
                )
            else:
                rows.append(DeviceInfo(name, "none", "-", "disabled"))
        return rows
