"""The lane app on real devices under Pilot: a lane factory, waiting for what drivers report,
and the steps of a cash sale. Shared by the lane's hardware tests."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import serial
from textual.pilot import Pilot

from pos_tui.app import PosApp, create_app
from pos_tui.config import load_settings
from pos_tui.screens.tender import TenderScreen
from pos_tui.services.runtime.backend import Backend, open_backend
from tests.app.conftest import enter, settle
from tests.app.helpers_lane import notifications
from tests.catalog import build_store
from tests.conftest import Clock
from tests.helpers import HANG_SECONDS

from .stacks import Emupos

LaneFactory = Callable[[dict[str, dict[str, Any]]], tuple[PosApp, Backend]]


@pytest.fixture
def lane(db_path: Path, clock: Clock) -> Iterator[LaneFactory]:
    """A lane app on a fresh store whose `[devices.*]` are the given tables, and a connection
    of the test's own to look at the database (the app's belongs to its database thread)."""
    backends: list[Backend] = []

    def make(devices: dict[str, dict[str, Any]]) -> tuple[PosApp, Backend]:
        settings = load_settings(database={"path": str(db_path)}, devices=devices)
        backend, probe = open_backend(settings, now=clock), open_backend(settings, now=clock)
        backends.extend([backend, probe])
        build_store(backend)
        app = create_app(settings, backend=backend, now=clock)
        # Notifications stay until the test ends: what the lane said is checked after steps
        # whose length depends on the machine's load, never on a 5 s expiry.
        app.NOTIFICATION_TIMEOUT = 3600  # type: ignore[misc]  # one app, not the class
        return app, probe

    yield make
    for backend in backends:
        backend.close()


async def until(
    pilot: Pilot[Any], predicate: Callable[[], object], what: str, timeout: float = HANG_SECONDS
) -> None:
    """Let the app run until `predicate()` holds (driver threads report in their own time)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        await pilot.pause(0.05)
        try:
            if predicate():
                return
        except (AssertionError, AttributeError):
            pass
    raise AssertionError(f"not within {timeout}s: {what}; notifications: {notifications(pilot)}")


def printer_table(emupos: Emupos, port: int | None = None, **keys: Any) -> dict[str, Any]:
    """`[devices.printer]` for emupos (or for a link in front of it on `port`)."""
    return {
        "kind": "network",
        "host": "127.0.0.1",
        "port": port or emupos.printer_port,
        "timeout_seconds": 1,
        "code_page": "CP858",
        **keys,
    }


async def pay_cash(pilot: Pilot[Any], amount: str) -> None:
    await pilot.press("f5")
    await settle(pilot)
    assert isinstance(pilot.app.screen, TenderScreen)
    await enter(pilot, amount)


class PtyReader:
    """Collects what the app writes to a pty (the pole display), on a thread."""

    def __init__(self, path: Path) -> None:
        self.port = serial.Serial(str(path), timeout=0.1)
        self.data = b""
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self.data += self.port.read(256)
            except serial.SerialException:
                return  # the other end went away (a test unplugged the port)

    def take(self) -> bytes:
        data, self.data = self.data, b""
        return data

    def close(self) -> None:
        self._stop.set()
        self._thread.join(2)
        self.port.close()
