"""Rows as plain dicts keyed by column name."""

from __future__ import annotations

import sqlite3
from typing import Any

Row = dict[str, Any]


def one(cursor: sqlite3.Cursor) -> Row | None:
    row = cursor.fetchone()
    if row is None:
        return None
    return dict(zip([d[0] for d in cursor.description], row, strict=True))


def all_rows(cursor: sqlite3.Cursor) -> list[Row]:
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def insert(conn: sqlite3.Connection, table: str, row: Row) -> int:
    """One plain INSERT of ``row``'s keys; the new rowid. (sqlite-utils' ``Table.insert``
    re-reads the schema on every call: right for tools, too slow inside a sale.)"""
    columns = ", ".join(row)
    marks = ", ".join("?" * len(row))
    cur = conn.execute(f"INSERT INTO {table} ({columns}) VALUES ({marks})", list(row.values()))
    return int(cur.lastrowid or 0)


def insert_many(conn: sqlite3.Connection, table: str, rows: list[Row]) -> None:
    """Rows that all carry the same keys, in one ``executemany``."""
    if not rows:
        return
    keys = list(rows[0])
    sql = f"INSERT INTO {table} ({', '.join(keys)}) VALUES ({', '.join('?' * len(keys))})"
    conn.executemany(sql, [[r[k] for k in keys] for r in rows])
