"""What the database could not do, in the words the lane shows: the one translation of SQLite's
faults (a lock held past the busy timeout, a full disk, a read-only file, an I/O error).

These are faults of the place the data lives, not of the data: the request was fine and will
work once the fault is gone, so every message says what to do and that Enter tries again. Each
kind has three wordings: at the lane with a sale open ("the sale is kept": the sale stays as
it was last saved), anywhere else ("nothing was saved") and for a command or the start-up,
which end with exit code 2 instead of a traceback.

:func:`fault_of` is called where SQLite is reached (``storage.db.write`` and ``connect``), so
services and screens only ever see a :class:`StorageFault`. It is an ``OperationalError``
still, with SQLite's codes, so code that handled SQLite's own errors keeps working.
"""

from __future__ import annotations

import shutil
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

FaultKind = Literal["locked", "full", "read_only", "io"]

# An I/O error on a disk with less room than this is a full disk: SQLite says "disk I/O error"
# when it cannot grow the WAL index (-shm, 32 KiB) of a file opened on a full disk.
_ALMOST_FULL_BYTES = 1 << 20


@dataclass(frozen=True)
class _Words:
    what: str  # what is wrong, first on the line
    fix: str  # what the cashier does, before "press Enter"
    cli_fix: str  # what a command's user does


_WORDS: dict[FaultKind, _Words] = {
    "locked": _Words(
        "database busy",
        "wait for the other lane and press Enter",
        "another lane or program holds the database: run it again",
    ),
    "full": _Words("disk full", "free space and press Enter", "free space and run it again"),
    "read_only": _Words(
        "database read-only",
        "let pos-tui write the file and its folder, then press Enter",
        "let pos-tui write the file and its folder, then run it again",
    ),
    "io": _Words("disk error", "check the disk and press Enter", "check the disk and run it again"),
}


class StorageFault(sqlite3.OperationalError):
    """SQLite could not read or write for a reason outside the data; nothing was changed."""

    def __init__(self, kind: FaultKind, detail: str, *, path: str | None = None) -> None:
        self.kind: FaultKind = kind
        self.detail = detail  # SQLite's own words, for the log
        self.path = path
        self.words = _WORDS[kind]
        super().__init__(self.message)

    @property
    def message(self) -> str:
        """Anywhere but an open sale: "disk full: nothing was saved, free space and press
        Enter"."""
        return f"{self.words.what}: nothing was saved, {self.words.fix}"

    @property
    def at_sale(self) -> str:
        """At the lane with a sale open: "disk full: the sale is kept, free space and press
        Enter" (the sale stays as last saved; Enter tries the change again)."""
        return f"{self.words.what}: the sale is kept, {self.words.fix}"

    @property
    def for_command(self) -> str:
        """For a command or the start-up, naming the file: exit code 2 goes with it."""
        where = f" ({self.path})" if self.path else ""
        return f"{self.words.what}{where}: {self.words.cli_fix}"


def fault_of(exc: BaseException, *, path: str | None = None) -> StorageFault | None:
    """The fault ``exc`` is (None: not a storage fault, e.g. a constraint or a bug).

    ``path``: the database file, to name it and to tell a full disk behind an I/O error.
    """
    if isinstance(exc, StorageFault):
        return exc
    if not isinstance(exc, sqlite3.OperationalError):
        return None
    code = getattr(exc, "sqlite_errorcode", None)
    if code is None:
        return None
    primary = code & 0xFF
    kind: FaultKind
    if primary in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED):
        kind = "locked"
    elif primary == sqlite3.SQLITE_FULL:
        kind = "full"
    elif primary == sqlite3.SQLITE_READONLY:
        kind = "read_only"
    elif primary in (sqlite3.SQLITE_IOERR, sqlite3.SQLITE_CANTOPEN):
        kind = "full" if _no_room(path) else "io"
    else:
        return None
    fault = StorageFault(kind, str(exc), path=path)
    fault.sqlite_errorcode = code
    fault.sqlite_errorname = getattr(exc, "sqlite_errorname", "")
    return fault


def _no_room(path: str | None) -> bool:
    if not path or path == ":memory:":
        return False
    folder = Path(path).parent
    try:
        return shutil.disk_usage(folder).free < _ALMOST_FULL_BYTES
    except OSError:
        return False
