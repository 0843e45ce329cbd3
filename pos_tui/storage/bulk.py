"""Bulk loading of prepared, already-valid rows: demo data and other large loads.

The per-row customer service (validation, audit entry, one transaction per customer) is right for
people typing at a lane and too slow for 100,000 generated rows. Here rows arrive checked and
unique by construction; they are written in batches inside the caller's ``write()``
transaction, so a failed load leaves nothing behind.

Every row of one table must carry the same keys, all of them: sqlite-utils names the columns of
a batch from its rows, and a missing key would store NULL instead of the column's default.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from itertools import islice

import sqlite_utils

from pos_tui.engine.money import ZERO
from pos_tui.storage import name_keys
from pos_tui.storage.catalog import ItemRow
from pos_tui.storage.rows import Row, all_as

DEFAULT_BATCH = 2000


@dataclass(frozen=True, slots=True)
class ItemForSale(ItemRow):
    """An active item with its sub-group's code, as a bulk load of sales picks from."""

    subgroup_code: str | None

    def level_price(self, level: int) -> Decimal | None:
        """The price at level 1-4 (None: the item has none there)."""
        return {
            1: self.price_level_1,
            2: self.price_level_2,
            3: self.price_level_3,
            4: self.price_level_4,
        }.get(level)


@dataclass(frozen=True, slots=True)
class Buyer:
    """What pricing and loyalty need of an active customer for a bulk load of sales."""

    id: int
    account_number: str
    card_type_id: int | None
    link_customer_id: int | None
    price_level: int
    forced_price_level: int
    price_list_id: int | None
    auto_discount_percent: Decimal
    tax_exempt: int
    ar_enabled: int
    allow_charge: int
    credit_hold: int
    credit_limit: Decimal
    required_reference: int
    payment_terms: str | None
    birth_date: str | None
    anniversary_date: str | None


def insert_rows(
    db: sqlite_utils.Database,
    table: str,
    rows: Iterable[Row],
    *,
    batch_size: int = DEFAULT_BATCH,
    on_batch: Callable[[int], None] | None = None,
) -> int:
    """Insert ``rows`` into ``table`` in batches; returns how many were written.

    Must run inside a transaction (``with write(db):``) so the load is all-or-nothing and costs
    one commit. ``on_batch`` is told how many rows each batch held, for a progress bar.
    """
    if not db.conn.in_transaction:
        raise RuntimeError("insert_rows runs inside a write() transaction")
    target = db.table(table)
    columns: tuple[str, ...] | None = None
    written = 0
    iterator = iter(rows)
    while True:
        batch = list(islice(iterator, batch_size))
        if not batch:
            break
        if columns is None:
            columns = tuple(batch[0])
        for row in batch:
            if tuple(row) != columns:
                raise ValueError(
                    f"{table}: every bulk row needs the keys {columns}, got {tuple(row)}"
                )
        target.insert_all(batch, batch_size=batch_size)
        written += len(batch)
        if on_batch is not None:
            on_batch(len(batch))
    return written


def _fts_insert_triggers(db: sqlite_utils.Database, table: str) -> list[tuple[str, str]]:
    """(name, sql) of the AFTER INSERT triggers that copy ``table`` rows into ``<table>_fts``,
    and for customers the one that writes their name keys (``customer_name_keys``)."""
    cur = db.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = ? "
        "AND ((sql LIKE '%AFTER INSERT%' AND sql LIKE ?) OR name = ?)",
        [table, f"%{table}_fts%", name_keys.INSERT_TRIGGER],
    )
    return [(str(name), str(sql)) for name, sql in cur.fetchall()]


@contextmanager
def fts_rebuilt_after(db: sqlite_utils.Database, table: str) -> Iterator[None]:
    """Suspend the per-row FTS insert trigger of ``table``, then rebuild the index once.

    The FTS table is an external-content FTS5 index (sqlite-utils ``enable_fts`` with triggers),
    so ``rebuild`` re-reads every row of ``table``: rows inserted before and during the load are
    all indexed afterwards. The trigger is put back exactly as it was. Runs inside the caller's
    transaction, so a failure rolls the dropped trigger back too. For customers the name keys of
    the search as you type are rebuilt the same way, in key order (a million customers' keys
    written one by one in random order thrash the page cache).
    """
    if not db.conn.in_transaction:
        raise RuntimeError("fts_rebuilt_after runs inside a write() transaction")
    fts = f"{table}_fts"
    if not db.table(fts).exists():
        yield
        return
    triggers = _fts_insert_triggers(db, table)
    for name, _sql in triggers:
        db.execute(f'DROP TRIGGER "{name}"')
    try:
        yield
    finally:
        for _name, sql in triggers:
            db.execute(sql)
    db.execute(f'INSERT INTO "{fts}"("{fts}") VALUES (\'rebuild\')')
    if any(name == name_keys.INSERT_TRIGGER for name, _sql in triggers):
        name_keys.rebuild(db.conn)


def max_id(db: sqlite_utils.Database, table: str) -> int:
    row = db.execute(f'SELECT coalesce(max(id), 0) FROM "{table}"').fetchone()
    return int(row[0])


def _literal(text: str | None) -> object:
    """A column's declared DEFAULT as a Python value (strings, integers, NULL)."""
    if text is None or text.upper() == "NULL":
        return None
    if len(text) >= 2 and text[0] == text[-1] == "'":
        return text[1:-1].replace("''", "'")
    try:
        return int(text)
    except ValueError:
        return text


def column_defaults(db: sqlite_utils.Database, table: str) -> Row:
    """Every column of ``table`` mapped to its declared default (None when it has none).

    Bulk rows start from this so a column the loader does not know about (added by a later
    migration) still gets its default rather than NULL.
    """
    cur = db.execute(f'PRAGMA table_info("{table}")')
    return {str(name): _literal(default) for _cid, name, _type, _nn, default, _pk in cur.fetchall()}


# -- reads for bulk jobs (demo data, CSV import and export) -------------------------------------
# Table and column names below come from code, never from a file or a user.


def use_large_cache(db: sqlite_utils.Database, mebibytes: int = 64) -> None:
    """A bigger page cache for this connection, so indexes of a growing table stay in memory."""
    db.execute(f"PRAGMA cache_size = -{int(mebibytes) * 1024}")


def table_count(db: sqlite_utils.Database, table: str) -> int:
    return int(db.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0])


def ids_by_key(db: sqlite_utils.Database, table: str, key: str = "code") -> dict[int, str]:
    """id -> ``key`` (a code, a name, an account number) of every row of ``table``."""
    cur = db.execute(f'SELECT id, "{key}" FROM "{table}"')
    return {int(row_id): str(value) for row_id, value in cur.fetchall() if value is not None}


def counter_value(db: sqlite_utils.Database, name: str) -> int | None:
    row = db.execute("SELECT value FROM counters WHERE name = ?", [name]).fetchone()
    return None if row is None else int(row[0])


def max_numeric_account(db: sqlite_utils.Database) -> int:
    """The largest all-digit customer account number (0 when there is none)."""
    row = db.execute(
        "SELECT max(CAST(account_number AS INTEGER)) FROM customers "
        "WHERE account_number GLOB '[0-9]*' AND account_number NOT GLOB '*[^0-9]*'"
    ).fetchone()
    return int(row[0] or 0)


def taken_customer_values(db: sqlite_utils.Database) -> dict[str, set[str]]:
    """Mobiles, e-mails (lower case), card numbers and account numbers already in use."""
    taken: dict[str, set[str]] = {
        "mobile": set(),
        "email": set(),
        "card_number": set(),
        "account_number": set(),
    }
    cur = db.execute("SELECT mobile, lower(email), card_number, account_number FROM customers")
    for values in cur:
        for key, value in zip(taken, values, strict=True):
            if value is not None:
                taken[key].add(str(value).lower())
    return taken


def items_with_subgroup_codes(db: sqlite_utils.Database) -> list[ItemForSale]:
    return all_as(
        ItemForSale,
        db.execute(
            "SELECT i.*, s.code AS subgroup_code FROM items i "
            "LEFT JOIN item_subgroups s ON s.id = i.subgroup_id WHERE i.active = 1 ORDER BY i.id"
        ),
    )


def price_list_prices(db: sqlite_utils.Database, price_list_id: int) -> dict[int, str]:
    """item id -> price on one price list."""
    cur = db.execute(
        "SELECT item_id, price FROM price_list_items WHERE price_list_id = ? ORDER BY item_id",
        [price_list_id],
    )
    return {int(item_id): str(price) for item_id, price in cur.fetchall()}


def active_customers_for_sales(db: sqlite_utils.Database) -> list[Buyer]:
    """What pricing and loyalty need of every active customer, in id order."""
    return all_as(
        Buyer,
        db.execute(
            "SELECT id, account_number, card_type_id, link_customer_id, price_level, "
            "forced_price_level, price_list_id, auto_discount_percent, tax_exempt, ar_enabled, "
            "allow_charge, credit_hold, credit_limit, required_reference, payment_terms, "
            "birth_date, anniversary_date FROM customers WHERE active = 1 ORDER BY id"
        ),
    )


def exempt_tax_ids_by_customer(db: sqlite_utils.Database) -> dict[int, set[int]]:
    out: dict[int, set[int]] = {}
    for cid, tax_id in db.execute("SELECT customer_id, tax_id FROM customer_exempt_taxes"):
        out.setdefault(int(cid), set()).add(int(tax_id))
    return out


def codes_by_customer(db: sqlite_utils.Database, kind: str) -> dict[int, list[str]]:
    """customer id -> codes of their ``teams`` or ``exempt_taxes``, sorted."""
    sql = {
        "teams": "SELECT x.customer_id, t.code FROM customer_teams x "
        "JOIN teams t ON t.id = x.team_id ORDER BY x.customer_id, t.code",
        "exempt_taxes": "SELECT x.customer_id, t.code FROM customer_exempt_taxes x "
        "JOIN taxes t ON t.id = x.tax_id ORDER BY x.customer_id, t.code",
    }[kind]
    out: dict[int, list[str]] = {}
    for cid, code in db.execute(sql):
        out.setdefault(int(cid), []).append(str(code))
    return out


def ledger_balances(db: sqlite_utils.Database, ledger: str) -> dict[int, Decimal]:
    """customer id -> sum of the ``loyalty`` points or ``receivable`` amounts, in Decimal."""
    sql = {
        "loyalty": "SELECT customer_id, points FROM loyalty_ledger",
        "receivable": "SELECT customer_id, amount FROM receivable_ledger",
    }[ledger]
    out: dict[int, Decimal] = {}
    for cid, value in db.execute(sql):
        out[int(cid)] = out.get(int(cid), ZERO) + Decimal(value)
    return out


def opening_balances(db: sqlite_utils.Database) -> dict[int, Row]:
    """customer id -> the customer's opening receivable entry (amount, date, reference)."""
    cur = db.execute(
        "SELECT customer_id, amount, substr(posted_at, 1, 10) AS posted_on, reference "
        "FROM receivable_ledger WHERE entry_type = 'opening' ORDER BY id"
    )
    out: dict[int, Row] = {}
    for cid, amount, posted_on, reference in cur.fetchall():
        out.setdefault(int(cid), {"amount": amount, "date": posted_on, "reference": reference})
    return out


def first_addresses(
    db: sqlite_utils.Database, types: tuple[str, ...]
) -> dict[tuple[int, str], Row]:
    """(customer id, address type) -> the customer's first address of that type."""
    marks = ",".join("?" for _ in types)
    cur = db.execute(
        f"SELECT * FROM customer_addresses WHERE address_type IN ({marks}) ORDER BY customer_id, id",
        list(types),
    )
    names = [d[0] for d in cur.description]
    out: dict[tuple[int, str], Row] = {}
    for values in cur:
        row = dict(zip(names, values, strict=True))
        out.setdefault((row["customer_id"], row["address_type"]), row)
    return out


def iter_customers(db: sqlite_utils.Database, *, include_inactive: bool) -> Iterator[Row]:
    where = "" if include_inactive else " WHERE active = 1"
    cur = db.execute(f"SELECT * FROM customers{where} ORDER BY id")
    names = [d[0] for d in cur.description]
    for values in cur:
        yield dict(zip(names, values, strict=True))
