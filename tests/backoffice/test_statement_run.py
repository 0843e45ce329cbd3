"""The statement run from the back office (menu s): the date offered, F7 runs it, a second F7
changes nothing, a date before the last run is refused."""

from __future__ import annotations

import datetime as dt

from textual.widgets import Input

from pos_tui.app import PosApp
from pos_tui.screens.backoffice.statements import StatementRunScreen
from pos_tui.services.checkout.sale import Checkout
from pos_tui.services.customers.service import CustomerService
from pos_tui.services.runtime.backend import Backend
from tests.app.helpers_lane import notifications
from tests.backoffice.conftest import open_back_office, screen_text, settle
from tests.catalog import Store
from tests.conftest import Clock


async def test_run_from_the_back_office(
    app: PosApp, backend: Backend, store: Store, clock: Clock
) -> None:
    cid = CustomerService(backend).create(
        {
            "first_name": "Stella",
            "last_name": "Ment",
            "ar_enabled": True,
            "allow_charge": True,
            "credit_limit": "900",
        }
    )
    co = Checkout(backend, store.cashier)
    co.attach_customer(cid)
    co.add_item("APPLE")
    co.add_account(co.still_due())
    co.commit()
    clock.current = dt.datetime(2026, 12, 2, 9, 0)
    async with app.run_test(size=(100, 30)) as pilot:
        await open_back_office(pilot)
        await pilot.press("s")
        await settle(pilot)
        assert isinstance(app.screen, StatementRunScreen)
        assert app.screen.query_one("#as-of", Input).value == "2026-11-30"
        await pilot.press("f7")
        await settle(pilot)
        text = screen_text(pilot)
        assert "2026-11-30: closed · 1 statements · due 105.00" in text
        assert "Stella Ment" in text and "queued" in text
        await pilot.press("f7")
        await settle(pilot)
        assert "already run: nothing closed again" in screen_text(pilot)
        field = app.screen.query_one("#as-of", Input)
        field.value = "2026-10-31"
        field.focus()
        await pilot.press("enter")
        await settle(pilot)
        assert any("before the last run (2026-11-30)" in n for n in notifications(pilot))
