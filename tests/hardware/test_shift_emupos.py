"""A whole shift at the lane with the receipts, slips and reports printed on emupos: every
assertion about paper is made on emupos's decoded text (an independent ESC/POS decoder),
within the printer profile's width."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest

from pos_tui.app import PosApp, create_app
from pos_tui.config import load_settings
from pos_tui.screens.shift import ReportScreen
from pos_tui.services.runtime.backend import Backend, open_backend
from tests.app import shift_flow as flow
from tests.app.conftest import settle
from tests.catalog import build_store
from tests.conftest import Clock
from tests.services.test_shifts import journal_sums

from .stacks import Emupos, wait_until
from .test_lane_devices import printer_table

pytestmark = pytest.mark.hardware

WIDTH = 48  # 80 mm paper, font A


@pytest.fixture
def lane(db_path: Path, clock: Clock, emupos: Emupos) -> Iterator[tuple[PosApp, Backend]]:
    settings = load_settings(
        database={"path": str(db_path)}, devices={"printer": printer_table(emupos)}
    )
    backend, probe = open_backend(settings, now=clock), open_backend(settings, now=clock)
    build_store(backend, shift=False)
    yield create_app(settings, backend=backend, now=clock), probe
    backend.close()
    probe.close()


def printed(emupos: Emupos, known: set[str], marker: str) -> str:
    """The text of the first receipt not in ``known`` (ids printed before the test) that
    carries ``marker`` (by id: emupos may keep only its latest receipts)."""
    found: list[str] = []

    def look() -> bool:
        for receipt in [r for r in emupos.receipts() if str(r["id"]) not in known]:
            text = emupos.receipt_text(receipt["id"])
            if marker in text:
                found.append(text)
                return True
        return False

    assert wait_until(look, 15), f"nothing printed with {marker!r}"
    return found[0]


def line_with(text: str, label: str) -> str:
    lines = [ln for ln in text.splitlines() if ln.strip().startswith(label)]
    assert lines, f"{label!r} not on paper:\n{text}"
    return lines[0]


async def test_a_whole_shift_on_paper(lane: tuple[PosApp, Backend], emupos: Emupos) -> None:
    app, probe = lane
    emupos.close_drawer()
    known = {str(r["id"]) for r in emupos.receipts()}
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            await flow.open_with_float(pilot, "500")
            slip = printed(emupos, known, "OPENING FLOAT")
            assert line_with(slip, "Float").endswith("500.00")
            assert wait_until(lambda: emupos.drawer() == "open", 10), "the drawer opens for it"
            emupos.close_drawer()
            await flow.sell_every_tender(pilot)
            await flow.cash_moves(pilot)
            await flow.account_payment(pilot)
            await flow.x_report(pilot, print_it=True)
            x = printed(emupos, known, "X REPORT")
            await flow.count_and_close(pilot, probe)
            assert isinstance(app.screen, ReportScreen)
            z = printed(emupos, known, "Z REPORT 1")
            await pilot.press("f6")  # a copy
            await settle(pilot)
            copy = printed(emupos, known, "*** COPY ***")
    finally:
        emupos.close_drawer()

    paid_in = printed(emupos, known, "PAID IN")
    assert line_with(paid_in, "Reason").endswith("FLOAT Float top-up")
    assert line_with(paid_in, "Reference").endswith("bank")
    assert line_with(paid_in, "Amount").endswith("50.00")
    assert line_with(printed(emupos, known, "PAID OUT"), "Amount").endswith("20.00")
    assert line_with(printed(emupos, known, "CASH DROP"), "Amount").endswith("100.00")
    payment = printed(emupos, known, "PAYMENT ON ACCOUNT")
    assert "Acme Traders" in payment
    assert line_with(payment, "New balance").endswith("45.00")  # 105.00 charged, 60.00 paid

    shift = probe.shifts.last_closed("L1")
    assert shift is not None
    sums = journal_sums(probe, "L1", shift.after_sale_number)
    expected = Decimal("500.00") + sums["cash"]
    for text in (x, z):
        assert line_with(text, "Expected cash").endswith(f"{expected:.2f}")
        assert line_with(text, "Net sales").endswith(
            f"{sums['sales_total'] - sums['returns_total']:.2f}"
        )
        assert line_with(text, "Paid in").endswith(f"{sums['paid_in']:.2f}")
        assert line_with(text, "Paid out").endswith(f"{sums['paid_out']:.2f}")
        assert line_with(text, "Cash drops").endswith(f"{sums['drops']:.2f}")
        assert line_with(text, "Account payments").endswith(f"{sums['payments']:.2f}")
        assert line_with(text, "Account charges").endswith(f"{sums['account']:.2f}")
        assert line_with(text, "GST5").endswith(f"{sums['tax']:.2f}")
        assert line_with(text, "Card").endswith(f"{sums['card']:.2f}")
        assert all(len(ln) <= WIDTH for ln in text.splitlines()), "within the paper's width"
    assert line_with(z, "Counted cash").endswith(f"{expected:.2f}")
    assert line_with(z, "Grand total").endswith(f"{sums['sales_total']:.2f}")
    assert line_with(z, "Z number").endswith("1")
    assert "*** COPY ***" not in z and line_with(copy, "Grand total") == line_with(z, "Grand total")
    assert probe.journal.check().z_reports == 1
