"""The sales journal: committed sales and returns, hash-chained per lane.

Each sale's seal (``hash``) covers its own rows and the seal of the lane's previous sale, so
changing or deleting any committed sale breaks every link after it; ``verify`` names the first
broken one. How a sale is serialised for its seal, by version: :mod:`.journal_seal`.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from pos_tui.engine.money import ZERO, to_decimal
from pos_tui.storage.db import write
from pos_tui.storage.journal_seal import (
    CHILD_FIELDS,
    CHILD_TABLES,
    CURRENT_VERSION,
    DECIMAL_FIELDS,
    GENESIS,
    SALE_FIELDS,
    SEALS,
    SealParts,
    fixed_point,
    in_tax_order,
    normalise,
    seal_from_parts,
    seal_parts,
    seal_v1,
    v1_tax_order,
)
from pos_tui.storage.journal_z import check_z_reports
from pos_tui.storage.rows import Row, all_as, all_rows, as_row, insert, one_as, table_row

if TYPE_CHECKING:
    import sqlite_utils

__all__ = [
    "GENESIS",
    "BrokenLink",
    "JournalCheck",
    "JournalRepository",
    "LaneWalk",
    "PreparedSale",
    "Reseal",
    "SaleChildren",
    "SaleDiscountRow",
    "SaleLineRow",
    "SaleRow",
    "SaleTaxRow",
    "SaleTenderRow",
]

# Sales are verified this many at a time: their rows come in one query per child table.
_BATCH = 500


# --- Typed rows ---------------------------------------------------------------------------------
#
# What callers read field by field: a sale (or return, or till record) and its rows, amounts and
# points as Decimal. The seal (append, check, the re-seal migration and head office's LaneWalk)
# hashes every column exactly as stored, so it keeps reading column maps (sales_in_batches,
# child_rows_of): a typed row's Decimal is not the stored text a seal covers.


@table_row("sales")
@dataclass(frozen=True, slots=True)
class SaleRow:
    id: int
    lane_id: str
    store_id: str
    # The sale's number in its lane's chain (1, 2, ...).
    sale_number: int
    # 'sale', 'return', or a till record (payments on account, shift records, ...).
    kind: str
    original_sale_id: int | None
    customer_id: int | None
    employee_id: int | None
    committed_at: str
    subtotal: Decimal
    discount_total: Decimal
    tax_total: Decimal
    total: Decimal
    points_earned: Decimal
    points_base: Decimal
    referral_customer_id: int | None
    referral_points: Decimal
    points_used: Decimal
    reference: str | None
    # How the engine priced it (JSON text).
    explanation: str
    prev_hash: str
    hash: str
    hash_version: int


@table_row("sale_lines")
@dataclass(frozen=True, slots=True)
class SaleLineRow:
    sale_id: int
    line_no: int
    item_id: int | None
    sku: str
    description: str
    quantity: Decimal
    unit_price: Decimal
    price_source: str
    discount: Decimal
    tax: Decimal
    total: Decimal
    # A return's line: the line of the original sale it gives back.
    original_line_no: int | None


@table_row("sale_discounts")
@dataclass(frozen=True, slots=True)
class SaleDiscountRow:
    id: int
    sale_id: int
    # None: a discount of the whole sale.
    line_no: int | None
    kind: str
    description: str
    amount: Decimal


@table_row("sale_taxes")
@dataclass(frozen=True, slots=True)
class SaleTaxRow:
    sale_id: int
    tax_code: str
    taxable: Decimal
    amount: Decimal


@table_row("sale_tenders")
@dataclass(frozen=True, slots=True)
class SaleTenderRow:
    sale_id: int
    seq: int
    kind: str
    amount: Decimal
    reference: str | None
    # Points redeemed (a points tender), else None.
    points: Decimal | None
    change_given: Decimal


@dataclass(frozen=True, slots=True)
class SaleChildren:
    """A sale's rows, each kind in its natural order (lines by number, taxes by code, ...)."""

    lines: list[SaleLineRow]
    discounts: list[SaleDiscountRow]
    taxes: list[SaleTaxRow]
    tenders: list[SaleTenderRow]

    @classmethod
    def of(cls, rows: dict[str, list[Row]]) -> SaleChildren:
        return cls(
            lines=[as_row(SaleLineRow, r) for r in rows["lines"]],
            discounts=[as_row(SaleDiscountRow, r) for r in rows["discounts"]],
            taxes=[as_row(SaleTaxRow, r) for r in rows["taxes"]],
            tenders=[as_row(SaleTenderRow, r) for r in rows["tenders"]],
        )


@dataclass(frozen=True, slots=True)
class PreparedSale:
    """A sale ready to be numbered, sealed and stored (:meth:`JournalRepository.prepare`)."""

    record: Row
    children: dict[str, list[Row]]
    parts: SealParts


@dataclass(frozen=True)
class BrokenLink:
    lane_id: str
    sale_number: int
    sale_id: int | None
    reason: str

    def __str__(self) -> str:
        return f"lane {self.lane_id} sale {self.sale_number}: {self.reason}"


@dataclass(frozen=True)
class Reseal:
    """A lane's chain re-sealed by a migration (a ``journal_migrations`` row)."""

    lane_id: str
    from_sale_number: int
    to_sale_number: int
    migration: str
    migrated_at: str
    reason: str

    def __str__(self) -> str:
        return (
            f"lane {self.lane_id} re-sealed from sale {self.from_sale_number} to sale "
            f"{self.to_sale_number} on {self.migrated_at.replace('T', ' ')} by migration "
            f"{self.migration}: {self.reason}"
        )


@dataclass(frozen=True)
class JournalCheck:
    """What ``verify`` found: sales checked, the first broken link, and how the chain is sealed."""

    checked: int
    broken: BrokenLink | None
    # Sales checked per seal version.
    versions: dict[int, int] = field(default_factory=dict)
    reseals: tuple[Reseal, ...] = ()
    # (lane, sale number) of v1 seals that hold only in the engine's tax order: written by a
    # pos-tui before 0007 after the migration ran (a lane not yet upgraded on a shared file).
    engine_order: tuple[tuple[str, int], ...] = ()
    # Z reports checked against the records of their shifts (journal_z).
    z_reports: int = 0


class JournalRepository:
    def __init__(self, db: sqlite_utils.Database) -> None:
        self.db = db
        self._defaults: dict[str, dict[str, Any]] = {}

    def last(self, lane_id: str) -> SaleRow | None:
        cur = self.db.execute(
            "SELECT * FROM sales WHERE lane_id = ? ORDER BY sale_number DESC LIMIT 1", [lane_id]
        )
        return one_as(SaleRow, cur)

    def append(self, sale: Row, children: dict[str, list[Row]]) -> SaleRow:
        """Number, seal and store a sale with its rows; returns the stored sale row.

        Every value is first made what it will read back as (:func:`normalise`), so the seal
        covers exactly what is stored: verify reads the same text and numbers and sorts the
        rows the same way."""
        return self.append_prepared(self.prepare(sale, children))

    def prepare(self, sale: Row, children: dict[str, list[Row]]) -> PreparedSale:
        """Everything of :meth:`append` but the numbering, sealing and writing: the rows
        completed and normalised and the seal's body written but for the chain's link. Reads
        only the tables' column defaults (once), so it is done before the write lock."""
        unknown = set(children) - set(CHILD_TABLES)
        if unknown:
            raise ValueError(f"unknown kinds of sale rows: {sorted(unknown)}")
        completed = self._complete("sales", {**sale, "sale_number": 0})
        record: Row = {k: normalise(k, completed.get(k), "sales") for k in SALE_FIELDS}
        rows = {
            kind: [self._complete(table, row) for row in children.get(kind, [])]
            for kind, table in CHILD_TABLES.items()
        }
        return PreparedSale(record, rows, seal_parts(record, rows))

    def append_prepared(self, prepared: PreparedSale, **changes: Any) -> SaleRow:
        """Number, seal and store a sale made ready by :meth:`prepare`, with ``changes`` to its
        sale row (the time of the commit: what only the write lock knows)."""
        record = dict(prepared.record)
        for name, value in changes.items():
            if name not in record:
                raise ValueError(f"sales: unknown column {name!r}")
            record[name] = normalise(name, value, "sales")
        rows = prepared.children
        with write(self.db):
            # Only the number and seal of the lane's last sale (not its rows and explanation).
            last = self.db.execute(
                "SELECT sale_number, hash FROM sales WHERE lane_id = ? "
                "ORDER BY sale_number DESC LIMIT 1",
                [record["lane_id"]],
            ).fetchone()
            number = (last[0] + 1) if last else 1
            prev = last[1] if last else GENESIS
            record["sale_number"] = number
            record["prev_hash"] = prev
            record["hash_version"] = CURRENT_VERSION
            # The parts are v2's form, the current one (journal_seal: a v3 gets its own).
            record["hash"] = seal_from_parts(prev, record, prepared.parts)
            conn = self.db.conn
            sale_id = insert(conn, "sales", record)
            for kind, kind_rows in rows.items():
                if kind_rows:
                    # Completed rows all carry the table's columns in one order.
                    table, columns = CHILD_TABLES[kind], ", ".join([*kind_rows[0], "sale_id"])
                    marks = ", ".join("?" * (len(kind_rows[0]) + 1))
                    conn.executemany(
                        f"INSERT INTO {table} ({columns}) VALUES ({marks})",
                        [[*r.values(), sale_id] for r in kind_rows],
                    )
            return as_row(SaleRow, {**record, "id": sale_id})

    def _complete(self, table: str, row: Row) -> Row:
        """The row as it will read back: column defaults filled in, values normalised."""
        defaults = self._defaults.get(table)
        if defaults is None:
            info = self.db.execute(f"PRAGMA table_info({table})").fetchall()
            defaults = self._defaults[table] = {
                name: _literal(default)
                for _, name, _, _, default, _ in info
                if name not in ("id", "sale_id")
            }
        if not defaults.keys() >= row.keys():
            unknown = set(row) - set(defaults) - {"id", "sale_id"}
            if unknown:
                raise ValueError(f"{table}: unknown columns {sorted(unknown)}")
        if table == "sales":
            return {name: row.get(name, default) for name, default in defaults.items()}
        hashed = _HASHED[table]
        out = {**defaults, **row}
        for name in hashed:
            value = out[name]
            # The common case, text the checkout made (str(Decimal) with no exponent): as is.
            if value.__class__ is not str or name not in DECIMAL_FIELDS or not _fixed(value):
                out[name] = normalise(name, value, table)
        # In the columns' order (inserts list them so), without id / sale_id.
        return {name: out[name] for name in defaults}

    def get(self, sale_id: int) -> SaleRow | None:
        return one_as(SaleRow, self.db.execute("SELECT * FROM sales WHERE id = ?", [sale_id]))

    def by_number(self, lane_id: str, sale_number: int) -> SaleRow | None:
        cur = self.db.execute(
            "SELECT * FROM sales WHERE lane_id = ? AND sale_number = ?", [lane_id, sale_number]
        )
        return one_as(SaleRow, cur)

    def for_customer(
        self,
        customer_id: int,
        *,
        start: str | None = None,
        end: str | None = None,
        limit: int = 1000,
    ) -> list[SaleRow]:
        # Sales and returns only: payments on account and other till records are not sales.
        sql = "SELECT * FROM sales WHERE customer_id = ? AND kind IN ('sale', 'return')"
        params: list[Any] = [customer_id]
        if start:
            sql += " AND committed_at >= ?"
            params.append(start)
        if end:
            sql += " AND committed_at < ?"
            params.append(end)
        return all_as(
            SaleRow, self.db.execute(sql + " ORDER BY committed_at, id LIMIT ?", [*params, limit])
        )

    def returned_quantities(self, sale_id: int) -> dict[int, Decimal]:
        """Per original line number, how much returns have already given back."""
        cur = self.db.execute(
            "SELECT l.original_line_no, l.quantity FROM sales s JOIN sale_lines l ON l.sale_id = s.id "
            "WHERE s.original_sale_id = ? AND s.kind = 'return' AND l.original_line_no IS NOT NULL",
            [sale_id],
        )
        out: dict[int, Decimal] = {}
        for line_no, quantity in cur.fetchall():
            out[line_no] = out.get(line_no, ZERO) + abs(to_decimal(quantity))
        return out

    def recent(self, lane_id: str | None = None, *, limit: int = 50) -> list[SaleRow]:
        sql = (
            "SELECT * FROM sales"
            + (" WHERE lane_id = ?" if lane_id else "")
            + " ORDER BY id DESC LIMIT ?"
        )
        return all_as(SaleRow, self.db.execute(sql, [lane_id, limit] if lane_id else [limit]))

    def lanes(self) -> list[str]:
        return [
            r[0]
            for r in self.db.execute(
                "SELECT DISTINCT lane_id FROM sales ORDER BY lane_id"
            ).fetchall()
        ]

    def children(self, sale_id: int) -> SaleChildren:
        return self.children_of([sale_id])[sale_id]

    def children_of(self, sale_ids: Sequence[int]) -> dict[int, SaleChildren]:
        """The rows of each sale, typed: one query per child table."""
        return {sid: SaleChildren.of(rows) for sid, rows in self.child_rows_of(sale_ids).items()}

    def child_rows_of(self, sale_ids: Sequence[int]) -> dict[int, dict[str, list[Row]]]:
        """The rows of each sale as stored (column maps, for the seal and for sync), each kind
        in its natural order: one query per child table."""
        out: dict[int, dict[str, list[Row]]] = {
            sid: {kind: [] for kind in CHILD_TABLES} for sid in sale_ids
        }
        if not sale_ids:
            return out
        marks = ", ".join("?" * len(sale_ids))
        for kind, table in CHILD_TABLES.items():
            cur = self.db.execute(
                f"SELECT * FROM {table} WHERE sale_id IN ({marks}) ORDER BY sale_id, "
                + _READ_ORDER[kind],
                list(sale_ids),
            )
            for row in all_rows(cur):
                out[row["sale_id"]][kind].append(row)
        return out

    def verify(self, lane_id: str | None = None) -> tuple[int, BrokenLink | None]:
        """Check every lane's chain (or one); returns (sales checked, first broken link or None)."""
        check = self.check(lane_id)
        return check.checked, check.broken

    def check(self, lane_id: str | None = None) -> JournalCheck:
        """Check every lane's chain (or one): each sale's seal by its version, each link, and
        each re-seal record of a migration against both the new and the original seals."""
        checked = 0
        versions: dict[int, int] = {}
        engine_order: list[tuple[str, int]] = []
        z_reports = 0
        lanes = [lane_id] if lane_id else self.lanes()
        for lane in lanes:
            walk = _LaneWalk(lane, self._reseal_records(lane))
            for batch in self.sales_in_batches(lane):
                kids = self.child_rows_of([s["id"] for s in batch])
                for sale in batch:
                    broken = walk.step(sale, kids[sale["id"]])
                    if broken is not None:
                        return JournalCheck(checked, broken, versions)
                    version = int(sale["hash_version"])
                    versions[version] = versions.get(version, 0) + 1
                    checked += 1
            engine_order.extend((lane, n) for n in walk.engine_order)
            counted, problem = check_z_reports(self.db, lane)
            if problem is not None:
                return JournalCheck(checked, BrokenLink(lane, *problem), versions)
            z_reports += counted
        return JournalCheck(
            checked, None, versions, self.reseals(lanes), tuple(engine_order), z_reports
        )

    def sales_in_batches(self, lane: str) -> Iterator[list[Row]]:
        # Column maps, not SaleRow: the seal covers the stored text of every column.
        cur = self.db.execute("SELECT * FROM sales WHERE lane_id = ? ORDER BY sale_number", [lane])
        names = [d[0] for d in cur.description]
        while batch := cur.fetchmany(_BATCH):
            yield [dict(zip(names, values, strict=True)) for values in batch]

    def _reseal_records(self, lane: str) -> dict[int, Row]:
        cur = self.db.execute(
            "SELECT r.* FROM journal_reseals r JOIN journal_migrations m ON m.id = r.migration_id "
            "WHERE m.lane_id = ?",
            [lane],
        )
        return {row["sale_id"]: row for row in all_rows(cur)}

    def reseals(self, lanes: Sequence[str] | None = None) -> tuple[Reseal, ...]:
        """The recorded re-seals (of these lanes), oldest first."""
        rows = all_rows(self.db.execute("SELECT * FROM journal_migrations ORDER BY id"))
        return tuple(
            Reseal(
                lane_id=r["lane_id"],
                from_sale_number=r["from_sale_number"],
                to_sale_number=r["to_sale_number"],
                migration=r["migration"],
                migrated_at=r["migrated_at"],
                reason=r["reason"],
            )
            for r in rows
            if lanes is None or r["lane_id"] in lanes
        )


class _LaneWalk:
    """One lane's chain, sale by sale: the seal of each by its version and the links between."""

    def __init__(self, lane: str, reseals: dict[int, Row]) -> None:
        self.lane = lane
        self.reseals = reseals
        self.expected_number = 1
        self.prev = GENESIS
        # The previous sale's seal before any re-seal: the original chain, which re-seal
        # records must still continue.
        self.original_prev = GENESIS
        self.engine_order: list[int] = []

    def step(self, sale: Row, children: dict[str, list[Row]]) -> BrokenLink | None:
        number, sale_id = sale["sale_number"], sale["id"]

        def broken(reason: str) -> BrokenLink:
            return BrokenLink(self.lane, number, sale_id, reason)

        if number != self.expected_number:
            return BrokenLink(self.lane, self.expected_number, None, "sale is missing (deleted?)")
        if sale["prev_hash"] != self.prev:
            return broken("does not follow the previous sale")
        version = sale["hash_version"]
        seal = SEALS.get(version)
        if seal is None:
            return broken(f"sealed with an unknown version {version!r}")
        if version == 1:
            order = v1_tax_order(sale, children)
            if order is None:
                return broken("contents changed after commit")
            if order:
                self.engine_order.append(number)
        elif seal(self.prev, sale, children) != sale["hash"]:
            return broken("contents changed after commit")
        original = sale["hash"]
        record = self.reseals.get(sale_id)
        if record is not None:
            reason = _reseal_mismatch(record, sale, children, self.original_prev)
            if reason:
                return broken(reason)
            original = record["old_hash"]
        self.original_prev = original
        self.prev = sale["hash"]
        self.expected_number += 1
        return None


# Head office walks each lane's chain as it arrives with these same steps
# (pos_tui/services/sync/verify.py).
LaneWalk = _LaneWalk


def _reseal_mismatch(
    record: Row, sale: Row, children: dict[str, list[Row]], original_prev: str
) -> str | None:
    """Why a re-seal record does not hold (None if it does): it must name the sale's seal now,
    continue the original chain, and its original seal must be the v1 seal of these rows."""
    if (record["new_prev_hash"], record["new_hash"]) != (sale["prev_hash"], sale["hash"]):
        return "its seal is not the one its re-seal record gives"
    if record["old_prev_hash"] != original_prev:
        return "its re-seal record does not continue the original chain"
    rows = children
    if record["v1_tax_order"] is not None:
        try:
            rows = in_tax_order(children, json.loads(record["v1_tax_order"]))
        except (KeyError, ValueError, TypeError):
            return "its re-seal record names other taxes than the sale's"
    if seal_v1(record["old_prev_hash"], sale, rows) != record["old_hash"]:
        # The new seal held, so the rows are as the migration found them: the record changed.
        return "its re-seal record's original seal does not hold for these rows"
    return None


# Rows read back in their natural order (v1 hashed what it was given; v2 sorts anyway).
_READ_ORDER = {"lines": "line_no", "discounts": "id", "taxes": "tax_code", "tenders": "seq"}
_HASHED = {CHILD_TABLES[kind]: set(fields) for kind, fields in CHILD_FIELDS.items()}
_fixed = fixed_point


def _literal(default: str | None) -> Any:
    """A column's DEFAULT as Python: only the quoted strings and numbers the schema uses."""
    if default is None:
        return None
    if default.startswith("'") and default.endswith("'"):
        return default[1:-1].replace("''", "'")
    try:
        return int(default)
    except ValueError:
        return default
