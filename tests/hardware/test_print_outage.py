"""Printer outages and power cuts: no receipt is ever lost, no drawer kick is ever replayed.

Real parts only: emupos decodes the receipts and keeps the drawer's state; a `PrinterLink` in
front of it plays the printer switched off or wedged; a power cut is a lane process killed with
SIGKILL in the middle of a job.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from pos_tui.hardware.printer import EscposPrinter, NetworkTarget
from pos_tui.services.checkout.printing import PrintQueue, PrintWorker
from pos_tui.services.checkout.sale import Checkout, Committed
from pos_tui.services.runtime.backend import Backend, open_backend
from tests.app.conftest import enter, sign_in
from tests.app.helpers_lane import notifications, view
from tests.catalog import Store, build_store

from .lane_helpers import LaneFactory, pay_cash, printer_table, until
from .printer_link import PrinterLink, printer_link
from .stacks import Emupos, closed_port, wait_until

pytestmark = pytest.mark.hardware

LATE = "*** LATE COPY ***"


class Notes:
    def __init__(self) -> None:
        self.items: list[tuple[str, bool]] = []

    def __call__(self, message: str, error: bool) -> None:
        self.items.append((message, error))


@pytest.fixture
def store(backend: Backend) -> Store:
    return build_store(backend)


@pytest.fixture
def drawer_closed(emupos: Emupos) -> Iterator[Emupos]:
    emupos.close_drawer()
    for fault in ("paper-out", "cover-open"):
        emupos.clear_fault(fault)
    yield emupos
    emupos.clear_fault("paper-out")
    emupos.close_drawer()


@pytest.fixture
def link(emupos: Emupos) -> Iterator[PrinterLink]:
    with printer_link(emupos.printer_port) as the_link:
        yield the_link


def on_emupos(emupos: Emupos, timeout: float = 1.0) -> EscposPrinter:
    return EscposPrinter(NetworkTarget("127.0.0.1", emupos.printer_port), timeout=timeout)


def cash_sale(backend: Backend, store: Store, code: str = "APPLE") -> Committed:
    co = Checkout(backend, store.cashier)
    co.add_item(code)
    co.add_cash("500")
    return co.commit()


def receipt_texts(emupos: Emupos, known: int, count: int) -> list[str]:
    """The `count` receipts completed after the first `known`, oldest first."""
    assert wait_until(lambda: len(emupos.receipts()) >= known + count, 10, 0.05), (
        f"emupos completed {len(emupos.receipts()) - known} of {count} receipts"
    )
    receipts = emupos.receipts()[:count]
    return [emupos.receipt_text(r["id"]) for r in reversed(receipts)]


# A lane process printing the queue, as the lane's print worker does: killed mid-job below.
LANE_PRINTING = """
import sys
from pos_tui.config import load_settings
from pos_tui.hardware.printer import EscposPrinter, NetworkTarget
from pos_tui.services.checkout.printing import PrintQueue
from pos_tui.services.runtime.backend import open_backend

backend = open_backend(load_settings(database={"path": sys.argv[1]}))
printer = EscposPrinter(NetworkTarget("127.0.0.1", int(sys.argv[2])), timeout=60)
PrintQueue(backend, printer).process()
"""


def power_cut_while_printing(db_path: Path, link: PrinterLink) -> None:
    """A lane process starts printing the queue on a wedged printer; the power goes."""
    link.connected.clear()
    link.hang()
    child = subprocess.Popen(
        [sys.executable, "-c", LANE_PRINTING, str(db_path), str(link.port)],
        env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])},
    )
    try:
        assert link.connected.wait(30), "the lane process never reached the printer"
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait(10)
    link.release()


def test_power_cut_mid_receipt_prints_a_late_copy_and_never_kicks_the_drawer_again(
    backend: Backend, store: Store, drawer_closed: Emupos, link: PrinterLink, db_path: Path
) -> None:
    emupos = drawer_closed
    done = cash_sale(backend, store)
    power_cut_while_printing(db_path, link)
    job = backend.print_jobs.get(done.print_job_ids[0])
    assert job is not None and job.status == "printing"  # recorded before any byte went

    notes = Notes()
    known = len(emupos.receipts())
    worker = PrintWorker(
        backend,
        on_emupos(emupos),
        open_backend=lambda: open_backend(backend.settings, now=backend.now),
        notify=notes,
    )
    worker.start()  # the lane after the power comes back
    try:
        (text,) = receipt_texts(emupos, known, 1)
    finally:
        worker.stop()
    assert LATE in text and "Sale L1-000001" in text and "Rs.105.00" in text
    assert any(
        line.startswith("Printed late") and line.endswith(" 2026-11-24 10:30")
        for line in text.splitlines()
    )
    assert emupos.drawer() == "closed"  # the sale was closed before the cut: no kick now
    assert backend.print_jobs.get(done.print_job_ids[0]).status == "printed"  # type: ignore[union-attr]
    assert backend.print_jobs.pending("L1") == []


def test_no_receipt_is_given_up_however_long_the_printer_is_off(
    backend: Backend, store: Store, drawer_closed: Emupos
) -> None:
    """Before: after 5 failed attempts (9 s of sales with the printer off) the first receipt
    was marked failed and never printed."""
    emupos = drawer_closed
    done = cash_sale(backend, store)
    off = PrintQueue(backend, EscposPrinter(NetworkTarget("127.0.0.1", closed_port()), timeout=1))
    for _ in range(8):
        (outcome,) = off.process()
        assert not outcome.printed and outcome.retryable
        assert "Kept in the queue" in outcome.message
    (job,) = backend.print_jobs.pending("L1")
    assert job.status == "queued" and job.attempts == 8
    assert off.waiting() == 1

    known = len(emupos.receipts())
    (outcome,) = PrintQueue(backend, on_emupos(emupos)).process()
    assert outcome.printed and outcome.job_id == done.print_job_ids[0]
    (text,) = receipt_texts(emupos, known, 1)
    assert LATE in text and "Sale L1-000001" in text
    assert emupos.drawer() == "closed"  # a print job never opens the drawer
    assert backend.print_jobs.pending("L1") == []


async def test_printer_outage_kicks_each_drawer_at_its_sale_and_never_later(
    lane: LaneFactory, drawer_closed: Emupos
) -> None:
    """Paper out for two cash sales: each sale's drawer opens at its sale (a real-time pulse the
    printer obeys without paper), the cashier shuts it; when paper is loaded the receipts print
    as late copies and the drawer stays shut. Before: the second sale's ESC p fired when the
    paper came back (the drawer sprang open unattended)."""
    emupos = drawer_closed
    app, backend = lane({"printer": printer_table(emupos)})
    app.PRINT_RETRY_SECONDS = 3600  # the test runs the retry itself, once the paper is in
    known = len(emupos.receipts())
    emupos.set_fault("paper-out")
    async with app.run_test(size=(100, 30)) as pilot:
        await sign_in(pilot)
        await enter(pilot, "APPLE")
        await pay_cash(pilot, "500")
        await until(pilot, lambda: emupos.drawer() == "open", "drawer of sale 1")
        emupos.close_drawer()  # the cashier gives change and shuts the drawer
        await until(
            pilot,
            lambda: any("Receipt L1-000001 not printed" in n for n in notifications(pilot)),
            "receipt 1 held",
        )
        await enter(pilot, "BAG")
        await pay_cash(pilot, "500")
        await until(pilot, lambda: emupos.drawer() == "open", "drawer of sale 2")
        emupos.close_drawer()
        await until(pilot, lambda: "2 receipts waiting" in lane_bar(pilot), "2 waiting")
        emupos.clear_fault("paper-out")
        assert app.printing is not None
        app.printing.kick()  # what the retry timer does
        first, second = receipt_texts(emupos, known, 2)
        await until(pilot, lambda: backend.print_jobs.pending("L1") == [], "queue empty")
        await until(pilot, lambda: "waiting" not in lane_bar(pilot), "count gone")
    assert "Sale L1-000001" in first and "Sale L1-000002" in second
    assert LATE in first and LATE in second
    assert emupos.drawer() == "closed"


async def test_drawer_kick_that_cannot_fire_at_its_sale_is_dropped_and_the_cashier_told(
    lane: LaneFactory, drawer_closed: Emupos, link: PrinterLink
) -> None:
    """The printer is off at the sale: no drawer, the cashier is told how to open it by hand;
    the printer comes back: the receipt prints (late copy), the drawer stays shut."""
    emupos = drawer_closed
    app, backend = lane({"printer": printer_table(emupos, link.port)})
    app.PRINT_RETRY_SECONDS = 0.3
    link.off()
    known = len(emupos.receipts())
    async with app.run_test(size=(100, 30)) as pilot:
        await sign_in(pilot)
        await enter(pilot, "APPLE")
        await pay_cash(pilot, "500")
        await until(
            pilot,
            lambda: any(n.startswith("Drawer did not open:") for n in notifications(pilot)),
            "drawer notice",
        )
        (told,) = [n for n in notifications(pilot) if n.startswith("Drawer did not open:")]
        assert "not reachable" in told and "use No sale (^d) to open it" in told
        assert view(pilot).empty  # the sale is closed all the same
        (opening,) = backend.db.execute("SELECT state, reason FROM drawer_openings").fetchall()
        assert tuple(opening) == ("not_opened", "sale")
        link.up()
        (text,) = receipt_texts(emupos, known, 1)
        await until(pilot, lambda: backend.print_jobs.pending("L1") == [], "printed")
    assert LATE in text and "Sale L1-000001" in text
    assert emupos.drawer() == "closed"


def lane_bar(pilot: object) -> str:
    from pos_tui.widgets.lane_bar import LaneBar

    app = pilot.app  # type: ignore[attr-defined]
    return str(app.screen.query_one(LaneBar).render())
