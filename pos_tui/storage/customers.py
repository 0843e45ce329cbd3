"""Customer rows, their addresses, contacts, teams, pictures and lookups."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, fields
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Literal

from pos_tui.engine.money import ZERO, to_decimal
from pos_tui.storage import name_keys
from pos_tui.storage.db import write
from pos_tui.storage.rows import Row, all_as, one_as, table_row

if TYPE_CHECKING:
    import sqlite_utils


# -- row types (fields written out from the schema after every migration; the schema test
# -- tests/storage/test_row_types.py checks they are still exactly the tables' columns) --------
class _Columns:
    """What every customer row type can give back: its stored columns by name."""

    __slots__ = ()

    def columns(self) -> dict[str, Any]:
        """The row as its stored columns (money back as its exact text): for readers that go
        by column name (the engine's ``from_row``, the form, an update's audit diff)."""
        out = {}
        for f in fields(self):  # type: ignore[arg-type]
            value = getattr(self, f.name)
            out[f.name] = str(value) if isinstance(value, Decimal) else value
        return out


@table_row("customers")
@dataclass(frozen=True, slots=True)
class CustomerRow(_Columns):
    """One customer of the customer master, every column."""

    id: int
    account_number: str
    salutation: str | None
    first_name: str | None
    last_name: str | None
    is_company: int
    company_name: str | None
    customer_type_id: int | None
    card_type_id: int | None
    card_number: str | None
    card_issue_date: str | None
    card_expiry_date: str | None
    active: int
    phone: str | None
    mobile: str | None
    fax: str | None
    email: str | None
    website: str | None
    tax_resale_id: str | None
    tax_exempt: int
    is_employee: int
    price_level: int
    forced_price_level: int
    price_list_id: int | None
    auto_discount_percent: Decimal
    home_location_id: int | None
    location_group_id: int | None
    limit_to_location_id: int | None
    patronage_group: str | None
    link_customer_id: int | None
    birth_date: str | None
    spouse_name: str | None
    anniversary_date: str | None
    remarks: str | None
    pos_remarks: str | None
    other_information: int
    billing_address: str
    circular_address: str
    bill_delivery: str
    send_email: int
    send_sms: int
    privacy_show_other_info: int
    privacy_show_crm_points: int
    statement_print: int
    statement_email: int
    second_receipt: int
    required_reference: int
    required_reference_label: str | None
    allow_charge: int
    allow_cash_withdrawal: int
    allow_payment: int
    withdraw_only_in_credit: int
    ar_enabled: int
    ar_account_type: str
    ledger_account: str | None
    credit_limit: Decimal
    credit_hold: int
    grace_period_type: str
    grace_period_days: int
    payment_terms: str | None
    service_charge_percent: Decimal
    pin_hash: str | None
    created_at: str
    updated_at: str


@table_row("customer_addresses")
@dataclass(frozen=True, slots=True)
class AddressRow(_Columns):
    id: int
    customer_id: int
    address_type: str
    contact_name: str | None
    street_number: str | None
    street_name: str | None
    line_1: str | None
    line_2: str | None
    line_3: str | None
    line_4: str | None
    locality: str | None
    related_location: str | None
    city: str | None
    state: str | None
    postal_code: str | None
    country: str | None
    phone: str | None
    alt_phone: str | None
    mobile: str | None
    fax: str | None
    email: str | None
    website: str | None


@table_row("customer_contacts")
@dataclass(frozen=True, slots=True)
class ContactRow(_Columns):
    id: int
    customer_id: int
    name: str
    relationship: str | None
    phone: str | None
    mobile: str | None
    email: str | None
    may_charge: int


@table_row("customer_transaction_discounts")
@dataclass(frozen=True, slots=True)
class TransactionDiscountRow(_Columns):
    id: int
    customer_id: int
    description: str
    percent: Decimal
    amount: Decimal
    min_subtotal: Decimal


@table_row("customer_pictures")
@dataclass(frozen=True, slots=True)
class PictureRow:
    customer_id: int
    slot: int
    media_type: str
    data: bytes


# Which customers a page or count reads: every one, or only the active ones.
Which = Literal["all", "active", "inactive"]
_WHICH_SQL: dict[Which, str] = {"all": "1", "active": "active = 1", "inactive": "active = 0"}
# The orders a page may be read in.
PageOrder = Literal["name", "newest"]
_ORDER_SQL: dict[PageOrder, str] = {"name": "last_name, first_name, id", "newest": "id DESC"}
# A unique column another customer may already hold (rules' duplicate check).
UniqueColumn = Literal["account_number", "card_number", "mobile", "email"]


# Children of a customer that are replaced as a whole when the customer is saved.
_CHILD_TABLES = {
    "addresses": "customer_addresses",
    "contacts": "customer_contacts",
    "transaction_discounts": "customer_transaction_discounts",
}


class CustomerRepository:
    def __init__(self, db: sqlite_utils.Database) -> None:
        self.db = db
        # (ledger, customer id) -> (highest row id summed, the sum). The ledgers are
        # append-only (triggers refuse updates and deletes) and a row committed later always
        # has a higher id, so a balance is the kept sum plus the rows after it. Only sums read
        # outside a transaction are kept: committed rows, which no rollback can take back.
        self._sums: dict[tuple[str, int], tuple[int, Decimal]] = {}

    # -- reads ---------------------------------------------------------------------------------
    def get(self, customer_id: int) -> CustomerRow | None:
        cur = self.db.execute("SELECT * FROM customers WHERE id = ?", [customer_id])
        return one_as(CustomerRow, cur)

    def _by(self, column: str, value: str, *, active_only: bool) -> CustomerRow | None:
        sql = f"SELECT * FROM customers WHERE {column} = ?"
        if active_only:
            sql += " AND active = 1"
        return one_as(CustomerRow, self.db.execute(sql, [value]))

    def by_account(self, account: str, *, active_only: bool = True) -> CustomerRow | None:
        return self._by("account_number", account, active_only=active_only)

    def by_card(self, card: str, *, active_only: bool = True) -> CustomerRow | None:
        return self._by("card_number", card, active_only=active_only)

    def by_mobile(self, mobile: str, *, active_only: bool = True) -> CustomerRow | None:
        return self._by("mobile", mobile, active_only=active_only)

    def by_numbers(self, card: str, account: str, mobile: str | None) -> list[CustomerRow]:
        """Active customers whose card number, account number or mobile (E.164) is the one
        given, card first, then account, then mobile: one read through the three unique
        indexes (SQLite's multi-index OR), the lane's every lookup as it types."""
        cur = self.db.execute(
            "SELECT * FROM customers WHERE active = 1"
            " AND (card_number = ? OR account_number = ? OR mobile = ?)",
            [card, account, mobile],
        )
        rows = all_as(CustomerRow, cur)

        def rank(row: CustomerRow) -> int:
            return 0 if row.card_number == card else 1 if row.account_number == account else 2

        return sorted(rows, key=rank)

    def by_email(self, email: str, *, active_only: bool = True) -> CustomerRow | None:
        # "email IS NOT NULL" lets SQLite use the partial index customers_email.
        sql = "SELECT * FROM customers WHERE lower(email) = lower(?) AND email IS NOT NULL"
        if active_only:
            sql += " AND active = 1"
        return one_as(CustomerRow, self.db.execute(sql, [email]))

    def search_names(self, text: str, *, limit: int = 20) -> list[CustomerRow]:
        """Active customers with a name word starting with every word typed: 'ann sm' finds
        Anna Smith. The first ``limit`` in name order, read from the word matching the longest
        word typed (see :mod:`pos_tui.storage.name_keys`)."""
        ids = name_keys.matching_ids(self.db.conn, text, limit=limit)
        if not ids:
            return []
        marks = ", ".join("?" * len(ids))
        cur = self.db.execute(f"SELECT * FROM customers WHERE id IN ({marks}) AND active = 1", ids)
        rows = {row.id: row for row in all_as(CustomerRow, cur)}
        return [rows[i] for i in ids if i in rows]

    def page(
        self,
        *,
        which: Which = "all",
        non_company: bool = False,
        order: PageOrder = "name",
        limit: int = 50,
        offset: int = 0,
    ) -> list[CustomerRow]:
        """A page of customers: ``which`` of them (all, active, inactive), only people if
        ``non_company``, by name or newest first."""
        where = _WHICH_SQL[which] + (" AND is_company = 0" if non_company else "")
        sql = f"SELECT * FROM customers WHERE {where} ORDER BY {_ORDER_SQL[order]} LIMIT ? OFFSET ?"
        return all_as(CustomerRow, self.db.execute(sql, [limit, offset]))

    def count(self, *, which: Which = "all") -> int:
        return int(
            self.db.execute(f"SELECT count(*) FROM customers WHERE {_WHICH_SQL[which]}").fetchone()[
                0
            ]
        )

    def with_card_type(self, card_type_id: int) -> list[CustomerRow]:
        """Active customers holding a card type (subscription runs)."""
        cur = self.db.execute(
            "SELECT * FROM customers WHERE card_type_id = ? AND active = 1 ORDER BY id",
            [card_type_id],
        )
        return all_as(CustomerRow, cur)

    def with_service_charge(self) -> list[CustomerRow]:
        """Receivable customers charged a service charge on past-due balances."""
        # CAST only filters; every amount is computed with Decimal from the text.
        cur = self.db.execute(
            "SELECT * FROM customers WHERE ar_enabled = 1 AND CAST(service_charge_percent AS REAL) > 0 ORDER BY id"
        )
        return all_as(CustomerRow, cur)

    def addresses(self, customer_id: int) -> list[AddressRow]:
        return all_as(AddressRow, self._children(customer_id, "customer_addresses"))

    def contacts(self, customer_id: int) -> list[ContactRow]:
        return all_as(ContactRow, self._children(customer_id, "customer_contacts"))

    def transaction_discounts(self, customer_id: int) -> list[TransactionDiscountRow]:
        cur = self._children(customer_id, "customer_transaction_discounts")
        return all_as(TransactionDiscountRow, cur)

    def _children(self, customer_id: int, table: str) -> sqlite3.Cursor:
        return self.db.execute(
            f"SELECT * FROM {table} WHERE customer_id = ? ORDER BY id", [customer_id]
        )

    def team_ids(self, customer_id: int) -> list[int]:
        cur = self.db.execute(
            "SELECT team_id FROM customer_teams WHERE customer_id = ? ORDER BY team_id",
            [customer_id],
        )
        return [r[0] for r in cur.fetchall()]

    def exempt_tax_ids(self, customer_id: int) -> list[int]:
        cur = self.db.execute(
            "SELECT tax_id FROM customer_exempt_taxes WHERE customer_id = ? ORDER BY tax_id",
            [customer_id],
        )
        return [r[0] for r in cur.fetchall()]

    def picture(self, customer_id: int, slot: int) -> PictureRow | None:
        cur = self.db.execute(
            "SELECT * FROM customer_pictures WHERE customer_id = ? AND slot = ?",
            [customer_id, slot],
        )
        return one_as(PictureRow, cur)

    def exists(
        self, column: UniqueColumn, value: Any, *, except_id: int | None = None
    ) -> CustomerRow | None:
        """The customer (active or not) already holding ``value`` in a unique column."""
        if column == "email":
            sql = "SELECT * FROM customers WHERE lower(email) = lower(?) AND email IS NOT NULL"
        else:
            sql = f"SELECT * FROM customers WHERE {column} = ?"
        params: list[Any] = [value]
        if except_id is not None:
            sql += " AND id != ?"
            params.append(except_id)
        return one_as(CustomerRow, self.db.execute(sql + " LIMIT 1", params))

    def loyalty_balance(self, customer_id: int) -> Decimal:
        return self._ledger_sum("loyalty_ledger", "points", customer_id)

    def receivable_balance(self, customer_id: int) -> Decimal:
        return self._ledger_sum("receivable_ledger", "amount", customer_id)

    def _ledger_sum(self, ledger: str, column: str, customer_id: int) -> Decimal:
        """The sum of ``column`` over the customer's rows, in row order (exact Decimals)."""
        last_id, total = self._sums.get((ledger, customer_id), (0, ZERO))
        cur = self.db.execute(
            f"SELECT id, {column} FROM {ledger} WHERE customer_id = ? AND id > ? ORDER BY id",
            [customer_id, last_id],
        )
        for row_id, value in cur.fetchall():
            total += to_decimal(value, column)
            last_id = row_id
        if not self.db.conn.in_transaction:
            self._sums[(ledger, customer_id)] = (last_id, total)
        return total

    # -- writes --------------------------------------------------------------------------------
    def insert(self, row: Row) -> int:
        with write(self.db):
            table = self.db.table("customers")
            table.insert(row)
            return int(table.last_pk)  # type: ignore[arg-type]

    def update(self, customer_id: int, changes: Row) -> None:
        if not changes:
            return
        with write(self.db):
            self.db.table("customers").update(customer_id, changes)

    def replace_children(self, customer_id: int, kind: str, rows: list[Row]) -> None:
        table = _CHILD_TABLES[kind]
        with write(self.db):
            self.db.execute(f"DELETE FROM {table} WHERE customer_id = ?", [customer_id])
            for row in rows:
                clean = {k: v for k, v in row.items() if k != "id"}
                self.db.table(table).insert({**clean, "customer_id": customer_id})

    def set_teams(self, customer_id: int, team_ids: list[int]) -> None:
        with write(self.db):
            self.db.execute("DELETE FROM customer_teams WHERE customer_id = ?", [customer_id])
            for team_id in sorted(set(team_ids)):
                self.db.table("customer_teams").insert(
                    {"customer_id": customer_id, "team_id": team_id}
                )

    def set_exempt_taxes(self, customer_id: int, tax_ids: list[int]) -> None:
        with write(self.db):
            self.db.execute(
                "DELETE FROM customer_exempt_taxes WHERE customer_id = ?", [customer_id]
            )
            for tax_id in sorted(set(tax_ids)):
                self.db.table("customer_exempt_taxes").insert(
                    {"customer_id": customer_id, "tax_id": tax_id}
                )

    def set_picture(self, customer_id: int, slot: int, media_type: str, data: bytes | None) -> None:
        with write(self.db):
            self.db.execute(
                "DELETE FROM customer_pictures WHERE customer_id = ? AND slot = ?",
                [customer_id, slot],
            )
            if data is not None:
                self.db.table("customer_pictures").insert(
                    {
                        "customer_id": customer_id,
                        "slot": slot,
                        "media_type": media_type,
                        "data": data,
                    }
                )
