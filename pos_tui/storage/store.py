"""Store-wide settings, counters and the audit log."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import sqlite_utils

from pos_tui.storage.catalog import CATALOG_VERSION
from pos_tui.storage.db import write
from pos_tui.storage.rows import all_as, insert, table_row


@table_row("audit_log")
@dataclass(frozen=True, slots=True)
class AuditLogEntry:
    id: int
    at: str
    lane_id: str | None
    employee_id: int | None
    entity: str
    entity_id: int | None
    action: str
    # What changed (JSON text).
    changes: str


@dataclass(frozen=True, slots=True)
class AuditListing(AuditLogEntry):
    """An audit row with the name of the employee who made the change."""

    employee_name: str | None


class StoreRepository:
    def __init__(self, db: sqlite_utils.Database) -> None:
        self.db = db

    def setting(self, key: str, default: str | None = None) -> str | None:
        row = self.db.execute("SELECT value FROM settings WHERE key = ?", [key]).fetchone()
        return row[0] if row else default

    def settings(self) -> dict[str, str]:
        return {k: v for k, v in self.db.execute("SELECT key, value FROM settings").fetchall()}

    def set_setting(self, key: str, value: str) -> None:
        self.set_settings({key: value})

    def set_settings(self, values: Mapping[str, str]) -> None:
        """Write several settings at once and bump the catalog version: lanes cache settings
        with the reference data (``EngineInputs``) and reload both when it moves."""
        with write(self.db):
            self.db.conn.executemany(
                "INSERT INTO settings (key, value) VALUES (?, ?) "
                "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                list(values.items()),
            )
            self.db.execute(
                "INSERT INTO counters (name, value) VALUES (?, 1) "
                "ON CONFLICT(name) DO UPDATE SET value = value + 1",
                [CATALOG_VERSION],
            )

    def next_counter(self, name: str, *, start: int = 1) -> int:
        """The next value of a named counter; call inside the transaction that uses it."""
        with write(self.db):
            self.db.execute(
                "INSERT INTO counters (name, value) VALUES (?, ?) "
                "ON CONFLICT(name) DO UPDATE SET value = value + 1",
                [name, start],
            )
            return int(
                self.db.execute("SELECT value FROM counters WHERE name = ?", [name]).fetchone()[0]
            )

    def raise_counter(self, name: str, at_least: int) -> None:
        """Keep a counter ahead of numbers entered by hand."""
        with write(self.db):
            self.db.execute(
                "INSERT INTO counters (name, value) VALUES (?, ?) "
                "ON CONFLICT(name) DO UPDATE SET value = max(value, excluded.value)",
                [name, at_least],
            )

    def audit(
        self,
        *,
        at: str,
        entity: str,
        entity_id: int | None,
        action: str,
        changes: dict[str, Any],
        employee_id: int | None = None,
        lane_id: str | None = None,
    ) -> None:
        with write(self.db):
            insert(
                self.db.conn,
                "audit_log",
                {
                    "at": at,
                    "lane_id": lane_id,
                    "employee_id": employee_id,
                    "entity": entity,
                    "entity_id": entity_id,
                    "action": action,
                    "changes": json.dumps(changes, ensure_ascii=False, sort_keys=True, default=str),
                },
            )

    def audit_ids(self, entity: str, entity_id: int) -> list[int]:
        """Ids of the audit rows about one entity, oldest first."""
        cur = self.db.execute(
            "SELECT id FROM audit_log WHERE entity = ? AND entity_id = ? ORDER BY id",
            [entity, entity_id],
        )
        return [int(r[0]) for r in cur.fetchall()]

    def audit_trail(self, entity: str, entity_id: int) -> list[AuditListing]:
        cur = self.db.execute(
            "SELECT a.*, e.name AS employee_name FROM audit_log a "
            "LEFT JOIN employees e ON e.id = a.employee_id "
            "WHERE a.entity = ? AND a.entity_id = ? ORDER BY a.id",
            [entity, entity_id],
        )
        return all_as(AuditListing, cur)
