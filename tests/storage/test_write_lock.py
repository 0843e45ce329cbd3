"""Write transactions between lanes: waiting for the lock, savepoints, ledger balances."""

from __future__ import annotations

import sqlite3
import threading
import time
from decimal import Decimal
from pathlib import Path

import pytest
import sqlite_utils

from pos_tui.storage.customers import CustomerRepository
from pos_tui.storage.db import connect, write
from pos_tui.storage.errors import ConstraintRefused, StorageFault
from pos_tui.storage.ledgers import LedgerRepository
from tests.helpers import HANG_SECONDS


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


class Tries:
    """Counts a connection's ``BEGIN IMMEDIATE`` attempts (SQLite traces each, failed or not)
    and lets a test wait for the n-th."""

    def __init__(self, db: sqlite_utils.Database) -> None:
        self.count = 0
        self._changed = threading.Condition()
        db.conn.set_trace_callback(self._seen)

    def _seen(self, statement: str) -> None:
        if statement == "BEGIN IMMEDIATE":
            with self._changed:
                self.count += 1
                self._changed.notify_all()

    def wait_for(self, count: int) -> None:
        with self._changed:
            assert self._changed.wait_for(lambda: self.count >= count, HANG_SECONDS)


def test_a_lane_gets_the_lock_soon_after_another_lets_go(db_path: Path) -> None:
    """The waiter keeps asking while the lock is held and takes it at its first try after the
    holder lets go: no sleeping on through the release."""
    assert connect(db_path).execute("PRAGMA busy_timeout").fetchone()[0] == 5000
    # A long timeout: a slow machine never turns the wait into a failure.
    holder, waiter = connect(db_path), connect(db_path, busy_timeout_ms=int(HANG_SECONDS * 1000))
    tries = Tries(waiter)
    got: list[int] = []

    def wait_for_the_lock() -> None:
        with write(waiter):
            got.append(tries.count)

    thread = threading.Thread(target=wait_for_the_lock)
    with write(holder):
        thread.start()
        tries.wait_for(3)  # refused twice at least: provably waiting behind the holder
        assert not got
    # Every try counted by now either failed before the commit or is the one that took the
    # lock: the first try after the release wins.
    counted_after_release = tries.count
    thread.join(HANG_SECONDS)
    assert not thread.is_alive()
    (took,) = got
    assert 3 <= took <= counted_after_release + 1
    assert waiter.execute("PRAGMA busy_timeout").fetchone()[0] == int(HANG_SECONDS * 1000)


def test_a_lock_held_too_long_gives_up_at_the_busy_timeout(db_path: Path) -> None:
    holder = connect(db_path)
    waiter = connect(db_path, busy_timeout_ms=150)
    tries = Tries(waiter)
    outcome: list[BaseException] = []

    def try_to_write() -> None:
        try:
            with write(waiter):
                pass
        except sqlite3.OperationalError as exc:
            outcome.append(exc)

    with write(holder):
        started = time.monotonic()
        thread = threading.Thread(target=try_to_write)
        thread.start()
        thread.join(HANG_SECONDS)  # a hang fails here; a slow machine only waits longer
        assert not thread.is_alive()
        gave_up_after = time.monotonic() - started
        (error,) = outcome
        assert isinstance(error, StorageFault) and error.kind == "locked"
        assert str(error).startswith("database busy: nothing was saved")
    # It asked again and again (not refused at the first try) and gave up only once the
    # timeout had run: `write` raises only past its deadline, so this bound holds on any machine.
    assert tries.count > 2
    assert gave_up_after >= 0.15
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
    with pytest.raises(ConstraintRefused) as refused, write(db):
        db.execute("PRAGMA defer_foreign_keys = ON")
        LedgerRepository(db).add_points(
            customer_id=999_999, entry_type="earned", points=Decimal(1), at="t"
        )
    assert refused.value.kind == "foreign_key"  # refused at COMMIT, translated all the same
    assert not db.conn.in_transaction
    with write(other):  # the lock is free: no StorageFault "database busy"
        pass
    cid = _customer(db_path)
    with write(db):
        LedgerRepository(db).add_points(
            customer_id=cid, entry_type="earned", points=Decimal(2), at="t"
        )
    assert CustomerRepository(other).loyalty_balance(cid) == Decimal(2)
