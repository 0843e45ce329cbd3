"""The harness's checks can fail: a sale a lane was told is committed but is missing, a sale
with a part gone, a ledger row no sale explains and a sale left open are each found and
counted, so "lost 0, partial 0, ledger mismatches 0" in docs/reliability.md means something."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from pos_tui.services.checkout.sale import Checkout
from pos_tui.services.staff.auth import AuthService
from reliability.checks import check_store
from reliability.store import CASHIER, build_store, facts, give_points, open_lane


@pytest.fixture(scope="module")
def sold(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[dict[str, Any]]]:
    """A store where a customer paid part of a sale with points: what a lane logs for it."""
    db = tmp_path_factory.mktemp("checks") / "store.db"
    store = build_store(db, customers=6, seed=5)
    give_points(db, store.customers, Decimal(100))
    backend = open_lane(db, "K1")
    try:
        co = Checkout(backend, AuthService(backend).sign_in(*CASHIER))
        for sku in store.skus[:4]:
            co.add_item(sku, "2")
        for customer in store.customers:  # one whose card type redeems
            co.attach_customer(customer)
            points, _value = co.usable_points()
            if points > 0:
                break
        assert points > 0
        co.add_points(points)
        co.add_cash(co.still_due() + 5)
        sale = co.commit().sale
    finally:
        backend.close()
    logged = {"lane": "K1", "id": sale.id, "number": sale.sale_number}
    return db, [{**logged, "total": str(sale.total)}]


@pytest.fixture
def copy(sold: tuple[Path, list[dict[str, Any]]], tmp_path: Path) -> Iterator[Path]:
    """A copy of the sold store to damage."""
    db = tmp_path / "damaged.db"
    with sqlite3.connect(sold[0]) as source, sqlite3.connect(db) as target:
        source.backup(target)
    yield db


def test_a_sound_store_has_no_findings(sold: tuple[Path, list[dict[str, Any]]]) -> None:
    db, committed = sold
    found = check_store(db, committed)
    assert found.sales == 1 and found.problems == []


def test_a_logged_sale_missing_or_different_is_lost(
    sold: tuple[Path, list[dict[str, Any]]], copy: Path
) -> None:
    (entry,) = sold[1]
    told = [{**entry, "id": entry["id"] + 1}, {**entry, "total": "0.01"}]
    found = check_store(copy, told)
    assert len(found.lost) == 2 and not found.partial and not found.ledger_mismatches
    assert "not in the journal" in found.lost[0] and "logged" in found.lost[1]


def test_a_sale_without_its_tenders_or_lines_is_partial(
    sold: tuple[Path, list[dict[str, Any]]], copy: Path
) -> None:
    with sqlite3.connect(copy) as db:
        _unguard_the_journal(db)
        db.execute("DELETE FROM sale_tenders WHERE kind = 'cash'")
        db.execute("DELETE FROM sale_taxes")
    found = check_store(copy, sold[1])
    assert any("tenders less change" in p for p in found.partial)
    assert any("taxes" in p for p in found.partial)
    with sqlite3.connect(copy) as db:
        db.execute("DELETE FROM sale_tenders")
        db.execute("DELETE FROM sale_lines")
    found = check_store(copy, sold[1])
    assert any(p.endswith("no lines") for p in found.partial)
    assert any(p.endswith("no tenders") for p in found.partial)
    assert found.journal  # the seal no longer matches what is left


def _unguard_the_journal(db: sqlite3.Connection) -> None:
    """Drop the triggers that keep the journal append-only: what a bug could half-write."""
    for (name,) in db.execute(
        "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name LIKE 'sale%'"
    ).fetchall():
        db.execute(f'DROP TRIGGER "{name}"')


def test_a_ledger_row_no_sale_explains_is_a_mismatch(
    sold: tuple[Path, list[dict[str, Any]]], copy: Path
) -> None:
    with sqlite3.connect(copy) as db:
        columns = [row[1] for row in db.execute("PRAGMA table_info(loyalty_ledger)")]
        (row,) = db.execute(
            "SELECT * FROM loyalty_ledger WHERE entry_type = 'used' ORDER BY id DESC LIMIT 1"
        ).fetchall()
        twice = dict(zip(columns, row, strict=True))
        del twice["id"]  # the same points spent a second time by the same sale
        names = ", ".join(twice)
        db.execute(
            f"INSERT INTO loyalty_ledger ({names}) VALUES ({', '.join('?' * len(twice))})",
            list(twice.values()),
        )
    found = check_store(copy, sold[1])
    assert any("used points" in p for p in found.ledger_mismatches), found.ledger_mismatches
    assert not found.lost


def test_a_points_balance_below_zero_on_the_way_is_a_mismatch(
    sold: tuple[Path, list[dict[str, Any]]], copy: Path
) -> None:
    with sqlite3.connect(copy) as db:
        columns = [row[1] for row in db.execute("PRAGMA table_info(loyalty_ledger)")]
        (first,) = db.execute("SELECT * FROM loyalty_ledger ORDER BY id LIMIT 1").fetchall()
        spent = dict(zip(columns, first, strict=True))
        del spent["id"]
        spent.update(points="-100000", sale_id=None, entry_type="adjusted", reason="damage")
        names = ", ".join(spent)
        db.execute(
            f"INSERT INTO loyalty_ledger ({names}) VALUES ({', '.join('?' * len(spent))})",
            list(spent.values()),
        )
    found = check_store(copy, sold[1])
    assert any("< 0" in p for p in found.ledger_mismatches), found.ledger_mismatches


def test_a_sale_left_open_is_partial(sold: tuple[Path, list[dict[str, Any]]], copy: Path) -> None:
    backend = open_lane(copy, "K1")
    try:
        co = Checkout(backend, AuthService(backend).sign_in(*CASHIER))
        co.add_item(facts(backend).skus[0], "1")
    finally:
        backend.close()
    found = check_store(copy, sold[1])
    assert any("not resumed" in p for p in found.partial)
