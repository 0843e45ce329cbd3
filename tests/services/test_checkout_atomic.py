"""Every change to the cart is one transaction, in memory and in the database, with its audit
row: a locked database or a full disk (real ones) leave the cart, the open sale and the audit as
they were, and override rows name their sale."""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import sqlite_utils
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from pos_tui.config import Settings, load_settings
from pos_tui.services.checkout.sale import Checkout, CheckoutError
from pos_tui.services.runtime.backend import Backend
from pos_tui.services.staff.auth import AuthService
from pos_tui.storage.db import connect, write
from tests.catalog import Store, build_store

# What the cashier reads (pos_tui/storage/errors.py), word for word.
BUSY = "database busy: the sale is kept, wait for the other lane and press Enter"
DISK_FULL = "disk full: the sale is kept, free space and press Enter"


@pytest.fixture
def settings(db_path: Path) -> Settings:
    """A lane that waits 50 ms for a lock another lane holds (5 s in production)."""
    return load_settings(database={"path": str(db_path), "busy_timeout_ms": 50})


@pytest.fixture
def store(backend: Backend) -> Store:
    return build_store(backend)


def _saved_cart(backend: Backend, co: Checkout) -> dict[str, Any] | None:
    if co.open_sale_id is None:
        return None
    row = backend.open_sales.get(co.open_sale_id)
    return json.loads(row.state) if row else None


def _agree(backend: Backend, co: Checkout) -> None:
    """The cart in memory is the open sale in the database (an empty cart: none saved)."""
    saved = _saved_cart(backend, co)
    if saved is None:
        assert not co.cart.lines and not co.cart.tenders
    else:
        assert saved == co.cart.to_json()


def _fill_the_disk(db: sqlite_utils.Database) -> None:
    """A database that cannot grow: every free byte taken, the file capped at its size."""
    pages = db.execute("PRAGMA page_count").fetchone()[0]
    db.execute(f"PRAGMA max_page_count = {pages}")
    for size in (4000, 400, 40, 1):
        while True:
            try:
                with write(db):
                    db.execute(
                        "INSERT INTO audit_log (at, entity, action, changes) VALUES (?, ?, ?, ?)",
                        ["t", "filler", "fill", json.dumps({"x": "x" * size})],
                    )
            except sqlite3.OperationalError as exc:
                assert "full" in str(exc)
                break


def _room_again(db: sqlite_utils.Database) -> None:
    db.execute("PRAGMA max_page_count = 1073741823")


def test_a_locked_database_keeps_the_failed_line_out_of_the_sale(
    backend: Backend, store: Store, db_path: Path
) -> None:
    co = Checkout(backend, store.cashier)
    other = connect(db_path)
    with (
        write(other),
        pytest.raises(CheckoutError, match=re.escape(BUSY)),
    ):
        co.add_item("APPLE")  # the very first line: no open sale either
    assert co.cart.lines == [] and co.open_sale_id is None
    assert backend.open_sales.for_lane("L1", "in_progress") == []
    co.add_item("APPLE")
    with write(other):
        with pytest.raises(CheckoutError, match=re.escape(BUSY)) as info:
            co.add_item("BAG")
        assert info.value.code == "STORAGE_LOCKED" and info.value.retry
        with pytest.raises(CheckoutError, match=re.escape(BUSY)):
            co.void_line(1)
        with pytest.raises(CheckoutError, match=re.escape(BUSY)):
            co.add_cash("5")
    assert [(line.line_no, line.item_id) for line in co.cart.lines] == [(1, 1)]
    assert co.cart.next_line_no == 2 and co.cart.tenders == []
    _agree(backend, co)
    co.add_cash("105")  # the next change sells what the screen shows, not the failed BAG
    done = co.commit()
    lines = backend.journal.children(done.sale.id).lines
    assert [line.sku for line in lines] == ["APPLE"] and done.change == 0


def test_a_commit_that_fails_leaves_the_sale_open_then_commits(
    backend: Backend, store: Store, db_path: Path
) -> None:
    co = Checkout(backend, store.cashier)
    co.add_item("APPLE")
    co.add_cash("105")
    open_id = co.open_sale_id
    other = connect(db_path)
    with write(other), pytest.raises(CheckoutError, match=re.escape(BUSY)):
        co.commit()
    assert backend.journal.last("L1") is None and co.open_sale_id == open_id
    _agree(backend, co)
    assert co.commit().change == 0
    assert backend.open_sales.get(open_id) is None  # type: ignore[arg-type]


def test_a_full_disk_rolls_back_the_cart_with_its_audit_row(backend: Backend, store: Store) -> None:
    co = Checkout(backend, store.cashier)
    co.add_item("APPLE")
    co.add_item("BAG")
    co.add_cash("20")
    open_id = co.open_sale_id
    assert open_id is not None
    _fill_the_disk(backend.db)
    try:
        for change in (
            lambda: co.void_line(2),
            lambda: co.override_price(1, "96"),
            lambda: co.discount_sale(percent="5"),
            co.cancel,
        ):
            with pytest.raises(CheckoutError, match=re.escape(DISK_FULL)):
                change()
            _agree(backend, co)
    finally:
        _room_again(backend.db)
    assert [line.line_no for line in co.cart.lines] == [1, 2] and co.paid() == Decimal("20.00")
    assert co.cart.lines[0].price_override is None and co.cart.sale_discount is None
    assert backend.store.audit_trail("open_sale", open_id) == []
    co.void_line(2)
    (row,) = backend.store.audit_trail("open_sale", open_id)
    assert row.action == "void_line" and json.loads(row.changes)["sku"] == "BAG"
    _agree(backend, co)


def test_override_rows_name_the_open_sale_and_the_commit_links_them(
    backend: Backend, store: Store
) -> None:
    co = Checkout(backend, store.cashier)
    co.add_item("APPLE")
    co.add_item("BAG")
    open_id = co.open_sale_id
    assert open_id is not None
    supervisor = AuthService(backend).authorize(
        "201", "2345", role="supervisor", reason="price 50 on line 1", open_sale_id=open_id
    )
    co.override_price(1, "50", approver=supervisor)
    co.discount_line(1, percent="10", approver=supervisor)
    co.discount_sale(amount="2", approver=supervisor)
    co.void_line(2)
    rows = backend.store.audit_trail("open_sale", open_id)
    assert [r.action for r in rows] == [
        "price_override",
        "line_discount",
        "sale_discount",
        "void_line",
    ]
    approvals = [json.loads(r.changes) for r in rows[:3]]
    assert all(a["approved_by"] == supervisor.id and a["override"] for a in approvals)
    override = backend.store.audit_trail("employee", supervisor.id)[-1]
    assert override.action == "override"
    assert json.loads(override.changes)["open_sale_id"] == open_id
    co.add_cash(str(co.remaining()))
    done = co.commit()
    (closing,) = backend.store.audit_trail("sale", done.sale.id)
    assert closing.action == "open_sale_closed"
    assert json.loads(closing.changes) == {
        "open_sale_id": open_id,
        "audit_ids": [r.id for r in rows],
    }
    # An open sale id is never given again, so these rows stay this sale's alone.
    again = Checkout(backend, store.cashier)
    again.add_item("BAG")
    assert again.open_sale_id is not None and again.open_sale_id > open_id


# -- the invariant ----------------------------------------------------------------------------

OPS = st.one_of(
    st.tuples(st.just("add"), st.sampled_from(["APPLE", "BAG", "NOPE"])),
    st.tuples(st.just("void"), st.integers(1, 4)),
    st.tuples(st.just("qty"), st.integers(1, 4), st.sampled_from(["1", "2", "0"])),
    st.tuples(st.just("cash"), st.sampled_from(["5", "50", "120", "500"])),
    st.tuples(st.just("card"), st.sampled_from(["5", "50", "110"])),
    st.tuples(st.just("points"), st.sampled_from(["2", "10", "84", "500"])),
    st.tuples(st.just("remove"), st.integers(0, 2)),
    st.tuples(st.just("fail"), st.just(0)),
    st.tuples(st.just("commit"), st.just(0)),
)


@hypothesis_settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(ops=st.lists(OPS, max_size=14))
def test_cart_database_and_change_agree_after_every_step(
    backend: Backend, store: Store, ops: list[tuple[Any, ...]]
) -> None:
    """Whatever the cashier does and whatever fails, the cart in memory is the saved one, the
    card and points tenders never exceed the total, and change never exceeds the cash."""
    co = Checkout(backend, store.cashier)
    co.attach_customer(store.anna)
    real_save = backend.open_sales.save

    def failing_save(**kwargs: Any) -> int:
        backend.open_sales.save = real_save  # type: ignore[method-assign]
        raise sqlite3.OperationalError("database or disk is full")

    try:
        for op, *args in ops:
            try:
                if op == "fail":
                    backend.open_sales.save = failing_save  # type: ignore[method-assign]
                elif op == "commit":
                    _commit_and_check_change(backend, co)
                    co.attach_customer(store.anna)
                else:
                    _cashier_step(co, op, args)
            except CheckoutError:
                pass
            _agree(backend, co)
            _tenders_within_the_sale(co)
    finally:
        backend.open_sales.save = real_save  # type: ignore[method-assign]
        if co.open_sale_id is not None and backend.open_sales.get(co.open_sale_id) is not None:
            co.cancel()


def _cashier_step(co: Checkout, op: str, args: list[Any]) -> None:
    """One cart or tender step of the cashier, as the generated ``op`` names it."""
    steps: dict[str, Callable[..., object]] = {
        "add": co.add_item,
        "void": co.void_line,
        "qty": co.set_quantity,
        "cash": co.add_cash,
        "card": lambda amount: co.add_card(amount, "AUTH"),
        "points": co.add_points,
        "remove": co.remove_tender,
    }
    steps[op](*args)


def _commit_and_check_change(backend: Backend, co: Checkout) -> None:
    """Commit the sale: the change given is what was paid over the total, and only cash."""
    done = co.commit()
    sale = backend.journal.get(done.sale.id)
    assert sale is not None
    tenders = backend.journal.children(sale.id).tenders
    cash = sum((t.amount for t in tenders if t.kind == "cash"), Decimal(0))
    paid = sum((t.amount for t in tenders), Decimal(0))
    assert paid - sale.total == done.change <= cash


def _tenders_within_the_sale(co: Checkout) -> None:
    """No tender outlives the lines, and card and points never pay more than the total."""
    if co.cart.tenders:
        assert co.cart.lines, "no tender outlives the lines"
        not_cash = sum((Decimal(t.amount) for t in co.cart.tenders if t.kind != "cash"), Decimal(0))
        assert not_cash <= co.quote().totals.total
