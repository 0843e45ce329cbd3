"""Statement runs and statements, customer orders and their journal records, erasures."""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import sqlite_utils

from pos_tui.engine.money import to_decimal
from pos_tui.storage.db import write
from pos_tui.storage.journal import SaleRow
from pos_tui.storage.ledgers import ReceivableEntry
from pos_tui.storage.rows import Row, all_as, insert, insert_many, one_as, table_row

# What an erased value becomes in the audit log (and at head office).
ERASED = "[erased]"
# Columns of ``customers`` that hold personal data, cleared on erasure.
PERSONAL_FIELDS = (
    "salutation",
    "first_name",
    "last_name",
    "company_name",
    "card_number",
    "card_issue_date",
    "card_expiry_date",
    "phone",
    "mobile",
    "fax",
    "email",
    "website",
    "tax_resale_id",
    "birth_date",
    "spouse_name",
    "anniversary_date",
    "remarks",
    "pos_remarks",
    "link_customer_id",
    "pin_hash",
)
# A customer's other rows that hold personal data, deleted on erasure (sync names the sets).
PERSONAL_CHILDREN = {
    "addresses": "customer_addresses",
    "contacts": "customer_contacts",
    "pictures": "customer_pictures",
}


@table_row("statement_runs")
@dataclass(frozen=True, slots=True)
class StatementRun:
    id: int
    statement_date: str
    run_at: str
    employee_id: int | None
    via: str
    statements: int
    service_charges: Decimal


@table_row("statements")
@dataclass(frozen=True, slots=True)
class Statement:
    id: int
    run_id: int
    customer_id: int
    statement_date: str
    opening_balance: Decimal
    charges: Decimal
    credits: Decimal
    closing_balance: Decimal
    due_date: str | None
    print_status: str
    print_job_id: int | None
    print_file: str | None
    email_status: str
    email_to: str | None
    email_error: str | None
    emailed_at: str | None


@table_row("customer_orders")
@dataclass(frozen=True, slots=True)
class CustomerOrder:
    id: int
    customer_id: int
    number: str
    order_type: str
    status: str
    location_id: int | None
    placed_at: str
    amount_due: Decimal
    closed_at: str | None
    stage: str | None
    total: Decimal
    description: str | None
    lane_id: str | None
    employee_id: int | None
    # The sale's rows as priced when the order was opened (JSON), None for imported orders.
    priced: str | None
    completed_sale_id: int | None


@table_row("customer_erasures")
@dataclass(frozen=True, slots=True)
class Erasure:
    customer_id: int
    erased_at: str
    employee_id: int | None
    via: str


@dataclass(frozen=True, slots=True)
class AuditChanges:
    """An audit row's id and its changes (JSON text), as erasure blanks them."""

    id: int
    changes: str


class StatementRepository:
    def __init__(self, db: sqlite_utils.Database) -> None:
        self.db = db

    def last_run(self) -> StatementRun | None:
        return one_as(
            StatementRun,
            self.db.execute("SELECT * FROM statement_runs ORDER BY statement_date DESC LIMIT 1"),
        )

    def run_on(self, statement_date: str) -> StatementRun | None:
        return one_as(
            StatementRun,
            self.db.execute(
                "SELECT * FROM statement_runs WHERE statement_date = ?", [statement_date]
            ),
        )

    def add_run(self, row: Row) -> int:
        with write(self.db):
            return insert(self.db.conn, "statement_runs", row)

    def set_run_statements(self, run_id: int, count: int) -> None:
        """The number of statements a run wrote, known once it has written them."""
        with write(self.db):
            self.db.execute(
                "UPDATE statement_runs SET statements = ? WHERE id = ?", [count, run_id]
            )

    def last_closing_balances(self) -> list[tuple[int, Decimal]]:
        """(customer id, closing balance) of each customer's latest statement."""
        return [
            (int(r[0]), to_decimal(r[1]))
            for r in self.db.execute(
                "SELECT customer_id, closing_balance FROM statements WHERE id IN "
                "(SELECT max(id) FROM statements GROUP BY customer_id)"
            ).fetchall()
        ]

    def set_print_job(self, statement_id: int, job_id: int) -> None:
        with write(self.db):
            self.db.execute(
                "UPDATE statements SET print_job_id = ? WHERE id = ?", [job_id, statement_id]
            )

    def add_statement(self, row: Row, entry_ids: list[int]) -> int:
        with write(self.db):
            statement_id = insert(self.db.conn, "statements", row)
            insert_many(
                self.db.conn,
                "statement_entries",
                [{"statement_id": statement_id, "entry_id": e} for e in entry_ids],
            )
            return statement_id

    def unbilled_entries(self, through: str) -> list[ReceivableEntry]:
        """Receivable entries posted up to the end of day ``through`` and on no statement yet,
        by customer and id."""
        return all_as(
            ReceivableEntry,
            self.db.execute(
                "SELECT l.* FROM receivable_ledger l "
                "LEFT JOIN statement_entries s ON s.entry_id = l.id "
                "WHERE s.entry_id IS NULL AND substr(l.posted_at, 1, 10) <= ? "
                "ORDER BY l.customer_id, l.posted_at, l.id",
                [through],
            ),
        )

    def last_statement(self, customer_id: int) -> Statement | None:
        return one_as(
            Statement,
            self.db.execute(
                "SELECT * FROM statements WHERE customer_id = ? ORDER BY statement_date DESC, id DESC LIMIT 1",
                [customer_id],
            ),
        )

    def get(self, statement_id: int) -> Statement | None:
        return one_as(
            Statement, self.db.execute("SELECT * FROM statements WHERE id = ?", [statement_id])
        )

    def of_run(self, run_id: int) -> list[Statement]:
        return all_as(
            Statement,
            self.db.execute("SELECT * FROM statements WHERE run_id = ? ORDER BY id", [run_id]),
        )

    def for_customer(self, customer_id: int) -> list[Statement]:
        return all_as(
            Statement,
            self.db.execute(
                "SELECT * FROM statements WHERE customer_id = ? ORDER BY statement_date, id",
                [customer_id],
            ),
        )

    def entries(self, statement_id: int) -> list[ReceivableEntry]:
        """The ledger entries a statement bills, in posting order."""
        return all_as(
            ReceivableEntry,
            self.db.execute(
                "SELECT l.* FROM statement_entries s JOIN receivable_ledger l ON l.id = s.entry_id "
                "WHERE s.statement_id = ? ORDER BY l.posted_at, l.id",
                [statement_id],
            ),
        )

    def pending_deliveries(self, run_id: int | None = None) -> list[Statement]:
        """Statements with a file still to write or an e-mail still to send."""
        sql = (
            "SELECT * FROM statements WHERE (print_status = 'pending' OR email_status = 'pending')"
        )
        params: list[Any] = []
        if run_id is not None:
            sql += " AND run_id = ?"
            params.append(run_id)
        return all_as(Statement, self.db.execute(sql + " ORDER BY id", params))

    def queued_jobs(self, run_id: int) -> list[int]:
        cur = self.db.execute(
            "SELECT j.id FROM statements s JOIN print_jobs j ON j.id = s.print_job_id "
            "WHERE s.run_id = ? AND j.status IN ('queued', 'printing', 'failed') ORDER BY j.id",
            [run_id],
        )
        return [int(r[0]) for r in cur.fetchall()]

    def set_delivery(self, statement_id: int, **changes: Any) -> None:
        allowed = {
            "print_status",
            "print_file",
            "email_status",
            "email_to",
            "email_error",
            "emailed_at",
        }
        if not changes.keys() <= allowed:
            raise ValueError(f"not delivery columns: {sorted(set(changes) - allowed)}")
        with write(self.db):
            sets = ", ".join(f"{k} = ?" for k in changes)
            self.db.execute(
                f"UPDATE statements SET {sets} WHERE id = ?", [*changes.values(), statement_id]
            )

    def forget_deliveries(self, customer_id: int) -> list[str]:
        """Erasure: the files written for a customer (to delete) and the addresses mailed to
        (cleared); returns the file paths."""
        with write(self.db):
            files = [
                str(r[0])
                for r in self.db.execute(
                    "SELECT print_file FROM statements WHERE customer_id = ? AND print_file IS NOT NULL",
                    [customer_id],
                ).fetchall()
            ]
            self.db.execute(
                "UPDATE statements SET email_to = NULL, email_error = NULL, print_file = NULL "
                "WHERE customer_id = ?",
                [customer_id],
            )
            return files


class OrderRepository:
    def __init__(self, db: sqlite_utils.Database) -> None:
        self.db = db

    def next_id(self) -> int:
        """The id (and number) the next order gets; inside the caller's write transaction."""
        return int(
            self.db.execute("SELECT coalesce(max(id), 0) + 1 FROM customer_orders").fetchone()[0]
        )

    def add(self, row: Row) -> int:
        with write(self.db):
            return insert(self.db.conn, "customer_orders", row)

    def get(self, order_id: int) -> CustomerOrder | None:
        return one_as(
            CustomerOrder, self.db.execute("SELECT * FROM customer_orders WHERE id = ?", [order_id])
        )

    def by_number(self, number: str) -> CustomerOrder | None:
        return one_as(
            CustomerOrder,
            self.db.execute("SELECT * FROM customer_orders WHERE number = ?", [number]),
        )

    def for_customer(self, customer_id: int, *, pending_only: bool = False) -> list[CustomerOrder]:
        sql = "SELECT * FROM customer_orders WHERE customer_id = ?"
        if pending_only:
            sql += " AND status = 'pending'"
        return all_as(
            CustomerOrder,
            self.db.execute(sql + " ORDER BY placed_at DESC, id DESC", [customer_id]),
        )

    def update(self, order_id: int, changes: Row) -> None:
        with write(self.db):
            sets = ", ".join(f"{k} = ?" for k in changes)
            self.db.execute(
                f"UPDATE customer_orders SET {sets} WHERE id = ?", [*changes.values(), order_id]
            )

    def link(self, order_id: int, sale_id: int) -> None:
        with write(self.db):
            insert(
                self.db.conn, "customer_order_records", {"order_id": order_id, "sale_id": sale_id}
            )

    def records(self, order_id: int) -> list[SaleRow]:
        """The order's journal records (payments, completion, cancellation), oldest first."""
        return all_as(
            SaleRow,
            self.db.execute(
                "SELECT s.* FROM customer_order_records r JOIN sales s ON s.id = r.sale_id "
                "WHERE r.order_id = ? ORDER BY s.id",
                [order_id],
            ),
        )

    def order_of_sale(self, sale_id: int) -> CustomerOrder | None:
        return one_as(
            CustomerOrder,
            self.db.execute(
                "SELECT o.* FROM customer_order_records r JOIN customer_orders o ON o.id = r.order_id "
                "WHERE r.sale_id = ?",
                [sale_id],
            ),
        )


class ErasureRepository:
    def __init__(self, db: sqlite_utils.Database) -> None:
        self.db = db

    def get(self, customer_id: int) -> Erasure | None:
        return one_as(
            Erasure,
            self.db.execute("SELECT * FROM customer_erasures WHERE customer_id = ?", [customer_id]),
        )

    def add(self, row: Row) -> None:
        with write(self.db):
            insert(self.db.conn, "customer_erasures", row)

    def remove_personal_rows(self, customer_id: int) -> dict[str, int]:
        """Delete the customer's addresses, contacts and pictures; how many of each."""
        counts: dict[str, int] = {}
        with write(self.db):
            for name, table in PERSONAL_CHILDREN.items():
                cur = self.db.execute(f"DELETE FROM {table} WHERE customer_id = ?", [customer_id])
                counts[name] = cur.rowcount
        return counts

    def purge_search_index(self) -> None:
        """Merge the name search index into one segment: FTS5 keeps a changed row's old words in
        its older segments until they are merged, and an erased name must not stay there."""
        with write(self.db):
            if self.db.execute(
                "SELECT 1 FROM sqlite_master WHERE name = 'customers_fts'"
            ).fetchone():
                self.db.execute("INSERT INTO customers_fts (customers_fts) VALUES ('optimize')")

    def audit_rows(self, customer_id: int) -> list[AuditChanges]:
        return all_as(
            AuditChanges,
            self.db.execute(
                "SELECT id, changes FROM audit_log WHERE entity = 'customer' AND entity_id = ? "
                "ORDER BY id",
                [customer_id],
            ),
        )

    def set_audit_changes(self, audit_id: int, changes: str) -> None:
        with write(self.db):
            self.db.execute("UPDATE audit_log SET changes = ? WHERE id = ?", [changes, audit_id])

    def blank_audit(self, customer_id: int) -> int:
        """Blank the values of personal fields in the customer's earlier audit rows (allowed
        once the customer's erasure is recorded); how many rows changed."""
        count = 0
        personal = set(PERSONAL_FIELDS)
        for entry in self.audit_rows(customer_id):
            try:
                changes = json.loads(entry.changes)
            except ValueError:
                changes = {}
            if not isinstance(changes, dict):
                continue
            blanked = {
                k: (ERASED if k in personal and v is not None else v) for k, v in changes.items()
            }
            if blanked != changes:
                text = json.dumps(blanked, ensure_ascii=False, sort_keys=True, default=str)
                self.set_audit_changes(entry.id, text)
                count += 1
        return count
