"""Shifts and Z reports for the back office: per lane and date, as rows and as CSV."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from pos_tui.services.runtime.backend import Backend

COLUMNS = (
    "shift",
    "lane",
    "store",
    "status",
    "opened_at",
    "opened_by",
    "opening_float",
    "closed_at",
    "closed_by",
    "z_number",
    "sales",
    "net_sales",
    "expected_cash",
    "counted_cash",
    "over_short",
    "grand_total",
    "approved_by",
)


@dataclass(frozen=True)
class ShiftRow:
    values: dict[str, str]
    z_sale_id: int | None

    def __getitem__(self, key: str) -> str:
        return self.values[key]


def shift_rows(
    backend: Backend, *, lane_id: str | None = None, on: dt.date | None = None
) -> list[ShiftRow]:
    """Shifts opened on ``on`` (every day when None) on ``lane_id`` (every lane), newest
    first, with their Z figures as sealed."""
    start = on.isoformat() if on else None
    end = (on + dt.timedelta(days=1)).isoformat() if on else None
    out: list[ShiftRow] = []
    for s in backend.shifts.listed(lane_id=lane_id, start=start, end=end):
        z: dict[str, Any] = json.loads(s.z_figures) if s.z_figures else {}
        figures = z.get("figures", {})
        values = {
            "shift": str(s.id),
            "lane": s.lane_id,
            "store": s.store_id,
            "status": s.status,
            "opened_at": s.opened_at,
            "opened_by": str(s.opened_by_name or ""),
            "opening_float": str(s.opening_float),
            "closed_at": str(s.closed_at or ""),
            "closed_by": str(s.closed_by_name or ""),
            "z_number": str(z.get("z_number", "")),
            "sales": str(figures.get("sales", "")),
            "net_sales": str(figures.get("net_sales", "")),
            "expected_cash": str(figures.get("expected_cash", "")),
            "counted_cash": str(z.get("counted", "")),
            "over_short": str(z.get("over_short", "")),
            "grand_total": str(z.get("grand_total", "")),
            "approved_by": str(z.get("approved_by") or ""),
        }
        out.append(ShiftRow(values, s.z_sale_id or None))
    return out


def to_csv(rows: list[ShiftRow]) -> str:
    """The rows as CSV; a cell a spreadsheet would run as a formula is quoted with a leading
    apostrophe (names come from the database)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow([_cell(row.values[c]) for c in COLUMNS])
    return buffer.getvalue()


def _cell(text: str) -> str:
    if text[:1] in ("=", "+", "@", "\t", "\r") or (text[:1] == "-" and not _number(text)):
        return "'" + text
    return text


def _number(text: str) -> bool:
    try:
        Decimal(text)
    except ArithmeticError:
        return False
    return True
