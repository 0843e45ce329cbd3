"""The back office from the keyboard alone: Enter in the search opens a customer, the card-type
editor's tabs by key, a visible focus in forms, and on every screen of the menu Enter opens,
F1 lists the keys and Escape goes back (docs/back-office.md, "At the keyboard")."""

from __future__ import annotations

from textual.widgets import OptionList, TabbedContent

from pos_tui.app import PosApp
from pos_tui.screens.backoffice import BackOfficeScreen
from pos_tui.screens.backoffice.catalog import CatalogEditScreen, CatalogListScreen
from pos_tui.screens.backoffice.customer_form import CustomerFormScreen
from pos_tui.screens.backoffice.customer_list import CustomerListScreen
from pos_tui.screens.backoffice.menu import ENTRIES
from pos_tui.screens.help import HelpScreen
from pos_tui.services.runtime.backend import Backend
from pos_tui.widgets.backoffice.fields import FieldRow
from tests.backoffice.conftest import open_back_office, settle
from tests.backoffice.helpers import many_customers
from tests.catalog import Store


async def test_enter_in_the_search_opens_the_first_or_the_chosen_customer(
    app: PosApp, backend: Backend, store: Store
) -> None:
    many_customers(backend, 3)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_back_office(pilot)
        await pilot.press("1")
        await settle(pilot)
        assert isinstance(app.screen, CustomerListScreen)
        await pilot.press(*"anna", "enter")  # at once: no wait for the list to catch up
        await settle(pilot)
        assert isinstance(app.screen, CustomerFormScreen)
        assert app.screen.customer_id == store.anna
        await pilot.press("escape")
        await settle(pilot)
        listing = app.screen
        assert isinstance(listing, CustomerListScreen)
        listing.query_one("#search").value = ""
        await pilot.press(*"zed")
        await settle(pilot)
        await pilot.press("down", "enter")  # the second match: Zed001
        await settle(pilot)
        assert isinstance(app.screen, CustomerFormScreen)
        assert listing.page is not None
        assert app.screen.customer_id == listing.page.rows[1].id
        assert listing.page.rows[1].name.startswith("Zed001")


async def test_card_type_editor_switches_tabs_by_key_and_shows_the_focus(
    app: PosApp, store: Store
) -> None:
    async with app.run_test(size=(100, 30)) as pilot:
        await open_back_office(pilot)
        await pilot.press("2")
        await settle(pilot)
        assert isinstance(app.screen, CatalogListScreen)
        await pilot.press("enter")  # the first card type
        await settle(pilot)
        editor = app.screen
        assert isinstance(editor, CatalogEditScreen)
        tabs = editor.query_one("#edit-tabs", TabbedContent)
        first = tabs.active
        await pilot.press("f10")
        await settle(pilot)
        assert tabs.active != first
        focused = app.focused
        assert focused is not None
        row = next(a for a in focused.ancestors if isinstance(a, FieldRow))
        assert tabs.active in {a.id for a in row.ancestors}, "the focus is in the new tab"
        label = row.query_one(".field-label")
        assert label.styles.text_style.reverse, "the focused field's label in reverse video"
        others = [r for r in editor.query(FieldRow) if r is not row and r.display]
        assert others and not others[0].query_one(".field-label").styles.text_style.reverse
        await pilot.press("f9")
        await settle(pilot)
        assert tabs.active == first


async def test_every_menu_screen_opens_with_enter_lists_its_keys_and_goes_back(
    app: PosApp, store: Store
) -> None:
    async with app.run_test(size=(100, 30)) as pilot:
        await open_back_office(pilot)
        for index, (entry, _label, _key) in enumerate(ENTRIES):
            menu = app.screen
            assert isinstance(menu, BackOfficeScreen), entry
            menu.query_one("#backoffice-menu", OptionList).highlighted = index
            await pilot.press("enter")
            await settle(pilot)
            opened = app.screen
            assert not isinstance(opened, BackOfficeScreen), f"Enter opens {entry}"
            await pilot.press("f1")
            await settle(pilot)
            helped = app.screen
            assert isinstance(helped, HelpScreen), f"F1 on {entry}"
            back = opened.active_bindings["escape"].binding.id
            assert back in {bid for _k, _d, bid in helped.rows}, f"F1 on {entry} lists Escape"
            await pilot.press("escape")
            await settle(pilot)
            assert app.screen is opened
            await pilot.press("escape")
            await settle(pilot)
            assert isinstance(app.screen, BackOfficeScreen), f"Escape leaves {entry}"
