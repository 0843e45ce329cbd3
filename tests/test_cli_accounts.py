"""Customer accounts through the ``pos-tui`` entry point: the statement run, erasure, and the
orders and cash withdrawals of the receivable commands."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
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
    account = backend.customers.get(cid)["account_number"]  # type: ignore[index]
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
    account = str(bob["account_number"])
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
