"""The import run: every row through ``CustomerService.create``, committed in batches.

Inside a batch each row has its own savepoint, so a refused row takes back only itself; refused
rows are reported with their row number and reason (and can be written back out to fix). A row
whose referring customer comes later in the file is tried again at the end.

Every lane shares the database, so the import never keeps them waiting: a batch ends when the
next row would take its write lock past :data:`LOCK_BUDGET_S` (as measured on this import's own
rows: a row with a PIN to hash takes longer), and between batches the lanes write. A dry run
never takes the lock at all: it is the same import into a snapshot of the store
(``storage.db.snapshot``), thrown away after, so it checks every rule a real import would,
duplicates within the file included.
"""

from __future__ import annotations

import csv
import os
import re
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from pos_tui.services.customers.csv_io.columns import (
    LINK_COLUMN,
    LIST_COLUMNS,
    OPENING_BALANCE_COLUMNS,
    REF_COLUMNS,
    ProgressFn,
)
from pos_tui.services.customers.csv_io.mapping import Mapping
from pos_tui.services.customers.csv_io.reading import Plan, plan_columns, read_csv
from pos_tui.services.customers.fields import FieldError
from pos_tui.services.customers.rules import decimal_or_none
from pos_tui.services.customers.service import CustomerService, OpeningBalance
from pos_tui.services.runtime.backend import Backend
from pos_tui.services.staff.pins import PIN_RULE
from pos_tui.storage import bulk
from pos_tui.storage.db import snapshot, write
from pos_tui.storage.errors import ConstraintRefused

# The most rows one transaction takes (the lock budget usually ends a batch first).
DEFAULT_BATCH = 500
# How long one batch may keep the write lock, rows and COMMIT: half the 100 ms every lane is
# promised, so a row slower than the ones before it still ends the batch in time.
LOCK_BUDGET_S = 0.05
# How fast a row's usual time follows the rows timed (an exponential moving average).
_AVERAGING = 0.2
# After each batch the import steps aside this long, so a lane waiting for the lock (it asks
# again every 0.1-0.5 ms, storage/db.py) takes it before the next batch does.
_STEP_ASIDE_S = 0.002
# A card code CustomerService generates for an empty card number (5 characters, not all digits).
_GENERATED_CODE = re.compile(r"^(?=.*[A-Z])[A-Z0-9]{5}$")


@dataclass(frozen=True)
class Rejected:
    row: int
    reason: str
    values: list[str]

    def __str__(self) -> str:
        return f"row {self.row}: {self.reason}"

    def without_secrets(self, columns: list[int]) -> Rejected:
        """The row with its PIN cells emptied (and any PIN taken out of the reason): a refused
        row is shown, printed and written to the rejects file, a PIN never."""
        secrets = {self.values[i].strip() for i in columns if i < len(self.values)} - {""}
        if not secrets:
            return self
        values = ["" if i in columns else v for i, v in enumerate(self.values)]
        reason = _masked(self.reason, secrets)
        return Rejected(self.row, f"{reason} (PIN left out: enter it again)", values)


def _masked(reason: str, secrets: set[str]) -> str:
    """The reason with every PIN typed masked where it stands as a value of its own (not the
    "12" of a longer number, nor the digits of the PIN rule's own words)."""
    parts = reason.split(PIN_RULE)
    for secret in secrets:
        whole = re.compile(rf"(?<![0-9A-Za-z]){re.escape(secret)}(?![0-9A-Za-z])")
        parts = [whole.sub("****", part) for part in parts]
    return PIN_RULE.join(parts)


@dataclass
class ImportReport:
    imported: int = 0
    rejected: list[Rejected] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    missing_columns: list[str] = field(default_factory=list)
    read_only_columns: list[str] = field(default_factory=list)
    header: list[str] = field(default_factory=list)
    # Columns holding PINs: never written back out (``Rejected.without_secrets``).
    secret_columns: list[int] = field(default_factory=list)
    dry_run: bool = False
    # The last row whose batch is committed: a re-run continues with --start-row (this + 1).
    committed_through: int = 1
    seconds: float = 0.0
    # Transactions committed and the longest time one of them held the write lock (seconds,
    # BEGIN IMMEDIATE taken to COMMIT done; a dry run holds none).
    batches: int = 0
    longest_lock_s: float = 0.0

    @property
    def exit_code(self) -> int:
        return 1 if self.rejected else 0


class CustomerImporter:
    def __init__(
        self,
        backend: Backend,
        mapping: Mapping | None = None,
        *,
        batch_size: int = DEFAULT_BATCH,
        employee_id: int | None = None,
        lock_budget_s: float = LOCK_BUDGET_S,
        clock: Callable[[], float] = time.perf_counter,
    ) -> None:
        self.b = backend
        self.mapping = mapping or Mapping()
        self.batch_size = max(1, batch_size)
        self.employee_id = employee_id
        self.lock_budget_s = lock_budget_s
        self.clock = clock
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
        """Import ``path``; raises :class:`CsvFileError` when the file cannot be used at all.

        ``dry_run``: every row checked as a real import would, against a snapshot of the
        store; nothing is stored and no lane waits for it."""
        if dry_run:
            with self._into_snapshot() as scratch:
                report = scratch.run(path, start_row=start_row, progress=progress, on_plan=on_plan)
            report.dry_run, report.batches, report.longest_lock_s = True, 0, 0.0
            self.report = report
            return report
        started = time.perf_counter()
        header, rows = read_csv(path)
        plan = plan_columns(header, self.mapping)
        report = ImportReport(
            ignored_columns=plan.ignored,
            missing_columns=plan.missing,
            read_only_columns=plan.read_only,
            header=header,
            secret_columns=[i for i, rule in plan.rules if rule.target == "pin"],
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
            except ConstraintRefused as exc:
                report.rejected.append(Rejected(number, exc.message, values))
            except (ValueError, ArithmeticError) as exc:
                # A check the service missed still refuses only this row (OverflowError too).
                report.rejected.append(Rejected(number, str(exc), values))

        for done in self._batches(numbered, lambda n, v: one(n, v, final=False)):
            report.committed_through = done[-1][0]
            tick(len(done))
        for _done in self._batches(list(deferred), lambda n, v: one(n, v, final=True)):
            pass
        report.rejected = sorted(
            (r.without_secrets(report.secret_columns) for r in report.rejected),
            key=lambda r: r.row,
        )
        report.seconds = time.perf_counter() - started
        return report

    # -- batches -----------------------------------------------------------------------------
    def _batches(
        self, rows: list[tuple[int, list[str]]], one: Callable[[int, list[str]], None]
    ) -> Iterator[list[tuple[int, list[str]]]]:
        """Run ``one`` on every row, a transaction at a time; yields each batch once committed
        (the lanes write while the caller looks at it).

        A batch ends at ``batch_size`` rows, or before the lock would outlast the budget: when
        the time it took so far plus twice a row's usual time plus its COMMIT reaches it. Rows
        are timed as they go (a moving average), so a file of PINs to hash gets smaller batches
        than one of names, and one slow moment does not shrink every batch after it. The COMMIT
        is counted at the slowest one lately (it waits for the disk: on a busy machine one took
        62 ms after 45 ms of rows, a lock of 107 ms), rising at once and easing off as the
        commits are quick again. Between batches the import steps aside a moment: SQLite's
        lock is no queue, and an import that took it again at once could keep a waiting lane
        out for several batches."""
        report, clock, budget = self.report, self.clock, self.lock_budget_s
        usual: float | None = None  # a row's time, averaged over the rows so far
        commit = 0.0  # a COMMIT's time: the slowest lately
        start = 0
        while start < len(rows):
            end = start
            with write(self.b.db):
                began = last = clock()
                while end < len(rows) and end - start < self.batch_size:
                    one(*rows[end])
                    end += 1
                    now = clock()
                    took, last = now - last, now
                    usual = took if usual is None else usual + _AVERAGING * (took - usual)
                    if now - began + 2 * usual + commit >= budget:
                        break
            held = clock() - began
            commit = max(held - (last - began), commit * (1 - _AVERAGING))
            report.batches += 1
            report.longest_lock_s = max(report.longest_lock_s, held)
            yield rows[start:end]
            start = end
            if start < len(rows) and budget != float("inf"):
                time.sleep(_STEP_ASIDE_S)

    @contextmanager
    def _into_snapshot(self) -> Iterator[CustomerImporter]:
        """This importer pointed at a throwaway copy of the store: the copy is read in one read
        transaction (the lanes go on writing meanwhile) into a temporary file."""
        with tempfile.TemporaryDirectory(prefix="pos-tui-dry-run-") as folder:
            copy = snapshot(self.b.db, f"{folder}/snapshot.db")
            try:
                yield CustomerImporter(
                    Backend(db=copy, settings=self.b.settings, now=self.b.now),
                    self.mapping,
                    batch_size=max(self.batch_size, DEFAULT_BATCH),
                    employee_id=self.employee_id,
                    lock_budget_s=float("inf"),  # nobody else writes the copy
                )
            finally:
                copy.conn.close()

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
        cells = _Cells()
        # Empty cells are not given: customer type defaults and column defaults apply.
        for target, value in self._raw_values(plan, values).items():
            self._sort_cell(cells, target, value)
        wanted_code = cells.data.pop("__code", None)
        if cells.link_account:
            linked = self.b.customers.by_account(cells.link_account, active_only=False)
            if linked is None:
                if not final and cells.link_account in accounts_in_file:
                    return None  # the referring customer comes later in the file
                raise FieldError(
                    "link_customer_id",
                    f"Link customer: no customer with account {cells.link_account}",
                )
            cells.data["link_customer_id"] = linked.id
        return {
            "data": cells.data,
            "addresses": [
                {"address_type": kind, **parts} for kind, parts in cells.addresses.items()
            ]
            or None,
            "team_ids": cells.team_ids,
            "exempt_tax_ids": cells.exempt_ids,
            "pin": cells.pin or None,
            "opening_points": _points(cells.opening),
            "opening_balance": OpeningBalance.parse(
                *(cells.balance.get(c) for c in OPENING_BALANCE_COLUMNS),
                today=self.b.now().date(),
                places=self.b.settings.currency.minor_unit,
            ),
            "wanted_code": wanted_code,
        }

    def _raw_values(self, plan: Plan, values: list[str]) -> dict[str, str]:
        """The row's text by target, the mapping's defaults filling the targets left empty."""
        raw: dict[str, str] = {}
        for index, rule in plan.rules:
            value = rule.apply(values[index])
            # Two columns on one target: the first non-empty one wins.
            if value and rule.target not in raw and not value.isspace():
                raw[rule.target] = value
        for target, value in self.mapping.defaults.items():
            raw.setdefault(target, value)
        return raw

    def _sort_cell(self, cells: _Cells, target: str, value: str) -> None:
        """One non-empty cell put where ``create`` takes it."""
        if "." in target:
            kind, part = target.split(".", 1)
            cells.addresses.setdefault(kind, {})[part] = value
        elif target in REF_COLUMNS:
            cells.data[REF_COLUMNS[target][0]] = self._ref_id(target, value)
        elif target in LIST_COLUMNS:
            ids = self._list_ids(target, value)
            if target == "teams":
                cells.team_ids = ids
            else:
                cells.exempt_ids = ids
        elif target == LINK_COLUMN:
            cells.link_account = value.strip()
        elif target == "opening_points":
            cells.opening = value.strip()
        elif target == "pin":
            cells.pin = value.strip()
        elif target in OPENING_BALANCE_COLUMNS:
            cells.balance[target] = value
        elif target == "card_number" and _GENERATED_CODE.match(value.strip()):
            cells.data["__code"] = value.strip()
        else:
            cells.data[target] = value

    def _ref_id(self, target: str, value: str) -> int:
        """The id of the referenced row named (by code or name) in a reference column."""
        found = self._refs[target].get(value.strip().lower())
        if found is None:
            label = target.replace("_", " ").capitalize()
            raise FieldError(REF_COLUMNS[target][0], f"{label} {value.strip()!r} does not exist")
        return found

    def _list_ids(self, target: str, value: str) -> list[int]:
        """The ids of the teams or taxes of a ``;``-separated list of codes."""
        ids = []
        for code in (c.strip() for c in value.split(";")):
            if not code:
                continue
            found = self._refs[target].get(code.lower())
            if found is None:
                what = "Team" if target == "teams" else "Tax"
                raise FieldError(target, f"{what} {code!r} does not exist")
            ids.append(found)
        return ids


@dataclass
class _Cells:
    """One row's cells sorted by where ``CustomerService.create`` takes them."""

    data: dict[str, Any] = field(default_factory=dict)
    addresses: dict[str, dict[str, str]] = field(default_factory=dict)
    team_ids: list[int] | None = None
    exempt_ids: list[int] | None = None
    link_account: str | None = None
    opening: str | None = None
    pin: str | None = None
    balance: dict[str, str] = field(default_factory=dict)


def _points(text: str | None) -> Decimal | None:
    return decimal_or_none(text, "opening_points") if text else None


def write_rejects(path: Path, report: ImportReport) -> None:
    """The refused rows as they were read (PINs left out), with their row number and reason,
    ready to fix. Only the owner may read the file (0600): it holds customers' details."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(fd, 0o600)  # a file that was there keeps its inode and its old mode otherwise
    with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow([*report.header, "import_row", "import_reason"])
        for rejected in report.rejected:
            values = list(rejected.values) + [""] * (len(report.header) - len(rejected.values))
            writer.writerow([*values, rejected.row, rejected.reason])
