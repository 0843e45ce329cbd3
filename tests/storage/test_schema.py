"""The database file: migrations, pragmas, append-only ledgers, readable tables."""

from __future__ import annotations

import sqlite3
from decimal import Decimal
from pathlib import Path

import pytest

from pos_tui.services.customers.service import CustomerService
from pos_tui.services.runtime.backend import Backend
from pos_tui.storage.db import connect, migrations


def test_migrations_apply_once_and_record_themselves(db_path: Path) -> None:
    db = connect(db_path)
    names = [m.name for m in migrations.applied(db)]
    assert names == [
        "0001_schema",
        "0002_customer_search",
        "0003_lane_state",
        "0004_customer_list_indexes",
        "0005_customer_visits",
        "0006_customer_name_keys",
        "0007_journal_hash_v2",
        "0008_email_folded",
        "0009_customer_accounts",
        "0010_receivable_approver",
        "0011_pin_lockouts",
        "0012_sync_outbox",
        "0013_print_job_states",
        "0014_shifts",
        "0015_phone_e164",
        "0016_name_keys_folded",
        "0017_items_sku_nocase",
    ]
    db.conn.close()
    again = connect(db_path)
    assert [m.name for m in migrations.applied(again)] == names
    assert migrations.pending(again) == []


def test_pragmas_for_shared_lanes(backend: Backend) -> None:
    db = backend.db
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert db.execute("PRAGMA busy_timeout").fetchone()[0] == 5000


def test_every_table_is_plain_and_readable(backend: Backend) -> None:
    tables = set(backend.db.table_names())
    for expected in (
        "customers",
        "customer_addresses",
        "customer_contacts",
        "customer_types",
        "card_types",
        "card_type_restricted_subgroups",
        "card_type_subscriptions",
        "items",
        "item_subgroups",
        "taxes",
        "tax_classes",
        "locations",
        "loyalty_ledger",
        "receivable_ledger",
        "sales",
        "sale_lines",
        "sale_tenders",
        "audit_log",
        "employees",
        "customer_orders",
    ):
        assert expected in tables
    # Money columns are TEXT so no value ever turns into a float on the way in.
    columns = {c.name: c.type for c in backend.db["customers"].columns}
    assert columns["credit_limit"] == "TEXT"
    assert columns["auto_discount_percent"] == "TEXT"


@pytest.mark.parametrize("table", ["loyalty_ledger", "receivable_ledger", "audit_log"])
def test_ledgers_are_append_only(backend: Backend, table: str) -> None:
    cid = CustomerService(backend).create({"first_name": "Ada"})
    backend.ledgers.add_points(
        customer_id=cid, entry_type="earned", points=Decimal("5"), at="2026-01-01"
    )
    backend.ledgers.add_receivable(
        customer_id=cid, entry_type="charge", amount=Decimal("1"), at="2026-01-01"
    )
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        backend.db.execute(f"DELETE FROM {table}")
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        backend.db.execute(f"UPDATE {table} SET id = id")


def test_foreign_keys_are_enforced(backend: Backend) -> None:
    with pytest.raises(sqlite3.IntegrityError):
        backend.ledgers.add_points(customer_id=999, entry_type="earned", points=Decimal(1), at="x")


def test_adjustment_without_reason_is_refused_by_the_schema_too(backend: Backend) -> None:
    cid = CustomerService(backend).create({"first_name": "Ada"})
    with pytest.raises(sqlite3.IntegrityError):
        backend.ledgers.add_points(
            customer_id=cid, entry_type="adjusted", points=Decimal(1), at="x"
        )


def test_multiplier_range_checked_by_schema(backend: Backend) -> None:
    with pytest.raises(sqlite3.IntegrityError):
        backend.catalog.insert("card_types", {"code": "X", "name": "X", "multiplier": "10.5"})
    backend.catalog.insert("card_types", {"code": "Y", "name": "Y", "multiplier": "10"})


def test_balances_are_sums_of_the_ledgers(backend: Backend) -> None:
    cid = CustomerService(backend).create({"first_name": "Ada"}, opening_points="102.375")
    for points in ("2.5", "-1.125"):
        backend.ledgers.add_points(
            customer_id=cid, entry_type="earned", points=Decimal(points), at="t"
        )
    for amount in ("100.10", "0.20", "-50.05"):
        backend.ledgers.add_receivable(
            customer_id=cid, entry_type="charge", amount=Decimal(amount), at="t"
        )
    assert backend.customers.loyalty_balance(cid) == Decimal("103.750")
    assert backend.customers.receivable_balance(cid) == Decimal("50.25")
    summary = backend.ledgers.points_summary(cid)
    assert summary["unused"] == Decimal("103.750")
