"""Orders at the lane under Pilot: a layaway opened from the sale with a cash deposit, paid by
card, completed with the rest in cash; another cancelled with its deposit refunded; a payment
over the balance refused naming it; a cash withdrawal on account."""

from __future__ import annotations

import json
from decimal import Decimal

from textual.pilot import Pilot
from textual.widgets import Input

from pos_tui.app import PosApp
from pos_tui.screens.dialogs import ChoiceScreen, PromptScreen
from pos_tui.screens.orders import OrdersScreen
from pos_tui.screens.supervisor import SupervisorScreen
from pos_tui.services.customers.service import CustomerService
from pos_tui.services.runtime.backend import Backend
from pos_tui.storage.accounts import CustomerOrder, OrderRepository
from tests.app.conftest import enter, settle, sign_in, until_shown
from tests.app.helpers_lane import notifications, view
from tests.catalog import Store


async def _attach(pilot: Pilot[None], text: str) -> None:
    await pilot.press("f2")
    await settle(pilot)
    await enter(pilot, text)


async def _fill(pilot: Pilot[None], *values: str) -> None:
    """Answer a prompt field by field ("" keeps the suggested value)."""
    assert isinstance(pilot.app.screen, PromptScreen), pilot.app.screen
    for value in values:
        if value:
            await pilot.press(*value)
        await pilot.press("enter")
        await settle(pilot, 2)
    await settle(pilot)


def _orders(backend: Backend, customer: int) -> list[CustomerOrder]:
    return OrderRepository(backend.db).for_customer(customer)


async def test_layaway_at_the_lane(app: PosApp, backend: Backend, store: Store) -> None:
    async with app.run_test(size=(100, 30)) as pilot:
        await sign_in(pilot)
        await enter(pilot, "2*APPLE")
        await _attach(pilot, "9876543210")
        assert view(pilot).customer is not None
        await pilot.press("ctrl+t")
        await settle(pilot)
        assert isinstance(app.screen, OrdersScreen)
        await pilot.press("f2")
        await settle(pilot)
        assert isinstance(app.screen, ChoiceScreen)
        await pilot.press("enter")  # Layaway
        await settle(pilot)
        await _fill(pilot, "Two apples", "50", "", "", "")
        assert isinstance(app.screen, OrdersScreen)
        await until_shown(pilot, "LAY-000001", "160.00", "open")
        assert any("LAY-000001 opened: 210.00, paid 50.00" in n for n in notifications(pilot))

        await pilot.press("f5")
        await settle(pilot)
        await _fill(pilot, "500", "card", "AUTH-6", "")
        assert any(
            "A payment of 500.00 is more than the 160.00 still due on LAY-000001" in n
            for n in notifications(pilot)
        )
        await pilot.press("f5")
        await settle(pilot)
        await _fill(pilot, "100", "card", "AUTH-7", "")
        await until_shown(pilot, "60.00")
        await pilot.press("f6")
        await settle(pilot)
        await _fill(pilot, "", "", "", "")  # the 60.00 still due, in cash
        assert any("LAY-000001 completed" in n for n in notifications(pilot))
        await until_shown(pilot, "completed")
        await pilot.press("escape")
        await settle(pilot)
        assert view(pilot).empty, "the sale became the order: the lane starts a new sale"
    (order,) = _orders(backend, store.anna)
    assert order.status == "completed" and order.description == "Two apples"
    assert order.completed_sale_id is not None
    sale = backend.journal.get(order.completed_sale_id)
    assert sale is not None and sale.total == Decimal("210.00") and sale.points_earned > 0
    kinds = [r.kind for r in OrderRepository(backend.db).records(order.id)]
    assert kinds == ["order_payment", "order_payment", "sale"]
    slips = [j for j in backend.print_jobs.pending("L1") if j.kind == "receipt"]
    assert len(slips) == 3
    assert backend.journal.verify()[1] is None


async def test_cancel_at_the_lane_refunds_the_deposit(
    app: PosApp, backend: Backend, store: Store
) -> None:
    async with app.run_test(size=(100, 30)) as pilot:
        await sign_in(pilot)
        await enter(pilot, "APPLE")
        await _attach(pilot, "9876543210")
        await pilot.press("ctrl+t")
        await settle(pilot)
        await pilot.press("f2")
        await settle(pilot)
        await pilot.press("down", "enter")  # Special order
        await settle(pilot)
        await _fill(pilot, "Blue jacket, size M", "20", "", "", "")
        await until_shown(pilot, "SO-000001", "requested")
        await pilot.press("f7")
        await settle(pilot)
        await until_shown(pilot, "ordered")
        await pilot.press("f8")
        await settle(pilot)
        await pilot.press("down", "enter")
        await settle(pilot)
        assert any("SO-000001 cancelled: 20.00 refunded" in n for n in notifications(pilot))
    (order,) = _orders(backend, store.anna)
    assert order.status == "cancelled"
    trail = backend.store.audit_trail("customer_order", order.id)
    assert [a.action for a in trail] == ["open", "stage", "cancel"]


async def test_cash_withdrawal_at_the_lane(app: PosApp, backend: Backend, store: Store) -> None:
    CustomerService(backend).update(store.corp, {"allow_cash_withdrawal": True})
    async with app.run_test(size=(100, 30)) as pilot:
        await sign_in(pilot)
        await _attach(pilot, "Acme")
        await pilot.press("ctrl+t")
        await settle(pilot)
        await pilot.press("f9")
        await settle(pilot)
        await _fill(pilot, "40", "4321", "")
        assert any("A PO number is required" in n for n in notifications(pilot))
        # Asked again as typed, the PIN cleared, the refusal said on the prompt.
        screen = pilot.app.screen
        assert isinstance(screen, PromptScreen) and "A PO number is required" in screen.message
        assert screen.query_one("#field-amount", Input).value == "40"
        assert screen.query_one("#field-pin", Input).value == ""
        await _fill(pilot, "", "4321", "PO-55")
        assert any(
            "Hand out 40.00 in cash: the account owes 40.00" in n for n in notifications(pilot)
        ), notifications(pilot)
    sale = backend.journal.last("L1")
    assert sale is not None and sale.kind == "withdrawal" and sale.total == Decimal("-40.00")
    (entry,) = backend.ledgers.receivable_entries(store.corp)
    assert (entry.entry_type, entry.amount, entry.sale_id) == (
        "withdrawal",
        Decimal("40.00"),
        sale.id,
    )
    (job,) = [j for j in backend.print_jobs.pending("L1") if j.sale_id == sale.id]
    assert job.open_drawer == 1


async def test_cash_over_what_is_due_gives_change_on_the_order_screen(
    app: PosApp, backend: Backend, store: Store
) -> None:
    async with app.run_test(size=(100, 30)) as pilot:
        await sign_in(pilot)
        await enter(pilot, "2*APPLE")
        await _attach(pilot, "9876543210")
        await pilot.press("ctrl+t")
        await settle(pilot)
        await pilot.press("f2")
        await settle(pilot)
        await pilot.press("enter")  # Layaway
        await settle(pilot)
        await _fill(pilot, "", "50", "", "", "")
        await pilot.press("f5")
        await settle(pilot)
        await _fill(pilot, "200", "", "", "")  # cash, 160.00 due
        assert any(
            "160.00 paid on LAY-000001: 0.00 still due, change 40.00" in n
            for n in notifications(pilot)
        ), notifications(pilot)
        await until_shown(pilot, "210.00")
    (order,) = _orders(backend, store.anna)
    payment = backend.journal.last("L1")
    assert payment is not None and payment.total == Decimal("160.00")
    (tender,) = backend.journal.children(payment.id).tenders
    assert (tender.kind, tender.amount, tender.change_given) == (
        "cash",
        Decimal("200.00"),
        Decimal("40.00"),
    )
    assert order.amount_due == Decimal("0.00")


async def test_an_account_payment_over_the_limit_is_approved_by_a_supervisor(
    app: PosApp, backend: Backend, store: Store
) -> None:
    async with app.run_test(size=(100, 30)) as pilot:
        await sign_in(pilot)
        await enter(pilot, "20*APPLE")  # 2100.00 on Acme's 1000.00 limit
        await _attach(pilot, "Acme")
        await pilot.press("ctrl+t")
        await settle(pilot)
        await pilot.press("f2")
        await settle(pilot)
        await pilot.press("down", "enter")  # Special order, no deposit
        await settle(pilot)
        await _fill(pilot, "Bulk apples", "", "", "", "")
        await until_shown(pilot, "SO-000001")
        await pilot.press("f5")
        await settle(pilot)
        await _fill(pilot, "1500", "account", "PO-1", "4321")
        assert isinstance(app.screen, SupervisorScreen), app.screen
        assert "available credit 1000" in str(app.screen.query_one("#why").render())
        await enter(pilot, "101")
        await enter(pilot, "1234")
        assert isinstance(app.screen, SupervisorScreen)
        assert "must approve" in str(app.screen.query_one("#supervisor-error").render())
        await enter(pilot, "201")
        await enter(pilot, "2345")
        await settle(pilot)
        assert isinstance(app.screen, OrdersScreen)
        assert any(
            "1500.00 paid on SO-000001: 600.00 still due" in n for n in notifications(pilot)
        ), notifications(pilot)
    (order,) = _orders(backend, store.corp)
    (entry,) = backend.ledgers.receivable_entries(store.corp)
    assert (entry.amount, entry.approved_by, entry.employee_id) == (
        Decimal("1500.00"),
        store.supervisor.id,
        store.cashier.id,
    )
    trail = backend.store.audit_trail("customer_order", order.id)
    (override,) = [a for a in trail if a.action == "account_override"]
    assert json.loads(override.changes)["approved_by"] == store.supervisor.id
    assert json.loads(override.changes)["lifted"] == ["CREDIT_LIMIT"]
    approvals = backend.store.audit_trail("employee", store.supervisor.id)
    assert any(a.action == "override" and "payment on SO-000001" in a.changes for a in approvals)
