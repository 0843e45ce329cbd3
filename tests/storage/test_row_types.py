"""Typed rows: Decimal columns read exactly, and every whole-table row type has exactly its
table's columns after every migration (a new column cannot be forgotten by its row type)."""

from __future__ import annotations

import dataclasses
import importlib
import pkgutil
from decimal import Decimal
from pathlib import Path

import pos_tui.storage
from pos_tui.storage import rows
from pos_tui.storage.db import connect


@dataclasses.dataclass(frozen=True, slots=True)
class _Priced:
    name: str
    price: Decimal
    promo: Decimal | None


def _registered() -> dict[str, type]:
    # Importing every storage module registers its row types.
    for info in pkgutil.walk_packages(pos_tui.storage.__path__, "pos_tui.storage."):
        importlib.import_module(info.name)
    return dict(rows.TABLE_ROWS)


def test_decimal_fields_are_read_exactly_once() -> None:
    row = rows.as_row(_Priced, {"name": "Tea", "price": "1.10", "promo": None})
    assert row == _Priced("Tea", Decimal("1.10"), None)
    assert str(row.price) == "1.10"


def test_every_table_row_type_has_its_tables_columns(tmp_path: Path) -> None:
    db = connect(tmp_path / "lane.db")
    mismatched = {}
    for table, cls in _registered().items():
        columns = sorted(c.name for c in db[table].columns)
        fields = sorted(f.name for f in dataclasses.fields(cls))
        if columns != fields:
            mismatched[cls.__name__] = (
                sorted(set(columns) - set(fields)),
                sorted(set(fields) - set(columns)),
            )
    assert mismatched == {}, (
        f"row type: (columns missing from it, fields not in the table): {mismatched}"
    )
