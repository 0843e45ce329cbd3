"""The lane's outbox: triggers that record every change that must reach head office in the
same transaction as the change, and the reads that turn outbox rows into events.

The triggers are generated from :mod:`pos_tui.storage.sync_spec` and the tables' columns, so a
migration that adds a column to ``customers`` must call :func:`install_triggers` again (a test
checks that the customer triggers cover every column).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import sqlite_utils

from pos_tui.storage.db import write
from pos_tui.storage.rows import Row, all_rows, one
from pos_tui.storage.sync_spec import (
    APPEND_ONLY,
    CUSTOMER_CHILDREN,
    MASTER_TABLES,
    RECORD_TABLES,
    RECORDS,
    MasterTable,
)

_NOT_APPLYING = "NOT EXISTS (SELECT 1 FROM sync_applying)"
# SQLite takes at most 127 arguments per function call: objects are built 60 pairs at a time.
_PAIRS = 60
_UNCHANGED = "$.__unchanged__"


def _columns(db: sqlite_utils.Database, table: str) -> list[str]:
    return [r[1] for r in db.execute(f"PRAGMA table_info({table})").fetchall()]


def _object(prefix: str, columns: Sequence[str]) -> str:
    """A JSON object of ``prefix.column`` for every column."""
    chunks = [columns[i : i + _PAIRS] for i in range(0, len(columns), _PAIRS)]
    expr = "json_object(" + ", ".join(f"'{c}', {prefix}.{c}" for c in chunks[0]) + ")"
    for chunk in chunks[1:]:
        expr = f"json_set({expr}, " + ", ".join(f"'$.{c}', {prefix}.{c}" for c in chunk) + ")"
    return expr


def _changed(columns: Sequence[str]) -> str:
    """A JSON object of the new value of every column an UPDATE changed."""
    expr = "'{}'"
    for i in range(0, len(columns), _PAIRS):
        pairs = ", ".join(
            f"CASE WHEN old.{c} IS NOT new.{c} THEN '$.{c}' ELSE '{_UNCHANGED}' END, new.{c}"
            for c in columns[i : i + _PAIRS]
        )
        expr = f"json_set({expr}, {pairs})"
    return f"json_remove({expr}, '{_UNCHANGED}')"


def _key_expr(table: MasterTable, prefix: str) -> str:
    """The row's natural key as text: its code, or a JSON array of its referents' codes."""
    from pos_tui.storage.sync_spec import MASTER

    parts = []
    for column in table.key:
        target = table.refs.get(column)
        if target is None:
            parts.append(f"{prefix}.{column}")
        else:
            code = MASTER[target].key[0]
            parts.append(f"(SELECT {code} FROM {target} WHERE id = {prefix}.{column})")
    if len(parts) == 1:
        return parts[0]
    return "json_array(" + ", ".join(parts) + ")"


def trigger_sql(db: sqlite_utils.Database) -> list[str]:
    """Every outbox trigger, as CREATE TRIGGER statements."""
    out: list[str] = []
    for appended, kind in APPEND_ONLY.items():
        out.append(
            f"CREATE TRIGGER sync_{appended}_ai AFTER INSERT ON {appended} WHEN {_NOT_APPLYING} "
            f"BEGIN INSERT INTO sync_outbox (kind, ref) VALUES ('{kind}', new.id); END"
        )
    columns = [c for c in _columns(db, "customers") if c != "id"]
    out.append(
        f"CREATE TRIGGER sync_customers_ai AFTER INSERT ON customers WHEN {_NOT_APPLYING} "
        "BEGIN INSERT INTO sync_outbox (kind, op, ref, data) "
        f"VALUES ('customer', 'created', new.id, {_object('new', columns)}); END"
    )
    out.append(
        f"CREATE TRIGGER sync_customers_au AFTER UPDATE ON customers WHEN {_NOT_APPLYING} "
        "BEGIN INSERT INTO sync_outbox (kind, op, ref, data) "
        f"SELECT 'customer', 'changed', new.id, d FROM (SELECT {_changed(columns)} AS d) "
        "WHERE d != '{}'; END"
    )
    for child in CUSTOMER_CHILDREN.values():
        for event, row in (("INSERT", "new"), ("UPDATE", "new"), ("DELETE", "old")):
            # One pending marker per customer: the set is read whole when it is pushed.
            out.append(
                f"CREATE TRIGGER sync_{child}_{event[0].lower()} AFTER {event} ON {child} "
                f"WHEN {_NOT_APPLYING} BEGIN INSERT INTO sync_outbox (kind, ref) "
                f"SELECT 'customer_children', {row}.customer_id WHERE NOT EXISTS (SELECT 1 "
                "FROM sync_outbox WHERE sent_at IS NULL AND kind = 'customer_children' "
                f"AND ref = {row}.customer_id); END"
            )
    for record in RECORD_TABLES:
        for event in ("INSERT", "UPDATE"):
            # One pending marker per row: it is read whole when it is pushed.
            out.append(
                f"CREATE TRIGGER sync_{record.name}_{event[0].lower()} AFTER {event} ON "
                f"{record.name} WHEN {_NOT_APPLYING} BEGIN INSERT INTO sync_outbox "
                f"(kind, entity, ref) SELECT 'record', '{record.name}', new.rowid WHERE NOT "
                "EXISTS (SELECT 1 FROM sync_outbox WHERE sent_at IS NULL AND kind = 'record' "
                f"AND entity = '{record.name}' AND ref = CAST(new.rowid AS TEXT)); END"
            )
    out.append(
        f"CREATE TRIGGER sync_customer_erasures_ai AFTER INSERT ON customer_erasures WHEN "
        f"{_NOT_APPLYING} BEGIN INSERT INTO sync_outbox (kind, ref) "
        "VALUES ('erasure', new.customer_id); END"
    )
    for table in MASTER_TABLES:
        name = table.name
        new_key, old_key = _key_expr(table, "new"), _key_expr(table, "old")
        out.append(
            f"CREATE TRIGGER sync_{name}_ai AFTER INSERT ON {name} WHEN {_NOT_APPLYING} "
            "BEGIN INSERT INTO sync_outbox (kind, entity, op, ref) "
            f"VALUES ('master', '{name}', 'upsert', {new_key}); END"
        )
        # A changed key is the old row gone and a new one.
        out.append(
            f"CREATE TRIGGER sync_{name}_au AFTER UPDATE ON {name} WHEN {_NOT_APPLYING} "
            "BEGIN INSERT INTO sync_outbox (kind, entity, op, ref) "
            f"SELECT 'master', '{name}', 'delete', {old_key} WHERE {old_key} IS NOT {new_key}; "
            "INSERT INTO sync_outbox (kind, entity, op, ref) "
            f"VALUES ('master', '{name}', 'upsert', {new_key}); END"
        )
        out.append(
            f"CREATE TRIGGER sync_{name}_ad AFTER DELETE ON {name} WHEN {_NOT_APPLYING} "
            "BEGIN INSERT INTO sync_outbox (kind, entity, op, ref) "
            f"SELECT 'master', '{name}', 'delete', {old_key} WHERE {old_key} IS NOT NULL; END"
        )
    return out


def install_triggers(db: sqlite_utils.Database) -> None:
    """(Re)create every outbox trigger (inside the caller's migration transaction)."""
    conn = db.conn
    for (name,) in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'sync\\_%' ESCAPE '\\'"
    ).fetchall():
        conn.execute(f"DROP TRIGGER {name}")
    for statement in trigger_sql(db):
        conn.execute(statement)


def backfill(db: sqlite_utils.Database) -> None:
    """Queue what the database held before it had an outbox: reference rows, customers (read
    whole when pushed), their other rows, then the journal, ledgers and audit log in order."""
    conn = db.conn
    for table in MASTER_TABLES:
        conn.execute(
            "INSERT INTO sync_outbox (kind, entity, op, ref) "
            f"SELECT 'master', '{table.name}', 'upsert', {_key_expr(table, 't')} "
            f"FROM {table.name} t ORDER BY t.rowid"
        )
    conn.execute(
        "INSERT INTO sync_outbox (kind, op, ref) "
        "SELECT 'customer', 'created', id FROM customers ORDER BY id"
    )
    children = " UNION ".join(f"SELECT customer_id FROM {t}" for t in CUSTOMER_CHILDREN.values())
    conn.execute(
        "INSERT INTO sync_outbox (kind, ref) "
        f"SELECT 'customer_children', customer_id FROM ({children}) ORDER BY customer_id"
    )
    for appended, kind in APPEND_ONLY.items():
        conn.execute(
            f"INSERT INTO sync_outbox (kind, ref) SELECT '{kind}', id FROM {appended} ORDER BY id"
        )
    for record in RECORD_TABLES:
        conn.execute(
            "INSERT INTO sync_outbox (kind, entity, ref) "
            f"SELECT 'record', '{record.name}', rowid FROM {record.name} ORDER BY rowid"
        )
    conn.execute(
        "INSERT INTO sync_outbox (kind, ref) "
        "SELECT 'erasure', customer_id FROM customer_erasures ORDER BY erased_at, customer_id"
    )


def blank_erased(db: sqlite_utils.Database, customer_id: int, gid: str) -> int:
    """Blank an erased customer's personal values in the outbox (inside the erasure's
    transaction): the values captured when written (kept on rows already sent too) and any
    text kept for a retry of a row not marked sent yet. Customer
    fields become null as in the row, audit values ``marker`` as in the audit log, the other
    rows' sets empty. How many rows changed."""
    from pos_tui.storage.accounts import ERASED, PERSONAL_CHILDREN, PERSONAL_FIELDS
    from pos_tui.storage.sync_events import canonical, personal_names

    local, named = set(PERSONAL_FIELDS), set(personal_names())
    changed: list[tuple[str | None, str | None, int]] = []
    cur = db.execute(
        "SELECT o.seq, o.kind, o.entity, o.data, o.payload FROM sync_outbox o WHERE "
        "(o.kind IN ('customer', 'customer_children') AND o.ref = CAST(? AS TEXT)) "
        "OR (o.kind = 'audit' AND o.payload IS NOT NULL AND EXISTS (SELECT 1 FROM audit_log a "
        "WHERE a.id = o.ref AND a.entity = 'customer' AND a.entity_id = ?)) "
        "OR (o.kind = 'record' AND o.payload IS NOT NULL)",
        [customer_id, customer_id],
    )
    for seq, kind, entity, data, payload in cur.fetchall():
        new_data = data
        if kind == "customer" and data:
            new_data = json.dumps(_nulled(json.loads(data), local), ensure_ascii=False)
        new_payload = payload
        if payload is not None:
            event = json.loads(payload)
            if kind == "customer":
                event["fields"] = _nulled(event.get("fields") or {}, named)
            elif kind == "customer_children":
                sets = event.get("children") or {}
                event["children"] = {
                    k: ([] if k in PERSONAL_CHILDREN else v) for k, v in sets.items()
                }
            elif kind == "audit":
                event["changes"] = _marked(event.get("changes"), local, ERASED)
            elif event.get("customer") == gid:
                blank = set(RECORDS[str(entity)].personal) if entity in RECORDS else set()
                event["row"] = _nulled(event.get("row") or {}, blank)
            new_payload = canonical(event)
        if new_data != data or new_payload != payload:
            changed.append((new_data, new_payload, int(seq)))
    db.conn.executemany(
        "UPDATE sync_outbox SET data = ?, payload = ?, blanked = 1 WHERE seq = ?", changed
    )
    return len(changed)


def _nulled(values: dict[str, Any], fields: set[str]) -> dict[str, Any]:
    return {k: (None if k in fields else v) for k, v in values.items()}


def _marked(values: Any, fields: set[str], marker: str) -> Any:
    if not isinstance(values, dict):
        return values
    return {k: (marker if k in fields and v is not None else v) for k, v in values.items()}


@dataclass(frozen=True)
class OutboxRow:
    seq: int
    kind: str
    entity: str | None
    op: str | None
    ref: str | None
    data: dict[str, Any] | None
    at: str
    payload: str | None = None
    blanked: bool = False


class OutboxRepository:
    """The outbox and the agent's state, on one lane database."""

    def __init__(self, db: sqlite_utils.Database) -> None:
        self.db = db

    def pending(self, limit: int) -> list[OutboxRow]:
        cur = self.db.execute(
            "SELECT seq, kind, entity, op, ref, data, at, payload, blanked FROM sync_outbox "
            "WHERE sent_at IS NULL ORDER BY seq LIMIT ?",
            [limit],
        )
        return [
            OutboxRow(
                seq, kind, entity, op, ref, json.loads(data) if data else None, at, payload, bool(b)
            )
            for seq, kind, entity, op, ref, data, at, payload, b in cur.fetchall()
        ]

    def freeze(self, payloads: dict[int, str]) -> None:
        """Keep each event's text before it is first sent, so every retry sends the same."""
        with write(self.db):
            self.db.conn.executemany(
                "UPDATE sync_outbox SET payload = ? WHERE seq = ? AND payload IS NULL",
                [(text, seq) for seq, text in payloads.items()],
            )

    def payloads(self, seqs: list[int]) -> dict[int, str]:
        """The kept text of each of these events (all of them must have been frozen)."""
        marks = ", ".join("?" * len(seqs))
        cur = self.db.execute(f"SELECT seq, payload FROM sync_outbox WHERE seq IN ({marks})", seqs)
        found = {int(seq): text for seq, text in cur.fetchall() if text is not None}
        missing = [s for s in seqs if s not in found]
        if missing:
            raise RuntimeError(f"outbox rows {missing[:5]} have no kept text to send")
        return found

    def pending_count(self) -> int:
        return int(
            self.db.execute("SELECT count(*) FROM sync_outbox WHERE sent_at IS NULL").fetchone()[0]
        )

    def last_seq(self) -> int:
        row = self.db.execute("SELECT max(seq) FROM sync_outbox").fetchone()
        return int(row[0] or 0)

    def mark_sent(self, up_to: int, at: str) -> int:
        """Rows up to ``up_to`` are at head office (call only once it committed them). What
        they carried is dropped: head office has it, and the lane's own tables hold the rest."""
        with write(self.db):
            cur = self.db.execute(
                "UPDATE sync_outbox SET sent_at = ?, payload = NULL, data = NULL "
                "WHERE seq <= ? AND sent_at IS NULL",
                [at, up_to],
            )
            return cur.rowcount

    def pending_customer_fields(self, customer_ids: Iterable[int]) -> dict[int, set[str]]:
        """Per customer, the fields changed here that head office has not got yet."""
        ids = [str(i) for i in customer_ids]
        if not ids:
            return {}
        marks = ", ".join("?" * len(ids))
        cur = self.db.execute(
            "SELECT ref, data FROM sync_outbox WHERE sent_at IS NULL AND kind = 'customer' "
            f"AND ref IN ({marks})",
            ids,
        )
        out: dict[int, set[str]] = {}
        for ref, data in cur.fetchall():
            fields = set(json.loads(data)) if data else {"*"}
            out.setdefault(int(ref), set()).update(fields)
        return out

    def pending_children(self, customer_ids: Iterable[int]) -> set[int]:
        """Customers whose other rows changed here since the last push."""
        return {
            int(r) for r in self._pending_refs("customer_children", None, map(str, customer_ids))
        }

    def pending_master(self, entity: str, keys: Iterable[str]) -> set[str]:
        """Reference rows (by natural key) changed here since the last push."""
        return self._pending_refs("master", entity, keys)

    def _pending_refs(self, kind: str, entity: str | None, refs: Iterable[str]) -> set[str]:
        wanted = list(refs)
        if not wanted:
            return set()
        marks = ", ".join("?" * len(wanted))
        cur = self.db.execute(
            "SELECT ref FROM sync_outbox WHERE sent_at IS NULL AND kind = ? "
            f"AND entity IS ? AND ref IN ({marks})",
            [kind, entity, *wanted],
        )
        return {r[0] for r in cur.fetchall()}

    # -- state ---------------------------------------------------------------------------------
    def state(self) -> dict[str, str]:
        return {k: v for k, v in self.db.execute("SELECT key, value FROM sync_state").fetchall()}

    def get_state(self, key: str) -> str | None:
        row = self.db.execute("SELECT value FROM sync_state WHERE key = ?", [key]).fetchone()
        return row[0] if row else None

    def set_state(self, values: dict[str, str | None]) -> None:
        with write(self.db):
            self.db.conn.executemany(
                "INSERT INTO sync_state (key, value) VALUES (?, ?) "
                "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                list(values.items()),
            )

    def bind_origin(self, origin: str) -> str:
        """This database's name at head office, set once: a database copied to another lane or
        configured with another name keeps the one its events were pushed under."""
        with write(self.db):
            have = self.get_state("origin")
            if have is None:
                self.db.execute(
                    "INSERT INTO sync_state (key, value) VALUES ('origin', ?)", [origin]
                )
                return origin
            return have

    # -- flags ---------------------------------------------------------------------------------
    def flags(self, *, open_only: bool = True, customer_id: int | None = None) -> list[Row]:
        sql = "SELECT * FROM sync_flags WHERE 1"
        params: list[Any] = []
        if open_only:
            sql += " AND resolved_at IS NULL"
        if customer_id is not None:
            sql += " AND customer_id = ?"
            params.append(customer_id)
        return all_rows(self.db.execute(sql + " ORDER BY id", params))

    def flag(self, flag_id: int) -> Row | None:
        return one(self.db.execute("SELECT * FROM sync_flags WHERE id = ?", [flag_id]))
