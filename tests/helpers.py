"""Small helpers shared by tests."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path
from typing import TypeVar

from click.testing import CliRunner, Result

from pos_tui.cli import cli
from pos_tui.commands import COMMANDS, register
from pos_tui.config import load_settings
from pos_tui.services.runtime.backend import Backend, open_backend
from pos_tui.services.staff.lockout import PinLockout, Subject

_registered = False

T = TypeVar("T")

# How long a test waits for an event before it calls the wait a hang. Tests wait for events,
# never for durations: this bound only fails a test that would otherwise never end, so a slow
# machine is never a failure.
HANG_SECONDS = 30.0


def returns_unless_hung(fn: Callable[[], T], what: str) -> T:
    """``fn()`` run on a thread: its result (or its exception) once it returns, and an
    AssertionError naming ``what`` if it is still running after HANG_SECONDS."""
    outcome: list[T] = []
    failure: list[BaseException] = []

    def run() -> None:
        try:
            outcome.append(fn())
        except BaseException as exc:
            failure.append(exc)

    thread = threading.Thread(target=run, name=f"test: {what}", daemon=True)
    thread.start()
    thread.join(HANG_SECONDS)
    assert not thread.is_alive(), f"{what} still running after {HANG_SECONDS:.0f} s: a hang"
    if failure:
        raise failure[0]
    return outcome[0]


def thread_alive(name: str) -> bool:
    """Whether a thread of this name is running (a driver's reader or writer thread)."""
    return any(t.name == name and t.is_alive() for t in threading.enumerate())


def cli_runner_invoke(runner: CliRunner, args: Sequence[str], input: str | None = None) -> Result:
    """Invoke ``pos-tui`` in-process with every subcommand attached."""
    global _registered
    if not _registered or len(cli.commands) < len(COMMANDS):
        register(cli)
        _registered = True
    return runner.invoke(cli, list(args), input=input, catch_exceptions=False)


def lane_backend(path: Path, lane: str, now: Callable[[], datetime] | None = None) -> Backend:
    """Another lane on the same database file (its own connection and lane id)."""
    settings = load_settings(database={"path": str(path)}, lane={"id": lane})
    return open_backend(settings, now=now) if now else open_backend(settings)


def store_legacy(backend: Backend, customer_id: int, **columns: object) -> None:
    """Write customer columns past the service's entry checks: data stored before those
    refused control characters, or by another program. Screens, the CLI and paper must
    still show it inertly."""
    backend.customers.update(customer_id, dict(columns))


def wrong_account_pins(backend: Backend, customer_id: int, times: int) -> None:
    """Count ``times`` wrong account PINs for a customer, as the lane would (5 lock it)."""
    lockout = PinLockout(backend)
    for _ in range(times):
        lockout.failed(Subject.customer(customer_id), where="account charge")
