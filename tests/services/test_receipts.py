"""build_receipt's content from the journal, and the print queue's bookkeeping, on a real
database. The printer here is the driver's in-memory DummyTarget, an extra seam only: what a
real printer makes of the bytes is tested on emupos in tests/hardware."""

from __future__ import annotations

import dataclasses

import pytest

from pos_tui.hardware.printer import DummyTarget, EscposPrinter, PrinterError
from pos_tui.hardware.receipt_text import (
    Barcode,
    Blank,
    Columns,
    Cut,
    ReceiptDocument,
    Rule,
    TextLine,
)
from pos_tui.services.checkout.printing import PrintQueue
from pos_tui.services.checkout.receipts import build_receipt, build_test_page, sale_reference
from pos_tui.services.checkout.sale import Checkout, Committed
from pos_tui.services.runtime.backend import Backend
from tests.catalog import Store, build_store
from tests.conftest import Clock


@pytest.fixture
def store(backend: Backend) -> Store:
    return build_store(backend)


def text_of(document: ReceiptDocument) -> list[str]:
    """The blocks as comparable strings: "left | right" for two-part lines."""
    out: list[str] = []
    for block in document.blocks:
        if isinstance(block, TextLine):
            out.append(block.text)
        elif isinstance(block, Columns):
            out.append(f"{block.left} | {block.right}")
        elif isinstance(block, Rule):
            out.append("---")
        elif isinstance(block, Blank):
            out.append("")
        elif isinstance(block, Barcode):
            out.append(f"[{block.symbology} {block.data}]")
        elif isinstance(block, Cut):
            out.append("[cut]")
    return out


def cash_sale(backend: Backend, store: Store, customer: int | None = None) -> Committed:
    co = Checkout(backend, store.cashier)
    co.add_item("APPLE", "2")
    co.add_item("BAG")
    if customer is not None:
        co.attach_customer(customer)
    co.add_cash("500")
    return co.commit()


def test_cash_receipt_reads_top_to_bottom(backend: Backend, store: Store) -> None:
    done = cash_sale(backend, store)
    document = build_receipt(backend, done.sale.id)
    assert text_of(document) == [
        "pos-tui demo store",
        "1 Market Road",
        "---",
        "Sale L1-000001 | 2026-11-24 10:30",
        "Store S1  Lane L1",
        "Cashier: Cass Cashier",
        "---",
        "Apple 1kg | 200.00",
        "  2 x 100.00",
        "Carry bag | 5.00",
        "---",
        "Subtotal | 205.00",
        "Tax GST5 on 200.00 | 10.00",
        "TOTAL | Rs.215.00",
        "---",
        "Cash | 500.00",
        "Change | 285.00",
        "",
        "[CODE128 L1-000001]",
        "Thank you for shopping with us",
        "[cut]",
    ]
    assert document.blocks[0] == TextLine("pos-tui demo store", align="center", bold=True)
    assert document.title == "receipt L1-000001"
    total = next(b for b in document.blocks if isinstance(b, Columns) and b.left == "TOTAL")
    assert total.bold


def test_labels_for_store_copy_customer_copy_and_reprint(
    backend: Backend, store: Store, clock: Clock
) -> None:
    sale_id = int(cash_sale(backend, store, customer=store.bob).sale.id)
    receipt, copy = build_receipt(backend, sale_id), build_receipt(backend, sale_id, "copy")
    assert text_of(receipt)[2] == "STORE COPY (1 of 2)"
    assert text_of(copy)[2] == "CUSTOMER COPY (2 of 2)"
    clock.current = clock.current.replace(day=28, hour=9, minute=0)
    reprint = text_of(build_receipt(backend, sale_id, "reprint"))
    assert reprint[2:4] == ["*** REPRINT ***", "Reprinted 2026-11-28 09:00"]
    assert "STORE COPY (1 of 2)" not in reprint
    # Apart from the label the three say the same, down to the sale's own time.
    assert text_of(receipt)[3:] == text_of(copy)[3:] == reprint[4:]

    plain_sale = int(cash_sale(backend, store, customer=store.anna).sale.id)
    assert not any("COPY" in line for line in text_of(build_receipt(backend, plain_sale)))


def test_discounts_points_and_tenders(backend: Backend, store: Store) -> None:
    co = Checkout(backend, store.cashier)
    co.add_item("APPLE", "3")
    co.add_item("RUM")
    co.attach_customer(store.anna)
    co.discount_line(1, percent="5")
    co.discount_sale(amount="10")
    co.add_points("20")
    co.add_card(str(co.remaining() - 100), "AUTH42")
    co.add_cash("200")
    sale_id = int(co.commit().sale.id)
    lines = text_of(build_receipt(backend, sale_id))
    start = lines.index("Apple 1kg | 300.00")
    assert lines[start : start + 4] == [
        "Apple 1kg | 300.00",
        "  3 x 100.00",
        "  Manual discount 5% | -15.00",
        "Dark Rum 750ml | 1000.00",
    ]
    start = lines.index("Subtotal | 1300.00")
    assert lines[start : start + 5] == [
        "Subtotal | 1300.00",
        "Manual discount 10.00 | -10.00",
        "Tax GST5 on 282.78 | 14.14",
        "TOTAL | Rs.1289.14",
        "You saved | 25.00",
    ]
    start = lines.index("Points (20 pts) | 50.00")
    assert lines[start : start + 9] == [
        "Points (20 pts) | 50.00",
        "Card AUTH42 | 1139.14",
        "Cash | 200.00",
        "Change | 100.00",
        "---",
        "Customer: Anna Smith",
        "Customer no. 1001",
        "Points earned | 25.5",
        "Points used | -20",
    ]
    assert "Points balance | 105.5" in lines  # 100 opening + 25.5 - 20

    # The balance printed is the one right after this sale, also on a later reprint.
    cash_sale(backend, store, customer=store.anna)
    assert "Points balance | 105.5" in text_of(build_receipt(backend, sale_id, "reprint"))


def test_points_hidden_when_the_customer_opted_out(backend: Backend, store: Store) -> None:
    backend.customers.update(store.anna, {"privacy_show_crm_points": 0})
    lines = text_of(build_receipt(backend, int(cash_sale(backend, store, store.anna).sale.id)))
    assert "Customer: Anna Smith" in lines
    assert not any(line.startswith("Points") for line in lines)


def test_charge_to_account_shows_balance_due_date_reference_and_signature(
    backend: Backend, store: Store
) -> None:
    co = Checkout(backend, store.cashier)
    co.add_item("APPLE")
    co.attach_customer(store.corp)
    co.add_account("105.00", pin="4321", reference="PO-77")
    lines = text_of(build_receipt(backend, int(co.commit().sale.id)))
    assert "On account PO-77 | 105.00" in lines
    assert "Customer: Acme Traders" in lines
    start = lines.index("Account balance | 105.00")
    assert lines[start : start + 5] == [
        "Account balance | 105.00",
        "Payment due | 2026-12-24",  # 30 days from the posting date
        "PO number: PO-77",
        "",
        "Signature: " + "_" * 20,
    ]
    assert "Change" not in " ".join(lines)


def test_return_receipt(backend: Backend, store: Store) -> None:
    sale_id = int(cash_sale(backend, store, customer=store.anna).sale.id)
    back = Checkout.start_return(backend, store.cashier, sale_id)
    back.add_return_line(1, "1")
    back.add_cash(str(-back.remaining()))
    lines = text_of(build_receipt(backend, int(back.commit().sale.id)))
    assert lines[2] == "RETURN"
    assert "Sale L1-000002 | 2026-11-24 10:30" in lines
    assert "Return of sale L1-000001" in lines
    assert "Apple 1kg | -100.00" in lines and "  -1 x 100.00" in lines  # no "price changed"
    assert "TOTAL | Rs.-105.00" in lines
    assert "Cash refund | -105.00" in lines
    assert "Points reversed | -2" in lines and "Points balance | 102" in lines
    assert "You saved" not in " ".join(lines)
    assert "[CODE128 L1-000002]" in lines


def test_price_sources_are_named(backend: Backend, store: Store) -> None:
    co = Checkout(backend, store.cashier)
    co.add_item("APPLE")
    co.override_price(1, "99.00")
    co.add_cash("200")
    lines = text_of(build_receipt(backend, int(co.commit().sale.id)))
    assert "  1 x 99.00 (price changed)" in lines


def test_unknown_sale_or_kind_is_a_key_error(backend: Backend, store: Store) -> None:
    with pytest.raises(KeyError, match="no sale 99"):
        build_receipt(backend, 99)
    sale = cash_sale(backend, store).sale
    with pytest.raises(KeyError, match="statement"):
        build_receipt(backend, sale.id, "statement")
    assert sale_reference(dataclasses.replace(sale, lane_id="L7", sale_number=42)) == "L7-000042"


def test_test_page(backend: Backend) -> None:
    page = build_test_page(backend.settings, "network 10.0.0.5:9100", "2026-11-24T10:30:00")
    assert text_of(page) == [
        "pos-tui demo store",
        "1 Market Road",
        "TEST PAGE",
        "---",
        "Store S1  Lane L1",
        "Printer: network 10.0.0.5:9100",
        "Printed 2026-11-24 10:30",
        "---",
        "Code page: é ü € ₹",
        "Item name | 1.00",
        "TOTAL | Rs.1.00",
        "---",
        "",
        "[CODE128 TEST-L1]",
        "End of test page",
        "[cut]",
    ]
    assert page.blocks[2] == TextLine("TEST PAGE", align="center", bold=True, double=True)


# -- the queue's bookkeeping, with the in-memory printer ------------------------------------------


def test_queue_prints_through_the_dummy_printer_and_kicks_the_drawer_once(
    backend: Backend, store: Store
) -> None:
    done = cash_sale(backend, store)
    printer = EscposPrinter(DummyTarget(), code_page="CP858")
    outcomes = PrintQueue(backend, printer).process()
    assert [(o.job_id, o.printed, o.message) for o in outcomes] == [
        (done.print_job_ids[0], True, "Receipt L1-000001 printed")
    ]
    assert b"L1-000001" in printer.last_output and b"Rs.215.00" in printer.last_output
    assert printer.last_output.count(b"\x1dV") == 1  # one cut, after the footer
    assert printer.last_output.index(b"Thank you") < printer.last_output.index(b"\x1dV")
    assert PrintQueue(backend, printer).process() == []  # nothing left


def test_no_printer_keeps_jobs_without_counting_attempts(backend: Backend, store: Store) -> None:
    done = cash_sale(backend, store)
    told: list[tuple[str, bool]] = []
    (outcome,) = PrintQueue(backend, None, notify=lambda m, e: told.append((m, e))).process()
    assert not outcome.printed and outcome.retryable
    assert told == [
        (
            "Receipt L1-000001 not printed: no receipt printer is configured. Kept in the queue.",
            True,
        )
    ]
    job = backend.print_jobs.get(done.print_job_ids[0])
    assert job is not None and job.attempts == 0 and job.status == "queued"
    assert not job.late  # nothing was tried: it prints as the receipt when a printer comes


def test_job_that_cannot_print_fails_without_blocking_the_next(
    backend: Backend, store: Store
) -> None:
    lane = backend.settings.lane.id
    broken = backend.print_jobs.add(lane_id=lane, kind="statement", document={}, at="t")
    test = backend.print_jobs.add(lane_id=lane, kind="test", document={}, at="t")
    done = cash_sale(backend, store)
    printer = EscposPrinter(DummyTarget())
    told: list[str] = []
    queue = PrintQueue(backend, printer, notify=lambda m, e: told.append(m))
    outcomes = queue.process()
    assert [(o.job_id, o.printed) for o in outcomes] == [
        (broken, False),
        (test, True),
        (done.print_job_ids[0], True),
    ]
    assert not outcomes[0].retryable
    assert told == [
        "Statement not printed: it cannot be built (a statement job without a statement). "
        "It cannot be printed as written: reprint the sale, or a supervisor cancels it."
    ]
    assert [j.status for j in queue.pending()] == ["failed"]

    # A document the printer refuses (bad data) fails at once, it is not retried.
    class Refusing(EscposPrinter):
        def print_receipt(self, document: ReceiptDocument) -> None:
            raise PrinterError("The receipt cannot be printed as written: bad", retryable=False)

    again = queue.reprint(done.sale.id)
    (outcome,) = PrintQueue(backend, Refusing(DummyTarget())).process()
    assert (outcome.job_id, outcome.printed, outcome.retryable) == (again, False, False)
    assert backend.print_jobs.get(again).status == "failed"  # type: ignore[union-attr]
    with pytest.raises(KeyError):
        queue.reprint(999)
