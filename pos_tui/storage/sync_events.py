"""Outbox rows turned into the events pushed to head office, with local ids named chain-wide
(:mod:`pos_tui.storage.sync_spec`). Append-only rows (sales, ledgers, audit) are read when
pushed; they never change after commit. Customer values were captured when written."""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from typing import Any

import sqlite_utils

from pos_tui.storage.rows import Row, all_rows, one
from pos_tui.storage.sync_outbox import OutboxRow
from pos_tui.storage.sync_spec import (
    CHILD_REFS,
    CUSTOMER_CHILDREN,
    CUSTOMER_REFS,
    MASTER,
    RECORDS,
    MasterTable,
    ref_name,
)


def canonical(payload: dict[str, Any]) -> str:
    """The event's text. PostgreSQL's text and jsonb cannot hold NUL: a NUL typed into a field
    travels as U+FFFD (the lane keeps its own value, and its seal is over its own rows)."""
    text = json.dumps(
        payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str
    )
    return text.replace("\\u0000", "\\ufffd")


@dataclass(frozen=True)
class Event:
    seq: int
    kind: str
    payload: dict[str, Any]
    lane_at: str


class Names:
    """Local ids to chain-wide names, and back, on one lane database (cached per use)."""

    def __init__(self, db: sqlite_utils.Database, origin: str) -> None:
        self.db = db
        self.origin = origin
        self._codes: dict[tuple[str, int], str | None] = {}
        self._ids: dict[tuple[str, str], int | None] = {}
        self._customers: dict[str, int] = {}

    # -- local -> chain ------------------------------------------------------------------------
    def gid(self, customer_id: int | None) -> str | None:
        return self._chain_name("customer", customer_id)

    def _chain_name(self, entity: str, local_id: int | None) -> str | None:
        """``<origin>:<local id>`` of the lane that made the row (a row that came down from
        head office keeps the name it came with)."""
        if local_id is None:
            return None
        row = self.db.execute(
            "SELECT gid FROM sync_ids WHERE entity = ? AND local_id = ?", [entity, local_id]
        ).fetchone()
        return row[0] if row else f"{self.origin}:{local_id}"

    def code(self, table: str, row_id: int | None) -> str | None:
        if row_id is None:
            return None
        if table == "customers":
            return self.gid(row_id)
        cached = (table, int(row_id))
        if cached not in self._codes:
            column = MASTER[table].key[0]
            row = self.db.execute(f"SELECT {column} FROM {table} WHERE id = ?", [row_id]).fetchone()
            self._codes[cached] = row[0] if row else None
        return self._codes[cached]

    def employee(self, employee_id: int | None) -> str | None:
        return self.code("employees", employee_id)

    def sale(self, sale_id: int | None) -> dict[str, Any] | None:
        if sale_id is None:
            return None
        row = self.db.execute(
            "SELECT lane_id, sale_number FROM sales WHERE id = ?", [sale_id]
        ).fetchone()
        return {"lane_id": row[0], "sale_number": row[1]} if row else None

    def ledger_gid(self, entry_id: int | None) -> str | None:
        """A receivable ledger row's chain name (as head office keys it: origin, local id)."""
        return self._chain_name("receivable", entry_id)

    def record(self, table: str, row_id: int | None) -> str | None:
        return None if row_id is None else f"{self.origin}:{table}:{row_id}"

    def translate(self, row: Row, refs: dict[str, str], drop: tuple[str, ...] = ("id",)) -> Row:
        """A row with each reference column named by its referent's key."""
        out: Row = {}
        for column, value in row.items():
            if column in drop:
                continue
            target = refs.get(column)
            if target is None:
                out[column] = value
            else:
                out[ref_name(column)] = self.code(target, value)
        return out

    # -- chain -> local ------------------------------------------------------------------------
    def local_customer(self, gid: str | None) -> int | None:
        if gid is None:
            return None
        known = self._customers.get(gid)
        if known is not None:
            return known
        row = self.db.execute(
            "SELECT local_id FROM sync_ids WHERE entity = 'customer' AND gid = ?", [gid]
        ).fetchone()
        found: int | None = None
        if row:
            found = int(row[0])
        else:
            prefix = self.origin + ":"
            if gid.startswith(prefix) and gid[len(prefix) :].isdigit():
                here = self.db.execute(
                    "SELECT id FROM customers WHERE id = ?", [int(gid[len(prefix) :])]
                ).fetchone()
                found = int(here[0]) if here else None
        if found is not None:
            # A customer's local id never changes (customers are never deleted).
            self._customers[gid] = found
        return found

    def local_id(self, table: str, code: str | None) -> int | None:
        if code is None:
            return None
        if table == "customers":
            return self.local_customer(code)
        cached = (table, code)
        if cached not in self._ids or self._ids[cached] is None:
            column = MASTER[table].key[0]
            row = self.db.execute(f"SELECT id FROM {table} WHERE {column} = ?", [code]).fetchone()
            self._ids[cached] = int(row[0]) if row else None
        return self._ids[cached]

    def forget(self, table: str, code: str) -> None:
        self._ids.pop((table, code), None)


class EventReader:
    """Builds the events of outbox rows."""

    def __init__(self, db: sqlite_utils.Database, origin: str) -> None:
        self.db = db
        self.names = Names(db, origin)

    def events(self, rows: list[OutboxRow]) -> list[Event]:
        return [Event(r.seq, r.kind, self._payload(r), r.at) for r in rows]

    def _payload(self, r: OutboxRow) -> dict[str, Any]:
        ref = r.ref or ""
        if r.kind == "sale":
            return self.sale(int(ref))
        if r.kind == "points":
            return self.ledger("loyalty_ledger", int(ref))
        if r.kind == "receivable":
            return self.ledger("receivable_ledger", int(ref))
        if r.kind == "audit":
            return self.audit(int(ref))
        if r.kind == "customer":
            return self.customer(int(ref), r.data, created=r.op == "created")
        if r.kind == "customer_children":
            return self.children(int(ref))
        if r.kind == "master":
            return self.master(str(r.entity), ref, deleted=r.op == "delete")
        if r.kind == "record":
            return self.record(str(r.entity), int(ref))
        if r.kind == "erasure":
            return self.erasure(int(ref))
        raise ValueError(f"outbox row {r.seq}: unknown kind {r.kind!r}")

    def sale(self, sale_id: int) -> dict[str, Any]:
        from pos_tui.storage.journal import JournalRepository

        record = one(self.db.execute("SELECT * FROM sales WHERE id = ?", [sale_id]))
        if record is None:
            raise LookupError(f"sale {sale_id} is in the outbox but not in the journal")
        children = JournalRepository(self.db).child_rows_of([sale_id])[sale_id]
        n = self.names
        return {
            "record": record,
            "children": {
                kind: [{k: v for k, v in row.items() if k != "sale_id"} for row in rows]
                for kind, rows in children.items()
            },
            "customer": n.gid(record["customer_id"]),
            "referral_customer": n.gid(record.get("referral_customer_id")),
            "employee": n.employee(record["employee_id"]),
            "original": n.sale(record.get("original_sale_id")),
        }

    def ledger(self, table: str, row_id: int) -> dict[str, Any]:
        row = one(self.db.execute(f"SELECT * FROM {table} WHERE id = ?", [row_id]))
        if row is None:
            raise LookupError(f"{table} row {row_id} is in the outbox but not in the ledger")
        n = self.names
        out = {k: v for k, v in row.items() if k not in ("id", "customer_id", "sale_id")}
        out.update(
            local_id=row_id,
            customer=n.gid(row["customer_id"]),
            employee=n.employee(row.get("employee_id")),
            sale=n.sale(row.get("sale_id")),
        )
        out.pop("employee_id", None)
        if "approved_by" in out:
            out["approved_by"] = n.employee(out["approved_by"])
        return out

    def audit(self, row_id: int) -> dict[str, Any]:
        row = one(self.db.execute("SELECT * FROM audit_log WHERE id = ?", [row_id]))
        if row is None:
            raise LookupError(f"audit row {row_id} is in the outbox but not in the audit log")
        entity_id = row["entity_id"]
        ref = self.names.gid(entity_id) if row["entity"] == "customer" else entity_id
        return {
            "local_id": row_id,
            "at": row["at"],
            "lane_id": row["lane_id"],
            "employee": self.names.employee(row["employee_id"]),
            "entity": row["entity"],
            "entity_ref": None if ref is None else str(ref),
            "action": row["action"],
            "changes": json.loads(row["changes"] or "{}"),
        }

    def customer(
        self, customer_id: int, captured: dict[str, Any] | None, *, created: bool
    ) -> dict[str, Any]:
        if captured is None:
            # Queued when the outbox was created: the whole row as it is now.
            row = one(self.db.execute("SELECT * FROM customers WHERE id = ?", [customer_id]))
            captured = {k: v for k, v in (row or {}).items() if k != "id"}
        return {
            "gid": self.names.gid(customer_id),
            "created": created,
            "fields": self.names.translate(captured, CUSTOMER_REFS),
        }

    def children(self, customer_id: int) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for kind, table in CUSTOMER_CHILDREN.items():
            rows = all_rows(
                self.db.execute(
                    f"SELECT * FROM {table} WHERE customer_id = ? ORDER BY rowid", [customer_id]
                )
            )
            refs = CHILD_REFS.get(table, {})
            cleaned = [self.names.translate(r, refs, drop=("id", "customer_id")) for r in rows]
            if table == "customer_pictures":
                for r in cleaned:
                    r["data"] = base64.b64encode(r["data"]).decode("ascii")
            out[kind] = cleaned
        return {"gid": self.names.gid(customer_id), "children": out}

    def record(self, entity: str, rowid: int) -> dict[str, Any]:
        """One of the lane's own records (an order, a statement) as it is now, its references
        named chain-wide."""
        table = RECORDS[entity]
        row = one(
            self.db.execute(f"SELECT rowid AS _rowid, * FROM {entity} WHERE rowid = ?", [rowid])
        )
        if row is None:
            raise LookupError(f"{entity} row {rowid} is in the outbox but not in the table")
        n = self.names
        out: Row = {}
        for column, value in row.items():
            if column in ("_rowid", "id", *table.local):
                continue
            target = table.refs.get(column)
            if target is None:
                out[column] = value
            elif target == "customers":
                out[ref_name(column)] = n.gid(value)
            elif target == "sales":
                out[ref_name(column)] = n.sale(value)
            elif target == "ledger":
                out[ref_name(column)] = n.ledger_gid(value)
            elif target in RECORDS:
                out[ref_name(column)] = n.record(target, value)
            else:
                out[ref_name(column)] = n.code(target, value)
        return {
            "entity": entity,
            "local_id": rowid,
            "customer": out.get("customer"),
            "row": out,
        }

    def erasure(self, customer_id: int) -> dict[str, Any]:
        """A customer erased here: head office blanks what it holds of them, and so does
        every lane once it comes down."""
        from pos_tui.storage.accounts import ERASED, PERSONAL_CHILDREN, PERSONAL_FIELDS

        row = one(
            self.db.execute("SELECT * FROM customer_erasures WHERE customer_id = ?", [customer_id])
        )
        if row is None:
            raise LookupError(f"erasure of customer {customer_id} is in the outbox but not kept")
        return {
            "gid": self.names.gid(customer_id),
            "erased_at": row["erased_at"],
            "employee": self.names.employee(row.get("employee_id")),
            "via": row["via"],
            "fields": list(personal_names()),
            # As the lane's audit rows name them.
            "columns": list(PERSONAL_FIELDS),
            "children": list(PERSONAL_CHILDREN),
            "records": {t.name: list(t.personal) for t in RECORDS.values() if t.personal},
            "mark": ERASED,
        }

    def master(self, entity: str, key: str, *, deleted: bool) -> dict[str, Any]:
        table = MASTER[entity]
        row = None if deleted else self.master_row(table, key)
        data = None
        if row is not None:
            data = self.names.translate(row, table.refs)
            for column in table.json_refs:
                data[column] = self._translate_json(data.get(column))
        return {"entity": entity, "key": key, "data": data}

    def master_row(self, table: MasterTable, key: str) -> Row | None:
        where, params = master_where(self.names, table, key)
        if where is None:
            return None
        return one(self.db.execute(f"SELECT * FROM {table.name} WHERE {where}", params))

    def _translate_json(self, text: str | None) -> str | None:
        """Customer type defaults: the customer columns they name, references by code."""
        if not text:
            return text
        values = json.loads(text)
        if not isinstance(values, dict):
            return text
        return json.dumps(self.names.translate(values, CUSTOMER_REFS, drop=()), sort_keys=True)


def personal_names() -> tuple[str, ...]:
    """The personal customer fields as head office names them (``link_customer``)."""
    from pos_tui.storage.accounts import PERSONAL_FIELDS

    return tuple(ref_name(f) if f in CUSTOMER_REFS else f for f in PERSONAL_FIELDS)


def master_where(names: Names, table: MasterTable, key: str) -> tuple[str | None, list[Any]]:
    """The WHERE clause finding a master row by its natural key (None: a referent is unknown)."""
    parts = json.loads(key) if len(table.key) > 1 else [key]
    clauses, params = [], []
    for column, part in zip(table.key, parts, strict=True):
        target = table.refs.get(column)
        value = names.local_id(target, part) if target else part
        if value is None:
            return None, []
        clauses.append(f"{column} = ?")
        params.append(value)
    return " AND ".join(clauses), params
