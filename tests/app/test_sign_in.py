"""Sign-in, lock and customer lookup in the app, driven by Pilot against a real database."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import DataTable, Input, Static

from pos_tui.app import create_app
from pos_tui.screens.lane import LaneScreen
from pos_tui.screens.sign_in import SignInScreen
from pos_tui.services.backend import Backend
from pos_tui.services.customers import CustomerService
from pos_tui.services.setup import StoreSetup
from pos_tui.widgets.customer_panel import CustomerPanel


async def _sign_in(pilot, number: str, pin: str) -> None:  # type: ignore[no-untyped-def]
    await pilot.press(*number, "enter", *pin, "enter")
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def test_sign_in_refuses_wrong_pin_then_accepts(backend: Backend) -> None:
    StoreSetup(backend).add_employee("101", "Cass", "cashier", "1234")
    app = create_app(backend.settings, backend=backend)
    async with app.run_test(size=(80, 24)) as pilot:
        await _sign_in(pilot, "101", "9999")
        assert isinstance(app.screen, SignInScreen)
        assert "wrong PIN" in str(app.screen.query_one("#sign-in-error", Static).render())
        app.screen.query_one("#number", Input).focus()
        app.screen.query_one("#number", Input).value = ""
        await _sign_in(pilot, "101", "1234")
        assert isinstance(app.screen, LaneScreen)
        assert app.employee is not None and app.employee.name == "Cass"


async def test_lookup_shows_names_literally_and_lock_needs_pin(backend: Backend) -> None:
    StoreSetup(backend).add_employee("101", "Cass", "cashier", "1234")
    CustomerService(backend).create(
        {"first_name": "[red]Bob[/red]", "last_name": "Esc\x1b[31m", "mobile": "9988776655"}
    )
    app = create_app(backend.settings, backend=backend)
    async with app.run_test(size=(80, 24)) as pilot:
        await _sign_in(pilot, "101", "1234")
        await pilot.press(*"9988776655", "enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        table = app.screen.query_one("#results", DataTable)
        cell = table.get_row_at(0)[1]
        assert isinstance(cell, Text) and cell.plain == "[red]Bob[/red] Esc\\x1b[31m"
        panel = app.screen.query_one(CustomerPanel)
        assert "[red]Bob[/red]" in str(panel.render())
        await pilot.press("f10")
        await pilot.pause()
        assert isinstance(app.screen, SignInScreen) and app.screen.locked_by == "101"
        await _sign_in(pilot, "101", "1234")
        assert isinstance(app.screen, LaneScreen)
