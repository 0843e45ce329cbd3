"""The composition root: settings, database, services and devices joined into one Textual app."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any, ParamSpec, TypeVar

from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.notifications import SeverityLevel
from textual.screen import Screen

from pos_tui.config import Settings, data_dir
from pos_tui.screens.checkout import CheckoutScreen
from pos_tui.screens.help import HelpScreen, key_rows
from pos_tui.screens.lane import LaneScreen
from pos_tui.screens.sign_in import SignInScreen
from pos_tui.services.auth import Employee
from pos_tui.services.backend import Backend, open_backend, system_now
from pos_tui.services.checkout import Committed
from pos_tui.services.runner import ServiceRunner
from pos_tui.text import plain

P = ParamSpec("P")
T = TypeVar("T")


# Device and printing hooks get these messages; re-exported for the hardware engineer.
CardRead = LaneScreen.CardRead
Scanned = LaneScreen.Scanned
log = logging.getLogger(__name__)


class PosApp(App[None]):
    """A point-of-sale lane.

    Hooks for devices and printing (call from other threads with ``app.call_from_thread``):
    :meth:`card_read`, :meth:`scan`, :meth:`device_notice`; after a commit
    :meth:`sale_committed` runs ``after_commit`` callbacks, ``on_sale_committed`` and
    ``printing.kick()`` when present; :meth:`reprint` queues a reprint.
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

    def __init__(self, backend: Backend) -> None:
        super().__init__()
        self.backend = backend
        self.settings = backend.settings
        self.runner = ServiceRunner()
        self.employee: Employee | None = None
        # Set by the printing/hardware side; both optional.
        self.printing: Any = None
        self.after_commit: list[Callable[[Committed], object]] = []

    async def call_service(self, fn: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs) -> T:
        """Run a service call on the database thread and await its result."""
        return await asyncio.wrap_future(self.runner.submit(fn, *args, **kwargs))

    def on_mount(self) -> None:
        if self.settings.keymap:
            self.set_keymap(self.settings.keymap)
        self.push_screen(SignInScreen())

    def who(self) -> str:
        if self.employee is None:
            return "signed out"
        return f"{self.employee.name} ({self.employee.role})"

    def lane_caption(self) -> str:
        return f"Lane {self.settings.lane.id} · Store {self.settings.lane.store_id} · {self.who()}"

    # -- messages --------------------------------------------------------------------------------
    def say(
        self, message: str, *, title: str = "", severity: SeverityLevel = "information"
    ) -> None:
        """A notification whose text may hold data: never markup, control bytes made visible."""
        self.notify(plain(message), title=plain(title), severity=severity, markup=False)

    def device_notice(self, message: str, *, error: bool = False) -> None:
        """A device event for the cashier (printer out of paper, reader connected, ...)."""
        self.say(message, title="Device", severity="error" if error else "information")

    # -- device hooks ----------------------------------------------------------------------------
    def _checkout_on_top(self) -> CheckoutScreen | None:
        screen = self.screen
        return screen if isinstance(screen, CheckoutScreen) else None

    def card_read(self, card_number: str) -> None:
        """A loyalty card was read: the checkout attaches its customer, or offers to link an
        unknown card. Ignored (with a notice) while locked or in another step."""
        checkout = self._checkout_on_top()
        if checkout is None:
            self.say(f"Card {card_number} read: finish the current step first", title="Card")
            return
        checkout.post_message(CardRead(card_number))

    def scan(self, code: str) -> None:
        """A scanner read a barcode: the checkout adds the item."""
        checkout = self._checkout_on_top()
        if checkout is None:
            self.say(f"Scanned {code}: not added, finish the current step first", title="Scanner")
            return
        checkout.post_message(Scanned(code))

    # -- printing hooks --------------------------------------------------------------------------
    def sale_committed(self, committed: Committed) -> None:
        """Called once per committed sale or return: notify, then the optional hooks."""
        sale = committed.sale
        what = "Return" if sale.get("kind") == "return" else "Sale"
        self.say(
            f"{what} {sale.get('sale_number')} committed · change {committed.change}",
            title="Sale",
        )
        for message in committed.messages:
            self.say(message, title="Customer")
        callbacks = [*self.after_commit, getattr(self, "on_sale_committed", None)]
        for callback in callbacks:
            if callable(callback):
                try:
                    callback(committed)
                except Exception as exc:  # a printer hook must never lose the sale screen
                    log.exception("after-commit hook failed")
                    self.say(f"After-sale hook failed: {exc}", title="Printer", severity="error")
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
        number = sale["sale_number"] if sale else sale_id
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

    # -- help and commands -----------------------------------------------------------------------
    def action_help(self) -> None:
        screen = self.screen
        if isinstance(screen, HelpScreen):
            screen.dismiss(None)
            return
        name = type(screen).__name__.removesuffix("Screen")
        self.push_screen(HelpScreen(name, key_rows(screen)))

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        if isinstance(screen, CheckoutScreen):
            for title, help_text, action in screen.palette():
                yield SystemCommand(title, help_text, lambda a=action: screen.run_palette(a))
        yield from super().get_system_commands(screen)

    def on_unmount(self) -> None:
        self.runner.shutdown()


def create_app(
    settings: Settings,
    *,
    backend: Backend | None = None,
    now: Callable[[], datetime] = system_now,
) -> PosApp:
    """One factory for the CLI and the tests."""
    return PosApp(backend or open_backend(settings, now=now))


def _configure_logging() -> None:
    # Libraries (python-escpos among them) log through the root logger and would draw over the
    # screen: send everything to a file instead.
    log_dir = data_dir()
    log_dir.mkdir(parents=True, exist_ok=True)
    handler = logging.FileHandler(log_dir / "pos-tui.log", encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.INFO)


def run_app(settings: Settings) -> None:
    _configure_logging()
    app = create_app(settings)
    try:
        app.run()
    finally:
        app.backend.close()
