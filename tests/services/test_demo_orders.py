"""Demo customer orders: every type, consistent statuses, and the back office lists them."""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from decimal import Decimal
from pathlib import Path

import pytest

from pos_tui.config import load_settings
from pos_tui.demo import DemoGenerator
from pos_tui.services.customers.history import HistoryService
from pos_tui.services.runtime.backend import Backend, open_backend
from pos_tui.storage.rows import Row, all_rows

NOW = datetime(2026, 3, 14, 11, 0, 0)


def make_backend(path: Path) -> Backend:
    return open_backend(load_settings(database={"path": str(path)}), now=lambda: NOW)


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("demo-orders") / "demo.db"
    backend = make_backend(path)
    DemoGenerator(backend, seed=7, now=NOW).run(customers=300, sales=20)
    backend.close()
    return path


@pytest.fixture
def demo(demo_db: Path) -> Backend:
    return make_backend(demo_db)


def orders(backend: Backend) -> list[Row]:
    return all_rows(backend.db.execute("SELECT * FROM customer_orders ORDER BY id"))


def test_orders_of_every_type_for_a_few_percent_of_customers(demo: Backend) -> None:
    rows = orders(demo)
    assert {r["order_type"] for r in rows} == {"work", "back", "special", "layaway"}
    assert {r["status"] for r in rows} == {"pending", "completed", "cancelled"}
    with_orders = {r["customer_id"] for r in rows}
    assert 0.01 * 300 <= len(with_orders) <= 0.05 * 300
    assert len({r["number"] for r in rows}) == len(rows)
    locations = {r[0] for r in demo.db.execute("SELECT id FROM locations").fetchall()}
    for r in rows:
        assert r["location_id"] in locations
        placed = datetime.fromisoformat(r["placed_at"])
        assert placed <= NOW
        customer = demo.customers.get(r["customer_id"])
        assert customer is not None
        assert placed >= datetime.fromisoformat(customer.created_at)
        due = Decimal(r["amount_due"])
        if r["status"] == "pending":
            assert due > 0 and r["closed_at"] is None
            assert customer.active == 1
        else:
            assert due == 0
            assert placed <= datetime.fromisoformat(r["closed_at"]) <= NOW


def test_back_office_lists_a_demo_customers_orders(demo: Backend) -> None:
    per_customer = Counter(r["customer_id"] for r in orders(demo))
    cid, count = per_customer.most_common(1)[0]
    listed = HistoryService(demo).orders(cid)
    assert len(listed) == count
    assert [o["placed_at"] for o in listed] == sorted(
        (o["placed_at"] for o in listed), reverse=True
    )
    assert all(o["location_name"] for o in listed)
    assert {o["customer_id"] for o in listed} == {cid}


def test_orders_repeat_for_a_seed_and_continue_after_force(tmp_path: Path) -> None:
    first, second = make_backend(tmp_path / "a.db"), make_backend(tmp_path / "b.db")
    for backend in (first, second):
        DemoGenerator(backend, seed=3, now=NOW).run(customers=150, sales=0)
    assert [tuple(r.values()) for r in orders(first)] == [tuple(r.values()) for r in orders(second)]
    before = len(orders(first))
    assert before > 0
    DemoGenerator(first, seed=4, now=NOW).run(customers=150, sales=0, force=True)
    rows = orders(first)
    assert len(rows) > before
    assert len({r["number"] for r in rows}) == len(rows)
    assert {r["customer_id"] for r in rows[before:]} <= set(range(151, 301))
