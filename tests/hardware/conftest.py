"""Fixtures starting the real software stacks (see stacks.py). Missing tools FAIL, never skip:
a green run must mean the hardware layer was exercised."""

from __future__ import annotations

import fcntl
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TypeVar

import pytest

from pos_tui.hardware.events import DeviceEvent
from tests.helpers import HANG_SECONDS

from .lane_helpers import lane as lane  # the lane app fixture, for every module here
from .stacks import Emupos, PcscdController, PtyPair, StackError, wait_reader_state

E = TypeVar("E")

READER = "Virtual PCD 00 00"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "xdist_group(name): run these tests in one xdist worker")


def _pytest_root(base: Path) -> Path:
    """/tmp/pytest-of-<user>: shared by every pytest run (and xdist worker) of this user."""
    for parent in [base, *base.parents]:
        if parent.name.startswith("pytest-of-"):
            return parent
    return base


@pytest.fixture(scope="session")
def pcscd(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PcscdController]:
    """The machine's single pcscd, owned by this test session.

    pcscd's socket path is fixed, so concurrent sessions (xdist workers, another engineer's run)
    take turns through an exclusive lock instead of fighting over the service.
    """
    lock_path = _pytest_root(tmp_path_factory.getbasetemp()) / "pos-tui-pcscd.lock"
    with lock_path.open("w") as lock:
        deadline = time.monotonic() + 300
        while True:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    pytest.fail(f"another test session held {lock_path} for 5 minutes")
                time.sleep(0.2)
        controller = PcscdController(tmp_path_factory.mktemp("pcscd") / "pcscd.log")
        try:
            controller.start()
        except StackError as error:
            pytest.fail(f"cannot start the PC/SC stack: {error}", pytrace=False)
        try:
            yield controller
        finally:
            controller.stop()
            fcntl.flock(lock, fcntl.LOCK_UN)


@pytest.fixture
def reader(pcscd: PcscdController) -> str:
    """A vpcd reader that is empty and a running pcscd (a previous test may have restarted it)."""
    if not pcscd.running:
        pcscd.start()
    assert wait_reader_state(READER, present=False, timeout=5), f"{READER} is not empty"
    return READER


@pytest.fixture(scope="session")
def emupos(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Emupos]:
    try:
        emu = Emupos.start(tmp_path_factory.mktemp("emupos"))
    except StackError as error:
        pytest.fail(f"cannot start emupos: {error}", pytrace=False)
    try:
        yield emu
    finally:
        emu.stop()


@pytest.fixture
def pty_pair(tmp_path: Path) -> Iterator[Callable[[str], PtyPair]]:
    pairs: list[PtyPair] = []

    def make(name: str) -> PtyPair:
        try:
            pair = PtyPair.start(tmp_path, name)
        except StackError as error:
            pytest.fail(str(error), pytrace=False)
        pairs.append(pair)
        return pair

    yield make
    for pair in pairs:
        pair.resume()
        pair.stop()


class EventLog:
    """Collects driver events from their threads; tests wait for the ones they expect."""

    def __init__(self) -> None:
        self.events: list[DeviceEvent] = []
        self._cond = threading.Condition()

    def __call__(self, event: DeviceEvent) -> None:
        with self._cond:
            self.events.append(event)
            self._cond.notify_all()

    def of_type(self, kind: type[E]) -> list[E]:
        with self._cond:
            return [e for e in self.events if isinstance(e, kind)]

    def wait_for(
        self,
        kind: type[E],
        predicate: Callable[[E], bool] = lambda _e: True,
        timeout: float = HANG_SECONDS,
        after: int = 0,
    ) -> E:
        """The first event of `kind` (from index `after` on) matching `predicate`."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                for event in self.events[after:]:
                    if isinstance(event, kind) and predicate(event):
                        return event
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(
                        f"no {kind.__name__} within {timeout}s; got {self.events!r}"
                    )
                self._cond.wait(remaining)

    def mark(self) -> int:
        with self._cond:
            return len(self.events)


@pytest.fixture
def events() -> EventLog:
    return EventLog()
