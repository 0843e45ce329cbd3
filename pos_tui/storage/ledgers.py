"""The append-only loyalty and receivable ledgers."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import sqlite_utils

from pos_tui.engine.money import ZERO, to_decimal
from pos_tui.storage.db import write
from pos_tui.storage.rows import all_as, insert, table_row


@table_row("loyalty_ledger")
@dataclass(frozen=True, slots=True)
class LoyaltyEntry:
    id: int
    customer_id: int
    entry_type: str
    points: Decimal
    sale_id: int | None
    reason: str | None
    employee_id: int | None
    created_at: str


@dataclass(frozen=True, slots=True)
class PointsListing(LoyaltyEntry):
    """A loyalty entry with the name of the employee who posted it."""

    employee_name: str | None


@table_row("receivable_ledger")
@dataclass(frozen=True, slots=True)
class ReceivableEntry:
    id: int
    customer_id: int
    entry_type: str
    amount: Decimal
    reference: str | None
    sale_id: int | None
    due_date: str | None
    note: str | None
    employee_id: int | None
    posted_at: str
    approved_by: int | None


@dataclass(frozen=True, slots=True)
class ReceivableListing(ReceivableEntry):
    """A receivable entry with the names of who posted it and of the supervisor who approved it."""

    employee_name: str | None
    approver_name: str | None


class LedgerRepository:
    def __init__(self, db: sqlite_utils.Database) -> None:
        self.db = db

    def add_points(
        self,
        *,
        customer_id: int,
        entry_type: str,
        points: Decimal,
        at: str,
        sale_id: int | None = None,
        reason: str | None = None,
        employee_id: int | None = None,
    ) -> int:
        with write(self.db):
            return insert(
                self.db.conn,
                "loyalty_ledger",
                {
                    "customer_id": customer_id,
                    "entry_type": entry_type,
                    "points": str(points),
                    "sale_id": sale_id,
                    "reason": reason,
                    "employee_id": employee_id,
                    "created_at": at,
                },
            )

    def add_receivable(
        self,
        *,
        customer_id: int,
        entry_type: str,
        amount: Decimal,
        at: str,
        reference: str | None = None,
        sale_id: int | None = None,
        due_date: str | None = None,
        note: str | None = None,
        employee_id: int | None = None,
        approved_by: int | None = None,
    ) -> int:
        """Append a receivable entry; ``employee_id`` is who posted it (the cashier),
        ``approved_by`` the supervisor who approved it, if one had to."""
        with write(self.db):
            t = self.db.table("receivable_ledger")
            t.insert(
                {
                    "customer_id": customer_id,
                    "entry_type": entry_type,
                    "amount": str(amount),
                    "reference": reference,
                    "sale_id": sale_id,
                    "due_date": due_date,
                    "note": note,
                    "employee_id": employee_id,
                    "approved_by": approved_by,
                    "posted_at": at,
                }
            )
            return int(t.last_pk)  # type: ignore[arg-type]

    def has_reference(self, customer_id: int, reference: str) -> bool:
        row = self.db.execute(
            "SELECT 1 FROM receivable_ledger WHERE customer_id = ? AND reference = ? LIMIT 1",
            [customer_id, reference],
        ).fetchone()
        return row is not None

    def points_entries(self, customer_id: int) -> list[PointsListing]:
        cur = self.db.execute(
            "SELECT l.*, e.name AS employee_name FROM loyalty_ledger l "
            "LEFT JOIN employees e ON e.id = l.employee_id WHERE l.customer_id = ? ORDER BY l.id",
            [customer_id],
        )
        return all_as(PointsListing, cur)

    def receivable_entries(self, customer_id: int) -> list[ReceivableListing]:
        """The customer's receivable entries, oldest first, with the names of the employee who
        posted each and of the supervisor who approved it."""
        cur = self.db.execute(
            "SELECT r.*, e.name AS employee_name, a.name AS approver_name "
            "FROM receivable_ledger r LEFT JOIN employees e ON e.id = r.employee_id "
            "LEFT JOIN employees a ON a.id = r.approved_by "
            "WHERE r.customer_id = ? ORDER BY r.id",
            [customer_id],
        )
        return all_as(ReceivableListing, cur)

    def points_summary(self, customer_id: int) -> dict[str, Decimal]:
        """Earned, used, adjusted and unused points (Quasar's loyalty section)."""
        totals = {
            "opening": ZERO,
            "earned": ZERO,
            "used": ZERO,
            "adjusted": ZERO,
        }
        cur = self.db.execute(
            "SELECT entry_type, points FROM loyalty_ledger WHERE customer_id = ?", [customer_id]
        )
        for entry_type, points in cur.fetchall():
            value = to_decimal(points)
            if entry_type in ("earned", "referral", "reversed"):
                totals["earned"] += value
            elif entry_type == "used":
                totals["used"] += -value
            else:
                totals[entry_type] += value
        totals["unused"] = (
            totals["opening"] + totals["earned"] - totals["used"] + totals["adjusted"]
        )
        return totals
