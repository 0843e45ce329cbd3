"""Erasing a customer from the back office list (F9): asked first, refused with a balance."""

from __future__ import annotations

from decimal import Decimal

from textual.widgets import Select

from pos_tui.app import PosApp
from pos_tui.screens.backoffice.customer_list import CustomerListScreen
from pos_tui.screens.dialogs import ChoiceScreen
from pos_tui.services.runtime.backend import Backend
from tests.app.helpers_lane import notifications
from tests.backoffice.conftest import open_back_office, screen_text, settle
from tests.catalog import Store


async def test_erase_from_the_list(app: PosApp, backend: Backend, store: Store) -> None:
    backend.ledgers.add_receivable(
        customer_id=store.corp,
        entry_type="charge",
        amount=Decimal("80.00"),
        at="2026-11-20T10:00:00",
    )
    async with app.run_test(size=(80, 24)) as pilot:
        await open_back_office(pilot)
        await pilot.press("1")
        await settle(pilot)
        assert isinstance(app.screen, CustomerListScreen)
        app.screen.query_one("#f-active", Select).value = "any"
        await settle(pilot)
        await pilot.press("f9")  # Acme Traders owes 80.00
        await settle(pilot)
        assert isinstance(app.screen, ChoiceScreen)
        assert "Erase Acme Traders" in screen_text(pilot)
        await pilot.press("down", "enter")
        await settle(pilot)
        assert any(
            "owes 80.00 on account: a customer who owes money cannot be erased" in n
            for n in notifications(pilot)
        )
        await pilot.press("down", "f9")  # Bob Jones owes nothing
        await settle(pilot)
        await pilot.press("enter")  # "Keep the customer" is first
        await settle(pilot)
        bob = backend.customers.get(store.bob)
        assert bob is not None and bob.first_name == "Bob"
        await pilot.press("f9")
        await settle(pilot)
        await pilot.press("down", "enter")
        await settle(pilot)
        assert any("erased: " in n for n in notifications(pilot))
    bob = backend.customers.get(store.bob)
    assert bob is not None and bob.first_name is None and bob.mobile is None
    assert bob.active == 0
    trail = backend.store.audit_trail("customer", store.bob)
    assert trail[-1].action == "erase" and trail[-1].employee_id == store.supervisor.id
    assert "Jones" not in trail[-1].changes
