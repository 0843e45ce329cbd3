"""Export: every field of the customer master (references by code), the main and alternate
addresses and the balances, in the form import reads back."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from pos_tui.engine.money import ZERO
from pos_tui.services.customers import fields as cf
from pos_tui.services.customers.csv_io.columns import (
    ADDRESS_COLUMN_FIELDS,
    EXPORT_ADDRESS_TYPES,
    LINK_COLUMN,
    LIST_COLUMNS,
    OPENING_BALANCE_COLUMNS,
    READ_ONLY_COLUMNS,
    REF_COLUMNS,
    ProgressFn,
)
from pos_tui.services.runtime.backend import Backend
from pos_tui.storage import bulk
from pos_tui.storage.rows import Row


def export_columns() -> list[str]:
    """The export header: every field (references by code), addresses, then balances."""
    by_id = {spec[0]: column for column, spec in REF_COLUMNS.items()}
    columns: list[str] = []
    for spec in cf.FIELDS:
        if spec.name in by_id:
            columns.append(by_id[spec.name])
        elif spec.name == "link_customer_id":
            columns.append(LINK_COLUMN)
        else:
            columns.append(spec.name)
    columns += list(LIST_COLUMNS)
    columns += [f"{kind}.{part}" for kind in EXPORT_ADDRESS_TYPES for part in ADDRESS_COLUMN_FIELDS]
    columns += [*OPENING_BALANCE_COLUMNS, *READ_ONLY_COLUMNS]
    return columns


def _format(spec: cf.Field, value: Any) -> str:
    if value is None:
        return ""
    if spec.kind == "flag":
        return "yes" if value else "no"
    return str(value)


def export_customers(
    backend: Backend,
    path: Path,
    *,
    include_inactive: bool = False,
    progress: ProgressFn | None = None,
) -> int:
    """Write customers to ``path`` (UTF-8, no BOM); returns how many."""
    db = backend.db
    tick = progress or (lambda _n: None)
    codes = {
        column: bulk.ids_by_key(db, table, key)
        for column, (_id_field, table, key, _alt) in REF_COLUMNS.items()
    }
    accounts = bulk.ids_by_key(db, "customers", "account_number")
    lists = {name: bulk.codes_by_customer(db, name) for name in LIST_COLUMNS}
    points = bulk.ledger_balances(db, "loyalty")
    owed = bulk.ledger_balances(db, "receivable")
    openings = bulk.opening_balances(db)
    addresses = bulk.first_addresses(db, EXPORT_ADDRESS_TYPES)
    ref_by_id = {spec[0]: column for column, spec in REF_COLUMNS.items()}
    count = 0
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(export_columns())
        for row in bulk.iter_customers(db, include_inactive=include_inactive):
            cid = row["id"]
            out: list[str] = []
            for spec in cf.FIELDS:
                value = row.get(spec.name)
                if spec.name in ref_by_id:
                    out.append("" if value is None else codes[ref_by_id[spec.name]].get(value, ""))
                elif spec.name == "link_customer_id":
                    out.append("" if value is None else str(accounts.get(value, "")))
                else:
                    out.append(_format(spec, value))
            out += [";".join(lists[name].get(cid, [])) for name in LIST_COLUMNS]
            for kind in EXPORT_ADDRESS_TYPES:
                address: Row = addresses.get((cid, kind), {})
                out += [
                    "" if address.get(p) is None else str(address[p]) for p in ADDRESS_COLUMN_FIELDS
                ]
            opening = openings.get(cid)
            out += [
                str(opening[k] or "") if opening else "" for k in ("amount", "date", "reference")
            ]
            out += [str(points.get(cid, ZERO)), str(owed.get(cid, ZERO))]
            writer.writerow(out)
            count += 1
            if count % 1000 == 0:
                tick(1000)
        tick(count % 1000)
    return count
