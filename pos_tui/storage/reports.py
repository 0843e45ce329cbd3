"""The back office's read queries: the customer list, orders, names and audit entries.

The customer list pages by *keyset* (``WHERE (sort key) > (last key seen) ORDER BY sort key
LIMIT n``) on indexed sort keys, so page 2,000 of 100,000 customers costs what page 1 costs.
Every sort key ends in ``id``, so keys are unique and no row is skipped or shown twice.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import sqlite_utils

from pos_tui.storage import name_keys
from pos_tui.storage.rows import Row, all_as, all_rows, one

_FTS_TOKEN = re.compile(r"\w+", re.UNICODE)

# Sort name -> the key expressions, most significant first (each list ends in the unique id).
SORT_KEYS: dict[str, tuple[str, ...]] = {
    "name": ("coalesce(c.last_name, c.company_name, '')", "coalesce(c.first_name, '')", "c.id"),
    "account": ("c.account_number", "c.id"),
    "mobile": ("coalesce(c.mobile, '')", "c.id"),
    "newest": ("c.id",),
}
# The columns of a customer the back office list shows (no PIN hash, no terms).
_LISTING_COLUMNS = (
    "c.id, c.account_number, c.salutation, c.first_name, c.last_name, c.is_company, "
    "c.company_name, c.mobile, c.card_number, c.active, c.credit_hold"
)


@dataclass(frozen=True, slots=True)
class CustomerListing:
    """A customer as the back office list shows them, with the key of its place in the sort
    (pass it as ``after`` for the next page)."""

    id: int
    account_number: str
    salutation: str | None
    first_name: str | None
    last_name: str | None
    is_company: int
    company_name: str | None
    mobile: str | None
    card_number: str | None
    active: int
    credit_hold: int
    card_type_name: str | None
    sort_key: tuple[Any, ...]


@dataclass(frozen=True, slots=True)
class CustomerName:
    """The name columns and account number of a customer (links, audit entries)."""

    id: int
    account_number: str
    salutation: str | None
    first_name: str | None
    last_name: str | None
    is_company: int
    company_name: str | None


@dataclass(frozen=True)
class CustomerQuery:
    """What the customer list shows: filters, one sort and its direction.

    ``mobile`` is the search text already normalised as a mobile number (or empty), ``email``
    as an e-mail address (folded, or empty); ``birthdays`` holds 'MM-DD' days (birthday this
    week).
    """

    text: str = ""
    mobile: str = ""
    email: str = ""
    active: bool | None = True
    card_type_id: int | None = None
    customer_type_id: int | None = None
    location_group_id: int | None = None
    credit_hold: bool | None = None
    birthdays: tuple[str, ...] = ()
    sort: str = "name"
    descending: bool = False


def _where(q: CustomerQuery) -> tuple[str, list[Any]]:
    terms: list[str] = []
    params: list[Any] = []
    for column, value in (
        ("c.active", q.active),
        ("c.card_type_id", q.card_type_id),
        ("c.customer_type_id", q.customer_type_id),
        ("c.location_group_id", q.location_group_id),
        ("c.credit_hold", q.credit_hold),
    ):
        if value is not None:
            terms.append(f"{column} = ?")
            params.append(int(value))
    if q.birthdays:
        terms.append(f"substr(c.birth_date, 6, 5) IN ({', '.join('?' for _ in q.birthdays)})")
        params.extend(q.birthdays)
    text = q.text.strip()
    if text:
        alternatives = ["c.account_number = ?", "c.card_number = ?"]
        params_text: list[Any] = [text, text]
        if q.mobile:
            alternatives.append("c.mobile = ?")
            params_text.append(q.mobile)
        if q.email:
            alternatives.append("(lower(c.email) = lower(?) AND c.email IS NOT NULL)")
            params_text.append(q.email)
        tokens = _FTS_TOKEN.findall(text)
        if tokens:
            match = " ".join('"' + t.replace('"', '""') + '"*' for t in tokens)
            alternatives.append(
                "c.id IN (SELECT rowid FROM customers_fts WHERE customers_fts MATCH ?)"
            )
            params_text.append(match)
        folded = name_keys.matching_sql(text)
        if folded is not None:
            # Active customers' names folded as the lane's search folds them ("odegard" finds
            # Ødegård, fullwidth letters match); FTS above still finds the inactive ones.
            alternatives.append(f"c.id IN ({folded[0]})")
            params_text.extend(folded[1])
        terms.append("(" + " OR ".join(alternatives) + ")")
        params.extend(params_text)
    return (" AND ".join(terms) or "1"), params


class ReportRepository:
    """Read-only queries of the back office (and the indexes they need)."""

    def __init__(self, db: sqlite_utils.Database) -> None:
        self.db = db

    # -- the customer list ---------------------------------------------------------------------
    def customer_page(
        self, q: CustomerQuery, *, after: tuple[Any, ...] | None, limit: int
    ) -> list[CustomerListing]:
        """One page of customers after the sort key ``after`` (None: the first page)."""
        keys = SORT_KEYS[q.sort]
        where, params = _where(q)
        op, direction = ("<", "DESC") if q.descending else (">", "ASC")
        if after is not None:
            if len(after) != len(keys):
                raise ValueError("the page key does not fit the sort")
            # The leading bound lets SQLite seek in the index; the row value is exact.
            where += f" AND {keys[0]} {op}= ? AND ({', '.join(keys)}) {op} ({', '.join('?' for _ in keys)})"
            params += [after[0], *after]
        order = ", ".join(f"{k} {direction}" for k in keys)
        selected = ", ".join(f"{k} AS sort_{i}" for i, k in enumerate(keys))
        sql = (
            f"SELECT {_LISTING_COLUMNS}, ct.name AS card_type_name, {selected} FROM customers c "
            "LEFT JOIN card_types ct ON ct.id = c.card_type_id "
            f"WHERE {where} ORDER BY {order} LIMIT ?"
        )
        out = []
        for row in all_rows(self.db.execute(sql, [*params, limit])):
            row["sort_key"] = tuple(row.pop(f"sort_{i}") for i in range(len(keys)))
            out.append(CustomerListing(**row))
        return out

    def customer_count(self, q: CustomerQuery) -> int:
        where, params = _where(q)
        sql = f"SELECT count(*) FROM customers c WHERE {where}"
        return int(self.db.execute(sql, params).fetchone()[0])

    def customer_balances(self, customer_ids: list[int]) -> dict[int, tuple[list[str], list[str]]]:
        """(points entries, receivable amounts) of a page of customers, as stored strings."""
        out: dict[int, tuple[list[str], list[str]]] = {cid: ([], []) for cid in customer_ids}
        if not customer_ids:
            return out
        marks = ", ".join("?" for _ in customer_ids)
        for cid, points in self.db.execute(
            f"SELECT customer_id, points FROM loyalty_ledger WHERE customer_id IN ({marks})",
            customer_ids,
        ):
            out[cid][0].append(points)
        for cid, amount in self.db.execute(
            f"SELECT customer_id, amount FROM receivable_ledger WHERE customer_id IN ({marks})",
            customer_ids,
        ):
            out[cid][1].append(amount)
        return out

    def customer_names(self, customer_ids: list[int]) -> dict[int, CustomerName]:
        """Name columns and account number of some customers (links, audit entries)."""
        if not customer_ids:
            return {}
        marks = ", ".join("?" for _ in customer_ids)
        cur = self.db.execute(
            "SELECT id, account_number, salutation, first_name, last_name, is_company, "
            f"company_name FROM customers WHERE id IN ({marks})",
            customer_ids,
        )
        return {r.id: r for r in all_as(CustomerName, cur)}

    def all_customer_count(self, *, include_inactive: bool) -> int:
        sql = "SELECT count(*) FROM customers" + ("" if include_inactive else " WHERE active = 1")
        return int(self.db.execute(sql).fetchone()[0])

    # -- per customer --------------------------------------------------------------------------
    def orders(self, customer_id: int) -> list[Row]:
        """Work, back and special orders and layaways, newest first, with the location name."""
        cur = self.db.execute(
            "SELECT o.*, l.name AS location_name FROM customer_orders o "
            "LEFT JOIN locations l ON l.id = o.location_id "
            "WHERE o.customer_id = ? ORDER BY o.placed_at DESC, o.id DESC",
            [customer_id],
        )
        return all_rows(cur)

    def sale_line_counts(self, sale_ids: list[int]) -> dict[int, int]:
        if not sale_ids:
            return {}
        marks = ", ".join("?" for _ in sale_ids)
        cur = self.db.execute(
            f"SELECT sale_id, count(*) FROM sale_lines WHERE sale_id IN ({marks}) GROUP BY sale_id",
            sale_ids,
        )
        return {int(sid): int(n) for sid, n in cur.fetchall()}

    def audit_entries(self, entity: str, entity_id: int, *, action: str | None = None) -> list[Row]:
        """Audit entries of one record (optionally one action), oldest first, with who."""
        sql = (
            "SELECT a.*, e.name AS employee_name FROM audit_log a "
            "LEFT JOIN employees e ON e.id = a.employee_id "
            "WHERE a.entity = ? AND a.entity_id = ?"
        )
        params: list[Any] = [entity, entity_id]
        if action is not None:
            sql += " AND a.action = ?"
            params.append(action)
        return all_rows(self.db.execute(sql + " ORDER BY a.id", params))

    def names(self, table: str) -> dict[int, str]:
        """id -> name of a reference table (card types, locations, ...)."""
        if table not in _NAMED_TABLES:
            raise ValueError(f"not a named table: {table}")
        cur = self.db.execute(f"SELECT id, name FROM {table} ORDER BY name, id")
        return {int(i): str(n) for i, n in cur.fetchall()}

    def employee_name(self, employee_id: int) -> str | None:
        row = one(self.db.execute("SELECT name FROM employees WHERE id = ?", [employee_id]))
        return None if row is None else str(row["name"])


_NAMED_TABLES = frozenset(
    {
        "card_types",
        "customer_types",
        "item_groups",
        "item_subgroups",
        "taxes",
        "tax_classes",
        "locations",
        "location_groups",
        "teams",
        "price_lists",
        "employees",
    }
)
