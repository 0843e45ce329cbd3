"""Customer rows, their addresses, contacts, teams, pictures and lookups."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import sqlite_utils

from pos_tui.engine.money import ZERO
from pos_tui.storage import name_keys
from pos_tui.storage.db import write
from pos_tui.storage.rows import Row
from pos_tui.storage.rows import all_rows as _all
from pos_tui.storage.rows import one as _one

# Children of a customer that are replaced as a whole when the customer is saved.
_CHILD_TABLES = {
    "addresses": "customer_addresses",
    "contacts": "customer_contacts",
    "transaction_discounts": "customer_transaction_discounts",
}


class CustomerRepository:
    def __init__(self, db: sqlite_utils.Database) -> None:
        self.db = db
        # (ledger, customer id) -> (highest row id summed, the sum). The ledgers are
        # append-only (triggers refuse updates and deletes) and a row committed later always
        # has a higher id, so a balance is the kept sum plus the rows after it. Only sums read
        # outside a transaction are kept: committed rows, which no rollback can take back.
        self._sums: dict[tuple[str, int], tuple[int, Decimal]] = {}

    # -- reads ---------------------------------------------------------------------------------
    def get(self, customer_id: int) -> Row | None:
        cur = self.db.execute("SELECT * FROM customers WHERE id = ?", [customer_id])
        return _one(cur)

    def _by(self, column: str, value: str, *, active_only: bool) -> Row | None:
        sql = f"SELECT * FROM customers WHERE {column} = ?"
        if active_only:
            sql += " AND active = 1"
        return _one(self.db.execute(sql, [value]))

    def by_account(self, account: str, *, active_only: bool = True) -> Row | None:
        return self._by("account_number", account, active_only=active_only)

    def by_card(self, card: str, *, active_only: bool = True) -> Row | None:
        return self._by("card_number", card, active_only=active_only)

    def by_mobile(self, mobile: str, *, active_only: bool = True) -> Row | None:
        return self._by("mobile", mobile, active_only=active_only)

    def by_email(self, email: str, *, active_only: bool = True) -> Row | None:
        # "email IS NOT NULL" lets SQLite use the partial index customers_email.
        sql = "SELECT * FROM customers WHERE lower(email) = lower(?) AND email IS NOT NULL"
        if active_only:
            sql += " AND active = 1"
        return _one(self.db.execute(sql, [email]))

    def search_names(self, text: str, *, limit: int = 20) -> list[Row]:
        """Active customers with a name word starting with every word typed: 'ann sm' finds
        Anna Smith. The first ``limit`` in name order, read from the word matching the longest
        word typed (see :mod:`pos_tui.storage.name_keys`)."""
        ids = name_keys.matching_ids(self.db.conn, text, limit=limit)
        if not ids:
            return []
        marks = ", ".join("?" * len(ids))
        cur = self.db.execute(f"SELECT * FROM customers WHERE id IN ({marks}) AND active = 1", ids)
        rows = {row["id"]: row for row in _all(cur)}
        return [rows[i] for i in ids if i in rows]

    def page(
        self,
        *,
        where: str = "1",
        params: list[Any] | None = None,
        order_by: str = "last_name, first_name, id",
        limit: int = 50,
        offset: int = 0,
    ) -> list[Row]:
        sql = f"SELECT * FROM customers WHERE {where} ORDER BY {order_by} LIMIT ? OFFSET ?"
        return _all(self.db.execute(sql, [*(params or []), limit, offset]))

    def count(self, *, where: str = "1", params: list[Any] | None = None) -> int:
        return int(
            self.db.execute(
                f"SELECT count(*) FROM customers WHERE {where}", params or []
            ).fetchone()[0]
        )

    def with_card_type(self, card_type_id: int) -> list[Row]:
        """Active customers holding a card type (subscription runs)."""
        cur = self.db.execute(
            "SELECT * FROM customers WHERE card_type_id = ? AND active = 1 ORDER BY id",
            [card_type_id],
        )
        return _all(cur)

    def with_service_charge(self) -> list[Row]:
        """Receivable customers charged a service charge on past-due balances."""
        # CAST only filters; every amount is computed with Decimal from the text.
        cur = self.db.execute(
            "SELECT * FROM customers WHERE ar_enabled = 1 AND CAST(service_charge_percent AS REAL) > 0 ORDER BY id"
        )
        return _all(cur)

    def children(self, customer_id: int, kind: str) -> list[Row]:
        table = _CHILD_TABLES[kind]
        return _all(
            self.db.execute(
                f"SELECT * FROM {table} WHERE customer_id = ? ORDER BY id", [customer_id]
            )
        )

    def team_ids(self, customer_id: int) -> list[int]:
        cur = self.db.execute(
            "SELECT team_id FROM customer_teams WHERE customer_id = ? ORDER BY team_id",
            [customer_id],
        )
        return [r[0] for r in cur.fetchall()]

    def exempt_tax_ids(self, customer_id: int) -> list[int]:
        cur = self.db.execute(
            "SELECT tax_id FROM customer_exempt_taxes WHERE customer_id = ? ORDER BY tax_id",
            [customer_id],
        )
        return [r[0] for r in cur.fetchall()]

    def picture(self, customer_id: int, slot: int) -> Row | None:
        cur = self.db.execute(
            "SELECT * FROM customer_pictures WHERE customer_id = ? AND slot = ?",
            [customer_id, slot],
        )
        return _one(cur)

    def exists(self, column: str, value: Any, *, except_id: int | None = None) -> Row | None:
        """The customer (active or not) already holding ``value`` in a unique column."""
        if column == "email":
            sql = "SELECT * FROM customers WHERE lower(email) = lower(?) AND email IS NOT NULL"
        else:
            sql = f"SELECT * FROM customers WHERE {column} = ?"
        params: list[Any] = [value]
        if except_id is not None:
            sql += " AND id != ?"
            params.append(except_id)
        return _one(self.db.execute(sql + " LIMIT 1", params))

    def loyalty_balance(self, customer_id: int) -> Decimal:
        return self._ledger_sum("loyalty_ledger", "points", customer_id)

    def receivable_balance(self, customer_id: int) -> Decimal:
        return self._ledger_sum("receivable_ledger", "amount", customer_id)

    def _ledger_sum(self, ledger: str, column: str, customer_id: int) -> Decimal:
        """The sum of ``column`` over the customer's rows, in row order (exact Decimals)."""
        last_id, total = self._sums.get((ledger, customer_id), (0, ZERO))
        cur = self.db.execute(
            f"SELECT id, {column} FROM {ledger} WHERE customer_id = ? AND id > ? ORDER BY id",
            [customer_id, last_id],
        )
        for row_id, value in cur.fetchall():
            total += Decimal(value)
            last_id = row_id
        if not self.db.conn.in_transaction:
            self._sums[(ledger, customer_id)] = (last_id, total)
        return total

    # -- writes --------------------------------------------------------------------------------
    def insert(self, row: Row) -> int:
        with write(self.db):
            table = self.db.table("customers")
            table.insert(row)
            return int(table.last_pk)  # type: ignore[arg-type]

    def update(self, customer_id: int, changes: Row) -> None:
        if not changes:
            return
        with write(self.db):
            self.db.table("customers").update(customer_id, changes)

    def replace_children(self, customer_id: int, kind: str, rows: list[Row]) -> None:
        table = _CHILD_TABLES[kind]
        with write(self.db):
            self.db.execute(f"DELETE FROM {table} WHERE customer_id = ?", [customer_id])
            for row in rows:
                clean = {k: v for k, v in row.items() if k != "id"}
                self.db.table(table).insert({**clean, "customer_id": customer_id})

    def set_teams(self, customer_id: int, team_ids: list[int]) -> None:
        with write(self.db):
            self.db.execute("DELETE FROM customer_teams WHERE customer_id = ?", [customer_id])
            for team_id in sorted(set(team_ids)):
                self.db.table("customer_teams").insert(
                    {"customer_id": customer_id, "team_id": team_id}
                )

    def set_exempt_taxes(self, customer_id: int, tax_ids: list[int]) -> None:
        with write(self.db):
            self.db.execute(
                "DELETE FROM customer_exempt_taxes WHERE customer_id = ?", [customer_id]
            )
            for tax_id in sorted(set(tax_ids)):
                self.db.table("customer_exempt_taxes").insert(
                    {"customer_id": customer_id, "tax_id": tax_id}
                )

    def set_picture(self, customer_id: int, slot: int, media_type: str, data: bytes | None) -> None:
        with write(self.db):
            self.db.execute(
                "DELETE FROM customer_pictures WHERE customer_id = ? AND slot = ?",
                [customer_id, slot],
            )
            if data is not None:
                self.db.table("customer_pictures").insert(
                    {
                        "customer_id": customer_id,
                        "slot": slot,
                        "media_type": media_type,
                        "data": data,
                    }
                )
