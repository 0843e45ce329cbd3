"""Applying what head office sent down, one batch per SQLite transaction.

The batch, the new cursor and the audit rows of what changed commit together, with a row in
``sync_applying`` so the outbox triggers stand aside. Head office's state wins, except where
this lane has changes head office has not got yet: those fields (or a customer's other rows,
or a reference row) are left as they are here, because when they arrive they come later in
server order and win there too. A unique value head office gives to another customer is given
up here by whoever holds it locally (they were, or will be, flagged at head office).
"""

from __future__ import annotations

import base64
import json
import logging
import os
import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import sqlite_utils

from pos_tui.storage.catalog import CATALOG_VERSION
from pos_tui.storage.db import write
from pos_tui.storage.rows import Row, insert, one
from pos_tui.storage.sync_events import Names, master_where
from pos_tui.storage.sync_outbox import OutboxRepository
from pos_tui.storage.sync_spec import (
    CHILD_REFS,
    CUSTOMER_CHILDREN,
    CUSTOMER_REFS,
    CUSTOMER_UNIQUE,
    MASTER,
    MASTER_TABLES,
    ref_name,
)

log = logging.getLogger(__name__)

# (feed, key) -> the row head office holds now, or None: how a reference the batch does not
# carry is fetched.
Fetch = Callable[[str, str], dict[str, Any] | None]
_ORDER = {t.name: i for i, t in enumerate(MASTER_TABLES)}


@dataclass(frozen=True)
class FeedItem:
    feed: str
    xid: int
    seq: int
    row: dict[str, Any]


@dataclass
class Applied:
    master: int = 0
    customers: int = 0
    ledger: int = 0
    flags: int = 0


class Applier:
    def __init__(self, db: sqlite_utils.Database, origin: str, fetch: Fetch, at: str) -> None:
        self.db = db
        self.origin = origin
        self.fetch = fetch
        self.at = at
        self.names = Names(db, origin)
        self.outbox = OutboxRepository(db)
        self._columns: dict[str, list[str]] = {}
        self._busy: set[tuple[str, str]] = set()
        # Statement files of customers erased at another store, removed once the batch is in.
        self.files_to_remove: list[str] = []

    def apply(self, items: Sequence[FeedItem], cursor: tuple[int, int]) -> Applied:
        done = Applied()
        with write(self.db):
            self.db.execute("INSERT INTO sync_applying (since) VALUES (?)", [self.at])
            masters = sorted(
                (i for i in items if i.feed == "master"),
                key=lambda i: (_ORDER.get(i.row["entity"], 99), i.xid, i.seq),
            )
            for item in masters:
                done.master += self.master(item.row)
            if masters:
                self.db.execute(
                    "INSERT INTO counters (name, value) VALUES (?, 1) "
                    "ON CONFLICT(name) DO UPDATE SET value = value + 1",
                    [CATALOG_VERSION],
                )
            for item in items:
                if item.feed == "customer":
                    done.customers += self.customer(item.row)
            for item in items:
                if item.feed in ("points", "receivable"):
                    done.ledger += self.ledger(item.feed, item.row)
                elif item.feed == "flag":
                    done.flags += self.flag(item.row)
            self.db.conn.executemany(
                "INSERT INTO sync_state (key, value) VALUES (?, ?) "
                "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                [("cursor_xid", str(cursor[0])), ("cursor_seq", str(cursor[1]))],
            )
            self.db.execute("DELETE FROM sync_applying")
        self._remove_files()
        return done

    def _remove_files(self) -> None:
        for path in self.files_to_remove:
            try:
                os.remove(path)
            except FileNotFoundError:
                pass
            except OSError as exc:
                log.warning("statement file of an erased customer not removed: %s", exc)
        self.files_to_remove.clear()

    # -- reference data ------------------------------------------------------------------------
    def master(self, row: dict[str, Any]) -> int:
        entity, key = row["entity"], row["key"]
        table = MASTER.get(entity)
        if table is None:
            return 0
        if self.outbox.pending_master(entity, [key]):
            return 0  # changed here since: ours goes up and wins
        where, params = master_where(self.names, table, key)
        local = (
            one(self.db.execute(f"SELECT * FROM {entity} WHERE {where}", params)) if where else None
        )
        if row.get("deleted") or row.get("data") is None:
            if local is not None:
                self._delete_master(entity, local)
            return 1
        values = self._local_values(entity, table.refs, row["data"], table.json_refs)
        if values is None:
            return 0
        if entity == "items" and values.get("barcode"):
            self.db.execute(
                "UPDATE items SET barcode = NULL WHERE barcode = ? AND sku != ?",
                [values["barcode"], values.get("sku")],
            )
        if local is None:
            insert(self.db.conn, entity, values)
        else:
            sets = ", ".join(f"{c} = ?" for c in values)
            self.db.execute(
                f"UPDATE {entity} SET {sets} WHERE rowid = ?",
                [*values.values(), local.get("id") or self._rowid(entity, where or "", params)],
            )
        if len(table.key) == 1:
            self.names.forget(entity, key)
        return 1

    def _rowid(self, entity: str, where: str, params: list[Any]) -> int:
        return int(
            self.db.execute(f"SELECT rowid FROM {entity} WHERE {where}", params).fetchone()[0]
        )

    def _delete_master(self, entity: str, local: Row) -> None:
        table = MASTER[entity]
        where, params = master_where(self.names, table, self._key_of(entity, local))
        self.db.execute("SAVEPOINT sync_delete")
        try:
            self.db.execute(f"DELETE FROM {entity} WHERE {where}", params)
        except sqlite3.IntegrityError:
            # Still referenced here (a customer's card type, a past sale's item): kept, and
            # taken out of use where the table can say so.
            self.db.execute("ROLLBACK TO SAVEPOINT sync_delete")
            if "active" in self._cols(entity):
                self.db.execute(f"UPDATE {entity} SET active = 0 WHERE {where}", params)
        self.db.execute("RELEASE SAVEPOINT sync_delete")

    def _key_of(self, entity: str, local: Row) -> str:
        table = MASTER[entity]
        parts = [
            self.names.code(table.refs[c], local[c]) if c in table.refs else local[c]
            for c in table.key
        ]
        return str(parts[0]) if len(parts) == 1 else json.dumps(parts)

    def _cols(self, table: str) -> list[str]:
        if table not in self._columns:
            self._columns[table] = [
                r[1] for r in self.db.execute(f"PRAGMA table_info({table})").fetchall()
            ]
        return self._columns[table]

    def _resolve(self, table: str, code: str | None) -> int | None:
        """The local id of a referent, fetching it from head office when this lane lacks it."""
        if code is None:
            return None
        found = self.names.local_id(table, code)
        if found is not None or (table, code) in self._busy:
            return found
        self._busy.add((table, code))
        try:
            if table == "customers":
                row = self.fetch("customer", code)
                if row is not None:
                    self.customer(row)
            else:
                row = self.fetch(table, code)
                if row is not None:
                    self.master(row)
        finally:
            self._busy.discard((table, code))
        self.names.forget(table, code)
        return self.names.local_id(table, code)

    def _local_values(
        self,
        table: str,
        refs: dict[str, str],
        data: dict[str, Any],
        json_refs: tuple[str, ...] = (),
    ) -> Row | None:
        out: Row = {}
        for column in self._cols(table):
            if column == "id":
                continue
            target = refs.get(column)
            if target is not None:
                name = ref_name(column)
                if name not in data:
                    continue
                local = self._resolve(target, data[name])
                if local is None and data[name] is not None and column in MASTER[table].key:
                    log.warning("%s %s: %s %s unknown here", table, data, target, data[name])
                    return None
                out[column] = local
            elif column in data:
                out[column] = data[column]
        for column in json_refs:
            if out.get(column):
                values = json.loads(out[column])
                out[column] = json.dumps(self._customer_refs(values))
        return out

    def _customer_refs(self, values: dict[str, Any]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for column, target in CUSTOMER_REFS.items():
            name = ref_name(column)
            if name in values:
                out[column] = self._resolve(target, values.pop(name))
        out.update(values)
        return out

    # -- customers -----------------------------------------------------------------------------
    def customer(self, row: dict[str, Any]) -> int:
        gid = row["gid"]
        if ("customer", gid) in self._busy and self.names.local_customer(gid) is not None:
            return 0
        self._busy.add(("customer", gid))
        try:
            return self._customer(row)
        finally:
            self._busy.discard(("customer", gid))

    def _customer(self, row: dict[str, Any]) -> int:
        gid = row["gid"]
        data = dict(row.get("data") or {})
        for unique in CUSTOMER_UNIQUE:
            data[unique] = row.get(unique)
        local_id = self.names.local_customer(gid)
        pending = (
            self.outbox.pending_customer_fields([local_id]).get(local_id, set())
            if local_id
            else set()
        )
        values: Row = {}
        for column in self._cols("customers"):
            if column == "id" or column in pending or "*" in pending:
                continue
            target = CUSTOMER_REFS.get(column)
            if target is not None:
                name = ref_name(column)
                if name in data:
                    values[column] = self._resolve(target, data[name])
            elif column in data:
                values[column] = data[column]
        current = (
            one(self.db.execute("SELECT * FROM customers WHERE id = ?", [local_id]))
            if local_id
            else None
        )
        self._give_up_uniques(values, local_id)
        if current is None:
            if not values.get("account_number"):
                return 0
            values.setdefault("created_at", self.at)
            values.setdefault("updated_at", self.at)
            local_id = insert(self.db.conn, "customers", values)
            if self.names.local_customer(gid) != local_id:
                self.db.execute(
                    "INSERT OR REPLACE INTO sync_ids (entity, local_id, gid) VALUES ('customer', ?, ?)",
                    [local_id, gid],
                )
            changes = {k: [None, v] for k, v in values.items() if v is not None and k != "pin_hash"}
            self._audit(local_id, "created_from_head_office", changes)
        else:
            changed = {k: v for k, v in values.items() if current.get(k) != v}
            if changed and local_id is not None:
                sets = ", ".join(f"{c} = ?" for c in changed)
                self.db.execute(
                    f"UPDATE customers SET {sets} WHERE id = ?", [*changed.values(), local_id]
                )
                self._audit(
                    local_id,
                    "changed_at_head_office",
                    {
                        k: ["(hidden)", "(hidden)"] if k == "pin_hash" else [current.get(k), v]
                        for k, v in changed.items()
                    },
                )
        assert local_id is not None
        self._customer_rest(local_id, row)
        return 1

    def _customer_rest(self, local_id: int, row: dict[str, Any]) -> None:
        """A customer's other rows as head office holds them, and their erasure."""
        children = row.get("children")
        if children is not None and not self.outbox.pending_children([local_id]):
            self._replace_children(local_id, children)
        if row.get("erased_at"):
            self._erased_elsewhere(local_id, row["gid"], str(row["erased_at"]))

    def _erased_elsewhere(self, customer_id: int, gid: str, erased_at: str) -> None:
        """A customer erased at another store: erased here too (their personal fields, other
        rows, statement addresses and files, the values in their audit rows and in what waits
        to go up), once; the erasure itself is that store's, so nothing of it goes back up."""
        from pos_tui.storage.accounts import (
            PERSONAL_FIELDS,
            ErasureRepository,
            StatementRepository,
        )
        from pos_tui.storage.sync_outbox import blank_erased

        erasures = ErasureRepository(self.db)
        if erasures.get(customer_id) is not None:
            return
        insert(
            self.db.conn,
            "customer_erasures",
            {"customer_id": customer_id, "erased_at": erased_at, "via": "head office"},
        )
        personal = [c for c in PERSONAL_FIELDS if c in self._cols("customers")]
        self.db.execute(
            f"UPDATE customers SET {', '.join(f'{c} = NULL' for c in personal)} WHERE id = ?",
            [customer_id],
        )
        removed = erasures.remove_personal_rows(customer_id)
        self.files_to_remove.extend(StatementRepository(self.db).forget_deliveries(customer_id))
        blanked = erasures.blank_audit(customer_id)
        outbox = blank_erased(self.db, customer_id, gid)
        erasures.purge_search_index()
        self._audit(
            customer_id,
            "erased_at_head_office",
            {**removed, "audit_rows_blanked": blanked, "outbox_rows_blanked": outbox},
        )

    def _give_up_uniques(self, values: Row, me: int | None) -> None:
        for unique in CUSTOMER_UNIQUE:
            value = values.get(unique)
            if value is None:
                continue
            if unique == "email":
                where = "lower(email) = lower(?) AND email IS NOT NULL"
            else:
                where = f"{unique} = ?"
            holders = self.db.execute(
                f"SELECT id FROM customers WHERE {where} AND id IS NOT ?", [value, me]
            ).fetchall()
            for (holder,) in holders:
                given = f"~{self.names.gid(holder)}" if unique == "account_number" else None
                self.db.execute(f"UPDATE customers SET {unique} = ? WHERE id = ?", [given, holder])
                self._audit(
                    holder,
                    "unique_value_given_up",
                    {unique: [value, given], "rule": "head office gave it to another customer"},
                )

    def _replace_children(self, customer_id: int, children: dict[str, Any]) -> None:
        for kind, table in CUSTOMER_CHILDREN.items():
            if kind not in children:
                continue
            self.db.execute(f"DELETE FROM {table} WHERE customer_id = ?", [customer_id])
            refs = CHILD_REFS.get(table, {})
            for child in children[kind] or []:
                values: Row = {"customer_id": customer_id}
                for column in self._cols(table):
                    if column in ("id", "customer_id"):
                        continue
                    target = refs.get(column)
                    if target is not None:
                        local = self._resolve(target, child.get(ref_name(column)))
                        if local is None:
                            break
                        values[column] = local
                    elif column in child:
                        values[column] = child[column]
                else:
                    if table == "customer_pictures" and isinstance(values.get("data"), str):
                        values["data"] = base64.b64decode(values["data"])
                    insert(self.db.conn, table, values)

    def _audit(self, customer_id: int, action: str, changes: dict[str, Any]) -> None:
        insert(
            self.db.conn,
            "audit_log",
            {
                "at": self.at,
                "lane_id": None,
                "employee_id": None,
                "entity": "customer",
                "entity_id": customer_id,
                "action": action,
                "changes": json.dumps(changes, ensure_ascii=False, sort_keys=True, default=str),
            },
        )

    # -- ledgers and flags ---------------------------------------------------------------------
    def ledger(self, feed: str, row: dict[str, Any]) -> int:
        gid = f"{row['origin']}:{row['local_id']}"
        entity = "points" if feed == "points" else "receivable"
        seen = self.db.execute(
            "SELECT 1 FROM sync_ids WHERE entity = ? AND gid = ?", [entity, gid]
        ).fetchone()
        if seen:
            return 0
        customer = self._resolve("customers", row["customer_gid"])
        if customer is None:
            log.warning(
                "%s %s: customer %s unknown at head office", entity, gid, row["customer_gid"]
            )
            return 0
        # Another lane's row, as it posted it; the sale is that lane's (named in the text).
        values: Row = {
            "customer_id": customer,
            "entry_type": row["entry_type"],
            "sale_id": None,
            "employee_id": self.names.local_id("employees", row.get("employee_number")),
        }
        if feed == "receivable":
            values["approved_by"] = self.names.local_id("employees", row.get("approved_by_number"))
        if feed == "points":
            table = "loyalty_ledger"
            values.update(
                points=str(row["points"]),
                reason=row.get("reason") or _at_lane(row),
                created_at=row["created_at"],
            )
        else:
            table = "receivable_ledger"
            values.update(
                amount=str(row["amount"]),
                reference=row.get("reference"),
                due_date=row.get("due_date"),
                note=row.get("note") or _at_lane(row),
                posted_at=row["posted_at"],
            )
        local_id = insert(self.db.conn, table, values)
        self.db.execute(
            "INSERT INTO sync_ids (entity, local_id, gid) VALUES (?, ?, ?)", [entity, local_id, gid]
        )
        return 1

    def flag(self, row: dict[str, Any]) -> int:
        customer = self.names.local_customer(row.get("customer_gid"))
        self.db.execute(
            "INSERT INTO sync_flags (id, kind, customer_gid, customer_id, origin, detail, "
            "created_at, resolved_at, resolution) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT(id) DO UPDATE SET resolved_at = excluded.resolved_at, "
            "resolution = excluded.resolution, customer_id = excluded.customer_id, "
            "detail = excluded.detail",
            [
                row["id"],
                row["kind"],
                row.get("customer_gid"),
                customer,
                row.get("origin"),
                json.dumps(row.get("detail") or {}, sort_keys=True),
                str(row["created_at"]),
                row.get("resolved_at"),
                row.get("resolution"),
            ],
        )
        return 1


def _at_lane(row: dict[str, Any]) -> str | None:
    if row.get("lane_id") and row.get("sale_number"):
        return f"Sale {row['lane_id']}-{row['sale_number']}"
    return None
