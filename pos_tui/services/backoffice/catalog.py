"""Editing the reference data of the back office: card types, customer types, items,
sub-groups, teams, locations, location groups, taxes, tax classes and price lists (their item
prices: ``services.price_lists``).

Each table is described once (:data:`TABLES`): its fields, their kinds and sections. The edit
screen lays itself out from that description and :meth:`CatalogAdmin.save` validates every value
against it, refusing with a :class:`FieldError` that names the field, before anything is written.
Every save is audited with what changed.
"""

from __future__ import annotations

import json
from typing import Any

from pos_tui.services.backoffice.catalog_rules import (
    RATE_STEP,
    check_rules,
    coerce_admin,
    ref_words,
    refusal_of,
)
from pos_tui.services.backoffice.catalog_tables import (
    DEFAULT_PREFIX,
    TABLES,
    AdminField,
    AdminKind,
    TableSpec,
)
from pos_tui.services.customers import fields as cf
from pos_tui.services.customers.fields import FieldError
from pos_tui.services.runtime.backend import Backend
from pos_tui.storage.db import write
from pos_tui.storage.errors import ConstraintRefused
from pos_tui.storage.reports import ReportRepository
from pos_tui.storage.rows import Row
from pos_tui.text import plain

__all__ = [
    "DEFAULT_PREFIX",
    "RATE_STEP",
    "TABLES",
    "AdminField",
    "AdminKind",
    "CatalogAdmin",
    "TableSpec",
    "coerce_admin",
    "refusal_of",
]

_SUB_FIELDS = ("ledger_account", "periodicity", "rate", "tax_code", "tax_rate_percent", "cover_charges", "posting")  # fmt: skip


class CatalogAdmin:
    """List, load and save reference rows (database thread)."""

    def __init__(self, backend: Backend) -> None:
        self.b = backend
        self.reports = ReportRepository(backend.db)

    def rows(self, table: str) -> list[Row]:
        spec = TABLES[table]
        rows = self.b.catalog.all(table, order="code")
        refs = {f.name: self.reports.names(f.ref) for f in spec.fields if f.kind == "ref"}
        for row in rows:
            for name, names in refs.items():
                if name in spec.columns and row.get(name) is not None:
                    row[name] = names.get(row[name], row[name])
        if table == "tax_classes":
            for row in rows:
                taxes = self.b.catalog.taxes_of_class(int(row["id"]))
                row["taxes"] = ", ".join(t.code for t in taxes)
        if table == "price_lists":
            sizes = self.b.catalog.price_list_sizes()
            for row in rows:
                row["prices"] = sizes.get(int(row["id"]), 0)
        return rows

    def options(self, table: str) -> dict[str, list[tuple[int, str]]]:
        """(id, name) choices of every reference field of ``table``."""
        return {
            f.name: list(self.reports.names(f.ref).items())
            for f in TABLES[table].fields
            if f.kind in ("ref", "refs")
        }

    def load(self, table: str, row_id: int | None) -> dict[str, str]:
        """The form's text values of a row (a new row: the column defaults)."""
        spec = TABLES[table]
        row = self.b.catalog.get(table, row_id) if row_id is not None else None
        values = {f.name: f.initial for f in spec.fields}
        if row_id is None:
            return values
        if row is None:
            raise FieldError("id", f"No such row in {spec.title}")
        for f in spec.fields:
            if f.name in row:
                values[f.name] = plain(row[f.name])
        if table == "card_types":
            ids = self.b.catalog.restricted_subgroup_ids(int(row["id"]))
            values["restricted_subgroups"] = ",".join(str(i) for i in ids)
            sub = self.b.catalog.subscription(int(row["id"]))
            values["subscription"] = "1" if sub else "0"
            for name in _SUB_FIELDS:
                values["sub_" + name] = plain(getattr(sub, name)) if sub else values["sub_" + name]
        if table == "tax_classes":
            taxes = self.b.catalog.taxes_of_class(int(row["id"]))
            values["taxes"] = ",".join(str(t.id) for t in sorted(taxes, key=lambda t: t.id))
        if table == "customer_types":
            for name, value in json.loads(row["defaults"]).items():
                key = DEFAULT_PREFIX + name
                if key in values:
                    is_flag = cf.BY_NAME[name].kind == "flag"
                    values[key] = ("yes" if value else "no") if is_flag else plain(value)
        return values

    def save(
        self, table: str, row_id: int | None, values: dict[str, str], *, employee_id: int | None
    ) -> int:
        """Validate and store; returns the row id. Raises FieldError naming the field."""
        spec = TABLES[table]
        typed = {f.name: coerce_admin(f, values.get(f.name, "")) for f in spec.fields}
        self._check_references(spec, typed)
        extras = {k: typed.pop(k) for k in list(typed) if spec.field(k).kind == "refs" or k == "subscription" or k.startswith("sub_")}  # fmt: skip
        defaults = {k: typed.pop(k) for k in list(typed) if k.startswith(DEFAULT_PREFIX)}
        check_rules(table, typed, extras)
        if table == "customer_types":
            clean = {
                k.removeprefix(DEFAULT_PREFIX): v for k, v in defaults.items() if v is not None
            }
            typed["defaults"] = json.dumps(clean, sort_keys=True)
        key = "sku" if table == "items" else "code"
        with write(self.b.db):
            other = self.b.catalog.by_code(table, typed[key])
            if other is not None and other["id"] != row_id:
                raise FieldError(key, f"{typed[key]} already exists with {other['name']}")
            old = self.b.catalog.get(table, row_id) if row_id is not None else None
            if row_id is not None and old is None:
                raise FieldError(key, f"No such row in {spec.title}")
            try:
                if row_id is None:
                    row_id = self.b.catalog.insert(table, typed)
                else:
                    self.b.catalog.update(table, row_id, typed)
                if table == "card_types":
                    self._save_card_extras(row_id, extras)
            except ConstraintRefused as exc:
                raise refusal_of(spec, exc) from None
            diff = {k: [None if old is None else old.get(k), v] for k, v in typed.items() if old is None or old.get(k) != v}  # fmt: skip
            if table == "tax_classes":
                diff.update(self._save_class_taxes(row_id, extras.pop("taxes") or []))
            self.b.store.audit(
                at=self.b.timestamp(),
                entity=table,
                entity_id=row_id,
                action="create" if old is None else "update",
                changes={**diff, **({"extras": extras} if extras else {})},
                employee_id=employee_id,
                lane_id=self.b.settings.lane.id,
            )
        return row_id

    def _check_references(self, spec: TableSpec, typed: dict[str, Any]) -> None:
        """Every chosen reference exists (a row deleted since the form opened, a typed id)."""
        for f in spec.fields:
            value = typed.get(f.name)
            if f.kind not in ("ref", "refs") or value in (None, []):
                continue
            known = self.reports.names(f.ref)
            for ref_id in value if isinstance(value, list) else [value]:
                if ref_id not in known:
                    raise FieldError(f.name, f"No {ref_words(f.ref)} with id {ref_id}")

    def _save_class_taxes(self, tax_class_id: int, tax_ids: list[int]) -> dict[str, Any]:
        """Set the taxes of a class; the audit's [old, new] tax codes if they changed."""
        before = self.b.catalog.taxes_of_class(tax_class_id)
        if sorted(t.id for t in before) == tax_ids:
            return {}  # unchanged: no catalog version bump, lanes keep their cache
        self.b.catalog.set_tax_class_taxes(tax_class_id, tax_ids)
        after = self.b.catalog.taxes_of_class(tax_class_id)
        return {"taxes": [[t.code for t in before], [t.code for t in after]]}

    def _save_card_extras(self, card_type_id: int, extras: dict[str, Any]) -> None:
        self.b.catalog.set_restricted_subgroups(
            card_type_id, extras.get("restricted_subgroups") or []
        )
        if not extras.get("subscription"):
            self.b.catalog.set_subscription(card_type_id, None)
            return
        sub = {name: extras.get("sub_" + name) for name in _SUB_FIELDS}
        sub["cover_charges"] = sub["cover_charges"] or 0
        self.b.catalog.set_subscription(card_type_id, sub)
