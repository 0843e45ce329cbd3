"""A whole lane session writes no PIN and no card track anywhere.

The lane runs as on a till: its config file, its database, its log file (``pos-tui.log`` at
DEBUG), a magnetic stripe reader on a socat pty. The session signs in wrongly (a PIN typed into
the employee number, a card swiped on the keyboard at the sign-in screen, a wrong PIN), signs
in, charges an account with its PIN (a wrong one first) over the credit limit so that a
supervisor's PIN approves it, swipes an unknown card and a damaged one on the reader, locks and
unlocks the lane, and imports customers with PINs through ``--rejects``. Then every file under
the session's directories (the database also as an SQL dump) is searched for every PIN and every
piece of track data used: none may be there.
"""

from __future__ import annotations

import csv
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import serial
from click.testing import CliRunner
from textual.pilot import Pilot
from textual.widgets import Input

from pos_tui import app as app_module
from pos_tui.app import PosApp, create_app
from pos_tui.config import load_settings
from pos_tui.screens.dialogs import ChoiceScreen
from pos_tui.screens.sign_in import SignInScreen
from pos_tui.screens.supervisor import SupervisorScreen
from pos_tui.screens.tender import TenderScreen
from pos_tui.services.customers.service import CustomerService
from pos_tui.services.runtime.backend import open_backend
from pos_tui.services.runtime.setup import StoreSetup
from tests.app.conftest import enter, settle, sign_in
from tests.app.helpers_lane import burst, message, notifications, view
from tests.catalog import build_store
from tests.conftest import Clock
from tests.helpers import cli_runner_invoke

from .test_lane_devices import PtyFactory, devices, until

pytestmark = pytest.mark.hardware

CASHIER_PIN = "738291"
WRONG_PIN = "990817"
SUPERVISOR_PIN = "615243"
WRONG_SUPERVISOR_PIN = "502731"
ACCOUNT_PIN = "582914"
WRONG_ACCOUNT_PIN = "447120"
IMPORTED_PIN = "864209"
REJECTED_PIN = "319786"
PAN = "6035559876543210"  # a card that is on no customer
DISCRETIONARY = "3012101123456789"
HOLDER = "TESTER/SECRET"
TRACKS = f"%B{PAN}^{HOLDER}^{DISCRETIONARY}?;{PAN}={DISCRETIONARY}?"
BAD_PAN = "5899991234567890"
DAMAGED = f"%B{BAD_PAN}^{HOLDER}^{DISCRETIONARY}?;5899991234567891={DISCRETIONARY}?"
SECRETS = [
    CASHIER_PIN,
    WRONG_PIN,
    SUPERVISOR_PIN,
    WRONG_SUPERVISOR_PIN,
    ACCOUNT_PIN,
    WRONG_ACCOUNT_PIN,
    IMPORTED_PIN,
    REJECTED_PIN,
    PAN,
    BAD_PAN,
    DISCRETIONARY,
    "TESTER",
    TRACKS,
]


@pytest.fixture
def lane_log() -> Iterator[None]:
    """The lane's own logging set-up (a file in the data dir), at DEBUG for the session."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    app_module.configure_logging()
    root.setLevel(logging.DEBUG)
    yield
    for handler in root.handlers:
        handler.close()
    root.handlers[:] = handlers
    root.setLevel(level)


def typed(text: str) -> list[str]:
    """Keys of a keyboard-wedge device typing ``text``."""
    return [c if c.isalnum() else f"char-{ord(c)}" for c in text]


async def _fresh_sign_in(pilot: Pilot[Any], number: str, pin: str) -> None:
    pilot.app.screen.query_one("#number", Input).value = ""
    await sign_in(pilot, number, pin)


async def _session(app: PosApp, magstripe_device: Path) -> None:
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        # A PIN typed into the employee number, then a card swiped on a keyboard reader.
        await sign_in(pilot, CASHIER_PIN, CASHIER_PIN)
        assert isinstance(app.screen, SignInScreen)
        burst(app, *typed(TRACKS), "enter")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        await _fresh_sign_in(pilot, "501", WRONG_PIN)
        await _fresh_sign_in(pilot, "501", CASHIER_PIN)
        assert not isinstance(app.screen, SignInScreen), notifications(pilot)

        # The account charge: a wrong PIN, then the right one over the limit; a supervisor.
        await pilot.press("f2")
        await settle(pilot)
        await enter(pilot, "Zed")
        await enter(pilot, "APPLE")  # 105.00 on a limit of 100
        await pilot.press("f5")
        await settle(pilot)
        for pin in (WRONG_ACCOUNT_PIN, ACCOUNT_PIN):
            await pilot.press("f7")
            await settle(pilot)
            await enter(pilot, pin)
            await enter(pilot, "PO-9")
        assert isinstance(app.screen, SupervisorScreen)
        for pin in (WRONG_SUPERVISOR_PIN, SUPERVISOR_PIN):
            app.screen.query_one("#sup-number", Input).value = ""
            await enter(pilot, "601")
            await enter(pilot, pin)
        assert not isinstance(app.screen, TenderScreen | SupervisorScreen)
        assert view(pilot).empty, "the charge committed"

        # The reader on its pty: an unknown card, then a damaged one.
        port = devices(app).magstripe
        assert port is not None
        with serial.Serial(str(magstripe_device)) as device:
            device.write(TRACKS.encode() + b"\r\n")
            await until(pilot, lambda: isinstance(app.screen, ChoiceScreen), "unknown card")
            assert "603555******3210" in str(app.screen.query_one(".choice-message").render())
            await pilot.press("escape")
            await settle(pilot)
            device.write(DAMAGED.encode() + b"\r\n")
            await until(
                pilot,
                # At the checkout a card event is said on the message line (no toast over the
                # customer panel).
                lambda: (
                    "tracks disagree" in message(pilot)
                    or any("tracks disagree" in n for n in notifications(pilot))
                ),
                "damaged card",
            )
        # Lock and unlock the lane with the cashier's PIN, then sign out.
        await pilot.press("f10")
        await settle(pilot)
        await _fresh_sign_in(pilot, "501", CASHIER_PIN)
        await pilot.press("f12")
        await settle(pilot)


@pytest.mark.usefixtures("lane_log")
async def test_a_full_session_writes_no_pin_and_no_track_data(
    tmp_path: Path, isolated_paths: Path, pty_pair: PtyFactory, clock: Clock
) -> None:
    magstripe = pty_pair("magstripe")
    db = tmp_path / "lane.db"
    config = tmp_path / "lane.toml"
    config.write_text(
        f'[database]\npath = "{db}"\n'
        f'[devices.magstripe]\nkind = "serial"\nurl = "{magstripe.app_end}"\n'
        '[devices.scanner]\nkind = "keyboard"\n'
    )
    settings = load_settings(config)
    backend = open_backend(settings, now=clock)
    try:
        build_store(backend)
        setup = StoreSetup(backend)
        setup.add_employee("501", "Pat Cashier", "cashier", CASHIER_PIN)
        setup.add_employee("601", "Sam Supervisor", "supervisor", SUPERVISOR_PIN)
        CustomerService(backend).create(
            {
                "is_company": True,
                "company_name": "Zed Traders",
                "ar_enabled": True,
                "allow_charge": True,
                "credit_limit": "100",
            },
            pin=ACCOUNT_PIN,
        )
        await _session(create_app(settings, backend=backend, now=clock), magstripe.device_end)
    finally:
        backend.close()

    # An import with PINs, its refused rows written to a rejects file.
    inputs = tmp_path.parent / f"{tmp_path.name}-input"
    inputs.mkdir()
    source = inputs / "customers.csv"
    with source.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["first_name", "mobile", "pin"])
        writer.writerow(["Ima", "+919700000191", IMPORTED_PIN])
        writer.writerow(["Rej", "no phone", REJECTED_PIN])
    rejects = tmp_path / "rejects.csv"
    result = cli_runner_invoke(
        CliRunner(),
        ["--config", str(config), "customers", "import", str(source), "--rejects", str(rejects)],
    )
    assert "imported 1, rejected 1" in result.output, result.output
    assert rejects.stat().st_mode & 0o777 == 0o600

    for handler in logging.getLogger().handlers:
        handler.flush()
    log_file = Path(isolated_paths) / "data" / "pos-tui.log"
    assert log_file.is_file()
    probe = open_backend(settings, now=clock)
    try:
        dump = "\n".join(probe.db.conn.iterdump())
        audited = {r[0] for r in probe.db.execute("SELECT action FROM audit_log")}
    finally:
        probe.close()
    assert {"sign_in_failed", "sign_in", "pin_failed", "override", "import"} <= audited
    files = [
        p
        for root in (tmp_path, Path(isolated_paths))
        for p in root.rglob("*")
        if p.is_file() and p != source
    ]
    assert {db, config, rejects, log_file} <= set(files)
    found = [
        (secret, where)
        for where, data in [("database dump", dump.encode())]
        + [(str(p), p.read_bytes()) for p in files]
        for secret in SECRETS
        if secret.encode() in data
    ]
    assert found == []


async def test_a_card_swiped_on_a_keyboard_reader_at_sign_in_is_never_typed(
    db_path: Path, clock: Clock
) -> None:
    """A keyboard-wedge magstripe swiped at the sign-in screen is taken as a card (and told
    masked), never typed into the employee number, where it would be audited as one."""
    kinds = {"magstripe": {"kind": "keyboard"}, "scanner": {"kind": "keyboard"}}
    settings = load_settings(database={"path": str(db_path)}, devices=kinds)
    backend = open_backend(settings, now=clock)
    try:
        build_store(backend)
        app = create_app(settings, backend=backend, now=clock)
        async with app.run_test(size=(100, 30)) as pilot:
            await settle(pilot)
            burst(app, *typed(TRACKS), "enter")
            await until(
                pilot,
                lambda: any("Card 603555******3210 read" in n for n in notifications(pilot)),
                "the swipe told, masked",
            )
            screen = app.screen
            assert isinstance(screen, SignInScreen)
            assert screen.query_one("#number", Input).value == ""
            assert not any(PAN in n for n in notifications(pilot))
            # An employee badge scanned at the same speed is still the employee number.
            burst(app, *"1011", "enter")
            await settle(pilot)
            assert screen.query_one("#number", Input).value == "1011"
    finally:
        backend.close()
