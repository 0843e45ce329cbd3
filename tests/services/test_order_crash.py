"""A process killed (SIGKILL) in the middle of an order payment, completion or cancellation leaves
it wholly done or not started: killed at every checkpoint inside the transaction, and killed at
an arbitrary moment of a stream of payments. After each, the order's balance is its total less
its journal payments, every ledger agrees with the journal, and the journal verifies."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from pos_tui.config import load_settings
from pos_tui.services.accounts.order_view import Tender
from pos_tui.services.accounts.orders import OrderService
from pos_tui.services.runtime.backend import Backend, open_backend
from pos_tui.services.staff.auth import AuthService, Employee
from tests.catalog import Store, build_store
from tests.conftest import FIXED_NOW, Clock
from tests.services.test_order_money import mixed_customer, order_of

ROOT = Path(__file__).resolve().parents[2]
D = Decimal

# The child: signs the cashier in, runs one operation on order 1 and dies at ``point``.
KILLER = textwrap.dedent(
    """
    import datetime as dt, os, signal, sys
    from pos_tui.config import load_settings
    from pos_tui.services.accounts.order_view import Tender
    from pos_tui.services.accounts.orders import OrderService
    from pos_tui.services.runtime.backend import open_backend
    from pos_tui.services.staff.auth import AuthService

    path, op, point = sys.argv[1:4]
    b = open_backend(load_settings(database={"path": path}),
                     now=lambda: dt.datetime(2026, 11, 24, 11, 0))
    cashier = AuthService(b).sign_in("101", "1234")

    def die(where):
        if where == point:
            os.kill(os.getpid(), signal.SIGKILL)

    orders = OrderService(b, cashier, checkpoint=die)
    if op == "stream":
        # Payments of 0.01 by turns of cash, account and points-free card until killed.
        kinds = ["cash", "account", "card"]
        for n in range(10_000):
            kind = kinds[n % 3]
            orders.pay(1, Tender(kind, "0.01", "R%d" % n, pin="4321"))
            print("paid", n + 1, flush=True)
        sys.exit(3)
    tenders = {
        "cash": Tender("cash", "500.00"),
        "account": Tender("account", "60.00", "PO-1", pin="4321"),
        "points": Tender("points", "20.00"),
        "card": Tender("card", "60.00", "AUTH-1"),
    }
    if op == "complete":
        orders.complete(1, Tender("cash", "500.00"))
    elif op == "cancel":
        orders.cancel(1)
    else:
        orders.pay(1, tenders[op])
    sys.exit(4)  # the point was never reached
    """
)

PAY_POINTS = ("payment recorded", "tender posted", "order updated", "slip queued", "before commit")
CASES = [
    *((op, point) for op in ("cash", "account", "points") for point in PAY_POINTS),
    ("complete", "completion recorded"),
    ("complete", "before commit"),
    ("cancel", "cancellation recorded"),
    ("cancel", "before commit"),
]


def _child(db_path: Path, op: str, point: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-c", KILLER, str(db_path), op, point],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def _fresh(db_path: Path) -> Backend:
    return open_backend(load_settings(database={"path": str(db_path)}), now=Clock())


def _snapshot(b: Backend) -> dict[str, object]:
    tables = ("sales", "sale_tenders", "loyalty_ledger", "receivable_ledger", "print_jobs",
              "customer_orders", "customer_order_records")  # fmt: skip
    out: dict[str, object] = {
        t: b.db.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in tables
    }
    # The child's own sign-in is audited (entity employee) before it starts the operation.
    out["audit_log"] = b.db.execute(
        "SELECT count(*) FROM audit_log WHERE entity != 'employee'"
    ).fetchone()[0]
    out["order"] = b.db.execute("SELECT * FROM customer_orders WHERE id = 1").fetchone()
    return out


def assert_books(b: Backend, customer: int, order_id: int = 1) -> None:
    """The order, the ledgers and the journal agree (read from a fresh connection)."""
    view = OrderService(b, _cashier(b)).view(order_id)
    records = view.records
    payments = [r for r in records if r.kind == "order_payment"]
    paid = sum((r.total for r in payments), D(0))
    total = view.order.total
    if view.order.status == "pending":
        assert view.due == total - paid == view.order.amount_due
    else:
        assert view.order.amount_due == 0
    assert 0 <= paid <= total
    # Every journal record of the order is linked to it, and each printed its slip.
    number = view.order.number
    linked = {r.id for r in records}
    for row in b.db.execute(
        "SELECT id FROM sales WHERE customer_id = ? AND kind IN "
        "('order_payment', 'order_cancel') AND reference = ?",
        [customer, number],
    ).fetchall():
        assert row[0] in linked
    for r in records:
        jobs = b.db.execute("SELECT count(*) FROM print_jobs WHERE sale_id = ?", [r.id])
        assert jobs.fetchone()[0] == 1
    # The account and the points: the ledger rows are exactly the journal's tenders.
    account = points = D(0)
    for r in records:
        for t in b.journal.children(r.id).tenders:
            if t.kind == "account":
                account += t.amount
            elif t.kind == "points":
                points += abs(t.points or D(0)) * (1 if t.amount > 0 else -1)
    assert b.customers.receivable_balance(customer) == account
    ledger = b.db.execute(
        "SELECT sale_id FROM receivable_ledger WHERE customer_id = ?", [customer]
    ).fetchall()
    assert all(row[0] in linked for row in ledger)
    used = sum(
        (e.points for e in b.ledgers.points_entries(customer) if e.entry_type == "used"),
        D(0),
    )
    assert used == -points
    assert b.journal.verify()[1] is None


@pytest.fixture
def store(backend: Backend) -> Store:
    return build_store(backend)


def _cashier(b: Backend) -> Employee:
    return AuthService(b).sign_in("101", "1234")


def _prepare(backend: Backend, store: Store, op: str) -> int:
    """Order 1: Mia's 2 apples (210.00) with a 50.00 cash deposit; a completion's is ready."""
    mia = mixed_customer(backend, store)
    orders = OrderService(backend, store.cashier)
    orders.open_from_checkout(order_of(backend, store, mia), "layaway", Tender("cash", "50.00"))
    if op == "cancel":
        orders.pay(1, Tender("account", "40.00", "PO-0", pin="4321"))
        orders.pay(1, Tender("points", "10.00"))
    return mia


@pytest.mark.parametrize(("op", "point"), CASES)
def test_killed_at_each_point_of_a_payment_nothing_is_left(
    backend: Backend, store: Store, db_path: Path, op: str, point: str
) -> None:
    mia = _prepare(backend, store, op)
    before = _snapshot(backend)
    done = _child(db_path, op, point)
    assert done.returncode == -signal.SIGKILL, done.stderr
    after = _fresh(db_path)
    try:
        assert _snapshot(after) == before, "nothing of the killed operation is left"
        assert_books(after, mia)
        # Not started, so it can be done again, whole.
        again = _child(db_path, op, "never")
        assert again.returncode == 4, again.stderr
        assert_books(after, mia)
        status = after.db.execute("SELECT status FROM customer_orders WHERE id = 1").fetchone()[0]
        assert status == {"complete": "completed", "cancel": "cancelled"}.get(op, "pending")
    finally:
        after.close()


@hsettings(
    max_examples=4,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(paid=st.integers(1, 12), spin=st.integers(0, 20_000))
def test_killed_at_an_arbitrary_moment_of_a_payment_stream_the_books_agree(
    tmp_path_factory: pytest.TempPathFactory, paid: int, spin: int
) -> None:
    """The child pays 0.01 at a time; once it has reported ``paid`` payments, the parent kills
    it with no warning, wherever it is then (``spin`` loops later: inside the next payment's
    transaction, between two, or in its commit)."""
    path = tmp_path_factory.mktemp("stream") / "pos.db"
    b = open_backend(load_settings(database={"path": str(path)}), now=Clock(FIXED_NOW))
    try:
        store = build_store(b)
        mia = mixed_customer(b, store)
        OrderService(b, store.cashier).open_from_checkout(
            order_of(b, store, mia, "40"), "special", None
        )
    finally:
        b.close()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    child = subprocess.Popen(
        [sys.executable, "-c", KILLER, str(path), "stream", "never"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert child.stdout is not None
    try:
        for _ in range(paid):
            line = child.stdout.readline()
            assert line.startswith("paid"), (line, child.stderr.read() if child.stderr else "")
        for _ in range(spin):  # let it get somewhere into the next payment
            pass
        child.send_signal(signal.SIGKILL)
    finally:
        child.wait(timeout=60)
        child.stdout.close()
        if child.stderr is not None:
            child.stderr.close()
    assert child.returncode == -signal.SIGKILL
    after = _fresh(path)
    try:
        records = OrderService(after, _cashier(after)).view(1).records
        assert len(records) >= paid, "every payment reported was kept"
        assert_books(after, mia)
    finally:
        after.close()
