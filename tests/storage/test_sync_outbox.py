"""The lane's outbox: every writer puts its outbox rows in the same transaction as the change
(the triggers of migration 0012), what head office sent down never goes back up, and what a
database held before the outbox is queued once."""

from __future__ import annotations

import json
import re
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner

from pos_tui.services.checkout.sale import Checkout
from pos_tui.services.customers.service import CustomerService
from pos_tui.services.runtime.backend import Backend
from pos_tui.storage import sync_outbox
from pos_tui.storage.db import write
from pos_tui.storage.sync_outbox import OutboxRepository
from tests.catalog import Store, build_store
from tests.helpers import cli_runner_invoke

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def _kinds(backend: Backend, after: int = 0) -> Counter[str]:
    rows = backend.db.execute(
        "SELECT kind FROM sync_outbox WHERE seq > ? ORDER BY seq", [after]
    ).fetchall()
    return Counter(r[0] for r in rows)


@pytest.fixture
def store(backend: Backend) -> Store:
    return build_store(backend)


def test_a_sale_and_everything_it_posts_enter_the_outbox_in_order(
    backend: Backend, store: Store
) -> None:
    before = OutboxRepository(backend.db).last_seq()
    co = Checkout(backend, store.cashier)
    co.attach_customer(store.bob)  # Bob's sales give Anna referral points
    co.add_item("APPLE", "3")
    co.add_cash("400")
    done = co.commit()
    rows = backend.db.execute(
        "SELECT seq, kind, ref FROM sync_outbox WHERE seq > ? ORDER BY seq", [before]
    ).fetchall()
    kinds = [r[1] for r in rows]
    assert kinds[0] == "sale" and rows[0][2] == str(done.sale["id"])
    assert kinds.count("points") == 2  # Bob's earned, Anna's referral
    assert [r[0] for r in rows] == list(range(before + 1, before + 1 + len(rows)))


def test_a_failed_transaction_leaves_no_outbox_row(backend: Backend, store: Store) -> None:
    before = OutboxRepository(backend.db).last_seq()
    with pytest.raises(RuntimeError), write(backend.db):
        backend.ledgers.add_points(
            customer_id=store.anna, entry_type="earned", points=Decimal(5), at=backend.timestamp()
        )
        CustomerService(backend).update(store.anna, {"first_name": "Annie"})
        assert OutboxRepository(backend.db).last_seq() == before + 3  # points, customer, audit
        raise RuntimeError("power cut")
    assert OutboxRepository(backend.db).last_seq() == before
    assert backend.customers.get(store.anna).first_name == "Anna"  # type: ignore[union-attr]


def test_customer_changes_carry_the_values_written(backend: Backend, store: Store) -> None:
    before = OutboxRepository(backend.db).last_seq()
    svc = CustomerService(backend)
    svc.update(store.anna, {"first_name": "Annie", "mobile": "9876500000"})
    new = svc.create({"first_name": "Cara", "last_name": "Lee", "mobile": "9000000001"})
    rows = backend.db.execute(
        "SELECT kind, op, ref, data FROM sync_outbox WHERE seq > ? AND kind = 'customer'",
        [before],
    ).fetchall()
    changed = json.loads(rows[0][3])
    assert rows[0][:3] == ("customer", "changed", str(store.anna))
    assert changed["first_name"] == "Annie" and changed["mobile"] == "+919876500000"
    assert "last_name" not in changed  # only what changed
    created = json.loads(rows[1][3])
    assert rows[1][:3] == ("customer", "created", str(new))
    assert created["first_name"] == "Cara" and created["account_number"]


def test_every_writer_fills_the_outbox(backend: Backend, store: Store, db_path: Path) -> None:
    before = OutboxRepository(backend.db).last_seq()
    # The back office: reference data.
    backend.catalog.update("card_types", store.gold, {"name": "Gold Plus"})
    backend.catalog.set_restricted_subgroups(store.junior, [])
    rows = backend.db.execute(
        "SELECT kind, entity, op, ref FROM sync_outbox WHERE seq > ? ORDER BY seq", [before]
    ).fetchall()
    assert rows == [
        ("master", "card_types", "upsert", "GOLD"),
        ("master", "card_type_restricted_subgroups", "delete", '["JUNIOR","LIQ"]'),
    ]
    before = OutboxRepository(backend.db).last_seq()
    # The CLI, another process on the same file.
    runner = CliRunner()
    result = cli_runner_invoke(
        runner,
        [
            "--db",
            str(db_path),
            "employees",
            "add",
            "301",
            "Max",
            "--role",
            "manager",
            "--pin",
            "3456",
        ],
    )
    assert result.exit_code == 0, result.output
    assert _kinds(backend, before)["master"] >= 1
    before = OutboxRepository(backend.db).last_seq()
    # CSV import.
    result = cli_runner_invoke(
        runner,
        [
            "--db",
            str(db_path),
            "customers",
            "import",
            str(FIXTURES / "shopify_customers.csv"),
            "--preset",
            "shopify",
        ],
    )
    kinds = _kinds(backend, before)
    imported = backend.db.execute(
        "SELECT count(*) FROM audit_log WHERE action = 'import'"
    ).fetchone()[0]
    assert imported > 0 and kinds["customer"] >= imported and kinds["audit"] >= imported


def test_changes_applied_from_head_office_stay_out_of_the_outbox(
    backend: Backend, store: Store
) -> None:
    before = OutboxRepository(backend.db).last_seq()
    with write(backend.db):
        backend.db.execute("INSERT INTO sync_applying (since) VALUES ('now')")
        CustomerService(backend).update(store.anna, {"first_name": "Annie"})
        backend.catalog.update("items", 1, {"name": "Apples"})
        backend.db.execute("DELETE FROM sync_applying")
    assert OutboxRepository(backend.db).last_seq() == before
    CustomerService(backend).update(store.anna, {"first_name": "Anne"})
    assert OutboxRepository(backend.db).last_seq() > before


def test_the_customer_triggers_cover_every_column(backend: Backend) -> None:
    columns = [r[1] for r in backend.db.execute("PRAGMA table_info(customers)")]
    for name in ("sync_customers_ai", "sync_customers_au"):
        sql = backend.db.execute("SELECT sql FROM sqlite_master WHERE name = ?", [name]).fetchone()[
            0
        ]
        named = set(re.findall(r"new\.(\w+)", sql))
        assert named >= set(columns) - {"id"}, (
            f"{name}: a migration that adds a customer column must call "
            "sync_outbox.install_triggers (missing: "
            f"{sorted(set(columns) - named - {'id'})})"
        )


def test_what_a_database_held_before_the_outbox_is_queued_once(
    backend: Backend, store: Store
) -> None:
    co = Checkout(backend, store.cashier)
    co.attach_customer(store.anna)
    co.add_item("APPLE")
    co.add_cash("200")
    co.commit()
    counts = {
        "customers": backend.db.execute("SELECT count(*) FROM customers").fetchone()[0],
        "sales": backend.db.execute("SELECT count(*) FROM sales").fetchone()[0],
        "points": backend.db.execute("SELECT count(*) FROM loyalty_ledger").fetchone()[0],
        "audit": backend.db.execute("SELECT count(*) FROM audit_log").fetchone()[0],
        "items": backend.db.execute("SELECT count(*) FROM items").fetchone()[0],
    }
    with write(backend.db):
        backend.db.execute("DELETE FROM sync_outbox")
        sync_outbox.backfill(backend.db)
    kinds = _kinds(backend)
    assert kinds["customer"] == counts["customers"]
    assert kinds["sale"] == counts["sales"]
    assert kinds["points"] == counts["points"]
    assert kinds["audit"] == counts["audit"]
    items = backend.db.execute(
        "SELECT count(*) FROM sync_outbox WHERE kind = 'master' AND entity = 'items'"
    ).fetchone()[0]
    assert items == counts["items"]
    # Reference rows first, then customers, then the journal.
    order = [r[0] for r in backend.db.execute("SELECT kind FROM sync_outbox ORDER BY seq")]
    assert order.index("customer") > max(i for i, k in enumerate(order) if k == "master")


def test_orders_and_statement_rows_are_queued_once_per_row_and_an_erasure_too(
    backend: Backend, store: Store
) -> None:
    from pos_tui.services.accounts.order_view import Tender
    from pos_tui.services.accounts.orders import OrderService
    from pos_tui.services.customers.erasure import ErasureService

    before = OutboxRepository(backend.db).last_seq()
    co = Checkout(backend, store.cashier)
    co.add_item("APPLE")
    co.attach_customer(store.bob)
    orders = OrderService(backend, store.cashier)
    opened = orders.open_from_checkout(co, "special", Tender("cash", "10.00"))
    orders.advance(int(opened.order.id))  # the order changes again before any push
    orders.cancel(int(opened.order.id))
    rows = backend.db.execute(
        "SELECT entity, ref FROM sync_outbox WHERE kind = 'record' AND seq > ?", [before]
    ).fetchall()
    assert rows.count(("customer_orders", str(opened.order.id))) == 1, "one marker per row"
    assert sum(1 for e, _ in rows if e == "customer_order_records") == 2
    account = str(backend.customers.get(store.bob).account_number)  # type: ignore[union-attr]
    ErasureService(backend).erase(account, approver=store.supervisor, via="test")
    assert backend.db.execute(
        "SELECT count(*) FROM sync_outbox WHERE kind = 'erasure' AND ref = ?", [str(store.bob)]
    ).fetchone() == (1,)


def test_every_table_is_synced_or_named_as_the_lanes_own() -> None:
    """A new table must be given to sync (docs/sync.md) or said to stay on the lane."""
    from pos_tui.storage.db import connect
    from pos_tui.storage.journal import CHILD_TABLES
    from pos_tui.storage.sync_spec import (
        APPEND_ONLY,
        CUSTOMER_CHILDREN,
        LANE_ONLY,
        MASTER_TABLES,
        RECORD_TABLES,
    )

    db = connect(":memory:")
    tables = {
        r[0]
        for r in db.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
            "AND name NOT LIKE 'customers_fts%'"
        )
    }
    covered = (
        set(APPEND_ONLY)
        | set(CUSTOMER_CHILDREN.values())
        | {t.name for t in MASTER_TABLES}
        | {t.name for t in RECORD_TABLES}
        | {"customers", "customer_erasures"}
        | set(LANE_ONLY)
        | set(CHILD_TABLES.values())  # inside the sale event
    )
    assert sorted(tables - covered) == []
