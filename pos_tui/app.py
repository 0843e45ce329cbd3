"""The composition root: settings, database, services and devices joined into one Textual app.

Only what the sign-in screen needs is imported before the first frame: the devices open after
it, the checkout (engine, services, widgets) loads while the cashier types the PIN, and every
other screen when it is first shown. The app's parts, one responsibility each, are the mixins
of ``pos_tui/app_parts/``; this module puts them together.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from importlib import import_module
from typing import TYPE_CHECKING, Any

from textual.binding import Binding
from textual.driver import Driver

from pos_tui.app_parts.after_sale import AfterSale
from pos_tui.app_parts.devices import DeviceHooks
from pos_tui.app_parts.error_policy import ErrorPolicy
from pos_tui.app_parts.head_office import HeadOfficeSync
from pos_tui.app_parts.help_palette import HelpAndPalette
from pos_tui.app_parts.kiosk import KioskMode
from pos_tui.app_parts.staff import SignedIn
from pos_tui.config import Settings, data_dir
from pos_tui.screens.sign_in import SignInScreen
from pos_tui.services.runtime.backend import Backend, open_backend, system_now

if TYPE_CHECKING:
    from pos_tui.screens.host import LaneHost
    from pos_tui.services.staff.auth import Employee

# Re-exported, loaded on first use: the device and printing hooks' messages (for the hardware
# engineer) and the F2 customer list.
_LAZY = {
    "CardRead": ("pos_tui.screens.lane", "LaneScreen.CardRead"),
    "Scanned": ("pos_tui.screens.lane", "LaneScreen.Scanned"),
    "CustomerListScreen": ("pos_tui.screens.customer_search", "CustomerListScreen"),
}


def __getattr__(name: str) -> Any:
    if name not in _LAZY:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    module_name, path = _LAZY[name]
    value: Any = import_module(module_name)
    for part in path.split("."):
        value = getattr(value, part)
    return value


class PosApp(DeviceHooks, AfterSale, HeadOfficeSync, SignedIn, ErrorPolicy, HelpAndPalette):
    """A point-of-sale lane.

    Hooks for devices and printing (call from other threads with ``app.call_from_thread``):
    :meth:`card_read`, :meth:`scan`, :meth:`device_notice`; after a commit
    :meth:`sale_committed` kicks a cash sale's drawer, runs ``after_commit`` callbacks,
    ``on_sale_committed`` and ``printing.kick()`` when present; :meth:`reprint` queues a
    reprint; :meth:`call_drawer` runs a drawer service call (no-sale) on the drawer's thread;
    ``print_waiting`` is the count of print jobs not printed.

    On mount the ``[devices.*]`` of the settings are opened (``device_bridge``): driver events
    reach those hooks, receipts print through a ``PrintWorker`` (unless ``printing`` was set
    before), the pole display follows the sale (``pole``), and keyboard-wedge scanners and
    magstripe readers are told from typing (``on_event``).

    Its parts (``pos_tui/app_parts/``): ``DeviceHooks`` (devices, wedges, card and scan
    hooks) over ``NoticesOnLine`` (every notice on the checkout's message line or a toast,
    kept for F1), ``AfterSale`` (printing and the cash drawer), ``HeadOfficeSync``, ``SignedIn``
    (who is signed in, takeovers), ``ErrorPolicy`` and ``HelpAndPalette``, over the state
    they share (``LaneAppBase``).
    """

    TITLE = "pos-tui"
    CSS_PATH = "app.tcss"
    ENABLE_COMMAND_PALETTE = True
    BINDINGS = [
        Binding("ctrl+q", "quit", "Quit", id="app.quit", show=False, priority=True),
        Binding("f1", "help", "Help", id="app.help", tooltip="Every key of this screen"),
        Binding(
            "ctrl+p",
            "command_palette",
            "Commands",
            id="app.command_palette",
            show=False,
            priority=True,
            tooltip="Search the lane's commands",
        ),
    ]

    def get_driver_class(self) -> type[Driver]:
        """The platform's driver, writing fewer bytes for the same screen (thin terminals,
        SSH, serial lines): see widgets/terminal_output.py."""
        from pos_tui.widgets.terminal_output import with_merged_styles

        return with_merged_styles(super().get_driver_class())

    def on_mount(self) -> None:
        if self.settings.keymap:
            self.set_keymap(self.settings.keymap)
        self.screen_change_signal.subscribe(self, self._screen_changed)
        self.push_screen(SignInScreen())
        self.call_after_refresh(self._open_devices)
        if self.settings.sync.url:
            self.call_after_refresh(self._start_sync)

    def signed_in(self, employee: Employee) -> None:
        super().signed_in(employee)
        self._start_workers()

    # -- messages --------------------------------------------------------------------------------
    def device_notice(self, message: str, *, error: bool = False, title: str = "Device") -> None:
        """A device event for the cashier (printer out of paper, reader connected, ...): at
        the checkout on its message line, elsewhere a notification (``notify``)."""
        self.say(message, title=title, severity="error" if error else "information")

    def on_unmount(self) -> None:
        self._close_devices()
        self.runner.shutdown()


class KioskApp(KioskMode, PosApp):
    """The lane as a kiosk (``pos-tui kiosk``, docs/kiosk.md): nothing on screen reaches the
    host (``pos_tui/app_parts/kiosk.py``)."""


if TYPE_CHECKING:
    # Screens see the app only as a LaneHost (screens/host.py): mypy checks PosApp is one.
    _SCREENS_HOST: type[LaneHost] = PosApp


def create_app(
    settings: Settings,
    *,
    backend: Backend | None = None,
    now: Callable[[], datetime] = system_now,
    kiosk: bool = False,
) -> PosApp:
    """One factory for the CLI, the kiosk and the tests."""
    app_class = KioskApp if kiosk else PosApp
    return app_class(backend or open_backend(settings, now=now))


def configure_logging() -> None:
    # Libraries (python-escpos among them) log through the root logger and would draw over the
    # screen: send everything to a file instead.
    # A log that cannot be written (a full disk) must not print tracebacks over the lane.
    logging.raiseExceptions = False
    log_dir = data_dir()
    handler: logging.Handler
    try:
        log_dir.mkdir(parents=True, exist_ok=True)
        handler = logging.FileHandler(log_dir / "pos-tui.log", encoding="utf-8")
    except OSError:
        handler = logging.NullHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.INFO)


def run_app(settings: Settings, *, kiosk: bool = False) -> int:
    """Run the lane until it is closed; its exit code (non-zero after an error)."""
    configure_logging()
    app = create_app(settings, kiosk=kiosk)
    try:
        app.run()
    finally:
        app.backend.close()
    return app.return_code or 0
