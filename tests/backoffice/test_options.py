"""The Store options screen (FusionRetail's Customer Master "Option" dialog) through Pilot at
80x24: opened from the menu, saved by a manager, guarded, refusals next to their field; and the
visits Track In or Out adds to the customer's history."""

from __future__ import annotations

from datetime import timedelta

import pytest
from textual.widgets import Checkbox

from pos_tui.app import PosApp
from pos_tui.screens.backoffice import BackOfficeScreen
from pos_tui.screens.backoffice.customer_views import HistoryScreen
from pos_tui.screens.backoffice.menu import screen_for
from pos_tui.screens.backoffice.options import StoreOptionsScreen
from pos_tui.screens.dialogs import ChoiceScreen
from pos_tui.services.backoffice.store_options import OPTIONS
from pos_tui.services.checkout.sale import Checkout
from pos_tui.services.customers.visits import SETTING_TRACK_IN_OUT
from pos_tui.services.runtime.backend import Backend
from pos_tui.services.runtime.setup import StoreSetup
from pos_tui.services.staff.auth import AuthService, Employee
from pos_tui.widgets.backoffice.fields import FieldRow, rows_by_name
from tests.backoffice.conftest import open_back_office, screen_text, settle
from tests.catalog import Store
from tests.conftest import FIXED_NOW, Clock


@pytest.fixture
def manager(backend: Backend, store: Store) -> Employee:
    StoreSetup(backend).add_employee("301", "Max Manager", "manager", "3456")
    return AuthService(backend).sign_in("301", "3456")


def options_screen(app: PosApp) -> StoreOptionsScreen:
    assert isinstance(app.screen, StoreOptionsScreen), app.screen
    return app.screen


def rows(app: PosApp) -> dict[str, FieldRow]:
    return rows_by_name(options_screen(app))


async def test_manager_changes_card_validation_and_method_of_input(
    app: PosApp, backend: Backend, manager: Employee
) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await open_back_office(pilot, as_employee=manager)
        assert "o  Store options" in screen_text(pilot)
        await pilot.press("o")
        await settle(pilot)
        assert set(rows(app)) == {o.key for o in OPTIONS}
        text = screen_text(pilot)
        assert "Card status validation" in text and "Card expiry date" in text
        focused = app.focused
        assert isinstance(focused, Checkbox), "the first option has the focus"
        assert "Refuse charges to the account on a card past its expiry" in text, "its help"
        await pilot.press("space")  # Card expiry date: yes
        await pilot.press("tab", "tab", "space")  # If due > zero: yes
        await pilot.press("tab", "enter")  # Method of input: open the drop-down
        await settle(pilot)
        await pilot.press("down", "down", "down", "enter")  # keyboard, list, num pad, smart card
        await settle(pilot)
        assert rows(app)["customers.method_of_input"].value == "smart_card"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "Saved: Card expiry date, If due > zero, Method of input" in screen_text(pilot)
        assert not options_screen(app).is_dirty()
    assert backend.store.setting("engine.validate_card_expiry") == "true"
    assert backend.store.setting("engine.validate_due_over_zero") == "true"
    assert backend.store.setting("engine.validate_due_over_credit_limit") is None
    assert backend.store.setting("customers.method_of_input") == "smart_card"


async def test_a_bad_value_is_refused_next_to_its_field(
    app: PosApp, backend: Backend, manager: Employee
) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await open_back_office(pilot, StoreOptionsScreen(), as_employee=manager)
        rows(app)["engine.validate_due_over_zero"].value = "1"
        rows(app)["engine.points_places"].value = "9"
        await pilot.press("ctrl+s")
        await settle(pilot)
        places = rows(app)["engine.points_places"]
        assert "Points decimal places must be between 0 and 8, not 9" in places.error
        assert "between 0 and 8" in screen_text(pilot), "scrolled into view"
        assert app.focused is places.editor
        assert backend.store.setting("engine.validate_due_over_zero") is None, "nothing saved"
        places.value = "2"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert places.error == ""
    assert backend.store.setting("engine.points_places") == "2"


async def test_unsaved_changes_guard(app: PosApp, backend: Backend, manager: Employee) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await open_back_office(pilot, StoreOptionsScreen(), as_employee=manager)
        rows(app)[SETTING_TRACK_IN_OUT].value = "1"
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, ChoiceScreen)
        await pilot.press("down", "down", "enter")  # keep editing
        await settle(pilot)
        assert rows(app)[SETTING_TRACK_IN_OUT].value == "1"
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("down", "enter")  # discard
        await settle(pilot)
        assert isinstance(app.screen, BackOfficeScreen)
        assert backend.store.setting(SETTING_TRACK_IN_OUT) is None
        await pilot.press("o")
        await settle(pilot)
        rows(app)[SETTING_TRACK_IN_OUT].value = "1"
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("enter")  # save and go back
        await settle(pilot)
        assert isinstance(app.screen, BackOfficeScreen)
    assert backend.store.setting(SETTING_TRACK_IN_OUT) == "1"


async def test_a_supervisor_sees_the_options_read_only(
    app: PosApp, backend: Backend, store: Store
) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await open_back_office(pilot, screen_for("options"))
        assert "Read only: only a manager may change store options" in screen_text(pilot)
        assert all(row.editor.disabled for row in rows(app).values())
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "Nothing changed" in screen_text(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, BackOfficeScreen)
    for binding in StoreOptionsScreen.BINDINGS:
        assert getattr(binding, "id", "").startswith("backoffice."), binding


async def test_history_lists_visits_only_when_tracked(
    app: PosApp, backend: Backend, store: Store, clock: Clock
) -> None:
    backend.store.set_setting(SETTING_TRACK_IN_OUT, "1")
    co = Checkout(backend, store.cashier)
    co.attach_customer(store.anna)
    co.add_cash(str(co.add_item("APPLE").totals.total))
    clock.current = FIXED_NOW + timedelta(minutes=3)
    number = co.commit().sale.sale_number
    async with app.run_test(size=(80, 24)) as pilot:
        await open_back_office(pilot, HistoryScreen(store.anna))
        text = screen_text(pilot)
        assert "Visits 1 (in and out at the lane)" in text
        assert "2026-11-24 10:30" in text and "2026-11-24 10:33" in text
        assert f"sale L1-{number}" in text
        await pilot.press("escape")
        await settle(pilot)
        await open_back_office(pilot, HistoryScreen(store.bob))
        assert "Visits" not in screen_text(pilot).replace("visits 0", "")
