"""Customer lookups at the lane: exact (mobile / card / account) and name search as you type."""

from __future__ import annotations

import random
import re
import sqlite3
from typing import Any

from bench.context import Context
from bench.core import Figure, interleave, summarize
from bench.data import demo_database, open_backend

_TOKEN = re.compile(r"\w+", re.UNICODE)


def _sample(conn: sqlite3.Connection, count: int, rng: random.Random) -> list[dict[str, Any]]:
    high = conn.execute("SELECT max(id) FROM customers").fetchone()[0]
    ids = rng.sample(range(1, high + 1), min(count * 2, high))
    rows: list[dict[str, Any]] = []
    cur = conn.cursor()
    for cid in ids:
        row = cur.execute(
            "SELECT id, mobile, card_number, account_number, first_name, last_name, company_name "
            "FROM customers WHERE id = ? AND active = 1 AND mobile IS NOT NULL "
            "AND card_number IS NOT NULL",
            [cid],
        ).fetchone()
        if row:
            names = ("id", "mobile", "card_number", "account_number", "first", "last", "company")
            rows.append(dict(zip(names, row, strict=True)))
        if len(rows) == count:
            break
    return rows


def run_exact(ctx: Context) -> list[Figure]:
    """CustomerService.find(mobile | card | account) beside a raw indexed SELECT of that row."""
    from pos_tui.services.customers.service import CustomerService

    n_customers = ctx.sizes["customers"]
    path, build_s = demo_database(n_customers, log=ctx.log)
    backend = open_backend(path)
    service = CustomerService(backend)
    raw = sqlite3.connect(str(path))
    rng = random.Random(7)
    n, warmup = ctx.sizes["lookups"], ctx.sizes["lookup_warmup"]
    people = _sample(raw, n + warmup, rng)
    figures: list[Figure] = []
    for kind, column in (
        ("mobile", "mobile"),
        ("card", "card_number"),
        ("account", "account_number"),
    ):
        values = [p[column] for p in people]
        sql = f"SELECT * FROM customers WHERE {column} = ?"
        cur = raw.cursor()

        def ours(i: int, values: list[str] = values) -> None:
            found = service.find(values[i % len(values)])
            assert found, values[i % len(values)]

        def floor(i: int, values: list[str] = values, sql: str = sql, cur: Any = cur) -> None:
            row = cur.execute(sql, [values[i % len(values)]]).fetchone()
            assert row is not None

        ours_ms, floor_ms = interleave(ours, floor, n=n, warmup=warmup)
        figures.append(
            Figure(
                name=f"lookup_{kind}",
                title=f"customer by {kind} at {n_customers:,}",
                metric="p99",
                unit="ms",
                ours=summarize(ours_ms),
                floor=summarize(floor_ms),
                goal="p99 <= 3x floor, p99 < 1 ms",
                max_ratio=3.0,
                max_abs=1.0,
                sizes={"customers": n_customers, "lookups": n, "warmup": warmup},
                extra={"database_build_seconds": round(build_s, 1)},
            )
        )
    raw.close()
    backend.close()
    return figures


def keystrokes(people: list[dict[str, Any]], longest: int) -> list[str]:
    """What the search box holds after each key while typing 'first last' of each person."""
    texts: list[str] = []
    for p in people:
        name = " ".join(x for x in (p["first"], p["last"]) if x) or (p["company"] or "")
        name = name[:longest]
        texts += [name[:k] for k in range(1, len(name) + 1) if not name[:k].endswith(" ")]
    return texts


def fts_match(text: str) -> str:
    return " ".join('"' + t.replace('"', '""') + '"*' for t in _TOKEN.findall(text))


def run_search(ctx: Context) -> list[Figure]:
    """CustomerService.find(prefix) (first 20 hits) beside a raw FTS5 prefix query for 20 rows."""
    from pos_tui.services.customers.service import CustomerService

    n_customers = ctx.sizes["customers"]
    path, build_s = demo_database(n_customers, log=ctx.log)
    backend = open_backend(path)
    service = CustomerService(backend)
    raw = sqlite3.connect(str(path))
    rng = random.Random(11)
    people = _sample(raw, ctx.sizes["search_names"], rng)
    texts = keystrokes(people, longest=ctx.sizes["search_longest"])
    warm = texts[: ctx.sizes["search_warmup"]]
    sql = (
        "SELECT c.* FROM customers_fts f JOIN customers c ON c.rowid = f.rowid "
        "WHERE customers_fts MATCH ? LIMIT 20"
    )
    cur = raw.cursor()
    by_length: dict[int, list[float]] = {}
    sequence = warm + texts

    def ours(i: int) -> None:
        service.find(sequence[i], limit=20)

    def floor(i: int) -> None:
        cur.execute(sql, [fts_match(sequence[i])]).fetchall()

    ours_ms, floor_ms = interleave(ours, floor, n=len(texts), warmup=len(warm))
    for text, ms in zip(texts, ours_ms, strict=True):
        by_length.setdefault(min(len(text), 4), []).append(ms)
    per_length = {
        ("4+" if k == 4 else str(k)) + " chars": round(summarize(v)["p95"], 2)
        for k, v in sorted(by_length.items())
    }
    raw.close()
    backend.close()
    return [
        Figure(
            name="search",
            title=f"name search as you type at {n_customers:,}",
            metric="p95",
            unit="ms",
            ours=summarize(ours_ms),
            floor=summarize(floor_ms),
            goal="p95 <= 2x floor, < 30 ms",
            max_ratio=2.0,
            max_abs=30.0,
            sizes={"customers": n_customers, "keystrokes": len(texts), "names": len(people)},
            extra={
                "ours_p95_ms_by_typed_length": per_length,
                "database_build_seconds": round(build_s, 1),
            },
        )
    ]
