"""Customer visits at a lane (FusionRetail "Track In or Out"): in and out times."""

from __future__ import annotations

from dataclasses import dataclass

import sqlite_utils

from pos_tui.storage.db import write
from pos_tui.storage.rows import all_as, insert, one_as, table_row


@table_row("customer_visits")
@dataclass(frozen=True, slots=True)
class VisitRow:
    id: int
    customer_id: int
    lane_id: str
    employee_id: int | None
    in_at: str
    out_at: str | None
    outcome: str | None
    sale_id: int | None


@dataclass(frozen=True, slots=True)
class VisitWithSale(VisitRow):
    """A visit with the number and kind of the sale that ended it (none: no sale)."""

    sale_kind: str | None
    sale_number: int | None
    sale_lane_id: str | None


class VisitRepository:
    def __init__(self, db: sqlite_utils.Database) -> None:
        self.db = db

    def open_on_lane(self, lane_id: str) -> VisitRow | None:
        """The lane's visit that has no "out" yet (at most one, by a unique index)."""
        return one_as(
            VisitRow,
            self.db.execute(
                "SELECT * FROM customer_visits WHERE lane_id = ? AND out_at IS NULL", [lane_id]
            ),
        )

    def start(self, *, customer_id: int, lane_id: str, employee_id: int | None, at: str) -> int:
        with write(self.db):
            return insert(
                self.db.conn,
                "customer_visits",
                {
                    "customer_id": customer_id,
                    "lane_id": lane_id,
                    "employee_id": employee_id,
                    "in_at": at,
                },
            )

    def finish(self, visit_id: int, *, at: str, outcome: str, sale_id: int | None = None) -> None:
        with write(self.db):
            self.db.execute(
                "UPDATE customer_visits SET out_at = ?, outcome = ?, sale_id = ? "
                "WHERE id = ? AND out_at IS NULL",
                [at, outcome, sale_id, visit_id],
            )

    def for_customer(
        self, customer_id: int, *, start: str | None = None, end: str | None = None
    ) -> list[VisitWithSale]:
        """Visits that came in from ``start`` (inclusive) to ``end`` (exclusive), oldest first,
        with the number and kind of the sale that ended them."""
        sql = (
            "SELECT v.*, s.kind AS sale_kind, s.sale_number, s.lane_id AS sale_lane_id "
            "FROM customer_visits v LEFT JOIN sales s ON s.id = v.sale_id "
            "WHERE v.customer_id = ?"
        )
        params: list[object] = [customer_id]
        if start is not None:
            sql += " AND v.in_at >= ?"
            params.append(start)
        if end is not None:
            sql += " AND v.in_at < ?"
            params.append(end)
        return all_as(VisitWithSale, self.db.execute(sql + " ORDER BY v.in_at, v.id", params))
