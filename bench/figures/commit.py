"""Committing a 20-line sale (tenders, points, print job) beside one raw transaction of its rows."""

from __future__ import annotations

import itertools
import sqlite3
from decimal import Decimal
from pathlib import Path
from typing import Any

from bench.context import Context
from bench.core import Figure, interleave, summarize
from bench.data import small_store
from bench.figures.receipt import CODES

# Rows a commit may add; the name search tables (the FTS shadow tables, customer_name_keys: no
# rowid) and sqlite_* are never touched by a sale.
_SKIP = ("sqlite_", "customers_fts", "customer_name_keys")


def _tables(conn: sqlite3.Connection) -> list[str]:
    rows = conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND sql NOT LIKE '%WITHOUT ROWID%'"
    ).fetchall()
    return [r[0] for r in rows if not r[0].startswith(_SKIP)]


def _high_water(conn: sqlite3.Connection, tables: list[str]) -> dict[str, int]:
    return {
        t: conn.execute(f"SELECT coalesce(max(rowid), 0) FROM {t}").fetchone()[0] for t in tables
    }


def ring_up(backend: Any, store: Any, lines: int, checkout: Any = None) -> Any:
    """A cart of ``lines`` lines for Anna (a Silver card: points) with a cash tender.

    Pass the lane's ``checkout`` to ring up on it as the checkout screen does: one ``Checkout``
    per signed-in cashier, its cart emptied by each commit, its reference data cache kept.
    """
    from pos_tui.services.checkout.sale import Checkout

    checkout = checkout or Checkout(backend, store.cashier)
    checkout.attach_customer(store.anna)
    for n in range(lines):
        checkout.add_item(CODES[n % 2], Decimal(n % 3 + 1))
    checkout.add_cash(checkout.remaining() + Decimal(100))
    return checkout


class RawSale:
    """The rows one commit wrote, replayed by plain ``sqlite3`` in one transaction."""

    def __init__(self, path: Path, added: dict[str, list[dict[str, Any]]], busy_ms: int) -> None:
        self.conn = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False)
        for pragma in (
            f"busy_timeout = {busy_ms}",
            "foreign_keys = ON",
            "journal_mode = WAL",
            "synchronous = FULL",
        ):
            self.conn.execute(f"PRAGMA {pragma}")
        self.sale = {k: v for k, v in added["sales"][0].items() if k != "id"}
        self.sale["lane_id"] = "FLOOR"
        self.children: list[tuple[str, list[str], list[dict[str, Any]]]] = []
        for table, rows in added.items():
            # The outbox's rows come from triggers on the tables above: the floor's inserts
            # fire them too (replaying them would write each event twice, and its seq again).
            if table in ("sales", "open_sales", "sync_outbox") or not rows:
                continue
            columns = [c for c in rows[0] if c != "id"]
            self.children.append((table, columns, rows))
        self.numbers = itertools.count(1)
        self.open_id = 0
        columns = list(self.sale)
        self.sale_sql = (
            f"INSERT INTO sales ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
        )
        self.sale_columns = columns

    def prepare(self, _i: int) -> None:
        """An open sale for the commit to remove, as the lane's cart would have left."""
        cur = self.conn.execute(
            "INSERT INTO open_sales (lane_id, status, state, started_at, updated_at) "
            "VALUES ('FLOOR', 'in_progress', '{}', '2026-11-24T10:30:00', '2026-11-24T10:30:00')"
        )
        self.open_id = int(cur.lastrowid or 0)

    def commit(self, _i: int) -> None:
        conn = self.conn
        number = next(self.numbers)
        conn.execute("BEGIN IMMEDIATE")
        values = {**self.sale, "sale_number": number, "hash": f"floor-{number}"}
        sale_id = conn.execute(self.sale_sql, [values[c] for c in self.sale_columns]).lastrowid
        for table, columns, rows in self.children:
            sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
            conn.executemany(
                sql,
                [[sale_id if c == "sale_id" else r[c] for c in columns] for r in rows],
            )
        conn.execute("DELETE FROM open_sales WHERE id = ?", [self.open_id])
        conn.execute("COMMIT")


def run(ctx: Context) -> list[Figure]:
    path = ctx.tmp("commit") / "pos.db"
    backend, store = small_store(path)
    lines = ctx.sizes["commit_lines"]
    conn = backend.db.conn
    tables = _tables(conn)
    # One commit, untimed, to learn which rows a sale writes (the floor inserts the same ones).
    template = ring_up(backend, store, lines)
    before = _high_water(conn, tables)
    template.commit()
    added: dict[str, list[dict[str, Any]]] = {}
    for table in tables:
        cur = conn.execute(f"SELECT * FROM {table} WHERE rowid > ?", [before[table]])
        names = [d[0] for d in cur.description]
        rows = [dict(zip(names, r, strict=True)) for r in cur.fetchall()]
        if rows:
            added[table] = rows
    raw = RawSale(path, added, backend.settings.database.busy_timeout_ms)
    lane = ring_up(backend, store, lines)

    def prepare_ours(_i: int) -> None:
        ring_up(backend, store, lines, lane)

    def ours(_i: int) -> None:
        lane.commit()

    n, warmup = ctx.sizes["commit_sales"], ctx.sizes["commit_warmup"]
    ours_ms, floor_ms = interleave(
        ours, raw.commit, n=n, warmup=warmup, prepare_ours=prepare_ours, prepare_floor=raw.prepare
    )
    raw.conn.close()
    backend.close()
    return [
        Figure(
            name="commit",
            title=f"commit one {lines}-line sale with tenders and points",
            metric="median",
            unit="ms",
            ours=summarize(ours_ms),
            floor=summarize(floor_ms),
            goal="median <= 2.5x floor",
            max_ratio=2.5,
            sizes={"lines": lines, "sales": n, "warmup": warmup},
            extra={"rows_per_sale": {t: len(r) for t, r in added.items()}},
            notes=["both sides: WAL, synchronous=FULL, BEGIN IMMEDIATE, one COMMIT"],
        )
    ]
