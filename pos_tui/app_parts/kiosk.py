"""The lane as a kiosk (``pos-tui kiosk``, docs/kiosk.md): nothing on screen reaches the host."""

from __future__ import annotations

import asyncio
import io
import signal
from collections.abc import Iterable
from typing import Any

from textual import events
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen

from pos_tui.app_parts.base import log
from pos_tui.app_parts.help_palette import HelpAndPalette


class KioskMode(HelpAndPalette):
    """Ctrl+C, Ctrl+\\ and Ctrl+Z are keys of the app (the terminal is raw, so they are never
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

    # Textual runs the on_mount/on_unmount of every class of the app's MRO: the lane's run
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
