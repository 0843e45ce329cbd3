"""The cash drawer: through the printer (emupos keeps its state), on a port of its own (a socat
pty), the no-sale key at the lane under Pilot, and a lane that never waits on the printer."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from textual.pilot import Pilot

from pos_tui.hardware.cash_drawer import DrawerError, SerialDrawer
from pos_tui.hardware.printer import EscposPrinter, NetworkTarget, PrinterError
from pos_tui.screens.dialogs import PromptScreen
from pos_tui.screens.supervisor import SupervisorScreen
from pos_tui.services.runtime.backend import Backend
from pos_tui.storage.drawer import DrawerOpening
from tests.app.conftest import enter, focused_input, screen_text, settle, sign_in
from tests.app.helpers_lane import message, notifications, skus

from .lane_helpers import LaneFactory, PtyReader, pay_cash, printer_table, until
from .printer_link import PrinterLink, printer_link
from .stacks import Emupos, PtyPair, closed_port, wait_until

pytestmark = pytest.mark.hardware

ESC_P = bytes.fromhex("1B 70 00 19 FA")
PtyFactory = Callable[[str], PtyPair]


@pytest.fixture
def drawer_closed(emupos: Emupos) -> Iterator[Emupos]:
    emupos.close_drawer()
    emupos.clear_fault("paper-out")
    yield emupos
    emupos.clear_fault("paper-out")
    emupos.close_drawer()


@pytest.fixture
def link(emupos: Emupos) -> Iterator[PrinterLink]:
    with printer_link(emupos.printer_port) as the_link:
        yield the_link


@pytest.fixture
def drawer_port(pty_pair: PtyFactory) -> Iterator[tuple[PtyPair, PtyReader]]:
    """A drawer with its own serial trigger: the lane opens the pty's app end, the test reads
    what the drawer received on the other."""
    pair = pty_pair("drawer")
    reader = PtyReader(pair.device_end)
    yield pair, reader
    reader.close()


def audit(backend: Backend, entity: str = "drawer") -> list[tuple[str, int | None, dict[str, Any]]]:
    rows = backend.db.execute(
        "SELECT action, employee_id, changes, lane_id FROM audit_log WHERE entity = ? ORDER BY id",
        [entity],
    ).fetchall()
    assert all(row[3] == "L1" for row in rows)
    return [(row[0], row[1], json.loads(row[2])) for row in rows]


def openings(backend: Backend) -> list[DrawerOpening]:
    return backend.drawer.for_lane("L1")


async def press_no_sale(pilot: Pilot[Any], reason: str = "") -> None:
    await pilot.press("ctrl+d")
    await settle(pilot)
    assert isinstance(pilot.app.screen, PromptScreen), type(pilot.app.screen).__name__
    await enter(pilot, reason)


async def supervisor_pin(pilot: Pilot[Any], number: str = "201", pin: str = "2345") -> None:
    assert isinstance(pilot.app.screen, SupervisorScreen), type(pilot.app.screen).__name__
    await enter(pilot, number)
    await enter(pilot, pin)


# -- the drawer on the printer's kick connector -------------------------------------------------


def test_printer_pulse_opens_the_drawer_out_of_paper_and_esc_p_is_never_held(
    drawer_closed: Emupos,
) -> None:
    emupos = drawer_closed
    printer = EscposPrinter(NetworkTarget("127.0.0.1", emupos.printer_port), timeout=1)
    emupos.set_fault("paper-out")
    try:
        # ESC p is print data: a printer out of paper holds it and would fire it when paper is
        # loaded. The driver sees the fault and sends nothing.
        with pytest.raises(PrinterError, match="out of paper"):
            printer.open_drawer(realtime=False)
        # DLE DC4 fn 1 is real-time: the printer pulses at once, paper or not.
        printer.open_drawer()
        assert emupos.drawer() == "open"
        emupos.close_drawer()
    finally:
        emupos.clear_fault("paper-out")
    printer.open_drawer()  # and with paper, the same
    assert emupos.drawer() == "open"
    emupos.close_drawer()
    printer.print_receipt(_one_line())  # the paper is back: nothing held fires now
    assert emupos.drawer() == "closed"


def _one_line() -> Any:
    from pos_tui.hardware.receipt_text import Cut, ReceiptDocument, TextLine

    return ReceiptDocument((TextLine("after"), Cut()), title="check")


def test_printer_pulse_gives_up_within_its_bound_on_a_wedged_printer(
    link: PrinterLink,
) -> None:
    link.hang()
    printer = EscposPrinter(NetworkTarget("127.0.0.1", link.port), timeout=60)
    with pytest.raises(PrinterError, match=r"did not answer within 0\.5 s"):
        printer.open_drawer(within=0.5)  # the printer's own 60 s do not apply to a kick
    assert link.held == 0  # the driver closed its connection: nothing left to fire later


# -- a drawer on its own serial port ------------------------------------------------------------


def test_serial_drawer_sends_its_trigger_and_says_when_the_port_is_gone(
    drawer_port: tuple[PtyPair, PtyReader],
) -> None:
    pair, reader = drawer_port
    drawer = SerialDrawer(str(pair.app_end), trigger=ESC_P)
    drawer.open(1.0)
    assert wait_until(lambda: reader.data == ESC_P, 5), reader.data
    pair.stop()  # unplugged
    with pytest.raises(DrawerError, match=f"Cash drawer on {pair.app_end} not reachable"):
        drawer.open(1.0)


# -- no sale at the lane --------------------------------------------------------------------------


async def test_no_sale_by_a_cashier_needs_a_supervisor_pin_and_is_audited(
    lane: LaneFactory, drawer_closed: Emupos
) -> None:
    emupos = drawer_closed
    app, backend = lane({"printer": printer_table(emupos)})
    async with app.run_test(size=(100, 30)) as pilot:
        await sign_in(pilot)  # Cass, a cashier
        await press_no_sale(pilot, "change for the next till")
        # A cashier: the supervisor's number and PIN. A wrong one keeps the drawer shut.
        await supervisor_pin(pilot, "201", "9999")
        assert isinstance(app.screen, SupervisorScreen)
        assert emupos.drawer() == "closed"
        await pilot.press("escape")
        await settle(pilot)
        assert openings(backend) == []
        # The reason prompt is asked again with the reason typed and the refusal said on it:
        # Enter asks a supervisor again.
        assert isinstance(app.screen, PromptScreen)
        assert "No sale not approved" in screen_text(pilot)
        assert focused_input(pilot).value == "change for the next till"
        await enter(pilot, "")
        await supervisor_pin(pilot)
        await until(pilot, lambda: emupos.drawer() == "open", "drawer open")
        await until(pilot, lambda: "Drawer opened (no sale)" in message(pilot), "told")
    (opening,) = openings(backend)
    assert opening.reason == "no_sale" and opening.state == "opened"
    assert opening.route == "printer" and opening.note == "change for the next till"
    cashier, supervisor = 1, 2
    assert opening.employee_id == cashier and opening.approved_by == supervisor
    assert audit(backend) == [
        ("no_sale", cashier, {"reason": "change for the next till", "approved_by": supervisor}),
        ("drawer_opened", cashier, {"route": "printer", "error": None}),
    ]
    overrides = audit(backend, "employee")
    assert ("override", supervisor, {"reason": "no sale"}) in overrides


async def test_no_sale_on_its_own_port_works_with_the_printer_off(
    lane: LaneFactory, drawer_port: tuple[PtyPair, PtyReader]
) -> None:
    """A supervisor signed in: no PIN. The drawer has its own trigger: the printer being off
    does not matter."""
    pair, reader = drawer_port
    printer = {"kind": "network", "host": "127.0.0.1", "port": closed_port(), "timeout_seconds": 1}
    app, backend = lane(
        {"printer": printer, "drawer": {"kind": "serial", "url": str(pair.app_end)}}
    )
    async with app.run_test(size=(100, 30)) as pilot:
        await sign_in(pilot, "201", "2345")  # Sue, a supervisor
        await press_no_sale(pilot)  # no reason given
        await until(pilot, lambda: reader.data == ESC_P, "the trigger on the drawer's port")
        await until(pilot, lambda: "Drawer opened (no sale)" in message(pilot), "told")
        assert not isinstance(app.screen, SupervisorScreen)

        # A sale in progress: no no-sale.
        await enter(pilot, "APPLE")
        await pilot.press("ctrl+d")
        await settle(pilot)
        assert "Finish, hold or void the sale first" in message(pilot)
    (opening,) = openings(backend)
    assert (opening.state, opening.route, opening.note) == ("opened", "drawer", None)
    assert opening.approved_by is None
    assert [a[0] for a in audit(backend)] == ["no_sale", "drawer_opened"]


async def test_no_sale_when_neither_drawer_nor_printer_answers_says_so(
    lane: LaneFactory, pty_pair: PtyFactory
) -> None:
    pair = pty_pair("gone")
    url = str(pair.app_end)
    pair.stop()  # the drawer's port is unplugged
    app, backend = lane({"drawer": {"kind": "serial", "url": url}})
    async with app.run_test(size=(100, 30)) as pilot:
        await sign_in(pilot, "201", "2345")
        await press_no_sale(pilot, "test")
        await until(pilot, lambda: "Drawer did not open" in message(pilot), "told")
        assert f"Cash drawer on {url} not reachable" in message(pilot)
    (opening,) = openings(backend)
    assert opening.state == "not_opened" and "not reachable" in (opening.error or "")
    assert [a[0] for a in audit(backend)] == ["no_sale", "drawer_not_opened"]


async def test_no_drawer_configured_refuses_the_no_sale(lane: LaneFactory) -> None:
    app, backend = lane({})  # no printer, so no drawer on its kick connector either
    async with app.run_test(size=(100, 30)) as pilot:
        await sign_in(pilot, "201", "2345")
        await until(pilot, lambda: app.drawer is not None, "devices open")
        await pilot.press("ctrl+d")
        await settle(pilot)
        assert "No cash drawer on lane L1" in message(pilot)
    assert openings(backend) == [] and audit(backend) == []


async def test_a_sale_whose_kick_failed_opens_by_hand_for_its_cashier(
    lane: LaneFactory, drawer_closed: Emupos, link: PrinterLink
) -> None:
    """The printer was off at the sale; it is back: the cashier's No sale opens that sale's
    drawer without a supervisor, once."""
    emupos = drawer_closed
    app, backend = lane({"printer": printer_table(emupos, link.port)})
    app.PRINT_RETRY_SECONDS = 3600
    link.off()
    async with app.run_test(size=(100, 30)) as pilot:
        await sign_in(pilot)
        await enter(pilot, "APPLE")
        await pay_cash(pilot, "500")
        await until(
            pilot, lambda: any("Drawer did not open" in n for n in notifications(pilot)), "told"
        )
        link.up()
        await pilot.press("ctrl+d")
        await settle(pilot)
        await until(pilot, lambda: emupos.drawer() == "open", "drawer open by hand")
        assert "Drawer opened for sale L1-000001" in message(pilot)
        emupos.close_drawer()
        # Once: the next No sale is a no-sale again, a supervisor's.
        await press_no_sale(pilot)
        assert isinstance(app.screen, SupervisorScreen)
        await pilot.press("escape")
        await settle(pilot)
    assert [(o.reason, o.state) for o in openings(backend)] == [
        ("sale", "not_opened"),
        ("sale_by_hand", "opened"),
    ]
    assert [a[0] for a in audit(backend)] == ["drawer_opened_by_hand", "drawer_opened"]
    assert emupos.drawer() == "closed"


# -- printing never blocks the lane ---------------------------------------------------------------


async def test_next_sale_rings_up_while_the_printer_hangs(
    lane: LaneFactory, emupos: Emupos, link: PrinterLink
) -> None:
    """The printer accepts the connection and never answers (60 s timeout): the next item is on
    the screen while the receipt's attempt is provably still hanging on the printer."""
    app, backend = lane(
        {
            "printer": printer_table(emupos, link.port, timeout_seconds=60),
            "drawer": {"kind": "none"},  # only the receipt goes to the printer
        }
    )
    link.hang()
    async with app.run_test(size=(100, 30)) as pilot:
        await sign_in(pilot)
        await enter(pilot, "APPLE")
        await pay_cash(pilot, "500")
        await until(pilot, lambda: link.held >= 1, "the printer holding the lane's connection")
        await until(
            pilot,
            lambda: backend.print_jobs.get(1).status == "printing",  # type: ignore[union-attr]
            "the receipt's attempt started",
        )
        await pilot.press(*"BAG", "enter")
        await until(pilot, lambda: skus(pilot) == [("BAG", "1")], "the next item rung up")
        assert "Carry bag" in screen_text(pilot)
        # Still hanging: the attempt has not come back, the connection is still held open.
        job = backend.print_jobs.get(1)
        assert job is not None and job.status == "printing" and job.attempts == 1
        assert link.held >= 1
        assert not any("Receipt L1-000001 not printed" in n for n in notifications(pilot))
        link.release()  # let the print worker out before the app exits


async def test_cash_withdrawal_at_the_lane_opens_the_drawer_at_its_moment(
    lane: LaneFactory, drawer_closed: Emupos
) -> None:
    """Records written outside the checkout (an order payment, a cash withdrawal) open the
    drawer at their moment when cash changes hands, never through their slip."""
    from pos_tui.services.customers.service import CustomerService

    emupos = drawer_closed
    app, backend = lane({"printer": printer_table(emupos)})
    (corp,) = backend.db.execute(
        "SELECT id FROM customers WHERE company_name = 'Acme Traders'"
    ).fetchone()
    CustomerService(backend).update(corp, {"allow_cash_withdrawal": True})
    async with app.run_test(size=(100, 30)) as pilot:
        await sign_in(pilot)
        await pilot.press("f2")
        await settle(pilot)
        await enter(pilot, "Acme")
        await pilot.press("ctrl+t")
        await settle(pilot)
        await pilot.press("f9")
        await settle(pilot)
        for value in ("40", "4321", "PO-55"):
            await enter(pilot, value)
        await until(pilot, lambda: emupos.drawer() == "open", "the drawer for the cash")
    (opening,) = openings(backend)
    assert (opening.reason, opening.state) == ("sale", "opened")
    assert opening.sale_id is not None
    sale = backend.journal.get(opening.sale_id)
    assert sale is not None and sale.kind == "withdrawal"
