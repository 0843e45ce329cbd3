"""Reads for checking a store whole (the reliability harness, after kills and full disks):
every sale, the ledger rows of each sale, the ledgers in the order they were written, and
every open sale. Read-only."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from decimal import Decimal

import sqlite_utils

from pos_tui.engine.money import to_decimal
from pos_tui.storage.journal import SaleRow
from pos_tui.storage.lane_state import OpenSaleRow
from pos_tui.storage.rows import all_as


def all_sales(db: sqlite_utils.Database) -> list[SaleRow]:
    return all_as(SaleRow, db.execute("SELECT * FROM sales ORDER BY id"))


def points_by_sale(db: sqlite_utils.Database) -> dict[tuple[int, str], Decimal]:
    """(sale id, entry type) -> the sum of the loyalty ledger's points of that sale."""
    out: dict[tuple[int, str], Decimal] = defaultdict(Decimal)
    cur = db.execute(
        "SELECT sale_id, entry_type, points FROM loyalty_ledger WHERE sale_id IS NOT NULL"
    )
    for sale_id, kind, points in cur:
        out[(int(sale_id), str(kind))] += to_decimal(points)
    return dict(out)


def receivable_by_sale(db: sqlite_utils.Database) -> dict[int, Decimal]:
    """sale id -> the sum of the receivable ledger's amounts of that sale."""
    out: dict[int, Decimal] = defaultdict(Decimal)
    cur = db.execute("SELECT sale_id, amount FROM receivable_ledger WHERE sale_id IS NOT NULL")
    for sale_id, amount in cur:
        out[int(sale_id)] += to_decimal(amount)
    return dict(out)


def points_in_order(db: sqlite_utils.Database) -> Iterator[tuple[int, Decimal]]:
    """(customer id, points) of every loyalty ledger row, in the order they were written."""
    for cid, points in db.execute("SELECT customer_id, points FROM loyalty_ledger ORDER BY id"):
        yield int(cid), to_decimal(points)


def all_open_sales(db: sqlite_utils.Database) -> list[OpenSaleRow]:
    return all_as(OpenSaleRow, db.execute("SELECT * FROM open_sales ORDER BY id"))
