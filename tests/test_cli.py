"""The pos-tui command line, in-process and as a real subprocess."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from pos_tui.services.customers.service import CustomerService
from pos_tui.services.runtime.backend import Backend
from pos_tui.services.staff.auth import AuthError, AuthService
from pos_tui.services.staff.lockout import PinLockout, Subject
from tests.catalog import build_store
from tests.helpers import cli_runner_invoke, store_legacy, wrong_account_pins


def test_init_creates_database_and_manager(db_path: Path) -> None:
    runner = CliRunner()
    result = cli_runner_invoke(
        runner, ["--db", str(db_path), "init", "--manager-number", "9", "--manager-pin", "2468"]
    )
    assert result.exit_code == 0, result.output
    assert "manager 9 created" in result.output and db_path.exists()
    listed = cli_runner_invoke(runner, ["--db", str(db_path), "employees", "list"])
    assert "9  manager     Manager" in listed.output
    again = cli_runner_invoke(
        runner, ["--db", str(db_path), "init", "--manager-number", "9", "--manager-pin", "2468"]
    )
    assert again.exit_code == 1 and "employee number 9 already exists" in again.output


def test_employee_pin_rules(db_path: Path) -> None:
    result = cli_runner_invoke(
        CliRunner(), ["--db", str(db_path), "employees", "add", "5", "Sam", "--pin", "12"]
    )
    assert result.exit_code == 1 and "PIN is 4 to 12 digits" in result.output


def test_customers_find_prints_data_inertly(backend: Backend, db_path: Path) -> None:
    cid = CustomerService(backend).create(
        {"first_name": "[bold]Esc", "last_name": "Ape", "mobile": "9123456789"}
    )
    store_legacy(backend, cid, first_name="[bold]Esc\x1b[2J")
    result = cli_runner_invoke(
        CliRunner(), ["--db", str(db_path), "customers", "find", "9123456789"]
    )
    assert result.exit_code == 0
    assert "[bold]Esc\\x1b[2J Ape" in result.output and "\x1b" not in result.output
    missing = cli_runner_invoke(CliRunner(), ["--db", str(db_path), "customers", "find", "nobody"])
    assert missing.exit_code == 1 and "no customer found" in missing.output


def test_run_without_database_explains(tmp_path: Path) -> None:
    result = cli_runner_invoke(CliRunner(), ["--db", str(tmp_path / "none.db")])
    assert result.exit_code == 1 and "run 'pos-tui init' or 'pos-tui demo' first" in result.output


def test_installed_entry_point_runs(tmp_path: Path) -> None:
    exe = Path(sys.executable).parent / "pos-tui"
    env = {**os.environ, "POS_TUI_DB": str(tmp_path / "x.db")}
    out = subprocess.run([str(exe), "init"], capture_output=True, text=True, env=env, timeout=60)
    assert out.returncode == 0, out.stderr
    assert f"database ready: {tmp_path / 'x.db'}" in out.stdout
    paths = subprocess.run([str(exe), "paths"], capture_output=True, text=True, env=env, timeout=60)
    assert "config/default.toml" in paths.stdout


def test_find_refuses_bytes_that_are_not_utf8_with_one_line(tmp_path: Path) -> None:
    """Real argv bytes through the installed command: exit 2 and one line, no traceback."""
    exe = Path(sys.executable).parent / "pos-tui"
    env = {**os.environ, "POS_TUI_DB": str(tmp_path / "x.db"), "LC_ALL": "C.UTF-8"}
    subprocess.run([str(exe), "init"], capture_output=True, env=env, timeout=60, check=True)
    out = subprocess.run(
        [str(exe), "customers", "find", b"caf\xe9 \xff\xfe"],
        capture_output=True,
        env=env,
        timeout=60,
    )
    assert out.returncode == 2, out.stderr
    assert out.stderr.decode().splitlines() == [
        "error: Search text holds bytes that are not UTF-8 text: type it again"
    ]
    assert out.stdout == b""


def test_find_refuses_search_text_over_200_characters(backend: Backend, db_path: Path) -> None:
    result = cli_runner_invoke(
        CliRunner(), ["--db", str(db_path), "customers", "find", "x" * 100_000]
    )
    assert result.exit_code == 2
    assert result.output.strip() == (
        "error: Search text is limited to 200 characters (100,000 given)"
    )


def test_unlock_an_employee_and_a_customer_account_from_the_command_line(
    backend: Backend, db_path: Path
) -> None:
    store = build_store(backend)
    auth = AuthService(backend)
    for _ in range(5):
        with pytest.raises(AuthError):
            auth.sign_in("101", "9999")
    wrong_account_pins(backend, store.corp, 5)
    runner = CliRunner()
    done = cli_runner_invoke(runner, ["--db", str(db_path), "employees", "unlock", "101"])
    assert done.exit_code == 0 and "PIN lockout of employee 101 cleared" in done.output
    again = cli_runner_invoke(runner, ["--db", str(db_path), "employees", "unlock", "101"])
    assert "has no wrong PINs to clear" in again.output
    missing = cli_runner_invoke(runner, ["--db", str(db_path), "employees", "unlock", "77"])
    assert missing.exit_code == 1 and "No employee number 77" in missing.output
    assert auth.sign_in("101", "1234").number == "101"
    cleared = cli_runner_invoke(runner, ["--db", str(db_path), "customers", "unlock", "1004"])
    assert cleared.exit_code == 0 and "PIN lockout of Acme Traders cleared" in cleared.output
    nobody = cli_runner_invoke(runner, ["--db", str(db_path), "customers", "unlock", "9"])
    assert nobody.exit_code == 1 and "no customer with account number 9" in nobody.output
    assert PinLockout(backend).current(Subject.customer(store.corp)) is None
    rows = backend.db.execute(
        "SELECT entity, employee_id, changes FROM audit_log WHERE action = 'pin_lock_cleared'"
    ).fetchall()
    assert [(entity, who) for entity, who, _ in rows] == [("employee", None), ("customer", None)]
    assert all("command line (" in changes for _, _, changes in rows)


def test_kiosk_refuses_in_one_line_through_the_real_entry_point(tmp_path: Path) -> None:
    """What an SSH client without a terminal, or asking for a command, sees."""
    exe = Path(sys.executable).parent / "pos-tui"
    db = tmp_path / "store.db"
    assert subprocess.run([str(exe), "--db", str(db), "init"], capture_output=True).returncode == 0
    cases = [
        ({}, "pos-tui kiosk: this lane needs a terminal; connect with ssh -t\n"),
        (
            {"SSH_ORIGINAL_COMMAND": "bash -i"},
            "pos-tui kiosk: 'bash -i' is not allowed here; connect with ssh -t and no command\n",
        ),
    ]
    for extra, message in cases:
        result = subprocess.run(
            [str(exe), "--db", str(db), "kiosk"],
            capture_output=True,
            text=True,
            env={**os.environ, **extra},
            stdin=subprocess.DEVNULL,
            timeout=60,
        )
        assert (result.returncode, result.stdout, result.stderr) == (1, "", message)


def test_a_subcommand_loads_only_its_own_module() -> None:
    script = (
        "import sys\n"
        "from pos_tui.cli import cli\n"
        "try:\n"
        "    cli(['kiosk', '--help'], prog_name='pos-tui')\n"
        "except SystemExit:\n"
        "    pass\n"
        "print(' '.join(m for m in sys.modules if m.startswith('pos_tui.commands.')))\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert result.stdout.splitlines()[-1].split() == ["pos_tui.commands.kiosk"], result.stdout
