"""The journal as pos-tui wrote it before migration 0007 (v1 seals), frozen here to make old
databases in tests: ``sale_hash`` is that version's code verbatim, ``append`` fills, seals and
stores a sale the way its ``JournalRepository.append`` did.

Its bug: the seal covers the children in the order they were given (the engine lists taxes by
first use), while verification reads them sorted.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

import sqlite_utils

from pos_tui.storage.db import write

GENESIS = "0" * 64
_SALE_COLUMNS = (
    "lane_id",
    "store_id",
    "sale_number",
    "kind",
    "original_sale_id",
    "customer_id",
    "employee_id",
    "committed_at",
    "subtotal",
    "discount_total",
    "tax_total",
    "total",
    "points_earned",
    "points_base",
    "referral_customer_id",
    "referral_points",
    "points_used",
    "reference",
    "explanation",
)
_CHILDREN = {
    "lines": "sale_lines",
    "discounts": "sale_discounts",
    "taxes": "sale_taxes",
    "tenders": "sale_tenders",
}
_V1_CHILD_COLUMNS = {
    "sale_lines": (
        "line_no",
        "item_id",
        "sku",
        "description",
        "quantity",
        "unit_price",
        "price_source",
        "discount",
        "tax",
        "total",
        "original_line_no",
    ),
    "sale_discounts": ("line_no", "kind", "description", "amount"),
    "sale_taxes": ("tax_code", "taxable", "amount"),
    "sale_tenders": ("seq", "kind", "amount", "reference", "points", "change_given"),
}
_V1_DEFAULTS = {"discount": "0", "tax": "0", "change_given": "0"}
_SALE_DEFAULTS = {
    "points_earned": "0",
    "points_base": "0",
    "referral_points": "0",
    "points_used": "0",
    "explanation": "[]",
}


def sale_hash(prev_hash: str, sale: dict[str, Any], children: dict[str, list[Any]]) -> str:
    """sha256 of the previous hash and a canonical JSON of the sale and its rows."""
    body = {
        "prev": prev_hash,
        "sale": {k: sale.get(k) for k in _SALE_COLUMNS},
        **{
            kind: [{k: v for k, v in row.items() if k not in ("sale_id", "id")} for row in rows]
            for kind, rows in sorted(children.items())
        },
    }
    canonical = json.dumps(
        body, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def append(
    db: sqlite_utils.Database, sale: dict[str, Any], children: dict[str, list[dict[str, Any]]]
) -> dict[str, Any]:
    """Number, chain and store a sale as v1 did: hashed in the order given."""
    with write(db):
        last = db.execute(
            "SELECT sale_number, hash FROM sales WHERE lane_id = ? "
            "ORDER BY sale_number DESC LIMIT 1",
            [sale["lane_id"]],
        ).fetchone()
        number = (last[0] + 1) if last else 1
        prev = last[1] if last else GENESIS
        record = {k: sale.get(k, _SALE_DEFAULTS.get(k)) for k in _SALE_COLUMNS}
        record["sale_number"] = number
        ordered = {
            kind: [
                {c: row.get(c, _V1_DEFAULTS.get(c)) for c in _V1_CHILD_COLUMNS[table]}
                for row in children.get(kind, [])
            ]
            for kind, table in _CHILDREN.items()
        }
        record["prev_hash"] = prev
        record["hash"] = sale_hash(prev, record, ordered)
        columns = ", ".join(record)
        cur = db.conn.execute(
            f"INSERT INTO sales ({columns}) VALUES ({', '.join('?' * len(record))})",
            list(record.values()),
        )
        sale_id = cur.lastrowid
        for kind, rows in ordered.items():
            table = _CHILDREN[kind]
            for row in rows:
                cols = ", ".join([*row, "sale_id"])
                db.conn.execute(
                    f"INSERT INTO {table} ({cols}) VALUES ({', '.join('?' * (len(row) + 1))})",
                    [*row.values(), sale_id],
                )
        return {**record, "id": sale_id}
