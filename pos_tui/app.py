"""The composition root: settings, database, services and devices joined into one Textual app."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import datetime
from typing import ParamSpec, TypeVar

from textual.app import App
from textual.binding import Binding

from pos_tui.config import Settings, data_dir
from pos_tui.screens.sign_in import SignInScreen
from pos_tui.services.auth import Employee
from pos_tui.services.backend import Backend, open_backend, system_now
from pos_tui.services.runner import ServiceRunner

P = ParamSpec("P")
T = TypeVar("T")


class PosApp(App[None]):
    """A point-of-sale lane."""

    TITLE = "pos-tui"
    CSS_PATH = "app.tcss"
    ENABLE_COMMAND_PALETTE = True
    BINDINGS = [
        Binding("ctrl+q", "quit", "Quit", id="app.quit", show=False, priority=True),
    ]

    def __init__(self, backend: Backend) -> None:
        super().__init__()
        self.backend = backend
        self.settings = backend.settings
        self.runner = ServiceRunner()
        self.employee: Employee | None = None

    async def call_service(self, fn: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs) -> T:
        """Run a service call on the database thread and await its result."""
        return await asyncio.wrap_future(self.runner.submit(fn, *args, **kwargs))

    def on_mount(self) -> None:
        if self.settings.keymap:
            self.set_keymap(self.settings.keymap)
        self.push_screen(SignInScreen())

    def lane_caption(self) -> str:
        who = f"{self.employee.name} ({self.employee.role})" if self.employee else "signed out"
        return f"Lane {self.settings.lane.id} · Store {self.settings.lane.store_id} · {who}"

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
