"""A database fault at the lane (another lane holding the lock, a full disk) is said briefly and
loses nothing: the screen, the cart and the open sale in the database stay the same."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from pos_tui.app import PosApp
from pos_tui.config import Settings, load_settings
from pos_tui.services.runtime.backend import Backend
from pos_tui.storage.db import connect, write
from tests.app.conftest import enter, settle, sign_in
from tests.app.helpers_lane import checkout, message, skus, view


@pytest.fixture
def settings(db_path: Path) -> Settings:
    """A lane that waits 50 ms for a lock another lane holds (5 s in production)."""
    return load_settings(database={"path": str(db_path), "busy_timeout_ms": 50})


BUSY = "database busy: the sale is kept, wait for the other lane and press Enter"


def _saved_skus(backend: Backend) -> list[int]:
    (row,) = backend.open_sales.for_lane("L1", "in_progress")
    return [line["item_id"] for line in json.loads(row.state)["lines"]]


async def test_a_locked_database_refuses_the_scan_and_sells_only_what_is_shown(
    app: PosApp, backend: Backend, db_path: Path
) -> None:
    other = connect(db_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot)
        await enter(pilot, "APPLE")
        with write(other):
            await enter(pilot, "BAG")
            assert message(pilot) == f"! {BUSY}"
            await pilot.press("f9")  # void the line: refused too, the line stays
            await settle(pilot)
            assert message(pilot) == f"! {BUSY}"
        assert skus(pilot) == [("APPLE", "1")]
        co = checkout(pilot).co
        assert [line.line_no for line in co.cart.lines] == [1]
        assert _saved_skus(backend) == [co.cart.lines[0].item_id]
        await enter(pilot, "2*APPLE")  # the next change: the failed BAG is not in it
        assert skus(pilot) == [("APPLE", "1"), ("APPLE", "2")]
        await pilot.press("f5")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert view(pilot).empty
    sale = backend.journal.last("L1")
    assert sale is not None and sale.total == Decimal("315.00")
    lines = backend.journal.children(sale.id).lines
    assert [(line.sku, line.quantity) for line in lines] == [
        ("APPLE", Decimal("1")),
        ("APPLE", Decimal("2")),
    ]
    other.conn.close()


async def test_enter_after_the_lock_is_released_does_the_change_that_failed(
    app: PosApp, backend: Backend, db_path: Path
) -> None:
    other = connect(db_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot)
        await enter(pilot, "APPLE")
        with write(other):  # another lane holds the write lock past the 50 ms busy timeout
            await enter(pilot, "BAG")
            assert message(pilot) == f"! {BUSY}"
            await pilot.press("enter")  # still held: said again, nothing added
            await settle(pilot)
            assert message(pilot) == f"! {BUSY}" and skus(pilot) == [("APPLE", "1")]
        await pilot.press("enter")
        await settle(pilot)
        assert skus(pilot) == [("APPLE", "1"), ("BAG", "1")]
        assert _saved_skus(backend) == [line.item_id for line in checkout(pilot).co.cart.lines]
    other.conn.close()
