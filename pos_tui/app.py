"""The composition root: settings, database, services and devices joined into one Textual app.

Only what the sign-in screen needs is imported before the first frame: the devices open after
it, the checkout (engine, services, widgets) loads while the cashier types the PIN, and every
other screen when it is first shown.
"""

from __future__ import annotations

import asyncio
import io
import logging
import signal
import threading
import time
from collections.abc import Callable, Iterable
from datetime import datetime
from importlib import import_module
from typing import TYPE_CHECKING, Any, ParamSpec, TypeVar

from textual import events
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.driver import Driver
from textual.message import Message
from textual.notifications import SeverityLevel
from textual.screen import Screen

from pos_tui.config import Settings, data_dir
from pos_tui.screens.notices import NoticeLog
from pos_tui.screens.sign_in import SignInScreen
from pos_tui.services.runtime.backend import Backend, open_backend, system_now
from pos_tui.services.runtime.runner import ServiceRunner
from pos_tui.text import plain
from pos_tui.widgets.errors import ContainErrors, error_line, log_error
from pos_tui.widgets.fmt import money

if TYPE_CHECKING:
    from pos_tui.screens.checkout import CheckoutScreen
    from pos_tui.screens.host import LaneHost
    from pos_tui.screens.lane import MessageLine
    from pos_tui.screens.notices import Notice
    from pos_tui.services.checkout.drawer import DrawerService, DrawerWorker
    from pos_tui.services.checkout.record import SaleRow
    from pos_tui.services.checkout.sale import Committed
    from pos_tui.services.runtime.lane_devices import DeviceAction, PoleFeed
    from pos_tui.services.staff.auth import Employee
    from pos_tui.services.sync.agent import SyncStatus
    from pos_tui.widgets.device_bridge import DeviceBridge, KeyWedge
    from pos_tui.widgets.sync_bridge import SyncBridge

P = ParamSpec("P")
T = TypeVar("T")

log = logging.getLogger(__name__)

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


class PosApp(ContainErrors, App[None]):
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
    """

    # How often the print worker retries receipts held up by a printer problem.
    PRINT_RETRY_SECONDS = 30.0

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

    def __init__(self, backend: Backend) -> None:
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

    def get_driver_class(self) -> type[Driver]:
        """The platform's driver, writing fewer bytes for the same screen (thin terminals,
        SSH, serial lines): see widgets/terminal_output.py."""
        from pos_tui.widgets.terminal_output import with_merged_styles

        return with_merged_styles(super().get_driver_class())

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

    def on_mount(self) -> None:
        if self.settings.keymap:
            self.set_keymap(self.settings.keymap)
        self.screen_change_signal.subscribe(self, self._screen_changed)
        self.push_screen(SignInScreen())
        self.call_after_refresh(self._open_devices)
        if self.settings.sync.url:
            self.call_after_refresh(self._start_sync)

    # -- head office sync ------------------------------------------------------------------------
    def _start_sync(self) -> None:
        """Sync with head office on a worker thread; the top bar shows its state."""
        from pos_tui.widgets.sync_bridge import SyncBridge

        self.sync_line = "connecting · head office"
        self.sync_bridge = SyncBridge(self, self.settings, self.sync_changed, self.backend.now)
        self.after_commit.append(lambda _committed: self._kick_sync())
        self.sync_bridge.start()

    def _kick_sync(self) -> None:
        if self.sync_bridge is not None:
            self.sync_bridge.kick()

    def sync_changed(self, status: SyncStatus) -> None:
        from pos_tui.widgets.lane_bar import LaneBar

        if status.stopped and status.error and not self.sync_line.startswith("sync stopped"):
            self.say(f"Head office sync stopped: {status.error}", title="Sync", severity="error")
        self.sync_line = status.line()
        for bar in self.screen.query(LaneBar):
            bar.set_sync(self.sync_line)

    # -- devices ---------------------------------------------------------------------------------
    def _open_devices(self) -> None:
        """Build the devices from `[devices.*]` (a bad section disables that device, with a
        notice: the lane still works from the keyboard), start them off the UI thread, and
        attach the print worker."""
        from pos_tui.widgets.device_bridge import DeviceBridge, KeyWedge

        try:
            bridge = DeviceBridge(self, self.settings)
        except Exception as exc:  # never: LaneDevices collects errors; but never crash the lane
            log.exception("devices not opened")
            self.device_notice(f"Devices not opened: {exc}", error=True)
            return
        self.device_bridge = bridge
        self._pole = bridge.pole
        for notice in bridge.lane.errors:
            self.device_notice(notice, error=True)
        self.wedge = KeyWedge(
            self,
            bridge.lane.wedge,
            forward=self._forward_key,
            act=self._device_action,
            watching=self._wedge_watching,
            in_entry=self._entry_focused,
        )
        if self.printing is None:
            self.printing = bridge.print_worker(self.backend, self.PRINT_RETRY_SECONDS)
            self._own_printing = True
            self.printing.start()
        bridge.start_drawer(self.backend)
        bridge.start()

    def _wedge_watching(self) -> bool:
        """Keyboard wedges are watched once someone is signed in, except on a screen that wants
        scans typed into its fields (class attribute ``WEDGE_TYPES = True``, e.g. a barcode
        field in the back office). The sign-in screen is watched for card swipes only (see
        ``_entry_focused``): a swipe there must never become an employee number, nor reach
        the audit log as one."""
        screen = self.screen
        if isinstance(screen, SignInScreen):
            return True
        return self.employee is not None and not getattr(screen, "WEDGE_TYPES", False)

    def _entry_focused(self) -> bool:
        """Whether scans are typing here (the checkout's entry takes codes itself, the sign-in
        screen takes employee badges): then only magstripe track data is taken."""
        if isinstance(self.screen, SignInScreen):
            return True
        focused = self.focused
        return focused is not None and focused.id == "entry" and self._checkout_on_top() is not None

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key) and not event.is_forwarded:
            if self.wedge is not None and await self.wedge.take(event):
                return
            if self._held_for_screen(event):
                return
            self._key_arrived()
        await super().on_event(event)

    def _key_arrived(self) -> None:
        """A key: the top lane screen's last message is stale (screens/lane.py)."""
        stale = getattr(self.screen_stack[-1], "key_arrived", None) if self.screen_stack else None
        if callable(stale):
            stale()
        held = self.notices.key_arrived()
        checkout = self._checkout_on_top() if held is not None else None
        if held is not None and checkout is not None:
            from pos_tui.screens.lane import MessageLine

            self._show_on(list(checkout.query(MessageLine)), held, newer=True)

    async def _forward_key(self, event: events.Key) -> None:
        """Keys the wedge held as typing go on from here."""
        if not self._held_for_screen(event):
            await super().on_event(event)

    def _held_for_screen(self, event: events.Key) -> bool:
        """A screen still opening holds the keys typed ahead (screens/typeahead.py)."""
        stack = self.screen_stack
        hold = getattr(stack[-1], "hold_key", None) if stack else None
        return bool(hold(event)) if callable(hold) else False

    async def deliver_key(self, event: events.Key) -> None:
        """A key a screen held while it opened, routed now that its field has the focus."""
        await super().on_event(event)

    def on_device_bridge_action(self, message: DeviceBridge.Action) -> None:
        self._device_action(message.action)

    def _device_action(self, action: DeviceAction) -> None:
        try:
            if action.kind == "card":
                self.card_read(action.text)
            elif action.kind == "scan":
                self.scan(action.text)
            elif action.kind == "notice":
                self.device_notice(action.text, error=action.error, title=action.title)
            elif action.kind == "waiting":
                self.show_print_waiting(int(action.text))
        except Exception as exc:  # a device must never take the lane down
            log.exception("device action failed: %r", action)
            self.device_notice(f"Device event not handled: {exc}", error=True)

    def _close_devices(self) -> None:
        if self.sync_bridge is not None:
            self.sync_bridge.stop()
        if self._own_printing and self.printing is not None:
            try:
                self.printing.stop()
            except Exception:
                log.exception("stopping the print worker failed")
        if self.device_bridge is not None:
            self.device_bridge.stop()

    # -- who is signed in -----------------------------------------------------------------------
    def signed_in(self, employee: Employee) -> None:
        self.employee = employee

    def signed_out(self) -> None:
        self.employee = None
        self.taken_over_from = None

    def who(self) -> str:
        if self.employee is None:
            return "signed out"
        cashier = self.taken_over_from
        if cashier is not None:  # short enough for 80 columns with the clock
            return f"TAKEOVER {self.employee.name} for {cashier.name}"
        return f"{self.employee.name} ({self.employee.role})"

    def take_over(self, supervisor: Employee) -> None:
        if self.taken_over_from is None:
            self.taken_over_from = self.employee
        self.employee = supervisor

    def hand_back(self) -> None:
        if self.taken_over_from is not None:
            self.employee, self.taken_over_from = self.taken_over_from, None

    # -- messages --------------------------------------------------------------------------------
    def say(
        self, message: str, *, title: str = "", severity: SeverityLevel = "information"
    ) -> None:
        """A notification whose text may hold data: never markup, control bytes made visible."""
        self.notify(plain(message), title=plain(title), severity=severity, markup=False)

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = True,
    ) -> None:
        """Every notice of the lane (ours and Textual's): kept in ``notices`` (F1 lists the
        recent ones); at the checkout said on its message line, elsewhere a toast
        (screens/notices.py). Thread-safe, as Textual's: from another thread it is posted."""
        said = (message, title, severity, timeout, markup)
        if threading.get_ident() != getattr(self, "_thread_id", None):
            self.post_message(self.Said(said))
            return
        self._said(*said)

    class Said(Message):
        """A notice said on another thread, to be shown from the app's own."""

        def __init__(self, said: tuple[str, str, SeverityLevel, float | None, bool]) -> None:
            super().__init__()
            self.said = said

    def on_pos_app_said(self, event: PosApp.Said) -> None:
        self._said(*event.said)

    def _said(
        self,
        message: str,
        title: str,
        severity: SeverityLevel,
        timeout: float | None,
        markup: bool,
    ) -> None:
        from pos_tui.screens.notices import Notice, plain_message

        notice = Notice(
            plain_message(message, markup), plain(title), severity, self.backend.now(), "line"
        )
        checkout = self._checkout_on_top()
        if checkout is not None and self._on_line(checkout, notice):
            return
        seconds = self.NOTIFICATION_TIMEOUT if timeout is None else timeout
        notice.shown, notice.until = "toast", time.monotonic() + seconds
        self.notices.add(notice)
        super().notify(message, title=title, severity=severity, timeout=timeout, markup=markup)

    def _on_line(self, checkout: CheckoutScreen, notice: Notice) -> bool:
        """Say a notice on the checkout's message line (False: it has none yet)."""
        from pos_tui.screens.lane import MessageLine

        lines = list(checkout.query(MessageLine))
        if not lines:
            return False
        self._show_on(lines, self.notices.add(notice))
        return True

    def _show_on(self, lines: list[MessageLine], notice: Notice, *, newer: bool = False) -> None:
        """``newer``: the notice is newer than what the line shows (a toast already seen, an
        error held back until this key), so it takes the line whatever the line says."""
        from pos_tui.screens.notices import line_text, said_already, takes_the_line

        log = self.notices
        for line in lines:
            if said_already(line.content, notice):
                continue  # the same words twice: the screen said them inline
            if not newer and not takes_the_line(line.content, line.resting, log.last_line):
                log.on_line_since_key += 1  # the screen's own words stay; F1 lists it
                if notice.error:
                    log.held_error = notice
                continue
            more = log.on_line_since_key
            log.on_line_since_key += 1
            width = line.content_region.width or self.size.width - 2
            log.last_line = line_text(notice, more, width)
            line.say(log.last_line, error=notice.error)

    def _screen_changed(self, screen: Screen[Any]) -> None:
        """The checkout on top again: the toasts still on screen move onto its message line
        (the sign-in's device errors, what a closing form said), newest shown."""
        from pos_tui.screens.checkout import CheckoutScreen

        if isinstance(screen, CheckoutScreen):
            if screen.is_mounted:
                self._take_toasts(screen)
            else:  # a checkout just pushed: its message line is there after its first frame
                screen.call_after_refresh(self._take_toasts, screen)

    def _take_toasts(self, checkout: CheckoutScreen) -> None:
        from pos_tui.screens.lane import MessageLine

        live = self.notices.live_toasts(time.monotonic())
        lines = list(checkout.query(MessageLine))
        if not live or not lines or self.screen is not checkout:
            return
        self.clear_notifications()
        self.notices.on_line_since_key = 0
        for notice in live:
            notice.shown, notice.until = "line", 0.0
            self._show_on(lines, notice, newer=True)

    def device_notice(self, message: str, *, error: bool = False, title: str = "Device") -> None:
        """A device event for the cashier (printer out of paper, reader connected, ...): at
        the checkout on its message line, elsewhere a notification (``notify``)."""
        self.say(message, title=title, severity="error" if error else "information")

    # -- device hooks ----------------------------------------------------------------------------
    def _checkout_on_top(self) -> CheckoutScreen | None:
        from pos_tui.screens.checkout import CheckoutScreen

        screen = self.screen
        return screen if isinstance(screen, CheckoutScreen) else None

    def card_read(self, card_number: str) -> None:
        """A loyalty card was read: the checkout attaches its customer, or offers to link an
        unknown card. Ignored (with a notice) while locked or in another step."""
        from pos_tui.hardware.events import mask_card
        from pos_tui.screens.card_prompt import CardPromptScreen
        from pos_tui.screens.lane import LaneScreen

        if isinstance(self.screen, CardPromptScreen):
            self.screen.card_read(card_number)
            return
        checkout = self._checkout_on_top()
        if checkout is None:
            shown = mask_card(card_number)
            self.say(f"Card {shown} read: finish the current step first", title="Card")
            return
        checkout.post_message(LaneScreen.CardRead(card_number))

    def scan(self, code: str) -> None:
        """A scanner read a barcode: the checkout adds the item."""
        from pos_tui.screens.lane import LaneScreen

        checkout = self._checkout_on_top()
        if checkout is None:
            self.say(f"Scanned {code}: not added, finish the current step first", title="Scanner")
            return
        checkout.post_message(LaneScreen.Scanned(code))

    # -- printing hooks --------------------------------------------------------------------------
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

    # -- the cash drawer and the print queue's count ---------------------------------------------
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

    # -- help and commands -----------------------------------------------------------------------
    def action_help(self) -> None:
        from pos_tui.screens.help import HelpScreen, key_rows

        screen = self.screen
        if isinstance(screen, HelpScreen):
            screen.dismiss(None)
            return
        name = type(screen).__name__.removesuffix("Screen")
        self.push_screen(HelpScreen(name, key_rows(screen), self.notices.recent()))

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        yield from self.lane_commands(screen)
        yield from super().get_system_commands(screen)

    def lane_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        """The palette's commands of the lane itself (the checkout's actions)."""
        from pos_tui.screens.checkout import CheckoutScreen

        if isinstance(screen, CheckoutScreen):
            for title, help_text, action in screen.palette():
                yield SystemCommand(title, help_text, lambda a=action: screen.run_palette(a))

    # -- the one error policy (widgets/errors.py) --------------------------------------------------
    def report_error(self, error: BaseException, *, where: str) -> None:
        """An unexpected error anywhere in the lane: logged, said in one line (on the screen's
        message line too when it has one), and the lane carries on with its sale."""
        from pos_tui.screens.service_calls import ServiceScreen

        log_error(error, where=where)
        self.say(error_line(error), title="Error", severity="error")
        screen = self.screen if self.is_running else None
        if isinstance(screen, ServiceScreen):
            screen.say_on_line("Unexpected error: see the log", error=True)

    def _handle_exception(self, error: Exception) -> None:
        # Textual ends the app on any error nothing handled. A worker's error (a service call,
        # a search, a print) has ended only that worker: report it and carry on. Anything
        # else (a screen that cannot even be built) still ends the app, without locals.
        from textual.worker import WorkerFailed

        if isinstance(error, WorkerFailed) and self.is_running:
            self.report_error(error.error, where="worker")
            return
        super()._handle_exception(error)

    def _fatal_error(self) -> None:
        """An error nothing handled ends the app with its traceback, like Textual's own, but
        without the frames' local variables: they may hold a PIN or card data."""
        from rich.segment import Segments
        from rich.traceback import Traceback

        self.bell()
        traceback = Traceback(show_locals=False, width=None)
        self._exit_renderables.append(
            Segments(self.console.render(traceback, self.console.options))
        )
        self._close_messages_no_wait()

    def on_unmount(self) -> None:
        self._close_devices()
        self.runner.shutdown()


class KioskApp(PosApp):
    """The lane as a kiosk (``pos-tui kiosk``, docs/kiosk.md): nothing on screen reaches the
    host.

    Ctrl+C, Ctrl+\\ and Ctrl+Z are keys of the app (the terminal is raw, so they are never
    signals) that only say what they do not do; the process cannot be suspended; the command
    palette offers the lane's commands and the keys panel, not Textual's screenshot (a file on
    the host), theme or quit. A hang-up (SSH session gone) or SIGTERM leaves like Ctrl+Q, the
    open sale kept. An error that ends the app is written to the log instead of the terminal:
    the kiosk's supervisor shows a short message and starts the lane again. The cursor does not
    blink: every blink repaints the entry, twice a second, on a link that may be slow.
    """

    BINDINGS = [
        Binding("ctrl+c", "kiosk_key('Ctrl+C')", show=False, priority=True, id="kiosk.ctrl_c"),
        Binding(
            "ctrl+backslash",
            "kiosk_key('Ctrl+\\\\')",
            show=False,
            priority=True,
            id="kiosk.ctrl_backslash",
        ),
        Binding("ctrl+z", "kiosk_key('Ctrl+Z')", show=False, priority=True, id="kiosk.ctrl_z"),
    ]
    # Textual's palette commands a kiosk keeps (by title).
    KIOSK_SYSTEM_COMMANDS = frozenset({"Keys"})

    ENDING_SIGNALS = (signal.SIGHUP, signal.SIGTERM)
    _sigtstp: Any = signal.SIG_DFL

    # Textual runs the on_mount/on_unmount of every class of the app's MRO: PosApp's run
    # after these without a super() call (one with would open the devices twice).
    def on_mount(self) -> None:
        loop = asyncio.get_running_loop()
        for number in self.ENDING_SIGNALS:
            loop.add_signal_handler(number, self._session_ended, number)
        # Textual's driver stops the process on SIGTSTP; a kiosk has no shell to resume it.
        self._sigtstp = signal.signal(signal.SIGTSTP, signal.SIG_IGN)

    def on_unmount(self) -> None:
        loop = asyncio.get_running_loop()
        for number in self.ENDING_SIGNALS:
            loop.remove_signal_handler(number)
        signal.signal(signal.SIGTSTP, self._sigtstp or signal.SIG_DFL)

    def _session_ended(self, number: int) -> None:
        log.info("kiosk: signal %s, leaving (the open sale is kept)", number)
        self.exit()

    def action_kiosk_key(self, key: str) -> None:
        self.say(f"{key} is not used here; F1 lists the keys", title="Kiosk")

    def action_suspend_process(self) -> None:
        self.say("This lane cannot be suspended", title="Kiosk")

    def action_screenshot(self, filename: str | None = None, path: str | None = None) -> None:
        self.say("Screenshots are not taken on this lane", title="Kiosk")

    def deliver_screenshot(self, *args: Any, **kwargs: Any) -> str | None:
        self.say("Screenshots are not taken on this lane", title="Kiosk")
        return None

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        yield from self.lane_commands(screen)
        for command in App.get_system_commands(self, screen):
            if command.title in self.KIOSK_SYSTEM_COMMANDS:
                yield command

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        from textual.widgets import Input

        if isinstance(event.widget, Input):
            event.widget.cursor_blink = False

    def _print_error_renderables(self) -> None:
        if self._exit_renderables:
            from rich.console import Console

            console = Console(file=io.StringIO(), width=120, color_system=None)
            for renderable in self._exit_renderables:
                console.print(renderable)
            file = console.file
            assert isinstance(file, io.StringIO)
            log.error("kiosk: the lane stopped on an error:\n%s", file.getvalue())
            self._exit_renderables.clear()


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
