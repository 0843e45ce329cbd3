"""The print queue's and the cash drawer's rules on a real database, as hypothesis invariants.

The printer and the drawer here are seams that fail on demand (a unit-test seam only: the real
drivers meet emupos, raw TCP printers and socat ptys in tests/hardware). A "power cut" is an
exception no service catches, raised in the middle of a job or a kick: the process would be
gone, and a new queue or drawer service on the same database is the lane after the restart.
"""

from __future__ import annotations

import contextlib
import sqlite3
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from pos_tui.config import load_settings
from pos_tui.hardware.cash_drawer import DrawerError
from pos_tui.hardware.printer import PrinterError
from pos_tui.hardware.receipt_text import ReceiptDocument, TextLine
from pos_tui.services.checkout.drawer import DrawerRefused, DrawerService
from pos_tui.services.checkout.printing import PrintQueue, PrintQueueError
from pos_tui.services.checkout.receipts import LATE_COPY, sale_reference
from pos_tui.services.checkout.sale import Checkout, Committed
from pos_tui.services.runtime.backend import Backend, open_backend
from pos_tui.services.staff.auth import AuthService, Employee
from tests.catalog import Store, build_store
from tests.conftest import Clock
from tests.helpers import cli_runner_invoke


class PowerCut(BaseException):
    """The lane loses power: nothing after this line of the lane runs."""


class SeamPrinter:
    """Prints into a list; `mode` is what the next job meets: ok | down | cut."""

    kind = "dummy"
    target = "seam"
    name = "printer"
    state = "ready"

    def __init__(self) -> None:
        self.mode = "ok"
        self.printed: list[ReceiptDocument] = []

    def start(self) -> None: ...

    def stop(self) -> None: ...

    def print_receipt(self, document: ReceiptDocument) -> None:
        if self.mode == "down":
            raise PrinterError("Printer seam not reachable", retryable=True)
        if self.mode == "cut":
            raise PowerCut
        self.printed.append(document)

    def open_drawer(self, *, within: float | None = None, realtime: bool = True) -> None:
        raise AssertionError("printing never opens the drawer")

    def status(self) -> Any:
        raise NotImplementedError


class SeamDrawer:
    """Counts pulses; `mode`: ok | down | cut (the power goes as the pulse is about to go)."""

    kind = "serial"
    route = "drawer"
    name = "drawer"
    target = "seam"
    state = "ready"
    timeout = 1.0

    def __init__(self) -> None:
        self.mode = "ok"
        self.pulses = 0

    def start(self) -> None: ...

    def stop(self) -> None: ...

    def open(self, within: float | None = None) -> None:
        if self.mode == "down":
            raise DrawerError("Cash drawer on seam not reachable")
        if self.mode == "cut":
            raise PowerCut
        self.pulses += 1


@pytest.fixture
def store(backend: Backend) -> Store:
    return build_store(backend)


def cash_sale(backend: Backend, store: Store) -> Committed:
    co = Checkout(backend, store.cashier)
    co.add_item("BAG")
    co.add_cash("5")
    return co.commit()


def is_late(document: ReceiptDocument) -> bool:
    return any(isinstance(b, TextLine) and b.text == LATE_COPY for b in document.blocks)


# -- the print queue --------------------------------------------------------------------------

PRINT_OPS = st.lists(
    st.sampled_from(["sale", "process", "down", "up", "cut", "restart"]), max_size=16
)


@hypothesis_settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(ops=PRINT_OPS)
def test_every_receipt_prints_and_a_late_one_says_so(
    backend: Backend, store: Store, ops: list[str]
) -> None:
    """Whatever the printer and the power do: no receipt is lost (once the printer works, every
    job prints, once), none is given up, the count of waiting jobs is the jobs not printed, and
    a receipt is labelled LATE COPY exactly when it missed its moment: it was waiting when an
    attempt failed or was cut off, or when the lane started."""
    printer = SeamPrinter()
    queue = PrintQueue(backend, printer)
    queue.recover()
    jobs: list[int] = []
    late: set[int] = set()  # the model: jobs that missed their moment

    def waiting_ids() -> set[int]:
        return {j.id for j in queue.pending()}

    def restart() -> None:
        nonlocal queue
        queue = PrintQueue(backend, printer)
        late.update(waiting_ids())
        queue.recover()

    for op in ops:
        if op == "sale":
            jobs.extend(cash_sale(backend, store).print_job_ids)
        elif op == "process":
            try:
                outcomes = queue.process()
            except PowerCut:
                restart()  # the process is gone mid-job; the lane comes back
            else:
                if any(not o.printed for o in outcomes):
                    late.update(waiting_ids())
        elif op in ("down", "up", "cut"):
            printer.mode = "ok" if op == "up" else op
        else:
            restart()
        waiting = queue.pending()
        assert queue.waiting() == len(waiting)
        assert all(j.status == "queued" for j in waiting)  # none given up, none stuck

    printer.mode = "ok"
    restart()
    queue.process()
    assert queue.pending() == [] and queue.waiting() == 0
    titles = [d.title for d in printer.printed]
    assert len(titles) == len(set(titles)), "no job printed twice"
    documents = {d.title: d for d in printer.printed}
    for job_id in jobs:
        job = backend.print_jobs.get(job_id)
        assert job is not None and job.status == "printed"
        sale = backend.journal.get(job.sale_id or 0)
        assert sale is not None
        document = documents[f"receipt {sale_reference(sale)}"]
        assert bool(job.late) == (job_id in late) == is_late(document)


def test_a_supervisor_cancels_a_waiting_job_audited(backend: Backend, store: Store) -> None:
    done = cash_sale(backend, store)
    queue = PrintQueue(backend, None)
    job_id = done.print_job_ids[0]
    with pytest.raises(PrintQueueError, match="Only a supervisor"):
        queue.cancel(job_id, store.cashier)
    assert queue.waiting() == 1
    assert queue.cancel(job_id, store.supervisor, "customer left") == "Receipt L1-000001"
    assert queue.waiting() == 0 and queue.pending() == []
    (row,) = backend.store.audit_trail("print_job", job_id)
    assert row.action == "print_job_cancelled" and row.employee_id == store.supervisor.id
    assert '"reason": "customer left"' in row.changes
    with pytest.raises(PrintQueueError, match="cannot be cancelled: it is cancelled"):
        queue.cancel(job_id, store.supervisor)


def test_a_cancel_whose_audit_row_fails_cancels_nothing(
    backend: Backend, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    done = cash_sale(backend, store)

    def broken(**_kwargs: Any) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(backend.store, "audit", broken)
    with pytest.raises(OSError):
        PrintQueue(backend, None).cancel(done.print_job_ids[0], store.supervisor)
    assert backend.print_jobs.get(done.print_job_ids[0]).status == "queued"  # type: ignore[union-attr]


# -- the cash drawer ----------------------------------------------------------------------------

DRAWER_OPS = st.lists(
    st.sampled_from(["sale", "down", "up", "cut", "restart", "no_sale", "by_hand"]), max_size=16
)


@hypothesis_settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(ops=DRAWER_OPS)
def test_a_drawer_pulse_is_never_replayed(backend: Backend, store: Store, ops: list[str]) -> None:
    """Whatever fails: each opening pulses the drawer at most once, at its own request, never
    after; a restart pulses nothing; every opening ends opened, not opened, or unknown (cut
    off), and the pulses are exactly the openings recorded opened."""
    drawer = SeamDrawer()
    service = DrawerService(backend, drawer)
    service.recover()
    start = len(backend.drawer.for_lane("L1"))

    for op in ops:
        pulses = drawer.pulses
        try:
            if op == "sale":
                done = cash_sale(backend, store)
                service.for_sale(done.sale.id, store.cashier.id)
            elif op == "no_sale":
                service.no_sale(store.supervisor, reason="check")
            elif op == "by_hand":
                with contextlib.suppress(DrawerRefused):
                    service.open_sale_by_hand(store.cashier)
            elif op == "restart":
                service = DrawerService(backend, drawer)
                service.recover()
                assert drawer.pulses == pulses  # starting never pulses
            else:
                drawer.mode = "ok" if op == "up" else op
        except PowerCut:
            service = DrawerService(backend, drawer)  # the lane is gone mid-kick
        assert drawer.pulses - pulses <= 1

    DrawerService(backend, drawer).recover()
    rows = backend.drawer.for_lane("L1")[start:]
    assert all(r.state in ("opened", "not_opened", "unknown") for r in rows)
    assert drawer.pulses == sum(1 for r in rows if r.state == "opened")


def test_no_sale_needs_the_role_or_its_approval(backend: Backend, store: Store) -> None:
    drawer = SeamDrawer()
    service = DrawerService(backend, drawer)
    assert service.plan_no_sale(store.cashier).kind == "approval"
    assert service.plan_no_sale(store.supervisor).kind == "open"
    with pytest.raises(DrawerRefused, match="needs a supervisor's approval"):
        service.no_sale(store.cashier)
    other = AuthService(backend).sign_in("101", "1234")  # a cashier cannot approve
    with pytest.raises(DrawerRefused, match="Cass Cashier is a cashier: a supervisor must"):
        service.no_sale(store.cashier, approver=other)
    assert drawer.pulses == 0 and backend.drawer.for_lane("L1") == []
    result = service.no_sale(store.cashier, approver=store.supervisor, reason=" float ")
    assert result.opened and drawer.pulses == 1
    (opening,) = backend.drawer.for_lane("L1")
    assert (opening.note, opening.approved_by) == ("float", store.supervisor.id)


def test_no_sale_role_comes_from_the_config(db_path: Any, clock: Clock, store: Store) -> None:
    for role, cashier_alone, supervisor_alone in (
        ("cashier", True, True),
        ("manager", False, False),
    ):
        settings = load_settings(database={"path": str(db_path)}, lane={"no_sale_role": role})
        lane = open_backend(settings, now=clock)
        try:
            service = DrawerService(lane, SeamDrawer())
            assert (service.plan_no_sale(store.cashier).kind == "open") is cashier_alone
            assert (service.plan_no_sale(store.supervisor).kind == "open") is supervisor_alone
        finally:
            lane.close()


def test_a_no_sale_whose_audit_row_fails_leaves_no_opening_and_no_pulse(
    backend: Backend, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    drawer = SeamDrawer()

    def broken(**_kwargs: Any) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(backend.store, "audit", broken)
    with pytest.raises(OSError):
        DrawerService(backend, drawer).no_sale(store.supervisor)
    assert backend.drawer.for_lane("L1") == [] and drawer.pulses == 0


def test_a_sales_drawer_by_hand_is_its_cashiers_and_only_once(
    backend: Backend, store: Store
) -> None:
    drawer = SeamDrawer()
    service = DrawerService(backend, drawer)
    drawer.mode = "down"
    done = cash_sale(backend, store)
    result = service.for_sale(done.sale.id, store.cashier.id)
    assert result is not None and not result.opened and "not reachable" in result.message
    drawer.mode = "ok"
    supervisor: Employee = store.supervisor
    assert service.plan_no_sale(supervisor).kind == "open"  # not theirs: a plain no-sale
    plan = service.plan_no_sale(store.cashier)
    assert (plan.kind, plan.sale_reference) == ("sale_by_hand", "L1-000001")
    assert service.open_sale_by_hand(store.cashier).opened and drawer.pulses == 1
    assert service.plan_no_sale(store.cashier).kind == "approval"
    with pytest.raises(DrawerRefused):
        service.open_sale_by_hand(store.cashier)


def test_the_drawers_openings_are_a_journal_nobody_rewrites(
    backend: Backend, store: Store, db_path: Any
) -> None:
    """Each opening is recorded once (requested, then what the pulse did) and never deleted or
    changed after; `pos-tui journal drawer` lists them with who, who approved and why."""
    drawer = SeamDrawer()
    service = DrawerService(backend, drawer)
    service.no_sale(store.cashier, approver=store.supervisor, reason="float")
    drawer.mode = "down"
    done = cash_sale(backend, store)
    service.for_sale(done.sale.id, store.cashier.id)
    first, second = backend.drawer.for_lane("L1")
    conn = backend.db.conn
    for sql in (
        "DELETE FROM drawer_openings WHERE id = ?",
        "UPDATE drawer_openings SET state = 'not_opened' WHERE id = ?",
        "UPDATE drawer_openings SET note = 'nothing' WHERE id = ?",
    ):
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            conn.execute(sql, [first.id])
    assert backend.drawer.for_lane("L1") == [first, second]

    result = cli_runner_invoke(CliRunner(), ["--db", str(db_path), "journal", "drawer"])
    assert result.exit_code == 0, result.output
    newest, oldest = result.output.splitlines()
    # The no-sale took a number in the journal too (a record of the shift): the sale's own.
    number = f"sale L1-{done.sale.sale_number:06d}"
    assert f"#{second.id}" in newest and number in newest
    assert "Cass Cashier · not opened (drawer): Cash drawer on seam not reachable" in newest
    assert 'no sale "float" · Cass Cashier, approved by Sue Supervisor · opened (drawer)' in oldest


def test_devices_queue_cancel_needs_a_supervisors_pin(
    backend: Backend, store: Store, db_path: Any
) -> None:
    """`pos-tui devices queue --cancel JOB --by NUMBER` asks the PIN; a cashier or a wrong PIN
    cancels nothing."""
    done = cash_sale(backend, store)
    job_id = done.print_job_ids[0]
    base = ["--db", str(db_path), "devices", "queue", "--cancel", str(job_id)]
    runner = CliRunner()
    refused = [
        cli_runner_invoke(runner, [*base, "--by", "101"], input="1234\n"),  # a cashier
        cli_runner_invoke(runner, [*base, "--by", "201"], input="9999\n"),  # wrong PIN
        cli_runner_invoke(runner, base),  # nobody named
    ]
    assert [r.exit_code for r in refused] == [1, 1, 1]
    assert "Cass Cashier is a cashier: a supervisor must approve this" in refused[0].output
    assert "Unknown employee number or wrong PIN" in refused[1].output
    assert "--cancel needs --by: the number of a supervisor" in refused[2].output
    assert backend.print_jobs.get(job_id).status == "queued"  # type: ignore[union-attr]
    done_ = cli_runner_invoke(
        runner, [*base, "--by", "201", "--reason", "customer left"], input="2345\n"
    )
    assert done_.exit_code == 0, done_.output
    assert f"Receipt L1-000001 (job #{job_id}) cancelled by Sue Supervisor." in done_.output
    assert "2345" not in done_.output  # the PIN is never echoed
    assert backend.print_jobs.get(job_id).status == "cancelled"  # type: ignore[union-attr]


def test_a_record_written_outside_the_checkout_opens_the_drawer_only_for_cash(
    backend: Backend, store: Store
) -> None:
    drawer = SeamDrawer()
    service = DrawerService(backend, drawer)
    co = Checkout(backend, store.cashier)
    co.add_item("BAG")
    co.add_card(co.still_due(), "AUTH-1")
    by_card = co.commit()
    assert service.for_sale(by_card.sale.id, store.cashier.id, if_cash=True) is None
    by_cash = cash_sale(backend, store)
    result = service.for_sale(by_cash.sale.id, store.cashier.id, if_cash=True)
    assert result is not None and result.opened and drawer.pulses == 1


def test_a_no_sale_is_a_record_of_the_open_shift_written_with_its_request(
    backend: Backend, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The X and Z count no-sales from the shift's journal: the no-sale writes its record
    there in the transaction of its request; a fault in it leaves neither, and no pulse."""
    from pos_tui.services.shifts.cash import CashService
    from pos_tui.services.shifts.service import ShiftService

    drawer = SeamDrawer()
    service = DrawerService(backend, drawer)
    before = ShiftService(backend).x_report(store.supervisor).data["figures"]["drawer_opens"]

    def broken(self: CashService, why: str, details: dict[str, object] | None = None) -> Any:
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(CashService, "drawer_opened", broken)
    with pytest.raises(sqlite3.OperationalError):
        service.no_sale(store.supervisor, reason="change")
    assert drawer.pulses == 0 and backend.drawer.for_lane("L1") == []
    monkeypatch.undo()

    result = service.no_sale(store.supervisor, reason="change")
    assert result.opened and drawer.pulses == 1
    figures = ShiftService(backend).x_report(store.supervisor).data["figures"]
    assert figures["drawer_opens"] == before + 1
    checked, broken_link = backend.journal.verify()
    assert broken_link is None and checked >= 1
