"""python-escpos, tamed: imported on first use, its logging and bare print() kept off the
terminal UI, its capability profiles checked before the first job."""

from __future__ import annotations

import contextlib
import io
import logging
import threading
from collections.abc import Iterator
from typing import Any

# What python-escpos says goes to the printer driver's log, with the driver's own messages.
log = logging.getLogger("pos_tui.hardware.printer")


class _Lazy:
    """A module imported on first use: python-escpos loads its printer capability database
    (~170 ms, ~10 MB) at import, which a lane without a printer never needs."""

    def __init__(self, name: str) -> None:
        self._name = name

    def __getattr__(self, attr: str) -> Any:
        import importlib

        return getattr(importlib.import_module(self._name), attr)


escpos_exceptions: Any = _Lazy("escpos.exceptions")
escpos_printer: Any = _Lazy("escpos.printer")

# python-escpos reports through the root logger and bare print(); both would land on top of
# the terminal UI. print() output is captured per render (see quiet_stdout).
_stdout_lock = threading.Lock()


def quiet_escpos_logging() -> None:
    """Keep python-escpos's root-logger calls off the terminal.

    `logging.info(...)` at module level calls `basicConfig()` when the root logger has no
    handler, which installs a stderr handler — where Textual draws. A NullHandler prevents that
    and leaves any handler the app configures (a log file) untouched.
    """
    root = logging.getLogger()
    if not root.handlers:
        root.addHandler(logging.NullHandler())


@contextlib.contextmanager
def quiet_stdout() -> Iterator[None]:
    """Capture python-escpos's bare print() ("Using hardware barcode renderer").

    sys.stdout is process-wide, so the swap is serialised and kept to the in-memory render.
    """
    sink = io.StringIO()
    with _stdout_lock, contextlib.redirect_stdout(sink):
        yield
    if sink.getvalue().strip():
        log.debug("python-escpos said: %s", sink.getvalue().strip())


def known_profile(name: str) -> bool:
    """Whether python-escpos has a capability profile of this name (e.g. TM-T20II)."""
    from escpos.capabilities import get_profile

    try:
        get_profile(name)
    except KeyError:
        return False
    return True
