"""Rows: plain dicts for generic table work (inserts, sync), typed dataclasses for the rest."""

from __future__ import annotations

import dataclasses
import sqlite3
import typing
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any, TypeVar

from pos_tui.engine.money import to_decimal

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


# --- Typed rows -------------------------------------------------------------------------------
#
# A query that callers read field by field returns a frozen dataclass instead of a dict, so a
# misspelt column is a type error, not a KeyError at the lane. A row type that stands for a whole
# table is registered with ``@table_row("table")``: tests/storage/test_row_types.py checks that
# its fields are exactly that table's columns after every migration, so a new column cannot be
# forgotten. Columns annotated ``Decimal`` (money and points, stored as exact text) are read
# through the one ``to_decimal`` here, once, so no caller parses money of its own.

T = TypeVar("T")

TABLE_ROWS: dict[str, type[Any]] = {}


def table_row(table: str) -> Callable[[type[T]], type[T]]:
    """Registers ``cls`` as the whole-row type of ``table`` (checked against the schema)."""

    def register(cls: type[T]) -> type[T]:
        if not dataclasses.is_dataclass(cls):
            raise TypeError(f"{cls.__name__} must be a dataclass to stand for table {table}")
        TABLE_ROWS[table] = cls
        return cls

    return register


_DECIMAL_FIELDS: dict[type[Any], frozenset[str]] = {}


def _decimal_fields(cls: type[Any]) -> frozenset[str]:
    found = _DECIMAL_FIELDS.get(cls)
    if found is None:
        hints = typing.get_type_hints(cls)
        found = frozenset(
            name
            for name, hint in hints.items()
            if hint is Decimal or Decimal in typing.get_args(hint)
        )
        _DECIMAL_FIELDS[cls] = found
    return found


def as_row(cls: type[T], values: Mapping[str, Any]) -> T:
    """``values`` (a dict row, e.g. from sqlite-utils) as a ``cls``; Decimal fields read exactly."""
    money = _decimal_fields(cls)
    if money:
        values = {
            k: (to_decimal(v, k) if k in money and v is not None else v) for k, v in values.items()
        }
    return cls(**values)


# How a cursor's columns become a ``cls``, by (cls, column names): the position of each field
# among the columns, and which of them are read as Decimal. Built once per query shape: a row
# is then made positionally, three times faster than by keywords for a 64-column customer
# (every lookup as the cashier types reads one).
_Plan = tuple[tuple[int, ...], tuple[int, ...], tuple[str, ...]]
_PLANS: dict[tuple[type[Any], tuple[str, ...]], _Plan | None] = {}


def _plan(cls: type[Any], names: tuple[str, ...]) -> _Plan | None:
    key = (cls, names)
    if key in _PLANS:
        return _PLANS[key]
    fields = [f.name for f in dataclasses.fields(cls) if f.init]
    plan: _Plan | None = None
    if len(set(names)) == len(names) and sorted(names) == sorted(fields):
        order = tuple(names.index(f) for f in fields)
        money = _decimal_fields(cls)
        at = tuple(i for i, f in enumerate(fields) if f in money)
        plan = (order, at, tuple(fields[i] for i in at))
    _PLANS[key] = plan  # None: columns that are not exactly the fields (made by keywords)
    return plan


def _maker(cls: type[T], cursor: sqlite3.Cursor) -> Callable[[tuple[Any, ...]], T]:
    names = tuple(d[0] for d in cursor.description)
    plan = _plan(cls, names)
    if plan is None:
        return lambda values: as_row(cls, dict(zip(names, values, strict=True)))
    order, at, money = plan

    def make(values: tuple[Any, ...]) -> T:
        args = [values[i] for i in order]
        for i, name in zip(at, money, strict=True):
            if args[i] is not None:
                args[i] = to_decimal(args[i], name)
        return cls(*args)

    return make


def one_as(cls: type[T], cursor: sqlite3.Cursor) -> T | None:
    """The cursor's first row as a ``cls`` (its columns must be the type's fields), or None."""
    values = cursor.fetchone()
    return None if values is None else _maker(cls, cursor)(values)


def all_as(cls: type[T], cursor: sqlite3.Cursor) -> list[T]:
    """Every row of the cursor as a ``cls``."""
    rows = cursor.fetchall()
    if not rows:
        return []
    make = _maker(cls, cursor)
    return [make(values) for values in rows]
