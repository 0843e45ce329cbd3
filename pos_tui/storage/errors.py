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

Constraints: ``translated()`` (storage/db.py) also turns every ``sqlite3.IntegrityError``
raised inside ``write()`` into a ``ConstraintRefused``, a domain refusal. Its kind comes from
SQLite's extended result code (stable across versions), not from the text; the text is read
only for the names it carries (the table and columns of a UNIQUE or NOT NULL, a CHECK's
expression, a trigger's own message, which is ours). Services catch ``ConstraintRefused`` (or
let the screens show it as any ``Refused``) and choose their own words from ``kind``, ``table``
and ``columns``; they never catch sqlite3 errors. It stays an ``sqlite3.IntegrityError`` too, so
code that handles any database error the same way still sees it as one.
"""

from __future__ import annotations

import re
import shutil
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pos_tui.engine.errors import Refused

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


# -- constraints ----------------------------------------------------------------------------

ConstraintKind = Literal["unique", "not_null", "check", "foreign_key", "rule", "other"]

# SQLite's extended result codes for SQLITE_CONSTRAINT (sqlite3.h).
_KINDS: dict[int, ConstraintKind] = {
    2067: "unique",  # SQLITE_CONSTRAINT_UNIQUE
    1555: "unique",  # SQLITE_CONSTRAINT_PRIMARYKEY
    1299: "not_null",  # SQLITE_CONSTRAINT_NOTNULL
    275: "check",  # SQLITE_CONSTRAINT_CHECK
    787: "foreign_key",  # SQLITE_CONSTRAINT_FOREIGNKEY
    1811: "rule",  # SQLITE_CONSTRAINT_TRIGGER: RAISE(ABORT, '...') in one of our triggers
}
_CONSTRAINT_WORDS: dict[ConstraintKind, str] = {
    "unique": "is already used by another row",
    "not_null": "cannot be empty",
    "check": "is outside the allowed range",
    "foreign_key": "refers to a row that does not exist",
    "rule": "is not allowed",
    "other": "was refused by the database",
}
# "UNIQUE constraint failed: customers.mobile, customers.x": the names after the colon.
_NAMES = re.compile(r"^[A-Z ]+ constraint failed: (.*)$")
_QUALIFIED = re.compile(r"^(\w+)\.(\w+)$")


class ConstraintRefused(Refused, sqlite3.IntegrityError):
    """A write the schema refused. ``kind``: which constraint; ``table`` and ``columns``: what
    it is about where SQLite names them (a UNIQUE or NOT NULL); ``expression``: a CHECK's
    text or a trigger's message; ``message``: words for a person, built from those."""

    def __init__(
        self,
        kind: ConstraintKind,
        *,
        table: str | None = None,
        columns: tuple[str, ...] = (),
        expression: str = "",
    ) -> None:
        self.kind: ConstraintKind = kind
        self.table = table
        self.columns = columns
        self.expression = expression
        self.message = _message(kind, columns, expression)
        super().__init__(self.message)

    def about(self, names: Iterable[str]) -> str | None:
        """The first of ``names`` (a form's fields) this refusal is about: a column it names,
        else a word of a CHECK's expression; None when it names none of them."""
        named = self.columns or tuple(re.findall(r"\w+", self.expression))
        wanted = set(names)
        return next((n for n in named if n in wanted), None)

    @property
    def words(self) -> str:
        """What the constraint says of its value, for a caller that names the field itself
        ("Mobile" + " is already used by another row")."""
        return _CONSTRAINT_WORDS[self.kind]


def _message(kind: ConstraintKind, columns: tuple[str, ...], expression: str) -> str:
    if kind == "rule" and expression:
        return expression
    what = " and ".join(c.replace("_", " ") for c in columns) or "a value"
    return f"{what[:1].upper()}{what[1:]} {_CONSTRAINT_WORDS[kind]}"


def constraint_refused(exc: sqlite3.IntegrityError) -> ConstraintRefused:
    """The domain refusal for an IntegrityError SQLite raised."""
    if isinstance(exc, ConstraintRefused):
        return exc
    code = getattr(exc, "sqlite_errorcode", None)
    kind: ConstraintKind = _KINDS.get(code, "other") if isinstance(code, int) else "other"
    text = str(exc)
    found = _NAMES.match(text)
    names = found.group(1) if found else ""
    if kind == "rule":
        return ConstraintRefused(kind, expression=text)
    if kind == "check":
        return ConstraintRefused(kind, expression=names)
    qualified = [m for part in names.split(",") if (m := _QUALIFIED.match(part.strip()))]
    tables = {m.group(1) for m in qualified}
    return ConstraintRefused(
        kind,
        table=tables.pop() if len(tables) == 1 else None,
        columns=tuple(m.group(2) for m in qualified),
    )
