"""Open (in-progress and suspended) sales, and the print queue.

An open sale belongs to one lane at a time: the lane it is in progress on, or the lane that
held (suspended) it. Any lane may recall a held sale: :meth:`OpenSaleRepository.claim` takes it
with one conditional UPDATE, so of two lanes recalling it at once exactly one wins and the other
is told which lane has it. Saving, committing and voiding touch only a sale the lane holds.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, NoReturn

from pos_tui.storage.db import write
from pos_tui.storage.rows import all_as, insert, one_as, table_row

if TYPE_CHECKING:
    import sqlite_utils

# The counter holding the highest open sale id ever given.
_LAST_ID = "open_sales.last_id"


@table_row("open_sales")
@dataclass(frozen=True, slots=True)
class OpenSaleRow:
    """A sale in progress or held: its cart (``state``, JSON) and who has it where."""

    id: int
    lane_id: str
    employee_id: int | None
    status: str
    label: str | None
    state: str
    started_at: str
    updated_at: str


@dataclass(frozen=True)
class Holder:
    """Where an open sale is: its lane, status and the employee who has it."""

    open_sale_id: int
    lane_id: str
    status: str
    employee_id: int | None
    employee_name: str | None


class OpenSaleTaken(Exception):
    """The open sale is held or in progress on another lane."""

    def __init__(self, holder: Holder) -> None:
        super().__init__(f"open sale {holder.open_sale_id} is on lane {holder.lane_id}")
        self.holder = holder


def open_sale_payload(state: dict[str, Any]) -> str:
    """A cart as ``open_sales.state`` stores it (JSON text)."""
    return json.dumps(state, ensure_ascii=False, sort_keys=True)


class OpenSaleRepository:
    def __init__(self, db: sqlite_utils.Database) -> None:
        self.db = db

    def claim(
        self, open_sale_id: int, *, lane_id: str, employee_id: int | None, at: str
    ) -> OpenSaleRow:
        """Take an open sale for ``lane_id``: a held sale of any lane, or one this lane left in
        progress. The sale moves to this lane and employee, in progress.

        One UPDATE that matches only while the sale is still held (or already this lane's), in a
        write transaction: two lanes recalling one held sale queue on the lock and the second
        finds it taken. Raises :class:`OpenSaleTaken` naming the lane that has it, and
        ``LookupError`` when the sale is no longer open (committed or voided)."""
        with write(self.db):
            cur = self.db.execute(
                "UPDATE open_sales SET status = 'in_progress', lane_id = ?, employee_id = ?, "
                "updated_at = ? WHERE id = ? "
                "AND (status = 'suspended' OR (status = 'in_progress' AND lane_id = ?))",
                [lane_id, employee_id, at, open_sale_id, lane_id],
            )
            if cur.rowcount == 1:
                row = self.get(open_sale_id)
                assert row is not None
                return row
            holder = self.holder(open_sale_id)
        if holder is None:
            raise LookupError(f"open sale {open_sale_id} is no longer open")
        raise OpenSaleTaken(holder)

    def holder(self, open_sale_id: int) -> Holder | None:
        row = self.db.execute(
            "SELECT o.lane_id, o.status, o.employee_id, e.name FROM open_sales o "
            "LEFT JOIN employees e ON e.id = o.employee_id WHERE o.id = ?",
            [open_sale_id],
        ).fetchone()
        if row is None:
            return None
        return Holder(open_sale_id, row[0], row[1], row[2], row[3])

    def save(
        self,
        *,
        open_sale_id: int | None,
        lane_id: str,
        employee_id: int | None,
        status: str,
        state: dict[str, Any] | str,
        at: str,
        label: str | None = None,
    ) -> int:
        """Write the whole cart; called on every change so a crash loses nothing. ``state``: the
        cart, or its :func:`payload` made before the caller's write lock."""
        payload = state if isinstance(state, str) else open_sale_payload(state)
        with write(self.db):
            if open_sale_id is not None:
                # Only while this lane has it: a sale another lane recalled is theirs now.
                cur = self.db.execute(
                    "UPDATE open_sales SET state = ?, status = ?, label = ?, employee_id = ?, "
                    "updated_at = ? WHERE id = ? AND lane_id = ? AND status = 'in_progress'",
                    [payload, status, label, employee_id, at, open_sale_id, lane_id],
                )
                if cur.rowcount == 1:
                    return open_sale_id
                self._not_ours(open_sale_id)
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

    def get(self, open_sale_id: int) -> OpenSaleRow | None:
        return one_as(
            OpenSaleRow, self.db.execute("SELECT * FROM open_sales WHERE id = ?", [open_sale_id])
        )

    def for_lane(self, lane_id: str, status: str) -> list[OpenSaleRow]:
        cur = self.db.execute(
            "SELECT * FROM open_sales WHERE lane_id = ? AND status = ? ORDER BY updated_at, id",
            [lane_id, status],
        )
        return all_as(OpenSaleRow, cur)

    def suspended(self) -> list[OpenSaleRow]:
        """Suspended sales of every lane: a sale parked on one lane can be resumed on another."""
        return all_as(
            OpenSaleRow,
            self.db.execute("SELECT * FROM open_sales WHERE status = 'suspended' ORDER BY id"),
        )

    def release(self, open_sale_id: int, lane_id: str) -> None:
        """Remove a sale this lane has in progress (committed or voided here). Raises
        :class:`OpenSaleTaken` when another lane has it and ``LookupError`` when it is gone,
        so the caller's transaction (a commit) is undone: an open sale is committed once."""
        with write(self.db):
            cur = self.db.execute(
                "DELETE FROM open_sales WHERE id = ? AND lane_id = ? AND status = 'in_progress'",
                [open_sale_id, lane_id],
            )
            if cur.rowcount == 0:
                self._not_ours(open_sale_id)

    def _not_ours(self, open_sale_id: int) -> NoReturn:
        holder = self.holder(open_sale_id)
        if holder is None:
            raise LookupError(f"open sale {open_sale_id} is no longer open")
        raise OpenSaleTaken(holder)


@table_row("print_jobs")
@dataclass(frozen=True, slots=True)
class PrintJobRow:
    """A print job: what to print (``document``, JSON) and how far it got."""

    id: int
    lane_id: str
    sale_id: int | None
    kind: str
    document: str
    open_drawer: int
    status: str
    attempts: int
    last_error: str | None
    created_at: str
    printed_at: str | None
    late: int
    started_at: str | None


class PrintQueueRepository:
    """Print jobs: ``queued`` -> ``printing`` (an attempt started, written before any byte goes
    out) -> ``printed``; ``failed`` when the job cannot print as written, ``cancelled`` when a
    supervisor took it off. A job is never given up otherwise."""

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

    def pending(self, lane_id: str) -> list[PrintJobRow]:
        """This lane's jobs still waiting to print (queued, printing, failed), oldest first."""
        cur = self.db.execute(
            "SELECT * FROM print_jobs WHERE lane_id = ? "
            "AND status IN ('queued', 'printing', 'failed') ORDER BY id",
            [lane_id],
        )
        return all_as(PrintJobRow, cur)

    def cash_tendered(self, sale_id: int) -> bool:
        """Whether a print job of this journal record says cash changed hands (its drawer was
        to open): a cash sale, an order paid or completed in cash, a cash withdrawal."""
        return (
            self.db.execute(
                "SELECT 1 FROM print_jobs WHERE sale_id = ? AND open_drawer = 1 LIMIT 1",
                [sale_id],
            ).fetchone()
            is not None
        )

    def waiting(self, lane_id: str) -> int:
        """How many of this lane's jobs have not printed (what the lane bar counts)."""
        return int(
            self.db.execute(
                "SELECT count(*) FROM print_jobs WHERE lane_id = ? "
                "AND status IN ('queued', 'printing', 'failed')",
                [lane_id],
            ).fetchone()[0]
        )

    def get(self, job_id: int) -> PrintJobRow | None:
        return one_as(
            PrintJobRow, self.db.execute("SELECT * FROM print_jobs WHERE id = ?", [job_id])
        )

    def recover(self, lane_id: str) -> int:
        """When the lane's printing starts: jobs left ``printing`` by a lane that stopped
        mid-job (power cut, crash) are queued again, and every job still waiting from before
        prints as a late copy. Returns how many were cut off mid-job."""
        with write(self.db):
            cur = self.db.execute(
                "UPDATE print_jobs SET status = 'queued', "
                "last_error = coalesce(last_error, 'cut off mid-job (the lane stopped)') "
                "WHERE lane_id = ? AND status = 'printing'",
                [lane_id],
            )
            self.hold_up(lane_id)
            return int(cur.rowcount)

    def hold_up(self, lane_id: str) -> None:
        """The printer is in trouble: every job of this lane still queued missed its moment
        and prints as a late copy."""
        with write(self.db):
            self.db.execute(
                "UPDATE print_jobs SET late = 1 WHERE lane_id = ? AND status = 'queued'",
                [lane_id],
            )

    def start_attempt(self, job_id: int, at: str) -> bool:
        """Take a queued job for one attempt (``printing``); False when it is not queued any
        more (printed, cancelled, or taken by another process of this lane)."""
        with write(self.db):
            cur = self.db.execute(
                "UPDATE print_jobs SET status = 'printing', attempts = attempts + 1, "
                "started_at = ? WHERE id = ? AND status = 'queued'",
                [at, job_id],
            )
            return cur.rowcount == 1

    def mark_printed(self, job_id: int, at: str) -> None:
        with write(self.db):
            self.db.execute(
                "UPDATE print_jobs SET status = 'printed', printed_at = ?, last_error = NULL "
                "WHERE id = ?",
                [at, job_id],
            )

    def requeue(self, job_id: int, error: str) -> None:
        """The attempt failed in a way a later one may not (printer off, paper out): queued
        again; it prints as a late copy."""
        with write(self.db):
            self.db.execute(
                "UPDATE print_jobs SET status = 'queued', late = 1, last_error = ? WHERE id = ?",
                [error, job_id],
            )

    def mark_failed(self, job_id: int, error: str) -> None:
        """The job cannot print as written (no sale, bad data): kept, counted and shown, not
        retried; a reprint or a supervisor's cancel takes it off."""
        with write(self.db):
            self.db.execute(
                "UPDATE print_jobs SET status = 'failed', last_error = ? WHERE id = ?",
                [error, job_id],
            )

    def cancel(self, job_id: int, lane_id: str) -> bool:
        """Take a job that has not printed off this lane's queue (inside the caller's
        transaction with its audit row); False when it printed or is not this lane's."""
        with write(self.db):
            cur = self.db.execute(
                "UPDATE print_jobs SET status = 'cancelled' WHERE id = ? AND lane_id = ? "
                "AND status IN ('queued', 'failed')",
                [job_id, lane_id],
            )
            return cur.rowcount == 1
