"""The sales journal: committed sales and returns, hash-chained per lane.

Each sale's hash covers its own rows and the hash of the lane's previous sale, so changing or
deleting any committed sale breaks every link after it; ``verify`` names the first broken one.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import sqlite_utils

from pos_tui.storage.db import write
from pos_tui.storage.rows import Row, all_rows, insert, one

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
    "lines": ("sale_lines", "line_no"),
    "discounts": ("sale_discounts", "id"),
    "taxes": ("sale_taxes", "tax_code"),
    "tenders": ("sale_tenders", "seq"),
}


def sale_hash(prev_hash: str, sale: Row, children: dict[str, list[Row]]) -> str:
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


@dataclass(frozen=True)
class BrokenLink:
    lane_id: str
    sale_number: int
    sale_id: int | None
    reason: str

    def __str__(self) -> str:
        return f"lane {self.lane_id} sale {self.sale_number}: {self.reason}"


class JournalRepository:
    def __init__(self, db: sqlite_utils.Database) -> None:
        self.db = db
        self._defaults: dict[str, dict[str, Any]] = {}

    def last(self, lane_id: str) -> Row | None:
        cur = self.db.execute(
            "SELECT * FROM sales WHERE lane_id = ? ORDER BY sale_number DESC LIMIT 1", [lane_id]
        )
        return one(cur)

    def append(self, sale: Row, children: dict[str, list[Row]]) -> Row:
        """Number, chain and store a sale with its rows; returns the stored sale row."""
        with write(self.db):
            # Only the number and hash of the lane's last sale (not its rows and explanation).
            last = self.db.execute(
                "SELECT sale_number, hash FROM sales WHERE lane_id = ? "
                "ORDER BY sale_number DESC LIMIT 1",
                [sale["lane_id"]],
            ).fetchone()
            number = (last[0] + 1) if last else 1
            prev = last[1] if last else GENESIS
            record = self._complete("sales", {**sale, "sale_number": number})
            record = {k: record.get(k) for k in _SALE_COLUMNS}
            ordered = {
                kind: [self._complete(table, row) for row in children.get(kind, [])]
                for kind, (table, _) in _CHILDREN.items()
            }
            record["prev_hash"] = prev
            record["hash"] = sale_hash(prev, record, ordered)
            conn = self.db.conn
            sale_id = insert(conn, "sales", record)
            for kind, rows in ordered.items():
                if rows:
                    # Completed rows all carry the table's columns in one order.
                    table, columns = _CHILDREN[kind][0], ", ".join([*rows[0], "sale_id"])
                    marks = ", ".join("?" * (len(rows[0]) + 1))
                    conn.executemany(
                        f"INSERT INTO {table} ({columns}) VALUES ({marks})",
                        [[*r.values(), sale_id] for r in rows],
                    )
            return {**record, "id": sale_id}

    def _complete(self, table: str, row: Row) -> Row:
        """The row as it will read back: the hash must cover column defaults too."""
        defaults = self._defaults.get(table)
        if defaults is None:
            info = self.db.execute(f"PRAGMA table_info({table})").fetchall()
            defaults = self._defaults[table] = {
                name: _literal(default)
                for _, name, _, _, default, _ in info
                if name not in ("id", "sale_id")
            }
        if not defaults.keys() >= row.keys():
            unknown = set(row) - set(defaults) - {"id", "sale_id"}
            if unknown:
                raise ValueError(f"{table}: unknown columns {sorted(unknown)}")
        return {name: row.get(name, default) for name, default in defaults.items()}

    def get(self, sale_id: int) -> Row | None:
        return one(self.db.execute("SELECT * FROM sales WHERE id = ?", [sale_id]))

    def by_number(self, lane_id: str, sale_number: int) -> Row | None:
        cur = self.db.execute(
            "SELECT * FROM sales WHERE lane_id = ? AND sale_number = ?", [lane_id, sale_number]
        )
        return one(cur)

    def children(self, sale_id: int) -> dict[str, list[Row]]:
        out: dict[str, list[Row]] = {}
        for kind, (table, order) in _CHILDREN.items():
            rows = all_rows(
                self.db.execute(
                    f"SELECT * FROM {table} WHERE sale_id = ? ORDER BY {order}", [sale_id]
                )
            )
            out[kind] = rows
        return out

    def for_customer(
        self,
        customer_id: int,
        *,
        start: str | None = None,
        end: str | None = None,
        limit: int = 1000,
    ) -> list[Row]:
        sql = "SELECT * FROM sales WHERE customer_id = ?"
        params: list[Any] = [customer_id]
        if start:
            sql += " AND committed_at >= ?"
            params.append(start)
        if end:
            sql += " AND committed_at < ?"
            params.append(end)
        return all_rows(
            self.db.execute(sql + " ORDER BY committed_at, id LIMIT ?", [*params, limit])
        )

    def returned_quantities(self, sale_id: int) -> dict[int, Decimal]:
        """Per original line number, how much returns have already given back."""
        cur = self.db.execute(
            "SELECT l.original_line_no, l.quantity FROM sales s JOIN sale_lines l ON l.sale_id = s.id "
            "WHERE s.original_sale_id = ? AND s.kind = 'return' AND l.original_line_no IS NOT NULL",
            [sale_id],
        )
        out: dict[int, Decimal] = {}
        for line_no, quantity in cur.fetchall():
            out[line_no] = out.get(line_no, Decimal(0)) + abs(Decimal(quantity))
        return out

    def recent(self, lane_id: str | None = None, *, limit: int = 50) -> list[Row]:
        sql = (
            "SELECT * FROM sales"
            + (" WHERE lane_id = ?" if lane_id else "")
            + " ORDER BY id DESC LIMIT ?"
        )
        return all_rows(self.db.execute(sql, [lane_id, limit] if lane_id else [limit]))

    def lanes(self) -> list[str]:
        return [
            r[0]
            for r in self.db.execute(
                "SELECT DISTINCT lane_id FROM sales ORDER BY lane_id"
            ).fetchall()
        ]

    def verify(self, lane_id: str | None = None) -> tuple[int, BrokenLink | None]:
        """Check every lane's chain (or one); returns (sales checked, first broken link or None)."""
        checked = 0
        for lane in [lane_id] if lane_id else self.lanes():
            prev = GENESIS
            expected_number = 1
            cur = self.db.execute(
                "SELECT * FROM sales WHERE lane_id = ? ORDER BY sale_number", [lane]
            )
            names = [d[0] for d in cur.description]
            for values in cur:
                sale = dict(zip(names, values, strict=True))
                number = sale["sale_number"]
                if number != expected_number:
                    return checked, BrokenLink(
                        lane, expected_number, None, "sale is missing (deleted?)"
                    )
                if sale["prev_hash"] != prev:
                    return checked, BrokenLink(
                        lane, number, sale["id"], "does not follow the previous sale"
                    )
                children = self.children(sale["id"])
                for rows in children.values():
                    for row in rows:
                        row.pop("sale_id", None)
                if sale_hash(prev, sale, children) != sale["hash"]:
                    return checked, BrokenLink(
                        lane, number, sale["id"], "contents changed after commit"
                    )
                prev = sale["hash"]
                expected_number += 1
                checked += 1
        return checked, None


def _literal(default: str | None) -> Any:
    """A column's DEFAULT as Python: only the quoted strings and numbers the schema uses."""
    if default is None:
        return None
    if default.startswith("'") and default.endswith("'"):
        return default[1:-1].replace("''", "'")
    try:
        return int(default)
    except ValueError:
        return default
