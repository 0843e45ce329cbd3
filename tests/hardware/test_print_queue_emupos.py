"""Receipts and the print queue end to end: committed sales printed on emupos (an independent
ESC/POS decoder with a cash drawer) and on raw TCP printers that refuse, stall or hang up.

Every assertion about receipt content is made on emupos's decoded text, never on our encoder.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from decimal import Decimal

import pytest

from pos_tui.hardware.printer import EscposPrinter, NetworkTarget
from pos_tui.services.checkout.printing import PrintQueue, PrintWorker
from pos_tui.services.checkout.sale import Checkout, Committed
from pos_tui.services.customers.service import CustomerService
from pos_tui.services.runtime.backend import Backend, open_backend
from tests.catalog import Store, build_store
from tests.helpers import HANG_SECONDS, returns_unless_hung, store_legacy

from .stacks import Emupos, closed_port, printer_that_hangs_up, stalled_printer, wait_until

pytestmark = pytest.mark.hardware

TIMEOUT = 1.0  # the printers' timeout_seconds in these tests


class Notes:
    """What the lane was told: (message, is_error)."""

    def __init__(self) -> None:
        self.items: list[tuple[str, bool]] = []

    def __call__(self, message: str, error: bool) -> None:
        self.items.append((message, error))

    @property
    def errors(self) -> list[str]:
        return [message for message, error in self.items if error]


@pytest.fixture
def store(backend: Backend) -> Store:
    return build_store(backend)


@pytest.fixture
def notes() -> Notes:
    return Notes()


@pytest.fixture
def drawer_closed(emupos: Emupos) -> Iterator[Emupos]:
    emupos.close_drawer()
    yield emupos
    emupos.close_drawer()


def on_emupos(emupos: Emupos, **kwargs: object) -> EscposPrinter:
    options: dict[str, object] = {"timeout": TIMEOUT, "code_page": "CP858", **kwargs}
    return EscposPrinter(NetworkTarget("127.0.0.1", emupos.printer_port), **options)  # type: ignore[arg-type]


def cash_sale(backend: Backend, store: Store, customer: int | None = None) -> Committed:
    co = Checkout(backend, store.cashier)
    co.add_item("8901234567890", "2")
    co.add_item("BAG")
    if customer is not None:
        co.attach_customer(customer)
    co.add_cash("500")
    return co.commit()


def card_sale(backend: Backend, store: Store) -> Committed:
    co = Checkout(backend, store.cashier)
    co.add_item("APPLE")
    co.add_card("105.00", "AUTH-9")
    return co.commit()


def new_receipts(emupos: Emupos, known: int, count: int = 1) -> list[str]:
    """The texts of the `count` receipts completed after the first `known`, oldest first."""
    assert wait_until(lambda: len(emupos.receipts()) >= known + count, HANG_SECONDS, 0.05), (
        f"emupos completed {len(emupos.receipts()) - known} of {count} receipts"
    )
    receipts = emupos.receipts()[:count]
    assert all(r["boundary"] == "cut" for r in receipts)
    return [emupos.receipt_text(r["id"]) for r in reversed(receipts)]


def line_with(text: str, start: str) -> str:
    found = [line for line in text.splitlines() if line.startswith(start)]
    assert found, f"no line starting {start!r} in:\n{text}"
    return found[0]


def test_cash_sale_prints_full_receipt_and_never_the_drawer(
    backend: Backend, store: Store, drawer_closed: Emupos, notes: Notes
) -> None:
    emupos = drawer_closed
    done = cash_sale(backend, store)
    queue = PrintQueue(backend, on_emupos(emupos), notify=notes)
    known = len(emupos.receipts())
    outcomes = queue.process()
    assert [(o.kind, o.printed) for o in outcomes] == [("receipt", True)]
    (text,) = new_receipts(emupos, known)
    lines = text.splitlines()

    assert lines[0].strip() == "pos-tui demo store" and lines[1].strip() == "1 Market Road"
    assert line_with(text, "Sale L1-000001").endswith("2026-11-24 10:30")
    assert "Cashier: Cass Cashier" in lines and "Store S1  Lane L1" in lines
    assert line_with(text, "Apple 1kg").endswith(" 200.00")
    assert "  2 x 100.00" in lines
    assert line_with(text, "Carry bag").endswith(" 5.00")
    assert line_with(text, "Subtotal").endswith(" 205.00")
    assert line_with(text, "Tax GST5 on 200.00").endswith(" 10.00")
    assert line_with(text, "TOTAL").endswith(" Rs.215.00")
    assert line_with(text, "Cash   ").endswith(" 500.00")
    assert line_with(text, "Change").endswith(" 285.00")
    assert "[barcode CODE128 L1-000001]" in text  # the sale reference, for returns
    assert lines[-1].strip() == "Thank you for shopping with us"
    assert "-" * 48 in lines and max(len(line) for line in lines if line[:1] != "[") == 48
    assert "Customer" not in text and "COPY" not in text and "REPRINT" not in text

    # The drawer belongs to the sale's moment (services/checkout/drawer.py), never to a print
    # job, which may run a retry or a restart later.
    assert emupos.drawer() == "closed"
    assert backend.print_jobs.pending("L1") == []
    assert backend.print_jobs.get(done.print_job_ids[0]).status == "printed"  # type: ignore[union-attr]
    assert notes.items == []


def test_second_receipt_customer_gets_store_and_customer_copy(
    backend: Backend, store: Store, emupos: Emupos
) -> None:
    done = cash_sale(backend, store, customer=store.bob)
    assert len(done.print_job_ids) == 2
    known = len(emupos.receipts())
    outcomes = PrintQueue(backend, on_emupos(emupos)).process()
    assert [(o.kind, o.printed) for o in outcomes] == [("receipt", True), ("copy", True)]
    first, second = new_receipts(emupos, known, 2)
    assert "STORE COPY (1 of 2)" in first and "CUSTOMER" not in first
    assert "CUSTOMER COPY (2 of 2)" in second and "STORE COPY" not in second
    for text in (first, second):
        assert line_with(text, "TOTAL").endswith(" Rs.215.00")
        assert "Customer: Bob Jones" in text
        assert line_with(text, "Points earned").endswith(" 4")
        assert line_with(text, "Points balance").endswith(" 4")
        assert "[barcode CODE128 L1-000001]" in text


def test_reprint_is_labelled_with_the_same_totals_and_balance(
    backend: Backend, store: Store, drawer_closed: Emupos
) -> None:
    emupos = drawer_closed
    done = cash_sale(backend, store, customer=store.anna)
    queue = PrintQueue(backend, on_emupos(emupos))
    known = len(emupos.receipts())
    queue.process()
    (original,) = new_receipts(emupos, known)
    cash_sale(backend, store, customer=store.anna)  # moves Anna's points balance on
    emupos.close_drawer()
    backend.print_jobs.mark_printed(backend.print_jobs.pending("L1")[0].id, "x")

    queue.reprint(done.sale.id)
    known = len(emupos.receipts())
    assert [o.kind for o in queue.process()] == ["reprint"]
    (reprint,) = new_receipts(emupos, known)
    assert "*** REPRINT ***" in reprint and "REPRINT" not in original
    assert "Reprinted 2026-11-24 10:30" in reprint
    for start in ("Sale L1-000001", "TOTAL", "Change", "Points earned", "Points balance"):
        assert line_with(reprint, start) == line_with(original, start)
    assert line_with(reprint, "Points balance").endswith(" 104")  # 100 opening + 4, as it was
    assert emupos.drawer() == "closed"  # a reprint never opens the drawer


def test_charge_to_account_shows_account_balance(
    backend: Backend, store: Store, drawer_closed: Emupos
) -> None:
    emupos = drawer_closed
    co = Checkout(backend, store.cashier)
    co.add_item("APPLE")
    co.attach_customer(store.corp)
    co.add_account("105.00", pin="4321", reference="PO-77")
    co.commit()
    known = len(emupos.receipts())
    assert PrintQueue(backend, on_emupos(emupos)).process()[0].printed
    (text,) = new_receipts(emupos, known)
    assert line_with(text, "On account PO-77").endswith(" 105.00")
    assert "Customer: Acme Traders" in text
    assert line_with(text, "Account balance").endswith(" 105.00")
    assert line_with(text, "Payment due").endswith(" 2026-12-24")
    assert "PO number: PO-77" in text
    assert "Signature: ____" in text
    assert emupos.drawer() == "closed"  # no cash, no drawer


def test_paper_out_keeps_job_pending_then_prints_when_cleared(
    backend: Backend, store: Store, emupos: Emupos, notes: Notes
) -> None:
    done = cash_sale(backend, store)
    queue = PrintQueue(backend, on_emupos(emupos), notify=notes)
    known = len(emupos.receipts())
    emupos.set_fault("paper-out")
    try:
        (outcome,) = queue.process()
    finally:
        emupos.clear_fault("paper-out")
    assert not outcome.printed and outcome.retryable
    job = backend.print_jobs.get(done.print_job_ids[0])
    assert job is not None and job.status == "queued" and job.attempts == 1
    assert "out of paper" in (job.last_error or "") and job.late
    (message,) = notes.errors
    assert message.startswith("Receipt L1-000001 not printed: The printer is out of paper.")
    assert "Kept in the queue" in message and "LATE COPY" in message

    (outcome,) = queue.process()
    assert outcome.printed
    (text,) = new_receipts(emupos, known)
    assert line_with(text, "TOTAL").endswith(" Rs.215.00")
    # Nothing was sent while the paper was out: emupos holds one receipt, not a second one
    # (nor bytes of the refused attempt run into this one).
    assert len(emupos.receipts()) == known + 1
    assert sum(line.startswith("TOTAL") for line in text.splitlines()) == 1
    assert "*** LATE COPY ***" in text
    assert notes.items[-1] == ("Receipt L1-000001 printed (late copy)", False)
    assert backend.print_jobs.pending("L1") == []


@pytest.mark.parametrize("failure", ["refused", "stalled", "hung up"])
def test_misbehaving_printer_leaves_sale_committed_and_job_pending(
    backend: Backend,
    store: Store,
    notes: Notes,
    failure: str,
    record_property: Callable[[str, object], None],
) -> None:
    done = cash_sale(backend, store) if failure != "hung up" else card_sale(backend, store)
    sale_id = done.sale.id

    def run(port: int) -> tuple[float, list[object]]:
        printer = EscposPrinter(NetworkTarget("127.0.0.1", port), timeout=TIMEOUT)
        started = time.monotonic()
        outcomes = returns_unless_hung(
            PrintQueue(backend, printer, notify=notes).process, f"process() ({failure})"
        )
        return time.monotonic() - started, list(outcomes)

    if failure == "refused":
        elapsed, outcomes = run(closed_port())
    elif failure == "stalled":
        with stalled_printer() as port:
            elapsed, outcomes = run(port)
    else:
        with printer_that_hangs_up(after_bytes=32) as port:
            elapsed, outcomes = run(port)
    record_property("process_seconds", round(elapsed, 3))
    print(f"process() against a {failure} printer: {elapsed:.3f} s")

    # The lane waits at most one printer timeout, never one per job or per retry: one
    # outcome and one attempt (the figure above is for reading, not asserted on).
    assert len(outcomes) == 1
    job = backend.print_jobs.get(done.print_job_ids[0])
    assert job is not None and job.status == "queued" and job.attempts == 1
    reason = {"refused": "not reachable", "stalled": "did not answer", "hung up": "dropped"}
    assert reason[failure] in (job.last_error or "")
    assert len(notes.errors) == 1 and reason[failure] in notes.errors[0]
    sale = backend.journal.get(sale_id)
    assert sale is not None and str(sale.total) in ("215.00", "105.00")
    assert backend.journal.verify() == (1, None)


def test_58mm_printer_prints_32_columns(backend: Backend, store: Store, emupos: Emupos) -> None:
    cash_sale(backend, store, customer=store.anna)
    known = len(emupos.receipts())
    assert PrintQueue(backend, on_emupos(emupos, paper_width_mm=58)).process()[0].printed
    (text,) = new_receipts(emupos, known)
    lines = text.splitlines()
    assert "-" * 32 in lines and "-" * 33 not in text
    assert all(len(line) <= 32 for line in lines if line[:1] != "[")
    total = line_with(text, "TOTAL")
    assert len(total) == 32 and total.endswith(" Rs.215.00")
    assert line_with(text, "Sale L1-000001") == "Sale L1-000001  2026-11-24 10:30"
    assert (
        line_with(text, "Points balance").endswith(" 104")
        and len(line_with(text, "Points balance")) == 32
    )
    assert "[barcode CODE128 L1-000001]" in text


def test_hostile_names_print_as_text_never_as_commands(
    backend: Backend, store: Store, emupos: Emupos
) -> None:
    evil = CustomerService(backend).create({"first_name": "[bold]", "last_name": "Cut"})
    # Stored before entry refused control characters (or by another program).
    store_legacy(
        backend, evil, first_name="[bold]\x1b@\x1d V", last_name="Cut\x1dV\x00Now\x1bd\x09"
    )
    backend.catalog.insert(
        "items", {"sku": "EVIL", "name": "Gift\x1bi\x1b@ box\x10\x04\x01", "regular_price": "10.00"}
    )
    co = Checkout(backend, store.cashier)
    co.add_item("EVIL")
    co.attach_customer(evil)
    co.add_cash("10")
    co.commit()
    known = len(emupos.receipts())
    assert PrintQueue(backend, on_emupos(emupos)).process()[0].printed
    (text,) = new_receipts(emupos, known)
    # One receipt: an early cut would have completed a first part without the footer (or left
    # a second receipt beside it) — the count and the first and last lines below tell.
    assert len(emupos.receipts()) == known + 1
    lines = text.splitlines()
    assert lines[0].strip() == "pos-tui demo store"  # no ESC @ reset, no cut before the end
    assert lines[-1].strip() == "Thank you for shopping with us"
    assert line_with(text, "Customer: [bold] @  V Cut V Now d").rstrip().endswith("d")
    assert line_with(text, "Gift i @ box").endswith(" 10.00")
    assert line_with(text, "TOTAL").endswith(" Rs.10.00")
    assert "[barcode CODE128 L1-000001]" in text
    assert backend.journal.get(1).total == Decimal("10.00")  # type: ignore[union-attr]


def test_worker_prints_off_the_lane_thread_and_retries_by_itself(
    backend: Backend, store: Store, emupos: Emupos, notes: Notes
) -> None:
    """The app's hook: kick() after a commit returns at once, even with a stalled printer; a
    job held by paper-out prints by itself once the paper is back."""
    kicked = threading.Event()
    kicked.set()
    reported_after_kick: list[bool] = []

    def in_order(message: str, error: bool) -> None:
        reported_after_kick.append(kicked.wait(HANG_SECONDS))
        notes(message, error)

    with stalled_printer() as port:
        stalled = PrintWorker(
            backend,
            EscposPrinter(NetworkTarget("127.0.0.1", port), timeout=TIMEOUT),
            open_backend=lambda: open_backend(backend.settings),
            notify=in_order,
        )
        card_sale(backend, store)
        stalled.start()
        kicked.clear()
        stalled.kick()
        kicked.set()
        assert wait_until(lambda: notes.errors, HANG_SECONDS)
        # kick() only posts: the worker could report the stalled print only after kick() had
        # returned (a kick() that printed would have reported it from inside, never in order).
        assert all(reported_after_kick)
        assert "did not answer within 1 s" in notes.errors[0]
        stalled.stop()
    # The kick may have run a second attempt on the stalled printer (whether it did depends on
    # how fast the worker's thread started); stop() waited for it.
    stalled_errors = len(notes.errors)

    worker = PrintWorker(
        backend,
        on_emupos(emupos),
        open_backend=lambda: open_backend(backend.settings),
        notify=notes,
        retry_seconds=0.3,
    )
    known = len(emupos.receipts())
    emupos.set_fault("paper-out")
    try:
        worker.start()  # picks up the job the stalled printer left
        assert wait_until(lambda: len(notes.errors) > stalled_errors, HANG_SECONDS)
        assert "out of paper" in notes.errors[-1]
    finally:
        emupos.clear_fault("paper-out")
    try:
        (text,) = new_receipts(emupos, known)  # printed by the retry timer, no kick needed
        assert line_with(text, "TOTAL").endswith(" Rs.105.00")
        worker.reprint(1)
        worker.kick()
        (reprint,) = new_receipts(emupos, known + 1)
        assert "*** REPRINT ***" in reprint
    finally:
        worker.stop()
    assert ("Receipt L1-000001 printed (late copy)", False) in notes.items  # told it is out
    assert backend.print_jobs.pending("L1") == []
