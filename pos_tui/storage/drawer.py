"""The cash drawer's openings (table ``drawer_openings``): asked for, then opened or not.

A row is written as ``requested`` before the pulse is sent, so a lane cut off mid-kick leaves a
trace (``unknown`` at the next start) and never a pulse to send again.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from pos_tui.storage.db import write
from pos_tui.storage.rows import all_as, insert, one_as, table_row

if TYPE_CHECKING:
    import sqlite_utils


@table_row("drawer_openings")
@dataclass(frozen=True, slots=True)
class DrawerOpening:
    id: int
    lane_id: str
    reason: str
    sale_id: int | None
    employee_id: int | None
    approved_by: int | None
    note: str | None
    state: str
    route: str | None
    error: str | None
    requested_at: str
    done_at: str | None


@dataclass(frozen=True, slots=True)
class DrawerJournalEntry(DrawerOpening):
    """An opening with the names of the employee and the approver and the sale's number."""

    employee_name: str | None
    approver_name: str | None
    sale_number: int | None


class DrawerRepository:
    def __init__(self, db: sqlite_utils.Database) -> None:
        self.db = db

    def request(
        self,
        *,
        lane_id: str,
        reason: str,
        at: str,
        sale_id: int | None = None,
        employee_id: int | None = None,
        approved_by: int | None = None,
        note: str | None = None,
    ) -> int:
        with write(self.db):
            return insert(
                self.db.conn,
                "drawer_openings",
                {
                    "lane_id": lane_id,
                    "reason": reason,
                    "sale_id": sale_id,
                    "employee_id": employee_id,
                    "approved_by": approved_by,
                    "note": note,
                    "requested_at": at,
                },
            )

    def finish(
        self, opening_id: int, *, opened: bool, route: str | None, error: str | None, at: str
    ) -> None:
        """What the pulse did; only a row still ``requested`` changes (once)."""
        with write(self.db):
            self.db.execute(
                "UPDATE drawer_openings SET state = ?, route = ?, error = ?, done_at = ? "
                "WHERE id = ? AND state = 'requested'",
                ["opened" if opened else "not_opened", route, error, at, opening_id],
            )

    def recover(self, lane_id: str, at: str) -> int:
        """Openings this lane asked for and never heard back from (cut off): ``unknown``."""
        with write(self.db):
            cur = self.db.execute(
                "UPDATE drawer_openings SET state = 'unknown', done_at = ?, "
                "error = 'cut off before the lane heard back' "
                "WHERE lane_id = ? AND state = 'requested'",
                [at, lane_id],
            )
            return int(cur.rowcount)

    def get(self, opening_id: int) -> DrawerOpening | None:
        return one_as(
            DrawerOpening,
            self.db.execute("SELECT * FROM drawer_openings WHERE id = ?", [opening_id]),
        )

    def last(self, lane_id: str) -> DrawerOpening | None:
        """This lane's latest opening, whatever its reason and state."""
        return one_as(
            DrawerOpening,
            self.db.execute(
                "SELECT * FROM drawer_openings WHERE lane_id = ? ORDER BY id DESC LIMIT 1",
                [lane_id],
            ),
        )

    def journal(self, lane_id: str | None = None, *, limit: int = 50) -> list[DrawerJournalEntry]:
        """The latest openings (of one lane or all), newest first, with the names of the
        employee and the approver and the sale's number."""
        return all_as(
            DrawerJournalEntry,
            self.db.execute(
                "SELECT o.*, e.name AS employee_name, a.name AS approver_name, "
                "s.sale_number AS sale_number FROM drawer_openings o "
                "LEFT JOIN employees e ON e.id = o.employee_id "
                "LEFT JOIN employees a ON a.id = o.approved_by "
                "LEFT JOIN sales s ON s.id = o.sale_id "
                "WHERE ? IS NULL OR o.lane_id = ? ORDER BY o.id DESC LIMIT ?",
                [lane_id, lane_id, limit],
            ),
        )

    def for_lane(self, lane_id: str) -> list[DrawerOpening]:
        return all_as(
            DrawerOpening,
            self.db.execute(
                "SELECT * FROM drawer_openings WHERE lane_id = ? ORDER BY id", [lane_id]
            ),
        )
