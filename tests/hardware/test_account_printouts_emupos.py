"""Customer accounts on paper, decoded by emupos: statements of a statement run printed on the
receipt printer, order slips (deposit, payment with change, cancellation, the completing
receipt; and printed by the lane app from the order screen) and the cash withdrawal slip."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from pos_tui.services.accounts.statements import StatementRun
from pos_tui.services.checkout.printing import PrintQueue
from pos_tui.services.checkout.sale import Checkout
from pos_tui.services.customers.service import CustomerService
from pos_tui.services.runtime.backend import Backend
from tests.catalog import Store, build_store
from tests.conftest import Clock

from .lane_helpers import LaneFactory, printer_table, until
from .stacks import Emupos
from .test_print_queue_emupos import line_with, new_receipts, on_emupos

pytestmark = pytest.mark.hardware


@pytest.fixture
def store(backend: Backend) -> Store:
    return build_store(backend)


def _account(backend: Backend, **fields: object) -> int:
    return CustomerService(backend).create(
        {"ar_enabled": True, "allow_charge": True, "credit_limit": "5000", **fields},
        addresses=[{"address_type": "main", "line_1": "12 Market Road", "city": "Pune"}],
    )


def test_statement_run_prints_each_hard_copy(
    backend: Backend, store: Store, clock: Clock, emupos: Emupos
) -> None:
    grace = _account(
        backend,
        first_name="Grace",
        last_name="Hopper",
        grace_period_type="statement_date",
        grace_period_days=10,
        service_charge_percent="12",
    )
    co = Checkout(backend, store.cashier)
    co.attach_customer(grace)
    co.add_item("APPLE", "3")
    co.add_account(co.still_due())
    co.commit()
    clock.current = dt.datetime(2026, 12, 2, 9, 0)
    report = StatementRun(backend).run(dt.date(2026, 11, 30))
    (line,) = report.lines
    assert line.print_status == "queued" and line.closing == Decimal("315.00")
    known = len(emupos.receipts())
    outcomes = PrintQueue(backend, on_emupos(emupos)).process(
        set(StatementRun(backend).queued_jobs(report.run_id))
    )
    outcomes = [o for o in outcomes if o.kind == "statement"]
    assert [o.printed for o in outcomes] == [True]
    (text,) = new_receipts(emupos, known)
    lines = text.splitlines()
    assert lines[0].strip() == "pos-tui demo store"
    assert "STATEMENT OF ACCOUNT" in text
    assert line_with(text, "Statement date").endswith(" 2026-11-30")
    assert "Grace Hopper" in lines and "12 Market Road" in lines and "Pune" in lines
    assert line_with(text, "Balance brought forward").endswith(" 0.00")
    assert line_with(text, "2026-11-24 Charge").endswith(" 315.00")
    assert line_with(text, "BALANCE DUE").endswith(" 315.00")
    assert "Please pay 315.00 by 2026-12-10" in lines
    assert "Past-due items carry 12 % a year." in lines
    assert max(len(x) for x in lines) <= 48
    assert StatementRun(backend).queued_jobs(report.run_id) == []


def test_order_slips_and_the_completing_receipt(
    backend: Backend, store: Store, emupos: Emupos
) -> None:
    from pos_tui.services.accounts.order_view import Tender
    from pos_tui.services.accounts.orders import OrderService

    co = Checkout(backend, store.cashier)
    co.add_item("APPLE", "2")
    co.attach_customer(store.anna)
    orders = OrderService(backend, store.cashier)
    opened = orders.open_from_checkout(
        co, "layaway", Tender("cash", "50.00"), description="Two apples"
    )
    orders.pay(opened.order.id, Tender("card", "100.00", "AUTH-7"))
    orders.complete(opened.order.id, Tender("cash", "60.00"))
    known = len(emupos.receipts())
    outcomes = PrintQueue(backend, on_emupos(emupos)).process()
    assert [o.printed for o in outcomes] == [True, True, True]
    deposit, payment, receipt = new_receipts(emupos, known, 3)
    assert "ORDER PAYMENT" in deposit and "Two apples" in deposit
    assert line_with(deposit, "Layaway").endswith(" LAY-000001")
    assert line_with(deposit, "Order total").endswith(" 210.00")
    assert line_with(deposit, "Cash  ").endswith(" 50.00")
    assert line_with(deposit, "Still to pay").endswith(" 160.00")
    assert "Customer: Anna Smith" in deposit
    assert line_with(payment, "Card AUTH-7").endswith(" 100.00")
    assert line_with(payment, "Still to pay").endswith(" 60.00")
    assert line_with(receipt, "Apple 1kg").endswith(" 200.00")
    assert line_with(receipt, "TOTAL").endswith(" Rs.210.00")
    assert line_with(receipt, "Paid on order LAY-000001").endswith(" 150.00")
    assert line_with(receipt, "Cash  ").endswith(" 60.00")
    assert line_with(receipt, "Points earned").endswith(" 4")


def test_withdrawal_opens_the_drawer_at_its_moment_and_its_slip_never_does(
    backend: Backend, store: Store, emupos: Emupos
) -> None:
    from pos_tui.hardware.cash_drawer import PrinterDrawer
    from pos_tui.services.accounts.withdrawals import WithdrawalService
    from pos_tui.services.checkout.drawer import DrawerService

    CustomerService(backend).update(store.corp, {"allow_cash_withdrawal": True})
    emupos.close_drawer()
    done = WithdrawalService(backend, store.cashier).withdraw(
        store.corp, "40", pin="4321", reference="PO-55"
    )
    drawer = PrinterDrawer()
    drawer.bind(on_emupos(emupos))
    # What the lane does right after the withdrawal (PosApp.open_drawer_for, if_cash).
    result = DrawerService(backend, drawer).for_sale(done.sale.id, store.cashier.id, if_cash=True)
    assert result is not None and result.opened and emupos.drawer() == "open"
    emupos.close_drawer()
    known = len(emupos.receipts())
    assert [o.printed for o in PrintQueue(backend, on_emupos(emupos)).process()] == [True]
    (text,) = new_receipts(emupos, known)
    assert "CASH WITHDRAWAL" in text and "Customer: Acme Traders" in text
    assert line_with(text, "Cash given back").endswith(" 40.00")
    assert line_with(text, "Account balance").endswith(" 40.00")
    assert emupos.drawer() == "closed"  # printing never opens the drawer


def test_change_and_cancellation_slips(backend: Backend, store: Store, emupos: Emupos) -> None:
    """Cash over what is due prints its change; a cancellation gives each payment back on its
    slip (cash net of the change it gave)."""
    from pos_tui.services.accounts.order_view import Tender
    from pos_tui.services.accounts.orders import OrderService

    co = Checkout(backend, store.cashier)
    co.add_item("APPLE", "2")
    co.attach_customer(store.anna)
    orders = OrderService(backend, store.cashier)
    opened = orders.open_from_checkout(co, "special", Tender("card", "10.00", "AUTH-1"))
    orders.pay(opened.order.id, Tender("cash", "250.00"))  # 200.00 due: 50.00 change
    orders.cancel(opened.order.id)
    emupos.close_drawer()
    known = len(emupos.receipts())
    outcomes = PrintQueue(backend, on_emupos(emupos)).process()
    assert [o.printed for o in outcomes] == [True, True, True]
    _deposit, change, cancelled = new_receipts(emupos, known, 3)
    assert line_with(change, "Special order").endswith(" SO-000001")
    assert line_with(change, "Cash  ").endswith(" 250.00")
    assert line_with(change, "Change").endswith(" 50.00")
    assert line_with(change, "TOTAL").endswith(" Rs.200.00")
    assert line_with(change, "Still to pay").endswith(" 0.00")
    assert "ORDER CANCELLED" in cancelled
    assert line_with(cancelled, "Card given back AUTH-1").endswith(" 10.00")
    assert line_with(cancelled, "Cash given back").endswith(" 200.00")
    assert line_with(cancelled, "TOTAL").endswith(" Rs.210.00")
    # The slips never open the drawer: the lane does at the payment (tests/hardware/test_drawer.py).
    assert emupos.drawer() == "closed"


async def test_order_slips_printed_by_the_lane_from_the_order_screen(
    lane: LaneFactory, emupos: Emupos
) -> None:
    """The real lane app under Pilot, its printer the emupos one from [devices.printer]: the
    order screen's deposit and payment slips come out of the lane's own print worker."""
    from pos_tui.screens.orders import OrdersScreen
    from tests.app.conftest import enter, settle, sign_in
    from tests.app.test_orders import _attach, _fill

    app, probe = lane({"printer": printer_table(emupos)})
    emupos.close_drawer()
    known = len(emupos.receipts())
    try:
        async with app.run_test(size=(100, 30)) as pilot:
            await sign_in(pilot)
            await enter(pilot, "2*APPLE")
            await _attach(pilot, "9876543210")
            await pilot.press("ctrl+t")
            await settle(pilot)
            assert isinstance(app.screen, OrdersScreen)
            await pilot.press("f2")
            await settle(pilot)
            await pilot.press("enter")  # Layaway
            await settle(pilot)
            await _fill(pilot, "Two apples for Friday", "50", "", "", "")
            (deposit,) = new_receipts(emupos, known)
            # Cash paid in: the drawer opened at the payment (not through its slip).
            await until(pilot, lambda: emupos.drawer() == "open", "the drawer for the deposit")
            emupos.close_drawer()
            await pilot.press("f5")
            await settle(pilot)
            await _fill(pilot, "200", "", "", "")
            (payment,) = new_receipts(emupos, known + 1)
            await until(pilot, lambda: probe.print_jobs.pending("L1") == [], "slips printed")
    finally:
        emupos.close_drawer()
    assert "ORDER PAYMENT" in deposit and "Two apples for Friday" in deposit
    assert line_with(deposit, "Layaway").endswith(" LAY-000001")
    assert line_with(deposit, "Cash  ").endswith(" 50.00")
    assert line_with(deposit, "Still to pay").endswith(" 160.00")
    assert "Customer: Anna Smith" in deposit
    assert line_with(payment, "Cash  ").endswith(" 200.00")
    assert line_with(payment, "Change").endswith(" 40.00")
    assert line_with(payment, "Still to pay").endswith(" 0.00")
