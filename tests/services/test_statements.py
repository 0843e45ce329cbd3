"""The statement run: closing the period once, the statement date the grace rule then uses,
refusals, faults inside the transaction, a killed process, files and a real SMTP server."""

from __future__ import annotations

import datetime as dt
import os
import signal
import socket
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from decimal import Decimal
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from pos_tui.config import load_settings
from pos_tui.services.accounts.receivable import ReceivableService
from pos_tui.services.accounts.statements import StatementError, StatementRun
from pos_tui.services.checkout.sale import Checkout
from pos_tui.services.customers.service import CustomerService
from pos_tui.services.runtime.backend import Backend, open_backend
from pos_tui.storage.accounts import StatementRepository
from tests.catalog import Store, build_store
from tests.conftest import Clock

NOV_30 = dt.date(2026, 11, 30)
DEC_31 = dt.date(2026, 12, 31)


class Inbox:
    """A real SMTP server (aiosmtpd) on 127.0.0.1; what it received, as parsed messages."""

    def __init__(self) -> None:
        from aiosmtpd.controller import Controller

        self.messages: list[EmailMessage] = []
        inbox = self

        class Handler:
            async def handle_RCPT(
                self, server: Any, session: Any, envelope: Any, address: str, options: Any
            ) -> str:
                if address.startswith("refuse"):
                    return "550 no such mailbox"
                envelope.rcpt_tos.append(address)
                return "250 OK"

            async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
                msg = message_from_bytes(envelope.content, policy=policy.SMTP)
                inbox.messages.append(msg)
                return "250 OK"

        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = int(probe.getsockname()[1])
        self.controller = Controller(Handler(), hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        self.controller.stop()


@pytest.fixture
def inbox() -> Iterator[Inbox]:
    box = Inbox()
    yield box
    box.stop()


def _backend(db_path: Path, clock: Clock, **config: Any) -> Backend:
    return open_backend(load_settings(database={"path": str(db_path)}, **config), now=clock)


@pytest.fixture
def store(backend: Backend) -> Store:
    return build_store(backend)


def _account(backend: Backend, name: str, **fields: Any) -> int:
    data = {
        "first_name": name,
        "ar_enabled": True,
        "allow_charge": True,
        "credit_limit": "5000",
        **fields,
    }
    return CustomerService(backend).create(data)


def _charge(backend: Backend, store: Store, customer_id: int, qty: str = "1") -> None:
    co = Checkout(backend, store.cashier)
    co.attach_customer(customer_id)
    co.add_item("APPLE", qty)
    co.add_account(co.still_due())
    co.commit()


def _counts(backend: Backend) -> dict[str, int]:
    tables = ("statement_runs", "statements", "statement_entries", "print_jobs", "audit_log")
    out = {t: backend.db.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in tables}
    out["receivable_ledger"] = backend.db.execute(
        "SELECT count(*) FROM receivable_ledger"
    ).fetchone()[0]
    return out


def test_run_closes_the_period_and_a_second_run_changes_nothing(
    backend: Backend, store: Store, clock: Clock
) -> None:
    grace = _account(backend, "Grace", grace_period_type="statement_date", grace_period_days=10)
    _charge(backend, store, grace)  # Nov 24: 105.00, due Nov 30 + 10
    ReceivableService(backend).take_payment(grace, "5.00")
    _charge_corp(backend, store)
    clock.current = dt.datetime(2026, 12, 2, 9, 0)
    report = StatementRun(backend).run(NOV_30)
    assert report.new
    by_name = {line.name: line for line in report.lines}
    line = by_name["Grace"]
    assert (line.opening, line.charges, line.credits, line.closing) == (
        Decimal(0),
        Decimal("105.00"),
        Decimal("-5.00"),
        Decimal("100.00"),
    )
    assert line.due_date == "2026-12-10", "grace from the statement date counts from Nov 30"
    assert line.print_status == "queued" and line.email_status == "none"
    before = _counts(backend)
    again = StatementRun(backend).run(NOV_30)
    assert not again.new and [x.statement_id for x in again.lines] == [
        x.statement_id for x in report.lines
    ]
    assert _counts(backend) == before, "running it twice for the same date changes nothing"
    jobs = [j for j in backend.print_jobs.pending("L1") if j.kind == "statement"]
    assert len(jobs) == len([x for x in report.lines if x.print_status == "queued"])


def _charge_corp(backend: Backend, store: Store) -> None:
    co = Checkout(backend, store.cashier)
    co.attach_customer(store.corp)
    co.add_item("APPLE")
    co.add_account(co.still_due(), pin="4321", reference="PO-1")
    co.commit()


def test_refused_dates(backend: Backend, store: Store, clock: Clock) -> None:
    clock.current = dt.datetime(2026, 12, 2, 9, 0)
    run = StatementRun(backend)
    with pytest.raises(StatementError, match="2026-11-24 is not a statement day"):
        run.run(dt.date(2026, 11, 24))
    with pytest.raises(StatementError, match="has not ended yet"):
        run.run(DEC_31)
    run.run(NOV_30)
    with pytest.raises(StatementError, match=r"before the last run \(2026-11-30\)"):
        run.run(dt.date(2026, 10, 31))
    assert run.default_date() == NOV_30


def test_a_charge_after_the_run_is_on_the_next_statement_and_due_from_it(
    backend: Backend, store: Store, clock: Clock
) -> None:
    grace = _account(backend, "Grace", grace_period_type="statement_date", grace_period_days=10)
    clock.current = dt.datetime(2026, 11, 30, 9, 0)
    _charge(backend, store, grace)
    StatementRun(backend).run(NOV_30)
    clock.current = dt.datetime(2026, 11, 30, 18, 0)  # same day, after the run
    _charge(backend, store, grace)
    entries = backend.ledgers.receivable_entries(grace)
    assert [e.due_date for e in entries] == ["2026-12-10", "2027-01-10"]
    clock.current = dt.datetime(2027, 1, 2, 9, 0)
    report = StatementRun(backend).run(DEC_31)
    (line,) = [x for x in report.lines if x.customer_id == grace]
    assert (line.opening, line.charges, line.closing) == (
        Decimal("105.00"),
        Decimal("105.00"),
        Decimal("210.00"),
    )
    assert line.due_date == "2027-01-10"
    billed = StatementRepository(backend.db).entries(line.statement_id)
    assert [e.id for e in billed] == [entries[1].id], "each entry on one statement"


FAULT_POINTS = ["service charges posted", "statement 1", "statement 2", "before commit"]


@pytest.mark.parametrize("point", FAULT_POINTS)
def test_a_fault_inside_the_run_leaves_nothing(
    backend: Backend, store: Store, clock: Clock, point: str
) -> None:
    late = _account(backend, "Late", service_charge_percent="18")
    clock.current = dt.datetime(2026, 10, 1, 9, 0)
    _charge(backend, store, late)
    _charge(backend, store, _account(backend, "Other"))
    clock.current = dt.datetime(2026, 12, 2, 9, 0)
    before = _counts(backend)

    def fault(where: str) -> None:
        if where == point:
            raise OSError(f"disk full at {where}")

    with pytest.raises(OSError, match="disk full"):
        StatementRun(backend, checkpoint=fault).run(NOV_30)
    assert _counts(backend) == before, "nothing of the run is left"
    report = StatementRun(backend).run(NOV_30)
    assert report.new and len(report.lines) == 2
    assert report.service_charges and report.service_charges[0].posted


KILLER = textwrap.dedent(
    """
    import datetime as dt, os, signal, sys
    from pos_tui.config import load_settings
    from pos_tui.services.accounts.statements import StatementRun
    from pos_tui.services.runtime.backend import open_backend

    point = sys.argv[2]
    b = open_backend(load_settings(database={"path": sys.argv[1]}),
                     now=lambda: dt.datetime(2026, 12, 2, 9, 0))

    def die(where):
        if where == point:
            os.kill(os.getpid(), signal.SIGKILL)

    StatementRun(b, checkpoint=die).run(dt.date(2026, 11, 30))
    """
)


@pytest.mark.parametrize("point", ["service charges posted", "statement 1", "before commit"])
def test_a_process_killed_mid_run_leaves_nothing(
    backend: Backend, store: Store, clock: Clock, db_path: Path, point: str
) -> None:
    late = _account(backend, "Late", service_charge_percent="18")
    clock.current = dt.datetime(2026, 10, 1, 9, 0)
    _charge(backend, store, late)
    _charge(backend, store, _account(backend, "Other"))
    before = _counts(backend)
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    done = subprocess.run(
        [sys.executable, "-c", KILLER, str(db_path), point], env=env, capture_output=True
    )
    assert done.returncode == -signal.SIGKILL, done.stderr
    assert _counts(backend) == before
    clock.current = dt.datetime(2026, 12, 2, 9, 0)
    assert StatementRun(backend).run(NOV_30).new


def test_statements_are_emailed_through_a_real_smtp_server(
    db_path: Path, clock: Clock, inbox: Inbox
) -> None:
    smtp = {"host": "127.0.0.1", "port": inbox.port, "sender": "accounts@shop.example"}
    b = _backend(db_path, clock, smtp=smtp)
    try:
        store = build_store(b)
        mail = _account(b, "Mina", last_name="Rao", email="mina@example.com", statement_email=True)
        refused = _account(b, "Ref", email="refuse@example.com", statement_email=True)
        no_address = _account(b, "Noaddr", statement_email=True)
        for cid in (mail, refused, no_address):
            _charge(b, store, cid)
        clock.current = dt.datetime(2026, 12, 2, 9, 0)
        report = StatementRun(b).run(NOV_30)
        (msg,) = inbox.messages
        assert msg["To"] == "mina@example.com" and msg["From"] == "accounts@shop.example"
        assert msg["Subject"] == "Statement of account 2026-11-30 · pos-tui demo store"
        body = msg.get_content()
        assert "Dear Mina Rao," in body and "STATEMENT OF ACCOUNT" in body
        assert "2026-11-24 Charge" in body and "105.00" in body
        assert any(
            line.startswith("BALANCE DUE") and line.endswith(" 105.00")
            for line in body.splitlines()
        )
        status = {x.customer_id: (x.email_status, x.note) for x in report.lines}
        assert status[mail] == ("sent", "")
        assert (
            status[refused][0] == "failed" and "refused the recipient (550)" in status[refused][1]
        )
        assert status[no_address] == ("failed", "'no address' is not an e-mail address")
        StatementRun(b).run(NOV_30)
        assert len(inbox.messages) == 1, "a second run sends nothing again"
    finally:
        b.close()


def test_an_unreachable_mail_server_leaves_the_email_pending_for_the_next_run(
    db_path: Path, clock: Clock, inbox: Inbox
) -> None:
    b = _backend(db_path, clock, smtp={"host": "127.0.0.1", "port": 1, "timeout_seconds": 2})
    try:
        store = build_store(b)
        cid = _account(b, "Mina", email="mina@example.com", statement_email=True)
        _charge(b, store, cid)
        clock.current = dt.datetime(2026, 12, 2, 9, 0)
        report = StatementRun(b).run(NOV_30)
        (line,) = report.lines
        assert line.email_status == "pending" and "not reached" in line.note
        assert any("not sent yet" in p for p in report.problems)
    finally:
        b.close()
    b = _backend(db_path, clock, smtp={"host": "127.0.0.1", "port": inbox.port})
    try:
        report = StatementRun(b).run(NOV_30)
        assert not report.new and report.lines[0].email_status == "sent"
        assert len(inbox.messages) == 1
    finally:
        b.close()


def test_hard_copies_as_files_for_a_report_printer(
    db_path: Path, clock: Clock, tmp_path: Path
) -> None:
    out = tmp_path / "statements"
    b = _backend(db_path, clock, statements={"hard_copy": "file", "directory": str(out)})
    try:
        store = build_store(b)
        cid = _account(b, "Filed", last_name="Person")
        _charge(b, store, cid, "2")
        clock.current = dt.datetime(2026, 12, 2, 9, 0)
        (line,) = StatementRun(b).run(NOV_30).lines
        assert line.print_status == "written"
        account = b.customers.get(cid).account_number  # type: ignore[union-attr]
        text = (out / "2026-11-30" / f"{account}.txt").read_text(encoding="utf-8")
        lines = text.splitlines()
        assert "Filed Person" in lines and max(len(x) for x in lines) <= 64
        assert any(x.startswith("BALANCE DUE") and x.endswith(" 210.00") for x in lines)
        assert b.print_jobs.pending("L1") == [
            j for j in b.print_jobs.pending("L1") if j.kind != "statement"
        ]
    finally:
        b.close()


@hsettings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    steps=st.lists(
        st.tuples(st.sampled_from(["charge", "pay", "run"]), st.integers(0, 2), st.integers(1, 40)),
        min_size=1,
        max_size=14,
    )
)
def test_every_statement_balance_is_the_sum_of_the_entries_it_billed(
    tmp_path_factory: pytest.TempPathFactory, steps: list[tuple[str, int, int]]
) -> None:
    """Over random charges, payments and runs a month apart: every entry is billed on one
    statement at most; after a run every entry posted by its date is billed; each closing
    balance is the sum of every entry billed to that customer so far."""
    path = tmp_path_factory.mktemp("stmt") / "pos.db"
    clock = Clock(dt.datetime(2026, 1, 5, 10, 0))
    b = _backend(path, clock)
    try:
        store = build_store(b)
        people = [_account(b, f"P{i}") for i in range(3)]
        month_end = dt.date(2026, 1, 31)
        for action, who, days in steps:
            clock.current += dt.timedelta(days=days)
            if action == "charge":
                _charge(b, store, people[who])
            elif action == "pay":
                owed = b.customers.receivable_balance(people[who])
                if owed > 0:
                    half = (owed / 2).quantize(Decimal("0.01"))
                    ReceivableService(b).take_payment(people[who], half or owed)
            else:
                run = StatementRun(b)
                day = run.default_date()
                last = StatementRepository(b.db).last_run()
                if last is None or day.isoformat() >= last.statement_date:
                    run.run(day)
                    month_end = day
        repo = StatementRepository(b.db)
        billed = b.db.execute("SELECT entry_id FROM statement_entries").fetchall()
        assert len(billed) == len(set(billed))
        last = repo.last_run()
        if last is not None:
            unbilled = repo.unbilled_entries(last.statement_date)
            assert unbilled == []
        for cid in people:
            total = Decimal(0)
            for statement in repo.for_customer(cid):
                total += sum((e.amount for e in repo.entries(statement.id)), Decimal(0))
                assert statement.closing_balance == total
        assert month_end
    finally:
        b.close()
