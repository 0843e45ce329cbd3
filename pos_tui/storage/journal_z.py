"""The Z reports of a lane's journal, checked against the records they close.

A Z report is a journal record (kind ``z_report``) whose sealed body holds its running number,
the shift's first record (``after_sale_number``), its figures and the grand total that never
resets. Its seal proves it unchanged; this proves it right: numbers run 1, 2, 3 on the lane,
shifts never overlap, the sales it reports are the sum of the sales it spans, and each grand
total is the one before plus the shift's sales.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from pos_tui.engine.money import ZERO, to_decimal
from pos_tui.storage.rows import all_as

if TYPE_CHECKING:
    import sqlite_utils


@dataclass(frozen=True, slots=True)
class ZRecord:
    """A Z report's journal record: its number in the lane's journal and its sealed body."""

    id: int
    sale_number: int
    explanation: str


def check_z_reports(
    db: sqlite_utils.Database, lane: str
) -> tuple[int, tuple[int, int, str] | None]:
    """(Z reports checked, the first problem as (sale number, sale id, reason) or None)."""
    cur = db.execute(
        "SELECT id, sale_number, explanation FROM sales WHERE lane_id = ? AND kind = 'z_report' "
        "ORDER BY sale_number",
        [lane],
    )
    number, grand, previous_end = 0, ZERO, 0
    checked = 0
    for z in all_as(ZRecord, cur):
        reason = _problem(db, lane, z, number, grand, previous_end)
        if reason:
            return checked, (z.sale_number, z.id, reason)
        body = json.loads(z.explanation)
        number, grand = int(body["z_number"]), to_decimal(body["grand_total"])
        previous_end = z.sale_number
        checked += 1
    return checked, None


def _problem(
    db: sqlite_utils.Database,
    lane: str,
    z: ZRecord,
    number: int,
    grand: Decimal,
    previous_end: int,
) -> str | None:
    try:
        body = json.loads(z.explanation)
        z_number = int(body["z_number"])
        after = int(body["after_sale_number"])
        before = to_decimal(body["previous_grand_total"])
        total = to_decimal(body["grand_total"])
        sales = to_decimal(body["figures"]["sales_total"])
    except (KeyError, TypeError, ValueError):  # NotANumber is a ValueError
        return "Z report: its figures cannot be read"
    if z_number != number + 1:
        return f"Z report {z_number} follows Z {number}: a Z number is missing or repeated"
    if after < previous_end:
        return f"Z report {z_number}: its shift overlaps the one before"
    if before != grand:
        return f"Z report {z_number}: grand total before {before}, the last Z ended at {grand}"
    summed = _sales_between(db, lane, after, z.sale_number)
    if sales != summed:
        return (
            f"Z report {z_number}: sales {sales}, the journal records of its shift sum to {summed}"
        )
    if total != before + sales:
        return f"Z report {z_number}: grand total {total} is not {before} + {sales}"
    return None


def _sales_between(db: sqlite_utils.Database, lane: str, after: int, upto: int) -> Decimal:
    cur = db.execute(
        "SELECT total FROM sales WHERE lane_id = ? AND kind = 'sale' "
        "AND sale_number > ? AND sale_number < ?",
        [lane, after, upto],
    )
    return sum((to_decimal(r[0]) for r in cur.fetchall()), ZERO)
