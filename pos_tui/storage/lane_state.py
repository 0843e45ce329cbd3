"""Open (in-progress and suspended) sales, and the print queue."""

from __future__ import annotations

import json
from typing import Any

import sqlite_utils

from pos_tui.storage.db import write
from pos_tui.storage.rows import Row, all_rows, insert, one

# The counter holding the highest open sale id ever given.
_LAST_ID = "open_sales.last_id"


class OpenSaleRepository:
    def __init__(self, db: sqlite_utils.Database) -> None:
        self.db = db

    def save(
        self,
        *,
        open_sale_id: int | None,
        lane_id: str,
        employee_id: int | None,
        status: str,
        state: dict[str, Any],
        at: str,
        label: str | None = None,
    ) -> int:
        """Write the whole cart; called on every change so a crash loses nothing."""
        payload = json.dumps(state, ensure_ascii=False, sort_keys=True)
        with write(self.db):
            if open_sale_id is not None and self.get(open_sale_id) is not None:
                self.db.execute(
                    "UPDATE open_sales SET state = ?, status = ?, label = ?, employee_id = ?, "
                    "updated_at = ? WHERE id = ?",
                    [payload, status, label, employee_id, at, open_sale_id],
                )
                return open_sale_id
            return insert(
                self.db.conn,
                "open_sales",
                {
                    "id": self._next_id(),
                    "lane_id": lane_id,
                    "employee_id": employee_id,
                    "status": status,
                    "label": label,
                    "state": payload,
                    "started_at": at,
                    "updated_at": at,
                },
            )

    def _next_id(self) -> int:
        """A new open sale's id, never one used before (SQLite would reuse the highest id once
        that sale is committed or voided): audit rows name open sales by id, so an id stands
        for one sale for good. Inside the caller's write transaction."""
        top = self.db.execute(
            "SELECT max(coalesce((SELECT max(id) FROM open_sales), 0), "
            "coalesce((SELECT value FROM counters WHERE name = ?), 0)) + 1",
            [_LAST_ID],
        ).fetchone()[0]
        self.db.execute(
            "INSERT INTO counters (name, value) VALUES (?, ?) "
            "ON CONFLICT(name) DO UPDATE SET value = excluded.value",
            [_LAST_ID, top],
        )
        return int(top)

    def get(self, open_sale_id: int) -> Row | None:
        return one(self.db.execute("SELECT * FROM open_sales WHERE id = ?", [open_sale_id]))

    def for_lane(self, lane_id: str, status: str) -> list[Row]:
        cur = self.db.execute(
            "SELECT * FROM open_sales WHERE lane_id = ? AND status = ? ORDER BY updated_at, id",
            [lane_id, status],
        )
        return all_rows(cur)

    def suspended(self) -> list[Row]:
        """Suspended sales of every lane: a sale parked on one lane can be resumed on another."""
        return all_rows(
            self.db.execute("SELECT * FROM open_sales WHERE status = 'suspended' ORDER BY id")
        )

    def delete(self, open_sale_id: int) -> None:
        with write(self.db):
            self.db.execute("DELETE FROM open_sales WHERE id = ?", [open_sale_id])


class PrintQueueRepository:
    def __init__(self, db: sqlite_utils.Database) -> None:
        self.db = db

    def add(
        self,
        *,
        lane_id: str,
        kind: str,
        document: dict[str, Any],
        at: str,
        sale_id: int | None = None,
        open_drawer: bool = False,
    ) -> int:
        with write(self.db):
            return insert(
                self.db.conn,
                "print_jobs",
                {
                    "lane_id": lane_id,
                    "sale_id": sale_id,
                    "kind": kind,
                    "document": json.dumps(document, ensure_ascii=False),
                    "open_drawer": int(open_drawer),
                    "created_at": at,
                },
            )

    def pending(self, lane_id: str) -> list[Row]:
        cur = self.db.execute(
            "SELECT * FROM print_jobs WHERE lane_id = ? AND status != 'printed' ORDER BY id",
            [lane_id],
        )
        return all_rows(cur)

    def get(self, job_id: int) -> Row | None:
        return one(self.db.execute("SELECT * FROM print_jobs WHERE id = ?", [job_id]))

    def mark_printed(self, job_id: int, at: str) -> None:
        with write(self.db):
            self.db.execute(
                "UPDATE print_jobs SET status = 'printed', printed_at = ?, attempts = attempts + 1, "
                "last_error = NULL WHERE id = ?",
                [at, job_id],
            )

    def mark_failed(self, job_id: int, error: str, *, final: bool = False) -> None:
        with write(self.db):
            self.db.execute(
                "UPDATE print_jobs SET status = ?, attempts = attempts + 1, last_error = ? WHERE id = ?",
                ["failed" if final else "pending", error, job_id],
            )
