"""Head office reads and writes run at head office: the chain check's rows, flags, status."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import psycopg


@dataclass(frozen=True)
class ChainHead:
    origin: str
    lane_id: str
    sale_number: int
    hash: str


def chains(conn: psycopg.Connection) -> list[tuple[str, str]]:
    """(origin, lane) of every chain head office holds."""
    return [
        (r[0], r[1])
        for r in conn.execute("SELECT DISTINCT origin, lane_id FROM hq.sales ORDER BY 1, 2")
    ]


def chain_head(conn: psycopg.Connection, origin: str, lane_id: str) -> ChainHead | None:
    row = conn.execute(
        "SELECT origin, lane_id, sale_number, hash FROM hq.chain_heads "
        "WHERE origin = %s AND lane_id = %s",
        [origin, lane_id],
    ).fetchone()
    return ChainHead(*row) if row else None


def sales_after(
    conn: psycopg.Connection, origin: str, lane_id: str, after: int, batch: int = 500
) -> Iterator[list[dict[str, Any]]]:
    """A lane's sales after ``after``, by number, as stored (record, children), in batches."""
    while True:
        rows = conn.execute(
            "SELECT sale_number, record, children FROM hq.sales WHERE origin = %s AND "
            "lane_id = %s AND sale_number > %s ORDER BY sale_number LIMIT %s",
            [origin, lane_id, after, batch],
        ).fetchall()
        if not rows:
            return
        yield [{"sale_number": n, "record": r, "children": c} for n, r, c in rows]
        after = rows[-1][0]


def record_head(conn: psycopg.Connection, head: ChainHead) -> None:
    conn.execute(
        "INSERT INTO hq.chain_heads (origin, lane_id, sale_number, hash) VALUES (%s, %s, %s, %s) "
        "ON CONFLICT (lane_id, origin) DO UPDATE SET sale_number = EXCLUDED.sale_number, "
        "hash = EXCLUDED.hash, verified_at = now()",
        [head.origin, head.lane_id, head.sale_number, head.hash],
    )


def record_break(
    conn: psycopg.Connection, origin: str, lane_id: str, sale_number: int, reason: str
) -> bool:
    """A break, flagged for a supervisor once; False when it was already recorded."""
    row = conn.execute(
        "INSERT INTO hq.chain_breaks (lane_id, sale_number, origin, reason) "
        "VALUES (%s, %s, %s, %s) ON CONFLICT DO NOTHING RETURNING id",
        [lane_id, sale_number, origin, reason],
    ).fetchone()
    if row is None:
        return False
    conn.execute(
        "INSERT INTO hq.flags (kind, origin, detail) VALUES ('chain_break', %s, "
        "jsonb_build_object('lane_id', %s::text, 'sale_number', %s::bigint, 'reason', %s::text))",
        [origin, lane_id, sale_number, reason],
    )
    return True


def flags(conn: psycopg.Connection, *, open_only: bool = True) -> list[dict[str, Any]]:
    cur = conn.execute(
        "SELECT id, kind, customer_gid, origin, seq, detail, created_at, resolved_at, resolution "
        "FROM hq.flags" + (" WHERE resolved_at IS NULL" if open_only else "") + " ORDER BY id"
    )
    names = [d.name for d in cur.description or []]
    return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]


def resolve_flag(conn: psycopg.Connection, flag_id: int, note: str) -> bool:
    cur = conn.execute(
        "UPDATE hq.flags SET resolved_at = now(), resolution = %s "
        "WHERE id = %s AND resolved_at IS NULL",
        [note, flag_id],
    )
    return cur.rowcount == 1


def lane_rows(conn: psycopg.Connection) -> list[dict[str, Any]]:
    cur = conn.execute(
        "SELECT l.origin, l.role_name, l.store_id, l.last_seq, l.last_push_at, "
        "(SELECT count(*) FROM hq.sales s WHERE s.origin = l.origin) AS sales "
        "FROM hq.lanes l ORDER BY l.origin"
    )
    names = [d.name for d in cur.description or []]
    return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]


def balances(conn: psycopg.Connection) -> dict[str, tuple[Any, Any]]:
    """gid -> (points, receivable): sums of the ledgers of every lane."""
    return {
        gid: (points, receivable)
        for gid, _, points, receivable in conn.execute("SELECT * FROM hq.balances")
    }


def wait_for_sales(conn: psycopg.Connection, timeout_s: float) -> bool:
    """Block until a push notifies head office (LISTEN hq_changes) or the timeout passes."""
    conn.execute("LISTEN hq_changes")
    for _ in conn.notifies(timeout=timeout_s, stop_after=1):
        return True
    return False
