"""Erasing a customer on request (FusionRetail's privacy settings; what a shop must do when a
customer asks to be forgotten).

The customer row stays, with its id and account number, so the sales, the ledgers and the
journal that name them stay whole and verifiable; everything that says who the person is goes:
names, the card and its dates, phones, e-mail, website, tax id, birthday, spouse, anniversary,
remarks, the referral link, the account PIN, every address and contact, both pictures, the
addresses statements were mailed to and the statement files written for them. The journal
never held any of it (sales name a customer by id only), so it is not rewritten.

Refused while the customer owes money or is owed some, or has an open order. One transaction:
the update (an ordinary UPDATE, so sync and triggers see a change like any other), the rows
removed, the values blanked in the customer's earlier audit rows, and one ``erase`` audit row
that names the fields and counts, never their values.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from typing import Any

from pos_tui.engine.errors import Refused
from pos_tui.services.customers.names import display_name
from pos_tui.services.runtime.backend import Backend
from pos_tui.services.staff.auth import Employee
from pos_tui.storage.accounts import (
    PERSONAL_FIELDS,
    ErasureRepository,
    OrderRepository,
    StatementRepository,
)
from pos_tui.storage.customers import CustomerRow
from pos_tui.storage.db import write
from pos_tui.storage.sync_events import Names
from pos_tui.storage.sync_outbox import OutboxRepository, blank_erased

log = logging.getLogger(__name__)
# What is switched off with them: nothing is sent to, or printed for, an erased customer.
SWITCHED_OFF = ("active", "statement_print", "statement_email", "send_email", "send_sms")


class ErasureError(Refused, ValueError):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Erased:
    customer_id: int
    account_number: str
    fields: tuple[str, ...]
    removed: dict[str, int]
    audit_rows: int
    files: int


class ErasureService:
    def __init__(self, backend: Backend) -> None:
        self.b = backend
        self.erasures = ErasureRepository(backend.db)

    def find(self, account: str) -> CustomerRow:
        """The customer to erase, or ErasureError saying why there is none."""
        row = self.b.customers.by_account(account.strip(), active_only=False)
        if row is None:
            raise ErasureError(f"No customer with account number {account.strip()}")
        done = self.erasures.get(int(row.id))
        if done is not None:
            raise ErasureError(
                f"Customer {row.account_number} was already erased on {str(done.erased_at)[:10]}"
            )
        return row

    def erase(self, account: str, *, approver: Employee | None, via: str) -> Erased:
        """Erase the customer with this account number; a supervisor (or manager) approves."""
        if approver is None or not approver.at_least("supervisor"):
            raise ErasureError("Erasing a customer needs a supervisor")
        b = self.b
        # Pages freed by the erasure are overwritten with zeros, not left readable in the file.
        secure = b.db.conn.execute("PRAGMA secure_delete").fetchone()[0]
        b.db.conn.execute("PRAGMA secure_delete = ON")
        try:
            return self._erase(account, approver, via)
        finally:
            b.db.conn.execute(f"PRAGMA secure_delete = {int(secure)}")

    def _erase(self, account: str, approver: Employee, via: str) -> Erased:
        b = self.b
        with write(b.db):
            row = self.find(account)
            cid, name = int(row.id), display_name(row)
            balance = b.customers.receivable_balance(cid)
            if balance > 0:
                raise ErasureError(
                    f"{name} owes {balance} on account: a customer who owes money cannot be "
                    "erased (take the payment first)"
                )
            if balance < 0:
                raise ErasureError(
                    f"{name} has {-balance} in credit on account: refund it before erasing"
                )
            orders = OrderRepository(b.db).for_customer(cid, pending_only=True)
            if orders:
                numbers = ", ".join(o.number for o in orders)
                raise ErasureError(
                    f"{name} has open orders ({numbers}): complete or cancel them first"
                )
            at = b.timestamp()
            stored = row.columns()
            fields = tuple(f for f in PERSONAL_FIELDS if stored[f] is not None)
            changes: dict[str, Any] = dict.fromkeys(PERSONAL_FIELDS)
            changes.update(dict.fromkeys(SWITCHED_OFF, 0))
            changes["updated_at"] = at
            self.erasures.add(
                {"customer_id": cid, "erased_at": at, "employee_id": approver.id, "via": via}
            )
            b.customers.update(cid, changes)
            removed = self.erasures.remove_personal_rows(cid)
            self.erasures.purge_search_index()
            files = StatementRepository(b.db).forget_deliveries(cid)
            audit_rows = self._blank_audit(cid)
            # What waits to go to head office loses the values too; head office blanks its
            # own copies when the erasure reaches it (docs/sync.md).
            outbox_rows = blank_erased(b.db, cid, Names(b.db, self._origin()).gid(cid) or "")
            b.store.audit(
                at=at,
                entity="customer",
                entity_id=cid,
                action="erase",
                changes={
                    "fields": list(fields),
                    **removed,
                    "audit_rows_blanked": audit_rows,
                    "outbox_rows_blanked": outbox_rows,
                    "statement_files": len(files),
                    "points_forfeited": str(b.customers.loyalty_balance(cid)),
                    "via": via,
                },
                employee_id=approver.id,
                lane_id=b.settings.lane.id,
            )
        deleted = 0
        for path in files:
            try:
                os.remove(path)
                deleted += 1
            except FileNotFoundError:
                pass
            except OSError as exc:
                log.warning("statement file of an erased customer not removed: %s", exc)
        return Erased(cid, str(row.account_number), fields, removed, audit_rows, deleted)

    def _origin(self) -> str:
        """This database's name at head office (bound by its first sync; until then what it
        will be)."""
        bound = OutboxRepository(self.b.db).get_state("origin")
        return bound or self.b.settings.sync.origin or self.b.settings.lane.id

    def _blank_audit(self, customer_id: int) -> int:
        """Blank the values of personal fields in the customer's earlier audit rows."""
        return self.erasures.blank_audit(customer_id)
