"""Customers in and out of CSV files.

Import maps each CSV column onto a customer field (a mapping file says which, and how to turn
values like "yes"/"no" into ours) and stores every row through ``CustomerService.create``, so an
imported customer passes exactly the rules a typed one does. Good rows are kept, bad rows are
reported with their row number and the reason. Rows are committed in batches; inside a batch each
row has its own savepoint, so a refused row takes back only itself.

Export writes every field of the customer master, the main and alternate addresses and the
balances, in the form import reads back: export, then import into a fresh database, gives the
same customers.

Row numbers are those a spreadsheet shows: the header is row 1, the first customer row 2.
"""

from __future__ import annotations

import csv
import re
import sqlite3
import time
import tomllib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from pos_tui.config import shipped_defaults_file
from pos_tui.services import customer_fields as cf
from pos_tui.services.backend import Backend
from pos_tui.services.customer_fields import FieldError
from pos_tui.services.customers import CustomerService
from pos_tui.storage import bulk
from pos_tui.storage.db import write
from pos_tui.storage.rows import Row

DEFAULT_BATCH = 500
# Columns for references, by code (or name) instead of database ids: column -> (id field,
# table, the column matched first, the column also accepted).
REF_COLUMNS: dict[str, tuple[str, str, str, str]] = {
    "customer_type": ("customer_type_id", "customer_types", "code", "name"),
    "card_type": ("card_type_id", "card_types", "code", "name"),
    "price_list": ("price_list_id", "price_lists", "code", "name"),
    "home_location": ("home_location_id", "locations", "code", "name"),
    "location_group": ("location_group_id", "location_groups", "code", "name"),
    "limit_to_location": ("limit_to_location_id", "locations", "code", "name"),
}
LINK_COLUMN = "link_customer"  # the referring customer's account number
LIST_COLUMNS = {"teams": "teams", "exempt_taxes": "taxes"}  # codes separated by ";"
EXTRA_TARGETS = ("opening_points", "pin")
READ_ONLY_COLUMNS = ("points_balance", "receivable_balance")
EXPORT_ADDRESS_TYPES = ("main", "alternate")
ADDRESS_COLUMN_FIELDS = tuple(f for f in cf.ADDRESS_FIELDS if f != "address_type")
IGNORE = "ignore"
# A card code CustomerService generates for an empty card number (5 characters, not all digits).
_GENERATED_CODE = re.compile(r"^(?=.*[A-Z])[A-Z0-9]{5}$")


class CsvFileError(Exception):
    """The file or the mapping cannot be used at all (exit code 2)."""


# -- mapping ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class ColumnRule:
    """How one CSV column becomes one target: a field, an address part, a code, or nothing."""

    column: str
    target: str
    values: dict[str, str] = field(default_factory=dict)  # lower-cased input -> output
    default: str | None = None  # used when the cell is empty
    strip_prefix: str = ""  # e.g. "'" that spreadsheets put before phone numbers and ZIPs
    trim: bool = False

    def apply(self, raw: str) -> str:
        value = raw.strip() if self.trim else raw
        if self.strip_prefix and value.startswith(self.strip_prefix):
            value = value[len(self.strip_prefix) :]
        if self.values:
            value = self.values.get(value.strip().lower(), value)
        if value.strip() == "" and self.default is not None:
            value = self.default
        return value


@dataclass
class Mapping:
    name: str = "by field name"
    rules: list[ColumnRule] = field(default_factory=list)
    ignore: set[str] = field(default_factory=set)
    defaults: dict[str, str] = field(default_factory=dict)  # target -> value for every row
    by_header: bool = True  # columns named like a target map onto it without a rule


def valid_targets() -> set[str]:
    targets = {f.name for f in cf.FIELDS} | set(REF_COLUMNS) | set(LIST_COLUMNS)
    targets |= {LINK_COLUMN, *EXTRA_TARGETS}
    targets |= {f"{kind}.{part}" for kind in cf.ADDRESS_TYPES for part in ADDRESS_COLUMN_FIELDS}
    return targets


_MAPPING_KEYS = {"name", "description", "columns", "ignore", "defaults", "match_field_names"}
_RULE_KEYS = {"field", "values", "default", "strip_prefix", "trim"}


def load_mapping(path: Path) -> Mapping:
    """Read a TOML mapping file; any mistake in it is a :class:`CsvFileError`."""
    try:
        with path.open("rb") as fh:
            data = tomllib.load(fh)
    except OSError as exc:
        raise CsvFileError(f"{path}: cannot be read: {exc.strerror}") from None
    except tomllib.TOMLDecodeError as exc:
        raise CsvFileError(f"{path}: not valid TOML: {exc}") from None
    return mapping_from_dict(data, source=str(path))


def mapping_from_dict(data: dict[str, Any], *, source: str = "mapping") -> Mapping:
    unknown = set(data) - _MAPPING_KEYS
    if unknown:
        raise CsvFileError(f"{source}: unknown key {sorted(unknown)[0]!r}")
    targets = valid_targets()
    rules: list[ColumnRule] = []
    columns = data.get("columns", {})
    if not isinstance(columns, dict):
        raise CsvFileError(f"{source}: [columns] must be a table of CSV column = field")
    for column, spec in columns.items():
        if isinstance(spec, str):
            spec = {"field": spec}
        if not isinstance(spec, dict):
            raise CsvFileError(f"{source}: column {column!r}: give a field name or a table")
        bad = set(spec) - _RULE_KEYS
        if bad:
            raise CsvFileError(f"{source}: column {column!r}: unknown key {sorted(bad)[0]!r}")
        target = spec.get("field")
        if not isinstance(target, str) or (target not in targets and target != IGNORE):
            raise CsvFileError(f"{source}: column {column!r}: {target!r} is not a customer field")
        values = spec.get("values", {})
        if not isinstance(values, dict):
            raise CsvFileError(f"{source}: column {column!r}: values must be a table")
        default = spec.get("default")
        rules.append(
            ColumnRule(
                column=column,
                target=target,
                values={str(k).strip().lower(): _toml_text(v) for k, v in values.items()},
                default=None if default is None else _toml_text(default),
                strip_prefix=str(spec.get("strip_prefix", "")),
                trim=bool(spec.get("trim", False)),
            )
        )
    ignore = data.get("ignore", [])
    if not isinstance(ignore, list) or not all(isinstance(x, str) for x in ignore):
        raise CsvFileError(f"{source}: ignore must be a list of column names")
    defaults = data.get("defaults", {})
    if not isinstance(defaults, dict):
        raise CsvFileError(f"{source}: [defaults] must be a table of field = value")
    for target in defaults:
        if target not in targets:
            raise CsvFileError(f"{source}: [defaults]: {target!r} is not a customer field")
    return Mapping(
        name=str(data.get("name", source)),
        rules=rules,
        ignore=set(ignore),
        defaults={k: _toml_text(v) for k, v in defaults.items()},
        by_header=bool(data.get("match_field_names", True)),
    )


def _toml_text(value: Any) -> str:
    if isinstance(value, bool):
        return "1" if value else "0"
    return str(value)


def mappings_dir() -> Path:
    return shipped_defaults_file().parent / "mappings"


def preset_mapping(name: str) -> Mapping:
    path = mappings_dir() / f"{name}.toml"
    if not re.fullmatch(r"[a-z0-9_-]+", name) or not path.is_file():
        available = sorted(p.stem for p in mappings_dir().glob("*.toml"))
        raise CsvFileError(f"no preset {name!r}; presets: {', '.join(available) or 'none'}")
    return load_mapping(path)


# -- reading ---------------------------------------------------------------------------------
def read_csv(path: Path) -> tuple[list[str], list[list[str]]]:
    """The header and the rows of a UTF-8 CSV file (with or without a byte order mark)."""
    csv.field_size_limit(2**31 - 1)
    try:
        with path.open(encoding="utf-8-sig", newline="") as fh:
            reader = csv.reader(fh)
            header = next(reader, None)
            rows = list(reader)
    except OSError as exc:
        raise CsvFileError(f"{path}: cannot be read: {exc.strerror}") from None
    except UnicodeDecodeError as exc:
        raise CsvFileError(
            f"{path}: not UTF-8 (byte 0x{exc.object[exc.start]:02x} at offset {exc.start}); "
            "save the file as CSV UTF-8"
        ) from None
    except csv.Error as exc:
        raise CsvFileError(f"{path}: not a readable CSV file: {exc}") from None
    if not header or not any(h.strip() for h in header):
        raise CsvFileError(f"{path}: the file is empty or has no header row")
    names = [h.strip() for h in header]
    seen: set[str] = set()
    for name in names:
        if name and name in seen:
            raise CsvFileError(f"{path}: the header names column {name!r} twice")
        seen.add(name)
    return names, rows


@dataclass
class Plan:
    """Which CSV column feeds which target, decided once from the header."""

    rules: list[tuple[int, ColumnRule]]
    ignored: list[str]  # columns nobody asked for, reported once
    missing: list[str]  # mapped columns the file does not have
    read_only: list[str]


def plan_columns(header: list[str], mapping: Mapping) -> Plan:
    targets = valid_targets()
    by_column: dict[str, ColumnRule] = {r.column: r for r in mapping.rules}
    lowered = {r.column.strip().lower(): r for r in mapping.rules}
    rules: list[tuple[int, ColumnRule]] = []
    ignored: list[str] = []
    read_only: list[str] = []
    used: set[str] = set()
    for index, name in enumerate(header):
        rule = by_column.get(name) or lowered.get(name.lower())
        if rule is not None:
            used.add(rule.column)
            if rule.target != IGNORE:
                rules.append((index, rule))
        elif name in mapping.ignore or not name:
            continue
        elif name in READ_ONLY_COLUMNS:
            read_only.append(name)
        elif mapping.by_header and name in targets:
            rules.append((index, ColumnRule(column=name, target=name)))
        else:
            ignored.append(name)
    missing = [r.column for r in mapping.rules if r.column not in used and r.target != IGNORE]
    if not rules:
        raise CsvFileError(
            "no column of the file maps onto a customer field "
            f"(columns: {', '.join(header[:8])}{'...' if len(header) > 8 else ''})"
        )
    return Plan(rules=rules, ignored=ignored, missing=missing, read_only=read_only)


# -- import ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Rejected:
    row: int
    reason: str
    values: list[str]

    def __str__(self) -> str:
        return f"row {self.row}: {self.reason}"


@dataclass
class ImportReport:
    imported: int = 0
    rejected: list[Rejected] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    missing_columns: list[str] = field(default_factory=list)
    read_only_columns: list[str] = field(default_factory=list)
    header: list[str] = field(default_factory=list)
    dry_run: bool = False
    # The last row whose batch is committed: a re-run continues with --start-row (this + 1).
    committed_through: int = 1
    seconds: float = 0.0

    @property
    def exit_code(self) -> int:
        return 1 if self.rejected else 0


ProgressFn = Callable[[int], None]


class CustomerImporter:
    def __init__(
        self,
        backend: Backend,
        mapping: Mapping | None = None,
        *,
        batch_size: int = DEFAULT_BATCH,
        employee_id: int | None = None,
    ) -> None:
        self.b = backend
        self.mapping = mapping or Mapping()
        self.batch_size = max(1, batch_size)
        self.employee_id = employee_id
        self._refs: dict[str, dict[str, int]] = {}
        # The report of the running import: after an interruption, what was committed.
        self.report = ImportReport()

    def run(
        self,
        path: Path,
        *,
        dry_run: bool = False,
        start_row: int = 2,
        progress: ProgressFn | None = None,
        on_plan: Callable[[Plan, int], None] | None = None,
    ) -> ImportReport:
        """Import ``path``; raises :class:`CsvFileError` when the file cannot be used at all."""
        started = time.perf_counter()
        header, rows = read_csv(path)
        plan = plan_columns(header, self.mapping)
        report = ImportReport(
            ignored_columns=plan.ignored,
            missing_columns=plan.missing,
            read_only_columns=plan.read_only,
            header=header,
            dry_run=dry_run,
            committed_through=max(1, start_row - 1),
        )
        self.report = report
        numbered = [(n, r) for n, r in enumerate(rows, start=2) if n >= start_row]
        if on_plan is not None:
            on_plan(plan, len(numbered))
        tick = progress or (lambda _n: None)
        db = self.b.db
        # A bigger page cache keeps the unique indexes in memory as the table grows.
        bulk.use_large_cache(db)
        service = CustomerService(self.b)
        self._load_refs()
        accounts_in_file = self._accounts_in_file(plan, numbered)
        deferred: list[tuple[int, list[str]]] = []

        def one(number: int, values: list[str], *, final: bool) -> None:
            if not any(v.strip() for v in values):
                return  # a blank line is not a customer
            if len(values) != len(header):
                report.rejected.append(
                    Rejected(
                        number,
                        f"the row has {len(values)} fields, the header {len(header)}",
                        values,
                    )
                )
                return
            try:
                kwargs = self._row_to_create(plan, values, accounts_in_file, final=final)
                if kwargs is None:
                    deferred.append((number, values))
                    return
                code = kwargs.pop("wanted_code")
                with write(db):  # a savepoint: a refused row takes back only itself
                    service.create(
                        **kwargs,
                        employee_id=self.employee_id,
                        generated_card_code=code,
                        audit_action="import",
                        audit_note={"import": {"file": path.name, "row": number}},
                    )
                report.imported += 1
            except FieldError as exc:
                report.rejected.append(Rejected(number, exc.message, values))
            except sqlite3.IntegrityError as exc:
                report.rejected.append(Rejected(number, f"refused by the database: {exc}", values))
            except ValueError as exc:
                report.rejected.append(Rejected(number, str(exc), values))

        if dry_run:
            # Everything in one transaction that is rolled back: the checks see earlier rows.
            with bulk.rolled_back(db):
                for number, values in numbered:
                    one(number, values, final=False)
                    tick(1)
                for number, values in deferred:
                    one(number, values, final=True)
        else:
            for batch in _chunks(numbered, self.batch_size):
                with write(db):
                    for number, values in batch:
                        one(number, values, final=False)
                report.committed_through = batch[-1][0]
                tick(len(batch))
            if deferred:
                with write(db):
                    for number, values in list(deferred):
                        one(number, values, final=True)
        report.rejected.sort(key=lambda r: r.row)
        report.seconds = time.perf_counter() - started
        return report

    # -- one row -----------------------------------------------------------------------------
    def _load_refs(self) -> None:
        db = self.b.db
        for column, (_field, table, key, alt) in REF_COLUMNS.items():
            lookup: dict[str, int] = {}
            for row_id, name in bulk.ids_by_key(db, table, alt).items():
                lookup.setdefault(name.strip().lower(), row_id)
            for row_id, code in bulk.ids_by_key(db, table, key).items():
                lookup[code.strip().lower()] = row_id  # a code wins over a name
            self._refs[column] = lookup
        for column, table in LIST_COLUMNS.items():
            self._refs[column] = {
                code.strip().lower(): row_id for row_id, code in bulk.ids_by_key(db, table).items()
            }

    def _accounts_in_file(self, plan: Plan, numbered: list[tuple[int, list[str]]]) -> set[str]:
        indexes = [i for i, r in plan.rules if r.target == "account_number"]
        if not indexes:
            return set()
        rule = next(r for _i, r in plan.rules if r.target == "account_number")
        return {
            rule.apply(values[indexes[0]]).strip()
            for _n, values in numbered
            if len(values) > indexes[0] and values[indexes[0]].strip()
        }

    def _row_to_create(
        self, plan: Plan, values: list[str], accounts_in_file: set[str], *, final: bool
    ) -> dict[str, Any] | None:
        """The keyword arguments of ``CustomerService.create`` for one row (None: try later)."""
        raw: dict[str, str] = {}
        for index, rule in plan.rules:
            value = rule.apply(values[index])
            # Two columns on one target: the first non-empty one wins.
            if value and rule.target not in raw and not value.isspace():
                raw[rule.target] = value
        for target, value in self.mapping.defaults.items():
            raw.setdefault(target, value)
        data: dict[str, Any] = {}
        addresses: dict[str, dict[str, str]] = {}
        team_ids: list[int] | None = None
        exempt_ids: list[int] | None = None
        link_account: str | None = None
        opening = pin = None
        # Empty cells are not given: customer type defaults and column defaults apply.
        for target, value in raw.items():
            if "." in target:
                kind, part = target.split(".", 1)
                addresses.setdefault(kind, {})[part] = value
            elif target in REF_COLUMNS:
                id_field = REF_COLUMNS[target][0]
                found = self._refs[target].get(value.strip().lower())
                if found is None:
                    label = target.replace("_", " ").capitalize()
                    raise FieldError(id_field, f"{label} {value.strip()!r} does not exist")
                data[id_field] = found
            elif target in LIST_COLUMNS:
                ids = []
                for code in (c.strip() for c in value.split(";")):
                    if not code:
                        continue
                    found = self._refs[target].get(code.lower())
                    if found is None:
                        what = "Team" if target == "teams" else "Tax"
                        raise FieldError(target, f"{what} {code!r} does not exist")
                    ids.append(found)
                if target == "teams":
                    team_ids = ids
                else:
                    exempt_ids = ids
            elif target == LINK_COLUMN:
                link_account = value.strip()
            elif target == "opening_points":
                opening = value.strip()
            elif target == "pin":
                pin = value.strip()
            elif target == "card_number" and _GENERATED_CODE.match(value.strip()):
                data["__code"] = value.strip()
            else:
                data[target] = value
        wanted_code = data.pop("__code", None)
        if link_account:
            linked = self.b.customers.by_account(link_account, active_only=False)
            if linked is None:
                if not final and link_account in accounts_in_file:
                    return None  # the referring customer comes later in the file
                raise FieldError(
                    "link_customer_id", f"Link customer: no customer with account {link_account}"
                )
            data["link_customer_id"] = linked["id"]
        return {
            "data": data,
            "addresses": [{"address_type": kind, **parts} for kind, parts in addresses.items()]
            or None,
            "team_ids": team_ids,
            "exempt_tax_ids": exempt_ids,
            "pin": pin or None,
            "opening_points": _points(opening),
            "wanted_code": wanted_code,
        }


def _points(text: str | None) -> Decimal | None:
    if not text:
        return None
    try:
        value = Decimal(text.replace(",", ""))
    except ArithmeticError:
        raise FieldError(
            "opening_points", f"Opening points must be a number, not {text!r}"
        ) from None
    if not value.is_finite():
        raise FieldError("opening_points", f"Opening points must be a number, not {text!r}")
    return value


def _chunks(items: list[tuple[int, list[str]]], size: int) -> Iterator[list[tuple[int, list[str]]]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def write_rejects(path: Path, report: ImportReport) -> None:
    """The refused rows as they were read, with their row number and reason, ready to fix."""
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow([*report.header, "import_row", "import_reason"])
        for rejected in report.rejected:
            values = list(rejected.values) + [""] * (len(report.header) - len(rejected.values))
            writer.writerow([*values, rejected.row, rejected.reason])


# -- export ----------------------------------------------------------------------------------
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
    columns += list(READ_ONLY_COLUMNS)
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
            out += [str(points.get(cid, Decimal(0))), str(owed.get(cid, Decimal(0)))]
            writer.writerow(out)
            count += 1
            if count % 1000 == 0:
                tick(1000)
        tick(count % 1000)
    return count
