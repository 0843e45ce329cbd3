"""What a lane's sync agent does at head office: insert its events exactly once, and read the
feed of what changed since its cursor."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import psycopg

from pos_tui.storage.sync_apply import FeedItem
from pos_tui.storage.sync_events import canonical

__all__ = ["DivergedError", "OutEvent", "canonical", "digest", "pull", "push"]


class DivergedError(RuntimeError):
    """Head office holds a different event under one of this lane's (origin, seq) keys: the
    lane's database is not the one that pushed them (restored from a copy?). Nothing is sent
    until someone looks."""


@dataclass(frozen=True)
class OutEvent:
    """One event as sent: ``text`` is its canonical JSON, kept by the lane from the first try."""

    seq: int
    kind: str
    text: str
    lane_at: str
    # An erasure blanked this event's personal values after it was first tried.
    blanked: bool = False


def digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def push(conn: psycopg.Connection, origin: str, events: Sequence[OutEvent]) -> int:
    """Insert the events in one transaction; a key already there is skipped (ON CONFLICT DO
    NOTHING) after checking it holds the same event. Returns how many were new. When this
    returns, head office has committed them all."""
    if not events:
        return 0
    digests = [digest(e.text) for e in events]
    seqs = [e.seq for e in events]
    # One JSON array for the batch (each payload spliced in as sent): a text[] parameter would
    # cost a regex escape per quote.
    batch = (
        "["
        + ",".join(
            f'{{"s":{e.seq},"k":{json.dumps(e.kind)},"d":"{d}","a":{json.dumps(e.lane_at)},'
            f'"p":{e.text}}}'
            for e, d in zip(events, digests, strict=True)
        )
        + "]"
    )
    with conn.transaction():
        # One push per lane at a time, so events arrive in the lane's order.
        conn.execute("SELECT pg_advisory_xact_lock(hashtext('hq.push:' || %s))", [origin])
        inserted = {
            r[0]
            for r in conn.execute(
                "INSERT INTO hq.events (origin, seq, kind, payload, digest, lane_at) "
                "SELECT %s, (e->>'s')::bigint, e->>'k', e->'p', e->>'d', e->>'a' "
                "FROM jsonb_array_elements(%s::jsonb) AS e ORDER BY (e->>'s')::bigint "
                "ON CONFLICT (origin, seq) DO NOTHING RETURNING seq",
                [origin, batch],
            ).fetchall()
        }
        again = [s for s in seqs if s not in inserted]
        if again:
            by_seq = dict(zip(seqs, digests, strict=True))
            held = conn.execute(
                "SELECT seq, digest FROM hq.events WHERE origin = %s AND seq = ANY(%s)",
                [origin, again],
            ).fetchall()
            # An erasure blanks an event's values at either end (the lane's unsent copy, head
            # office's stored one, whose digest becomes 'erased'): that is not a divergence.
            blanked = {e.seq for e in events if e.blanked}
            wrong = sorted(
                s for s, d in held if by_seq[s] != d and d != "erased" and s not in blanked
            )
            if wrong:
                raise DivergedError(
                    f"head office holds other events as {origin} {wrong[0]}"
                    f"{f' (and {len(wrong) - 1} more)' if len(wrong) > 1 else ''}: this "
                    "database is not the one that pushed them; sync stopped"
                )
    return len(inserted)


_FEEDS = {
    "master": (
        "hq.master",
        "jsonb_build_object('entity', entity, 'key', key, 'data', data, 'deleted', deleted)",
        "",
    ),
    "customer": (
        "hq.customers",
        "jsonb_build_object('gid', gid, 'account_number', account_number, 'card_number', "
        "card_number, 'mobile', mobile, 'email', email, 'data', data, 'children', children, "
        "'erased_at', erasure->>'erased_at')",
        "",
    ),
    "points": (
        "hq.points_ledger",
        "to_jsonb(t) - 'change_xid' || jsonb_build_object('points', t.points::text)",
        "AND origin <> %(origin)s",
    ),
    "receivable": (
        "hq.receivable_ledger",
        "to_jsonb(t) - 'change_xid' || jsonb_build_object('amount', t.amount::text)",
        "AND origin <> %(origin)s",
    ),
    "flag": (
        "hq.flags",
        "jsonb_build_object('id', id, 'kind', kind, 'customer_gid', customer_gid, 'origin', "
        "origin, 'detail', detail, 'created_at', created_at, 'resolved_at', resolved_at, "
        "'resolution', resolution)",
        "",
    ),
}


def _feed_sql() -> str:
    branches = []
    for name, (table, row, extra) in _FEEDS.items():
        branches.append(
            f"(SELECT '{name}' AS feed, change_xid, change_seq, {row} AS row FROM {table} t, h "
            "WHERE (change_xid, change_seq) > (%(xid)s::text::xid8, %(seq)s) "
            f"AND change_xid < h.horizon {extra} ORDER BY change_xid, change_seq LIMIT %(n)s)"
        )
    return (
        "WITH h AS (SELECT pg_snapshot_xmin(pg_current_snapshot()) AS horizon) "
        "SELECT feed, change_xid::text::bigint, change_seq, row FROM ("
        + " UNION ALL ".join(branches)
        + ") f ORDER BY change_xid, change_seq LIMIT %(n)s"
    )


_FEED_SQL = _feed_sql()


def pull(
    conn: psycopg.Connection, origin: str, cursor: tuple[int, int], limit: int
) -> list[FeedItem]:
    """What changed at head office after ``cursor`` (xid, seq), oldest first: only rows of
    transactions that have finished, so nothing can later appear behind the cursor."""
    rows = conn.execute(
        _FEED_SQL, {"xid": cursor[0], "seq": cursor[1], "n": limit, "origin": origin}
    ).fetchall()
    return [FeedItem(feed, int(xid), int(seq), row) for feed, xid, seq, row in rows]


def fetch_customer(conn: psycopg.Connection, gid: str) -> dict[str, Any] | None:
    row = conn.execute(
        f"SELECT {_FEEDS['customer'][1]} FROM hq.customers WHERE gid = %s", [gid]
    ).fetchone()
    return row[0] if row else None


def fetch_master(conn: psycopg.Connection, entity: str, key: str) -> dict[str, Any] | None:
    row = conn.execute(
        f"SELECT {_FEEDS['master'][1]} FROM hq.master WHERE entity = %s AND key = %s",
        [entity, key],
    ).fetchone()
    return row[0] if row else None
