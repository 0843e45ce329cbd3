"""Wrong PINs in a row per subject (employee, customer account, lane), shared by every lane
process on the database file. The policy (how long a lockout lasts) is the service's."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from pos_tui.storage.db import write
from pos_tui.storage.rows import one_as, table_row

if TYPE_CHECKING:
    import sqlite_utils


@table_row("pin_lockouts")
@dataclass(frozen=True, slots=True)
class LockoutRow:
    subject_kind: str
    subject_key: str
    failures: int
    locked_until: str | None
    last_failure_at: str


# The tables whose rows carry a PIN hash, by lockout subject kind.
_PIN_TABLES = {"employee": "employees", "customer": "customers"}


class LockoutRepository:
    def __init__(self, db: sqlite_utils.Database) -> None:
        self.db = db

    def get(self, kind: str, key: str) -> LockoutRow | None:
        return one_as(
            LockoutRow,
            self.db.execute(
                "SELECT * FROM pin_lockouts WHERE subject_kind = ? AND subject_key = ?",
                [kind, key],
            ),
        )

    def add_failure(self, kind: str, key: str, *, at: str) -> int:
        """Count one more wrong PIN; the failures in a row now. Call inside the transaction
        that also sets ``locked_until`` and writes the audit row."""
        with write(self.db):
            self.db.execute(
                "INSERT INTO pin_lockouts (subject_kind, subject_key, failures, last_failure_at) "
                "VALUES (?, ?, 1, ?) ON CONFLICT(subject_kind, subject_key) DO UPDATE SET "
                "failures = failures + 1, last_failure_at = excluded.last_failure_at",
                [kind, key, at],
            )
            row = self.get(kind, key)
            assert row is not None
            return row.failures

    def lock_until(self, kind: str, key: str, until: str) -> None:
        with write(self.db):
            self.db.execute(
                "UPDATE pin_lockouts SET locked_until = ? "
                "WHERE subject_kind = ? AND subject_key = ?",
                [until, kind, key],
            )

    def replace_pin_hash(self, kind: str, entity_id: int, old: str, new: str) -> bool:
        """Store ``new`` for the employee's or customer's PIN if its hash is still ``old`` (a
        PIN changed meanwhile on another lane wins); True if it was replaced."""
        table = _PIN_TABLES[kind]
        with write(self.db):
            cur = self.db.execute(
                f"UPDATE {table} SET pin_hash = ? WHERE id = ? AND pin_hash = ?",
                [new, entity_id, old],
            )
            return cur.rowcount > 0

    def clear(self, kind: str, key: str) -> bool:
        """Forget the failures (a right PIN, or a supervisor's clear); True if there were any."""
        with write(self.db):
            cur = self.db.execute(
                "DELETE FROM pin_lockouts WHERE subject_kind = ? AND subject_key = ?", [kind, key]
            )
            return cur.rowcount > 0
