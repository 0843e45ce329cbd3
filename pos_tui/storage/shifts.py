"""Shifts of a lane and the journal records they span; receivable allocations.

A shift's records are the lane's journal records numbered after the shift's
``after_sale_number`` and, once closed, up to its Z record: the lane has one open shift at a
time (a unique index), and a record is committed on a lane only while its shift is open (the
services check it inside the record's own write transaction).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import sqlite_utils

from pos_tui.engine.money import to_decimal
from pos_tui.storage.db import write
from pos_tui.storage.journal import SaleRow
from pos_tui.storage.rows import Row, all_as, insert, one_as, table_row


@table_row("shifts")
@dataclass(frozen=True, slots=True)
class Shift:
    id: int
    lane_id: str
    store_id: str
    status: str
    opened_at: str
    opened_by: int
    opening_float: Decimal
    # The opening float as counted, by denomination (JSON), when it was counted.
    float_counts: str | None
    after_sale_number: int
    closed_at: str | None
    closed_by: int | None
    z_sale_id: int | None


@dataclass(frozen=True, slots=True)
class ShiftListing(Shift):
    """A shift with who opened and closed it and its Z record's sealed figures."""

    opened_by_name: str
    closed_by_name: str | None
    z_figures: str | None


class ShiftRepository:
    def __init__(self, db: sqlite_utils.Database) -> None:
        self.db = db

    def open_for(self, lane_id: str) -> Shift | None:
        return one_as(
            Shift,
            self.db.execute(
                "SELECT * FROM shifts WHERE lane_id = ? AND status = 'open'", [lane_id]
            ),
        )

    def get(self, shift_id: int) -> Shift | None:
        return one_as(Shift, self.db.execute("SELECT * FROM shifts WHERE id = ?", [shift_id]))

    def last_closed(self, lane_id: str) -> Shift | None:
        return one_as(
            Shift,
            self.db.execute(
                "SELECT * FROM shifts WHERE lane_id = ? AND status = 'closed' "
                "ORDER BY id DESC LIMIT 1",
                [lane_id],
            ),
        )

    def open(self, row: Row) -> int:
        with write(self.db):
            return insert(self.db.conn, "shifts", {**row, "status": "open"})

    def close(self, shift_id: int, *, closed_at: str, closed_by: int, z_sale_id: int) -> None:
        """Close an open shift; refused (LookupError) when it is not open any more."""
        with write(self.db):
            cur = self.db.execute(
                "UPDATE shifts SET status = 'closed', closed_at = ?, closed_by = ?, z_sale_id = ? "
                "WHERE id = ? AND status = 'open'",
                [closed_at, closed_by, z_sale_id, shift_id],
            )
            if cur.rowcount != 1:
                raise LookupError(f"shift {shift_id} is not open")

    def listed(
        self,
        *,
        lane_id: str | None = None,
        start: str | None = None,
        end: str | None = None,
        limit: int = 500,
    ) -> list[ShiftListing]:
        """Shifts, newest first, with who opened and closed them and the Z record's figures: of
        one lane or all, opened on or after ``start`` and before ``end``."""
        sql = (
            "SELECT s.*, o.name AS opened_by_name, c.name AS closed_by_name, "
            "z.explanation AS z_figures "
            "FROM shifts s JOIN employees o ON o.id = s.opened_by "
            "LEFT JOIN employees c ON c.id = s.closed_by "
            "LEFT JOIN sales z ON z.id = s.z_sale_id WHERE 1 = 1"
        )
        params: list[Any] = []
        for clause, value in (
            (" AND s.lane_id = ?", lane_id),
            (" AND s.opened_at >= ?", start),
            (" AND s.opened_at < ?", end),
        ):
            if value:
                sql += clause
                params.append(value)
        return all_as(
            ShiftListing, self.db.execute(sql + " ORDER BY s.id DESC LIMIT ?", [*params, limit])
        )

    def records(self, lane_id: str, after: int, upto: int | None = None) -> list[SaleRow]:
        """The lane's journal records numbered after ``after`` (and up to ``upto``), in order."""
        sql = "SELECT * FROM sales WHERE lane_id = ? AND sale_number > ?"
        params: list[Any] = [lane_id, after]
        if upto is not None:
            sql += " AND sale_number <= ?"
            params.append(upto)
        return all_as(SaleRow, self.db.execute(sql + " ORDER BY sale_number", params))

    def z_records(self, lane_id: str) -> list[SaleRow]:
        """The lane's sealed Z reports, in journal order."""
        return all_as(
            SaleRow,
            self.db.execute(
                "SELECT * FROM sales WHERE lane_id = ? AND kind = 'z_report' ORDER BY sale_number",
                [lane_id],
            ),
        )

    def last_sale_number(self, lane_id: str) -> int:
        row = self.db.execute(
            "SELECT max(sale_number) FROM sales WHERE lane_id = ?", [lane_id]
        ).fetchone()
        return int(row[0] or 0)

    # -- payments on account: which charges they settle ----------------------------------------
    def allocate(self, payment_entry_id: int, parts: Sequence[tuple[int, str]]) -> None:
        with write(self.db):
            for charge_id, amount in parts:
                insert(
                    self.db.conn,
                    "receivable_allocations",
                    {
                        "payment_entry_id": payment_entry_id,
                        "charge_entry_id": charge_id,
                        "amount": amount,
                    },
                )

    def allocated(self, customer_id: int) -> dict[int, list[Decimal]]:
        """Per charge entry of the customer, the amounts allocated to it."""
        cur = self.db.execute(
            "SELECT a.charge_entry_id, a.amount FROM receivable_allocations a "
            "JOIN receivable_ledger r ON r.id = a.charge_entry_id WHERE r.customer_id = ?",
            [customer_id],
        )
        out: dict[int, list[Decimal]] = {}
        for charge_id, amount in cur.fetchall():
            out.setdefault(int(charge_id), []).append(to_decimal(amount))
        return out

    def audit_actions(self, lane_id: str, since: str, actions: Sequence[str]) -> list[str]:
        """The actions of the lane's audit rows at or after ``since`` among ``actions``."""
        marks = ", ".join("?" * len(actions))
        cur = self.db.execute(
            f"SELECT action FROM audit_log WHERE lane_id = ? AND at >= ? AND action IN ({marks}) "
            "ORDER BY id",
            [lane_id, since, *actions],
        )
        return [str(r[0]) for r in cur.fetchall()]

    def employee_names(self) -> dict[int, str]:
        return {int(r[0]): str(r[1]) for r in self.db.execute("SELECT id, name FROM employees")}
