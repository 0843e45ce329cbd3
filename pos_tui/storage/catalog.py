"""Reference data: items, card and customer types, taxes, locations, teams, employees."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Literal

from pos_tui.storage.db import write
from pos_tui.storage.rows import Row, all_as, all_rows, one, one_as, table_row

if TYPE_CHECKING:
    import sqlite_utils

# Tables whose rows carry a unique ``code`` and are listed and edited the same way.
CODED_TABLES = (
    "card_types",
    "customer_types",
    "items",
    "item_groups",
    "item_subgroups",
    "taxes",
    "tax_classes",
    "locations",
    "location_groups",
    "teams",
    "price_lists",
)


CATALOG_VERSION = "catalog_version"

# How :meth:`CatalogRepository.all` orders a table: by id, or by its code (an item's SKU).
CatalogOrder = Literal["id", "code"]


@table_row("items")
@dataclass(frozen=True, slots=True)
class ItemRow:
    id: int
    sku: str
    barcode: str | None
    name: str
    subgroup_id: int | None
    tax_class_id: int | None
    regular_price: Decimal
    price_level_1: Decimal | None
    price_level_2: Decimal | None
    price_level_3: Decimal | None
    price_level_4: Decimal | None
    promo_price: Decimal | None
    promo_start: str | None
    promo_end: str | None
    points_eligible: int
    discount_eligible: int
    active: int


@table_row("taxes")
@dataclass(frozen=True, slots=True)
class TaxRow:
    id: int
    code: str
    name: str
    rate_percent: Decimal
    mode: str


@table_row("item_subgroups")
@dataclass(frozen=True, slots=True)
class SubgroupRow:
    id: int
    code: str
    name: str
    group_id: int


@table_row("card_type_subscriptions")
@dataclass(frozen=True, slots=True)
class SubscriptionRow:
    """A card type's subscription terms (one row per card type that has one)."""

    card_type_id: int
    ledger_account: str
    periodicity: str
    rate: Decimal
    tax_code: str | None
    tax_rate_percent: Decimal
    cover_charges: int
    posting: str


@dataclass(frozen=True, slots=True)
class PriceListPrice:
    """One item's price on a price list, with the item's SKU and name."""

    item_id: int
    sku: str
    name: str
    price: Decimal


@table_row("employees")
@dataclass(frozen=True, slots=True)
class EmployeeRow:
    """An employee as stored, PIN hash included (sign-in checks it; nothing shows it)."""

    id: int
    number: str
    name: str
    role: str
    pin_hash: str
    max_discount_percent: Decimal
    active: int


@dataclass(frozen=True, slots=True)
class EmployeeListing:
    """An employee as the lists show one: everything but the PIN hash."""

    id: int
    number: str
    name: str
    role: str
    max_discount_percent: Decimal
    active: int


class CatalogRepository:
    def __init__(self, db: sqlite_utils.Database) -> None:
        self.db = db

    def version(self) -> int:
        """Bumped by every change below, so lanes caching reference data know to reload it."""
        row = self.db.execute(
            "SELECT value FROM counters WHERE name = ?", [CATALOG_VERSION]
        ).fetchone()
        return int(row[0]) if row else 0

    def _changed(self) -> None:
        self.db.execute(
            "INSERT INTO counters (name, value) VALUES (?, 1) "
            "ON CONFLICT(name) DO UPDATE SET value = value + 1",
            [CATALOG_VERSION],
        )

    def get(self, table: str, row_id: int) -> Row | None:
        _check(table)
        return one(self.db.execute(f"SELECT * FROM {table} WHERE id = ?", [row_id]))

    def by_code(self, table: str, code: str) -> Row | None:
        _check(table)
        column = _code_column(table)
        return one(self.db.execute(f"SELECT * FROM {table} WHERE {column} = ?", [code]))

    def id_by_code(self, table: str, code: str) -> int | None:
        """The id of the row of a catalog table with this code (an item's SKU)."""
        _check(table)
        row = self.db.execute(
            f"SELECT id FROM {table} WHERE {_code_column(table)} = ?", [code]
        ).fetchone()
        return None if row is None else int(row[0])

    def all(
        self, table: str, *, order: CatalogOrder = "id", limit: int = 10_000, offset: int = 0
    ) -> list[Row]:
        """Every row of a catalog table as its columns (the back office edits them by name)."""
        _check(table)
        column = "id" if order == "id" else _code_column(table)
        return all_rows(
            self.db.execute(
                f"SELECT * FROM {table} ORDER BY {column} LIMIT ? OFFSET ?", [limit, offset]
            )
        )

    def ids(self, table: str) -> list[int]:
        """The ids of a catalog table's rows, in id order."""
        _check(table)
        return [int(r[0]) for r in self.db.execute(f"SELECT id FROM {table} ORDER BY id")]

    def insert(self, table: str, row: Row) -> int:
        _check(table)
        with write(self.db):
            self._changed()
            t = self.db.table(table)
            t.insert(row)
            return int(t.last_pk)  # type: ignore[arg-type]

    def update(self, table: str, row_id: int, changes: Row) -> None:
        _check(table)
        with write(self.db):
            self._changed()
            self.db.table(table).update(row_id, changes)

    # -- items ---------------------------------------------------------------------------------
    def item(self, item_id: int) -> ItemRow | None:
        return one_as(ItemRow, self.db.execute("SELECT * FROM items WHERE id = ?", [item_id]))

    def item_by_sku(self, sku: str) -> ItemRow | None:
        """Any item, active or not, by its exact SKU."""
        return one_as(ItemRow, self.db.execute("SELECT * FROM items WHERE sku = ?", [sku]))

    def item_by_code(self, code: str, *, sku_any_case: bool = False) -> ItemRow | None:
        """An active item by barcode first, then by SKU; with ``sku_any_case`` a SKU that
        differs only in ASCII case ("bag" for BAG) when no SKU is exactly the code and only
        one item's SKU matches so (index ``items_sku_nocase``, migration 0017)."""
        row = one_as(
            ItemRow, self.db.execute("SELECT * FROM items WHERE barcode = ? AND active = 1", [code])
        )
        row = row or one_as(
            ItemRow, self.db.execute("SELECT * FROM items WHERE sku = ? AND active = 1", [code])
        )
        if row is not None or not sku_any_case:
            return row
        rows = all_as(
            ItemRow,
            self.db.execute(
                "SELECT * FROM items WHERE sku = ? COLLATE NOCASE AND active = 1 LIMIT 2", [code]
            ),
        )
        return rows[0] if len(rows) == 1 else None

    def search_items(self, text: str, *, limit: int = 20) -> list[ItemRow]:
        like = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        cur = self.db.execute(
            "SELECT * FROM items WHERE active = 1 AND (sku LIKE ? ESCAPE '\\' OR name LIKE ? ESCAPE '\\') "
            "ORDER BY name LIMIT ?",
            [like, "%" + like, limit],
        )
        return all_as(ItemRow, cur)

    def subgroup(self, subgroup_id: int | None) -> SubgroupRow | None:
        if subgroup_id is None:
            return None
        return one_as(
            SubgroupRow,
            self.db.execute("SELECT * FROM item_subgroups WHERE id = ?", [subgroup_id]),
        )

    def tax(self, tax_id: int) -> TaxRow | None:
        return one_as(TaxRow, self.db.execute("SELECT * FROM taxes WHERE id = ?", [tax_id]))

    def taxes_of_class(self, tax_class_id: int | None) -> list[TaxRow]:
        if tax_class_id is None:
            return []
        cur = self.db.execute(
            "SELECT t.* FROM taxes t JOIN tax_class_taxes ct ON ct.tax_id = t.id "
            "WHERE ct.tax_class_id = ? ORDER BY t.code",
            [tax_class_id],
        )
        return all_as(TaxRow, cur)

    def price_list_price(self, price_list_id: int, item_id: int) -> str | None:
        row = self.db.execute(
            "SELECT price FROM price_list_items WHERE price_list_id = ? AND item_id = ?",
            [price_list_id, item_id],
        ).fetchone()
        return row[0] if row else None

    def item_by_sku_or_barcode(self, code: str) -> ItemRow | None:
        """Any item, active or not, by SKU first, then by barcode (a price list may name either)."""
        row = self.item_by_sku(code)
        return row or one_as(
            ItemRow, self.db.execute("SELECT * FROM items WHERE barcode = ?", [code])
        )

    def price_list_items(self, price_list_id: int) -> list[PriceListPrice]:
        """A price list's prices with each item's id, SKU and name, by SKU."""
        cur = self.db.execute(
            "SELECT p.item_id, i.sku, i.name, p.price FROM price_list_items p "
            "JOIN items i ON i.id = p.item_id WHERE p.price_list_id = ? ORDER BY i.sku",
            [price_list_id],
        )
        return all_as(PriceListPrice, cur)

    def price_list_sizes(self) -> dict[int, int]:
        """How many item prices each price list has."""
        cur = self.db.execute(
            "SELECT price_list_id, COUNT(*) FROM price_list_items GROUP BY price_list_id"
        )
        return {int(i): int(n) for i, n in cur.fetchall()}

    def set_price_list_prices(self, price_list_id: int, prices: dict[int, str]) -> None:
        """Replace every price of a list (item id -> price text)."""
        with write(self.db):
            self._changed()
            self.db.execute("DELETE FROM price_list_items WHERE price_list_id = ?", [price_list_id])
            self.db.conn.executemany(
                "INSERT INTO price_list_items (price_list_id, item_id, price) VALUES (?, ?, ?)",
                [(price_list_id, item_id, price) for item_id, price in sorted(prices.items())],
            )

    def set_tax_class_taxes(self, tax_class_id: int, tax_ids: list[int]) -> None:
        with write(self.db):
            self._changed()
            self.db.execute("DELETE FROM tax_class_taxes WHERE tax_class_id = ?", [tax_class_id])
            for tax_id in sorted(set(tax_ids)):
                self.db.table("tax_class_taxes").insert(
                    {"tax_class_id": tax_class_id, "tax_id": tax_id}
                )

    # -- card types ----------------------------------------------------------------------------
    def restricted_subgroup_ids(self, card_type_id: int) -> list[int]:
        cur = self.db.execute(
            "SELECT subgroup_id FROM card_type_restricted_subgroups WHERE card_type_id = ? ORDER BY subgroup_id",
            [card_type_id],
        )
        return [r[0] for r in cur.fetchall()]

    def set_restricted_subgroups(self, card_type_id: int, subgroup_ids: list[int]) -> None:
        with write(self.db):
            self._changed()
            self.db.execute(
                "DELETE FROM card_type_restricted_subgroups WHERE card_type_id = ?", [card_type_id]
            )
            for sid in sorted(set(subgroup_ids)):
                self.db.table("card_type_restricted_subgroups").insert(
                    {"card_type_id": card_type_id, "subgroup_id": sid}
                )

    def subscription(self, card_type_id: int) -> SubscriptionRow | None:
        return one_as(
            SubscriptionRow,
            self.db.execute(
                "SELECT * FROM card_type_subscriptions WHERE card_type_id = ?", [card_type_id]
            ),
        )

    def set_subscription(self, card_type_id: int, row: Row | None) -> None:
        with write(self.db):
            self._changed()
            self.db.execute(
                "DELETE FROM card_type_subscriptions WHERE card_type_id = ?", [card_type_id]
            )
            if row is not None:
                self.db.table("card_type_subscriptions").insert(
                    {**row, "card_type_id": card_type_id}
                )

    # -- employees -----------------------------------------------------------------------------
    def employee_by_number(self, number: str) -> EmployeeRow | None:
        """An active employee by number."""
        return one_as(
            EmployeeRow,
            self.db.execute("SELECT * FROM employees WHERE number = ? AND active = 1", [number]),
        )

    def employees(self) -> list[EmployeeListing]:
        """Everyone who may sign in, without their PIN hashes, by number."""
        cur = self.db.execute(
            "SELECT id, number, name, role, max_discount_percent, active FROM employees ORDER BY number"
        )
        return all_as(EmployeeListing, cur)

    def employee(self, employee_id: int) -> EmployeeRow | None:
        return one_as(
            EmployeeRow, self.db.execute("SELECT * FROM employees WHERE id = ?", [employee_id])
        )

    def insert_employee(self, row: Row) -> int:
        # Employees are not reference data a lane caches: no catalog version bump.
        with write(self.db):
            t = self.db.table("employees")
            t.insert(row)
            return int(t.last_pk)  # type: ignore[arg-type]


def _code_column(table: str) -> str:
    return "sku" if table == "items" else "code"


def _check(table: str) -> None:
    # Table names are code, never user input: refuse anything else outright.
    if table not in CODED_TABLES:
        raise ValueError(f"not a catalog table: {table}")
