"""Loyalty points and the credit account through the screens: adjust points with a reason,
take a payment, credit hold, the statement and its print hook; card type upgrades shown."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest

from pos_tui.app import PosApp
from pos_tui.engine.errors import Refused
from pos_tui.screens.backoffice.money import AccountScreen, LoyaltyScreen, StatementScreen
from pos_tui.screens.dialogs import PromptScreen
from pos_tui.services.accounts.statements import StatementRun
from pos_tui.services.runtime.backend import Backend
from pos_tui.services.staff.lockout import PinLockout, Subject, clear_customer_lock
from tests.app.conftest import until_shown
from tests.app.helpers_lane import notifications
from tests.backoffice.conftest import open_back_office, screen_text, settle
from tests.catalog import Store
from tests.conftest import Clock
from tests.helpers import wrong_account_pins


async def fill_prompt(app: PosApp, pilot: object, *values: str) -> None:
    assert isinstance(app.screen, PromptScreen), app.screen
    for value in values:
        await pilot.press(*value, "enter")  # type: ignore[attr-defined]
    await settle(pilot)  # type: ignore[arg-type]


async def test_adjust_points_needs_a_reason_and_records_the_employee(
    app: PosApp, backend: Backend, store: Store
) -> None:
    backend.store.audit(
        at="2026-11-01T10:00:00", entity="customer", entity_id=store.anna, action="card_type_upgrade",
        changes={"card_type_id": [store.silver, store.gold], "rule": "500 points: Silver -> Gold"},
        employee_id=store.cashier.id,
    )  # fmt: skip
    async with app.run_test(size=(120, 40)) as pilot:
        await open_back_office(pilot, LoyaltyScreen(store.anna))
        assert "unused 100" in screen_text(pilot)
        assert "Silver" in screen_text(pilot) and "Gold" in screen_text(pilot), "upgrade listed"
        await pilot.press("f7")
        await settle(pilot)
        await fill_prompt(app, pilot, "25", "")
        assert isinstance(app.screen, LoyaltyScreen)
        assert any("Give a reason" in n for n in notifications(pilot))
        await pilot.press("f7")
        await settle(pilot)
        await fill_prompt(app, pilot, "-30", "Goodwill correction")
        text = screen_text(pilot)
        assert "adjusted -30 · unused 70" in text and "Goodwill correction" in text
        assert "Sue Supervisor" in text
    entry = backend.ledgers.points_entries(store.anna)[-1]
    assert (entry.entry_type, entry.points, entry.employee_id) == (
        "adjusted",
        Decimal("-30"),
        store.supervisor.id,
    )


async def test_take_payment_hold_and_statement(app: PosApp, backend: Backend, store: Store) -> None:
    backend.ledgers.add_receivable(
        customer_id=store.corp, entry_type="charge", amount=Decimal("525.00"),
        at="2026-11-20T10:00:00", reference="PO-77", due_date="2026-12-20",
    )  # fmt: skip
    async with app.run_test(size=(120, 40)) as pilot:
        await open_back_office(pilot, AccountScreen(store.corp))
        assert "Owes 525.00 · limit 1000 · available 475.00" in screen_text(pilot)
        # Acme requires a PO number on every payment (Quasar required reference).
        await pilot.press("f7")
        await settle(pilot)
        await fill_prompt(app, pilot, "200", "")
        assert any("requires a PO number" in n for n in notifications(pilot))
        await pilot.press("f7")
        await settle(pilot)
        await fill_prompt(app, pilot, "200", "PO-78")
        await until_shown(pilot, "Owes 325.00", "Payment")
        await pilot.press("f8")
        await settle(pilot)
        assert "HOLD" in screen_text(pilot)
        await pilot.press("f9")
        await settle(pilot)
        assert isinstance(app.screen, StatementScreen)
        text = screen_text(pilot)
        assert "STATEMENT OF ACCOUNT" in text and "Balance due" in text and "325.00" in text
        assert "CREDIT HOLD" in text
        await pilot.press("p")
        await settle(pilot)
        assert any(
            "No statement has been run for this customer yet" in n for n in notifications(pilot)
        )
    corp = backend.customers.get(store.corp)
    assert corp is not None and corp.credit_hold == 1
    assert backend.customers.receivable_balance(store.corp) == Decimal("325.00")
    payment = backend.ledgers.receivable_entries(store.corp)[-1]
    assert (payment.amount, payment.reference, payment.employee_id) == (
        Decimal("-200"),
        "PO-78",
        store.supervisor.id,
    )
    actions = [a.action for a in backend.store.audit_trail("customer", store.corp)]
    assert actions[-1] == "update"


async def test_p_prints_the_last_statement_again(
    app: PosApp, backend: Backend, store: Store, clock: Clock
) -> None:
    backend.ledgers.add_receivable(
        customer_id=store.corp,
        entry_type="charge",
        amount=Decimal("80.00"),
        at="2026-11-20T10:00:00",
    )
    clock.current = datetime(2026, 12, 2, 9, 0)
    StatementRun(backend).run(date(2026, 11, 30))
    before = [j.id for j in backend.print_jobs.pending("L1")]
    async with app.run_test(size=(80, 24)) as pilot:
        await open_back_office(pilot, AccountScreen(store.corp))
        await pilot.press("f9")
        await settle(pilot)
        await pilot.press("p")
        await settle(pilot)
        assert any("Statement of 2026-11-30 sent to the printer" in n for n in notifications(pilot))
    jobs = [j for j in backend.print_jobs.pending("L1") if j.id not in before]
    assert [j.kind for j in jobs] == ["statement"]


async def test_a_supervisor_clears_an_account_pin_lockout(
    app: PosApp, backend: Backend, store: Store
) -> None:
    wrong_account_pins(backend, store.corp, 5)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_back_office(pilot, AccountScreen(store.corp))
        assert "PIN locked, 30 s left (F10 clears)" in screen_text(pilot)
        await pilot.press("f10")
        await settle(pilot)
        assert "PIN locked" not in screen_text(pilot)
        assert any("PIN lockout cleared for Acme Traders" in n for n in notifications(pilot))
        await pilot.press("f10")
        await settle(pilot)
        assert any("no wrong PINs to clear" in n for n in notifications(pilot))
    assert PinLockout(backend).current(Subject.customer(store.corp)) is None
    rows = backend.store.audit_trail("customer", store.corp)
    cleared = [r for r in rows if r.action == "pin_lock_cleared"]
    assert len(cleared) == 1 and cleared[0].employee_name == "Sue Supervisor"
    assert '"failures": 5' in cleared[0].changes
    with pytest.raises(Refused, match="a supervisor must clear"):
        clear_customer_lock(backend, store.corp, by=store.cashier)
