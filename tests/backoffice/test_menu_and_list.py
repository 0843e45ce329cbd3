"""The entry point by role, and the customer list: search, filters, paging, (de)activate."""

from __future__ import annotations

from decimal import Decimal

from textual.widgets import Checkbox, Input, Select

from pos_tui.app import PosApp
from pos_tui.screens.backoffice import BackOfficeScreen
from pos_tui.screens.backoffice.customer_list import CustomerListScreen
from pos_tui.screens.backoffice.menu import screen_for
from pos_tui.services.customers.service import CustomerService
from pos_tui.services.runtime.backend import Backend
from tests.app.helpers_lane import notifications
from tests.backoffice.conftest import open_back_office, screen_text, settle
from tests.backoffice.helpers import many_customers
from tests.catalog import Store


def listing(app: PosApp) -> CustomerListScreen:
    assert isinstance(app.screen, CustomerListScreen), app.screen
    return app.screen


def names(app: PosApp) -> list[str]:
    page = listing(app).page
    assert page is not None
    return [r.name for r in page.rows]


async def test_a_cashier_is_refused_the_back_office(app: PosApp, store: Store) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await open_back_office(pilot, as_employee=store.cashier, through_sign_in=True)
        assert not isinstance(app.screen, BackOfficeScreen)
        assert any("Cass Cashier may not open the back office" in n for n in notifications(pilot))


async def test_supervisor_menu_keys_all_have_ids(app: PosApp, store: Store) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await open_back_office(pilot, through_sign_in=True)
        assert isinstance(app.screen, BackOfficeScreen)
        assert "Import / export customers" in screen_text(pilot)
        for entry in ("customers", "card_types", "items", "import_export"):
            screen = screen_for(entry)
            for binding in screen.BINDINGS:
                assert getattr(binding, "id", "").startswith("backoffice."), binding
        await pilot.press("1")
        await settle(pilot)
        assert isinstance(app.screen, CustomerListScreen)
        await pilot.press("escape", "escape")
        await settle(pilot)
        assert not isinstance(app.screen, BackOfficeScreen), "Escape leaves the back office"


async def test_search_filter_and_sort(app: PosApp, backend: Backend, store: Store) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await open_back_office(pilot)
        await pilot.press("1")
        await settle(pilot)
        assert names(app) == ["Acme Traders", "Bob Jones", "Kid Junior", "Anna Smith"]
        await pilot.press(*"ann")
        await settle(pilot)
        assert names(app) == ["Anna Smith"]
        search = listing(app).query_one("#search", Input)
        search.value = "98765 43211"  # a mobile, typed with a space
        await settle(pilot)
        assert names(app) == ["Bob Jones"]
        search.value = ""
        listing(app).query_one("#f-card-type", Select).value = str(store.silver)
        await settle(pilot)
        assert names(app) == ["Bob Jones", "Anna Smith"]
        await pilot.press("f7")  # reverse
        await settle(pilot)
        assert names(app) == ["Anna Smith", "Bob Jones"]
        assert "1-2 of 2 · descending" in screen_text(pilot)


async def test_mobiles_are_shown_whole(app: PosApp, backend: Backend, store: Store) -> None:
    # The column once cut "+919876543210" to "+91987654321" (docs/back-office.md).
    long_one = CustomerService(backend).create({"first_name": "Zed", "mobile": "+49 1512 3456789"})
    async with app.run_test(size=(80, 24)) as pilot:
        await open_back_office(pilot)
        await pilot.press("1")
        await settle(pilot)
        text = screen_text(pilot)
        assert "+919876543210" in text and "+919876543211" in text
        listing(app).query_one("#search", Input).value = "zed"
        await settle(pilot)
        assert names(app) == ["Zed"]
        row = backend.customers.get(long_one)
        assert row is not None and str(row.mobile) in screen_text(pilot)


async def test_birthday_this_week_and_credit_hold(
    app: PosApp, backend: Backend, store: Store
) -> None:
    backend.customers.update(store.kid, {"birth_date": "2015-11-29"})  # Sunday of 2026-11-24's week
    backend.customers.update(store.bob, {"birth_date": "1980-11-30"})  # next week
    backend.customers.update(store.corp, {"credit_hold": 1})
    async with app.run_test(size=(80, 24)) as pilot:
        await open_back_office(pilot)
        await pilot.press("1")
        await settle(pilot)
        listing(app).query_one("#f-birthday", Checkbox).value = True
        await settle(pilot)
        assert names(app) == ["Kid Junior"]
        listing(app).query_one("#f-birthday", Checkbox).value = False
        listing(app).query_one("#f-credit-hold", Select).value = "yes"
        await settle(pilot)
        assert names(app) == ["Acme Traders"]
        assert "hold" in screen_text(pilot)


async def test_keyset_paging_forward_and_back(app: PosApp, backend: Backend, store: Store) -> None:
    many_customers(backend, 120)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_back_office(pilot)
        await pilot.press("1")
        await settle(pilot)
        assert "1-50 of 124" in screen_text(pilot)
        await pilot.press("pagedown")
        await settle(pilot)
        assert "51-100 of 124" in screen_text(pilot)
        assert names(app)[0] == "Zed046 Zulu"
        await pilot.press("pagedown")
        await settle(pilot)
        assert "101-124 of 124" in screen_text(pilot)
        assert names(app)[-1] == "Zed119 Zulu"
        await pilot.press("pagedown")  # no further page
        await settle(pilot)
        assert "101-124 of 124" in screen_text(pilot)
        await pilot.press("pageup", "pageup")
        await settle(pilot)
        assert "1-50 of 124" in screen_text(pilot)
        assert names(app)[0] == "Acme Traders"


async def test_deactivate_from_the_list_refused_with_a_balance(
    app: PosApp, backend: Backend, store: Store
) -> None:
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
        listing(app).query_one("#f-active", Select).value = "any"
        await settle(pilot)
        await pilot.press("f8")  # Acme Traders, first row, owes 80.00
        await settle(pilot)
        assert any(
            "owes 80.00 on account and cannot be made inactive" in n for n in notifications(pilot)
        )
        await pilot.press("down", "f8")  # Bob Jones owes nothing
        await settle(pilot)
        assert any("Bob Jones is now inactive" in n for n in notifications(pilot))
        assert "off" in screen_text(pilot)
    corp, bob = backend.customers.get(store.corp), backend.customers.get(store.bob)
    assert corp is not None and corp.active == 1
    assert bob is not None and bob.active == 0
