"""Write transactions between lanes: waiting for the lock, savepoints, ledger balances."""

from __future__ import annotations

import sqlite3
import threading
import time
from decimal import Decimal
from pathlib import Path

import pytest

from pos_tui.storage.customers import CustomerRepository
from pos_tui.storage.db import connect, write
from pos_tui.storage.errors import StorageFault
from pos_tui.storage.ledgers import LedgerRepository


def _customer(db_path: Path) -> int:
    db = connect(db_path)
    cid = CustomerRepository(db).insert(
        {
            "first_name": "Ada",
            "account_number": "1",
            "created_at": "2026-01-01T00:00:00",
            "updated_at": "2026-01-01T00:00:00",
        }
    )
    db.conn.close()
    return cid


def test_a_lane_gets_the_lock_soon_after_another_lets_go(db_path: Path) -> None:
    holder, waiter = connect(db_path), connect(db_path)
    held = threading.Event()

    def hold() -> None:
        with write(holder):
            held.set()
            time.sleep(0.24)

    thread = threading.Thread(target=hold)
    thread.start()
    held.wait()
    started = time.perf_counter()
    with write(waiter):
        waited = time.perf_counter() - started
    thread.join()
    # SQLite's own handler tries at 1, 3, 8, 18, ... 178, 228, 328 ms: 88 ms late here.
    assert 0.22 < waited < 0.3
    assert waiter.execute("PRAGMA busy_timeout").fetchone()[0] == 5000


def test_a_lock_held_too_long_gives_up_at_the_busy_timeout(db_path: Path) -> None:
    holder = connect(db_path)
    waiter = connect(db_path, busy_timeout_ms=150)
    with write(holder):
        started = time.perf_counter()
        with (
            pytest.raises(StorageFault, match=r"^database busy: nothing was saved") as info,
            write(waiter),
        ):
            pass
        assert info.value.kind == "locked" and isinstance(info.value, sqlite3.OperationalError)
        assert 0.14 < time.perf_counter() - started < 1.0
    assert not waiter.conn.in_transaction
    assert waiter.execute("PRAGMA busy_timeout").fetchone()[0] == 150
    with write(waiter):
        pass


def test_a_failed_inner_write_is_undone_and_the_outer_one_goes_on(db_path: Path) -> None:
    cid = _customer(db_path)
    db = connect(db_path)
    ledgers = LedgerRepository(db)
    with write(db):
        ledgers.add_points(customer_id=cid, entry_type="earned", points=Decimal(1), at="t")
        with pytest.raises(RuntimeError), write(db):
            ledgers.add_points(customer_id=cid, entry_type="earned", points=Decimal(2), at="t")
            raise RuntimeError("refused")
        ledgers.add_points(customer_id=cid, entry_type="earned", points=Decimal(4), at="t")
    assert CustomerRepository(db).loyalty_balance(cid) == 5


def test_balances_follow_every_lane_and_forget_rolled_back_rows(db_path: Path) -> None:
    cid = _customer(db_path)
    lane1, lane2 = connect(db_path), connect(db_path)
    repo = CustomerRepository(lane1)
    other = LedgerRepository(lane2)
    other.add_points(customer_id=cid, entry_type="opening", points=Decimal("10.5"), at="t")
    assert repo.loyalty_balance(cid) == Decimal("10.5")
    other.add_points(customer_id=cid, entry_type="earned", points=Decimal("0.25"), at="t")
    other.add_receivable(customer_id=cid, entry_type="charge", amount=Decimal("7.10"), at="t")
    assert repo.loyalty_balance(cid) == Decimal("10.75")
    assert repo.receivable_balance(cid) == Decimal("7.10")
    # A balance read inside a transaction that is then rolled back is not kept.
    with pytest.raises(RuntimeError), write(lane1):
        LedgerRepository(lane1).add_points(
            customer_id=cid, entry_type="used", points=Decimal("-10"), at="t"
        )
        assert repo.loyalty_balance(cid) == Decimal("0.75")
        raise RuntimeError("the sale failed")
    assert repo.loyalty_balance(cid) == Decimal("10.75")
    other.add_points(customer_id=cid, entry_type="used", points=Decimal("-0.75"), at="t")
    assert repo.loyalty_balance(cid) == Decimal("10.00")
    fresh = CustomerRepository(connect(db_path))
    assert fresh.loyalty_balance(cid) == repo.loyalty_balance(cid)


def test_a_whole_transaction_is_all_or_nothing_without_savepoints(db_path: Path) -> None:
    cid = _customer(db_path)
    db = connect(db_path)
    ledgers = LedgerRepository(db)
    statements: list[str] = []
    db.conn.set_trace_callback(statements.append)
    with pytest.raises(RuntimeError), write(db, whole=True):
        ledgers.add_points(customer_id=cid, entry_type="earned", points=Decimal(1), at="t")
        ledgers.add_points(customer_id=cid, entry_type="earned", points=Decimal(2), at="t")
        raise RuntimeError("the sale failed")
    db.conn.set_trace_callback(None)
    assert not any("SAVEPOINT" in s for s in statements)
    assert CustomerRepository(db).loyalty_balance(cid) == 0
    with write(db, whole=True):
        ledgers.add_points(customer_id=cid, entry_type="earned", points=Decimal(4), at="t")
    # Afterwards nested writes are savepoints again.
    with write(db), pytest.raises(RuntimeError), write(db):
        ledgers.add_points(customer_id=cid, entry_type="earned", points=Decimal(8), at="t")
        raise RuntimeError("refused")
    assert CustomerRepository(db).loyalty_balance(cid) == 4


def test_a_commit_that_fails_leaves_no_transaction_open(db_path: Path) -> None:
    """A COMMIT refused with its transaction still open (here a deferred foreign key; a busy
    COMMIT does the same) is rolled back: the next write is a transaction of its own that
    commits, not a savepoint in a dead one holding every lane's write lock."""
    db = connect(db_path)
    other = connect(db_path, busy_timeout_ms=100)
    with pytest.raises(sqlite3.IntegrityError, match="FOREIGN KEY"), write(db):
        db.execute("PRAGMA defer_foreign_keys = ON")
        LedgerRepository(db).add_points(
            customer_id=999_999, entry_type="earned", points=Decimal(1), at="t"
        )
    assert not db.conn.in_transaction
    with write(other):  # the lock is free: no StorageFault "database busy"
        pass
    cid = _customer(db_path)
    with write(db):
        LedgerRepository(db).add_points(
            customer_id=cid, entry_type="earned", points=Decimal(2), at="t"
        )
    assert CustomerRepository(other).loyalty_balance(cid) == Decimal(2)
