"""Customer accounts through the ``pos-tui`` entry point: the statement run, erasure, and the
orders and cash withdrawals of the receivable commands."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner

from pos_tui import engine
from pos_tui.services.checkout.sale import Checkout
from pos_tui.services.customers.service import CustomerService
from pos_tui.services.runtime.backend import Backend
from tests.catalog import Store, build_store
from tests.conftest import Clock
from tests.helpers import cli_runner_invoke

ROOT = Path(__file__).resolve().parents[1]


def last_statement_day() -> dt.date:
    """The CLI runs on the real clock: the latest month end before today."""
    return engine.previous_statement_date(dt.date.today() - dt.timedelta(days=1), engine.Settings())


@pytest.fixture
def store(backend: Backend) -> Store:
    return build_store(backend)


def pos_tui(db_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """The real entry point in a process of its own."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "pos_tui", "--db", str(db_path), *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_statements_command(backend: Backend, store: Store, clock: Clock, db_path: Path) -> None:
    day = last_statement_day()
    clock.current = dt.datetime.combine(day - dt.timedelta(days=3), dt.time(11, 0))
    cid = CustomerService(backend).create(
        {
            "first_name": "Cli",
            "last_name": "Person",
            "ar_enabled": True,
            "allow_charge": True,
            "credit_limit": "500",
            "grace_period_type": "statement_date",
            "grace_period_days": 7,
        }
    )
    co = Checkout(backend, store.cashier)
    co.attach_customer(cid)
    co.add_item("APPLE")
    co.add_account(co.still_due())
    co.commit()
    account = backend.customers.get(cid).account_number  # type: ignore[union-attr]
    done = pos_tui(db_path, "receivable", "statements")
    assert done.returncode == 0, done.stderr
    out = done.stdout.splitlines()
    assert out[0] == f"statements {day}: closed"
    (line,) = [x for x in out if x.strip().startswith(account)]
    assert "Cli Person" in line and "charges     105.00" in line
    assert f"due     105.00 by {day + dt.timedelta(days=7)}" in line and "paper queued" in line
    assert "statements queued on lane L1's printer" in done.stdout
    assert "1 statements, total due 105.00" in out
    again = pos_tui(db_path, "receivable", "statements", "--as-of", day.isoformat())
    assert again.returncode == 0 and "already run (nothing closed again)" in again.stdout
    early = pos_tui(db_path, "receivable", "statements", "--as-of", "2020-01-31")
    assert early.returncode == 1
    assert f"before the last run ({day})" in early.stderr
    odd = cli_runner_invoke(
        CliRunner(), ["--db", str(db_path), "receivable", "statements", "--as-of", "2020-01-15"]
    )
    assert odd.exit_code == 1 and "is not a statement day" in odd.output


def test_erase_command(backend: Backend, store: Store, db_path: Path) -> None:
    bob = backend.customers.get(store.bob)
    assert bob is not None
    account = bob.account_number
    cashier = pos_tui(
        db_path, "customers", "erase", account, "--supervisor", "101", "--pin", "1234"
    )
    assert cashier.returncode == 1 and "a supervisor must approve this" in cashier.stderr
    done = subprocess.run(
        [sys.executable, "-m", "pos_tui", "--db", str(db_path), "customers", "erase", account,
         "--supervisor", "201"],
        input="2345\n", env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert f"customer {account} erased: " in done.stdout and "1 addresses" not in done.stdout
    assert "sales, ledgers and the journal are kept: 0 sales verified" in done.stdout
    again = pos_tui(db_path, "customers", "erase", account, "--supervisor", "201", "--pin", "2345")
    assert again.returncode == 1 and f"Customer {account} was already erased on" in again.stderr
    unknown = pos_tui(
        db_path, "customers", "erase", "424242", "--supervisor", "201", "--pin", "2345"
    )
    assert unknown.returncode == 1 and "No customer with account number 424242" in unknown.stderr


# -- orders and cash withdrawals -------------------------------------------------------------

CASHIER = ("--cashier", "101", "--pin", "1234")


def _one_line(done: subprocess.CompletedProcess[str], code: int) -> str:
    """A refusal or bad input: the exit code and exactly one line on stderr, no traceback."""
    assert done.returncode == code, (done.returncode, done.stdout, done.stderr)
    (line,) = done.stderr.splitlines()
    return line


def test_orders_commands_from_open_to_completion(
    backend: Backend, store: Store, db_path: Path
) -> None:
    anna = str(backend.customers.get(store.anna).account_number)  # type: ignore[union-attr]
    opened = pos_tui(
        db_path, "orders", "open", anna, "--type", "layaway", "--item", "2*APPLE",
        "--description", "Two apples", "--deposit", "50", *CASHIER,
    )  # fmt: skip
    assert opened.returncode == 0, opened.stderr
    assert opened.stdout.splitlines() == [
        "LAY-000001 opened: 210.00, paid 50.00",
        "slip queued on lane L1's printer",
        # Cash was taken: the drawer opens now or never (printing never opens it).
        "no cash drawer configured here: open it with No sale (Ctrl+D) at the lane",
    ]
    listed = pos_tui(db_path, "orders", "list", anna)
    assert listed.returncode == 0
    assert listed.stdout.splitlines()[0].startswith("LAY-000001  layaway  open         pending")
    assert "paid      50.00  due     160.00" in listed.stdout

    over = pos_tui(db_path, "orders", "pay", "LAY-000001", "500", "--tender", "card",
                   "--reference", "AUTH-1", *CASHIER)  # fmt: skip
    assert _one_line(over, 1) == (
        "refused: A payment of 500.00 is more than the 160.00 still due on LAY-000001 "
        "(only cash can be more: the rest is change)"
    )
    bad = pos_tui(db_path, "orders", "pay", "LAY-000001", "12.345", *CASHIER)
    assert _one_line(bad, 2) == (
        "error: '12.345' is not an amount: a positive number with at most 2 decimals"
    )
    unknown = pos_tui(db_path, "orders", "pay", "LAY-000009", "5", *CASHIER)
    assert _one_line(unknown, 2) == "error: No order numbered LAY-000009"
    tender = pos_tui(db_path, "orders", "pay", "LAY-000001", "5", "--tender", "iou", *CASHIER)
    assert _one_line(tender, 2) == (
        "error: A tender is one of cash, card, account, points, not 'iou'"
    )
    wrong_pin = pos_tui(db_path, "orders", "pay", "LAY-000001", "5", "--cashier", "101",
                        "--pin", "9999")  # fmt: skip
    assert _one_line(wrong_pin, 1) == "refused: Unknown employee number or wrong PIN"
    stage = pos_tui(db_path, "orders", "advance", "lay-000001", *CASHIER)
    assert _one_line(stage, 1) == "refused: LAY-000001 is open: complete it (the last stage)"

    cash = pos_tui(db_path, "orders", "pay", "lay-000001", "200", *CASHIER)
    assert cash.returncode == 0, cash.stderr
    assert cash.stdout.splitlines()[0] == (
        "160.00 paid on LAY-000001: 0.00 still due, change 40.00"
    )
    done = pos_tui(db_path, "orders", "complete", "LAY-000001", *CASHIER)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("LAY-000001 completed: 4")
    shown = pos_tui(db_path, "orders", "show", "LAY-000001")
    assert "completed" in shown.stdout.splitlines()[0]
    assert "  Two apples" in shown.stdout and "item  APPLE" in shown.stdout
    assert [x.split()[1] for x in shown.stdout.splitlines()[3:]] == [
        "order_payment",
        "order_payment",
        "sale",
    ]
    again = pos_tui(db_path, "orders", "pay", "LAY-000001", "1", *CASHIER)
    assert _one_line(again, 1) == "refused: LAY-000001 is completed"
    assert backend.journal.verify()[1] is None


def test_orders_open_refusals_leave_no_sale_on_the_lane_and_cancel_refunds(
    backend: Backend, store: Store, db_path: Path
) -> None:
    anna = str(backend.customers.get(store.anna).account_number)  # type: ignore[union-attr]
    args = ("orders", "open", anna, "--type", "special")
    unknown_item = pos_tui(db_path, *args, "--item", "NOPE", *CASHIER)
    assert _one_line(unknown_item, 2).startswith("error: --item NOPE: ")
    kind = pos_tui(db_path, "orders", "open", anna, "--type", "gift", "--item", "APPLE", *CASHIER)
    assert _one_line(kind, 2) == (
        "error: An order is one of layaway, special, work, back, not 'gift'"
    )
    nobody = pos_tui(db_path, "orders", "open", "424242", "--type", "special", "--item", "APPLE",
                     *CASHIER)  # fmt: skip
    assert _one_line(nobody, 2) == "error: No customer with account number 424242"
    backend.store.set_setting("orders.min_deposit_percent", "20")
    low = pos_tui(db_path, *args, "--item", "APPLE", "--deposit", "5", *CASHIER)
    assert _one_line(low, 1) == "refused: The deposit must be at least 21.00 (20% of 105.00)"
    assert backend.open_sales.for_lane("L1", "in_progress") == [], "the open sale went"
    made = pos_tui(db_path, *args, "--item", "APPLE", "--deposit", "25", "--tender", "card",
                   "--reference", "AUTH-3", *CASHIER)  # fmt: skip
    assert made.returncode == 0, made.stderr
    assert backend.open_sales.for_lane("L1", "in_progress") == []
    cancelled = pos_tui(db_path, "orders", "cancel", "SO-000001", *CASHIER)
    assert cancelled.returncode == 0, cancelled.stderr
    assert cancelled.stdout.splitlines()[0] == "SO-000001 cancelled: 25.00 refunded"
    sale = backend.journal.last("L1")
    assert sale is not None and sale["kind"] == "order_cancel"
    (tender,) = backend.journal.children(int(sale["id"]))["tenders"]
    assert (tender["kind"], tender["amount"], tender["reference"]) == ("card", "-25.00", "AUTH-3")


def test_an_account_payment_over_the_limit_needs_the_named_supervisor(
    backend: Backend, store: Store, db_path: Path
) -> None:
    corp = str(backend.customers.get(store.corp).account_number)  # type: ignore[union-attr]
    made = pos_tui(db_path, "orders", "open", corp, "--type", "special", "--item", "20*APPLE",
                   *CASHIER)  # fmt: skip
    assert made.returncode == 0, made.stderr
    pay = ("orders", "pay", "SO-000001", "1500", "--tender", "account", "--reference", "PO-1",
           "--customer-pin", "4321", *CASHIER)  # fmt: skip
    alone = pos_tui(db_path, *pay)
    assert _one_line(alone, 1) == (
        "refused: Charge of 1500.00 is over Acme Traders's available credit 1000 "
        "(limit 1000, balance 0) (a supervisor may allow it: --supervisor NUMBER)"
    )
    cashier = pos_tui(db_path, *pay, "--supervisor", "101", "--supervisor-pin", "1234")
    assert _one_line(cashier, 1) == (
        "refused: Cass Cashier is a cashier: a supervisor must approve this"
    )
    approved = subprocess.run(
        [sys.executable, "-m", "pos_tui", "--db", str(db_path), *pay, "--supervisor", "201"],
        input="2345\n", env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert approved.returncode == 0, approved.stderr
    assert "1500.00 paid on SO-000001: 600.00 still due" in approved.stdout
    (entry,) = backend.ledgers.receivable_entries(store.corp)
    assert (entry.amount, entry.approver_name, entry.employee_name) == (
        Decimal("1500.00"),
        "Sue Supervisor",
        "Cass Cashier",
    )


def test_withdraw_command(backend: Backend, store: Store, db_path: Path) -> None:
    CustomerService(backend).update(store.corp, {"allow_cash_withdrawal": True})
    corp = str(backend.customers.get(store.corp).account_number)  # type: ignore[union-attr]
    args = ("receivable", "withdraw", corp, "40", "--customer-pin", "4321")
    no_po = pos_tui(db_path, *args, *CASHIER)
    assert _one_line(no_po, 1).startswith("refused: A PO number is required")
    bad = pos_tui(db_path, "receivable", "withdraw", corp, "0", *CASHIER)
    assert _one_line(bad, 2) == (
        "error: '0' is not an amount: a positive number with at most 2 decimals"
    )
    nobody = pos_tui(db_path, "receivable", "withdraw", "424242", "5", *CASHIER)
    assert _one_line(nobody, 2) == "error: No customer with account number 424242"
    done = subprocess.run(
        [sys.executable, "-m", "pos_tui", "--db", str(db_path), *args, "--reference", "PO-55",
         "--cashier", "101"],
        input="1234\n", env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "Hand out 40.00 in cash: the account owes 40.00, due " in done.stdout
    assert "slip queued on lane L1's printer\n" in done.stdout
    assert "no cash drawer configured here: open it with No sale" in done.stdout
    sale = backend.journal.last("L1")
    assert sale is not None and sale["kind"] == "withdrawal" and sale["total"] == "-40.00"
    (job,) = [j for j in backend.print_jobs.pending("L1") if j.sale_id == sale["id"]]
    assert job.open_drawer == 1
