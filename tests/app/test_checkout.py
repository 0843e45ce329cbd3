"""Ringing up at the lane, end to end on a real database: scanning, customers, refusals."""

from __future__ import annotations

from decimal import Decimal

from rich.text import Text
from textual.widgets import DataTable

from pos_tui.app import PosApp
from pos_tui.screens.customer_search import CustomerSearchScreen
from pos_tui.screens.dialogs import ChoiceScreen, PromptScreen
from pos_tui.screens.price_lookup import PriceLookupScreen
from pos_tui.screens.supervisor import SupervisorScreen
from pos_tui.services.customers.service import CustomerService
from pos_tui.services.runtime.backend import Backend
from pos_tui.widgets.cart_table import CartTable
from pos_tui.widgets.customer_panel import CustomerPanel
from tests.app.conftest import enter, screen_text, settle, sign_in
from tests.app.helpers_lane import checkout, message, notifications, skus, view
from tests.catalog import Store
from tests.helpers import store_legacy


async def test_scan_by_barcode_and_sku_with_quantity_prefix_and_key(app: PosApp) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot)
        await enter(pilot, "3*8901234567890")
        await enter(pilot, "BAG")
        assert skus(pilot) == [("APPLE", "3"), ("BAG", "1")]
        # The quantity key: a number in the entry, F4, then the item.
        await pilot.press("2", "f4")
        await settle(pilot)
        assert "QTY 2" in screen_text(pilot)
        await enter(pilot, "APPLE")
        assert skus(pilot)[-1] == ("APPLE", "2")
        # The scanner hook adds too.
        app.scan("BAG")
        await settle(pilot)
        assert skus(pilot)[-1] == ("BAG", "1")
        assert view(pilot).priced.totals.total == Decimal("535.00")
        table = checkout(pilot).query_one(CartTable)
        assert table.row_count == 4
        assert all(isinstance(cell, Text) for cell in table.get_row_at(0))
        text = screen_text(pilot)
        assert "Apple" in text and "535.00" in text and "REMAINING" in text


async def test_unknown_item_is_refused_inline(app: PosApp) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot)
        await enter(pilot, "NOPE")
        assert "No item with barcode or SKU 'NOPE'" in message(pilot)
        assert view(pilot).empty


async def test_skus_match_whatever_their_case(app: PosApp) -> None:
    # [lane] sku_case = "insensitive" as shipped (docs/lane.md "Finding products").
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot)
        await enter(pilot, "bag")
        await enter(pilot, "2*Apple")
        assert skus(pilot) == [("BAG", "1"), ("APPLE", "2")]


async def test_skus_match_exactly_when_configured(backend: Backend, store: Store) -> None:
    from msgspec.structs import replace

    from pos_tui.app import create_app

    lane = replace(backend.settings.lane, sku_case="exact")
    backend.settings = replace(backend.settings, lane=lane)
    app = create_app(backend.settings, backend=backend, now=backend.now)
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot)
        await enter(pilot, "bag")
        assert "No item with barcode or SKU 'bag'" in message(pilot)
        await enter(pilot, "BAG")
        assert skus(pilot) == [("BAG", "1")]


async def test_a_loyalty_card_in_the_item_field_attaches_the_customer(
    app: PosApp, store: Store
) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot)
        await enter(pilot, "APPLE")
        await enter(pilot, "4000001")  # Anna's card, typed or scanned
        assert view(pilot).customer is not None
        assert view(pilot).customer.row.id == store.anna  # type: ignore[union-attr]
        assert skus(pilot) == [("APPLE", "1")]
        await pilot.press("ctrl+b")
        await settle(pilot)
        # Swiped through a keyboard-wedge reader: the track data arrives as typing.
        await enter(pilot, ";4000001=2812?")
        assert view(pilot).customer.row.id == store.anna  # type: ignore[union-attr]
        await pilot.press("ctrl+b")
        await settle(pilot)
        await enter(pilot, ";5999999=2812?")
        assert "Card ***9999 is not on file" in message(pilot)
        assert view(pilot).customer is None and skus(pilot) == [("APPLE", "1")]


async def test_change_quantity_price_override_void_line(app: PosApp) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot)
        await enter(pilot, "APPLE")
        await enter(pilot, "BAG")
        await pilot.press("up", "f4")  # the cursor on APPLE; F4 with an empty entry
        await settle(pilot)
        assert isinstance(app.screen, PromptScreen)
        await pilot.press("4", "enter")
        await settle(pilot)
        assert skus(pilot)[0] == ("APPLE", "4")
        await pilot.press("f7")
        await settle(pilot)
        await enter(pilot, "96")  # 4% under: within the cashier's 5%
        assert view(pilot).priced.lines[0].unit_price == Decimal("96")
        await pilot.press("f9")
        await settle(pilot)
        assert skus(pilot) == [("BAG", "1")]


async def test_discount_over_limit_opens_supervisor_then_applies(
    app: PosApp, backend: Backend, store: Store
) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot)
        await enter(pilot, "APPLE")
        await pilot.press("f6")
        await settle(pilot)
        await enter(pilot, "20%")
        assert isinstance(app.screen, SupervisorScreen)
        assert "supervisor" in str(app.screen.query_one("#why").render()).lower()
        # A cashier cannot approve.
        await enter(pilot, "101")
        await enter(pilot, "1234")
        assert isinstance(app.screen, SupervisorScreen)
        assert "must approve" in str(app.screen.query_one("#supervisor-error").render())
        await enter(pilot, "201")
        await enter(pilot, "2345")
        assert view(pilot).priced.lines[0].discount == Decimal("20.00")
        trail = backend.store.audit_trail("employee", store.supervisor.id)
        assert any(row.action == "override" for row in trail)


async def test_sale_discount_within_limit_and_declined_override(app: PosApp) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot)
        await enter(pilot, "APPLE")
        await pilot.press("f8")
        await settle(pilot)
        await enter(pilot, "5%")
        assert view(pilot).priced.totals.discount_total == Decimal("5.00")
        await pilot.press("f8")
        await settle(pilot)
        await enter(pilot, "30%")
        assert isinstance(app.screen, SupervisorScreen)
        await pilot.press("escape")
        await settle(pilot)
        # The prompt is given back as typed (tests/app/test_prompts.py); Escape leaves it.
        assert isinstance(app.screen, PromptScreen)
        await pilot.press("escape")
        await settle(pilot)
        assert "not approved" in message(pilot)
        assert view(pilot).priced.totals.discount_total == Decimal("5.00")


async def test_attach_by_mobile_then_card_event_then_name_as_you_type(
    app: PosApp, store: Store
) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot)
        await pilot.press("f2")
        await settle(pilot)
        assert isinstance(app.screen, CustomerSearchScreen)
        await enter(pilot, "9876543210")
        assert view(pilot).customer is not None
        assert view(pilot).customer.name == "Anna Smith"  # type: ignore[union-attr]
        assert "Points: 100" in str(checkout(pilot).query_one(CustomerPanel).render())
        await pilot.press("ctrl+b")
        await settle(pilot)
        assert view(pilot).customer is None
        app.card_read("4000001")
        await settle(pilot)
        assert view(pilot).customer is not None and view(pilot).customer.row.id == store.anna  # type: ignore[union-attr]
        await pilot.press("ctrl+b")
        await settle(pilot)
        await pilot.press("f2")
        await settle(pilot)
        await pilot.press("B", "o")
        await settle(pilot)
        table = app.screen.query_one("#customer-results", DataTable)
        assert table.row_count == 1 and table.get_row_at(0)[0].plain == "Bob Jones"
        await pilot.press("enter")
        await settle(pilot)
        assert view(pilot).customer.row.id == store.bob  # type: ignore[union-attr]


async def test_unknown_card_is_linked_to_a_customer(
    app: PosApp, backend: Backend, store: Store
) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot)
        app.card_read("5000123")
        await settle(pilot)
        assert isinstance(app.screen, ChoiceScreen)
        await pilot.press("enter")  # "Link it to a customer"
        await settle(pilot)
        assert isinstance(app.screen, CustomerSearchScreen)
        await enter(pilot, "Kid")
        assert view(pilot).customer.row.id == store.kid
        row = backend.customers.by_card("5000123")
        assert row is not None and row.id == store.kid


async def test_credit_hold_shows_instead_of_credit_available(
    app: PosApp, backend: Backend, store: Store
) -> None:
    # docs/lane.md "Finding customers": on hold, the lane never shows an amount to charge.
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot)
        await pilot.press("f2")
        await settle(pilot)
        await pilot.press(*"acme")
        await settle(pilot)
        row = app.screen.query_one("#customer-results", DataTable).get_row_at(0)
        assert row[0].plain == "Acme Traders" and row[1].plain == "1,000.00"
        await pilot.press("escape")
        await settle(pilot)
        backend.customers.update(store.corp, {"credit_hold": 1})
        await pilot.press("f2")
        await settle(pilot)
        await pilot.press(*"acme")
        await settle(pilot)
        row = app.screen.query_one("#customer-results", DataTable).get_row_at(0)
        assert row[1].plain == "CREDIT HOLD"
        await pilot.press("enter")
        await settle(pilot)
        panel = str(checkout(pilot).query_one(CustomerPanel).render())
        assert "Credit: CREDIT HOLD" in panel and "Credit available" not in panel
        assert "Owes: 0.00" in panel


async def test_restricted_item_refused_for_junior_member(app: PosApp) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot)
        await pilot.press("f2")
        await settle(pilot)
        await enter(pilot, "Kid")
        await enter(pilot, "RUM")
        text = message(pilot)
        assert "Liquor" in text and "Junior Member" in text
        assert view(pilot).empty
        assert any("Liquor" in n for n in notifications(pilot))


async def test_quick_enrol_attaches_the_new_customer(app: PosApp, backend: Backend) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot)
        await pilot.press("ctrl+n")
        await settle(pilot)
        await enter(pilot, "Nia")
        await enter(pilot, "New")
        await enter(pilot, "9123456789")
        customer = view(pilot).customer
        assert customer is not None and customer.name == "Nia New"
        assert backend.customers.by_mobile("+919123456789") is not None


async def test_quick_enrol_refuses_a_mobile_held_whatever_its_form(
    app: PosApp, backend: Backend, store: Store
) -> None:
    # Anna holds 9876543210 (tests/catalog.py); typed with the country code and spaces.
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot)
        await pilot.press("ctrl+n")
        await settle(pilot)
        await enter(pilot, "Anna")
        await enter(pilot, "Again")
        await enter(pilot, "+91 98765 43210")
        error = str(app.screen.query_one("#enrol-error").render())
        assert "already exists with Anna Smith" in error
        await pilot.press("escape")
        await settle(pilot)
        assert view(pilot).customer is None
        assert backend.customers.search_names("anna again", limit=5) == []


async def test_price_lookup_shows_price_without_adding(app: PosApp) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot)
        await pilot.press("f3")
        await settle(pilot)
        assert isinstance(app.screen, PriceLookupScreen)
        await pilot.press(*"Dark")
        await settle(pilot)
        table = app.screen.query_one(DataTable)
        assert table.row_count == 1 and table.get_row_at(0)[3].plain == "1,000.00"
        await pilot.press("escape")
        await settle(pilot)
        assert view(pilot).empty


async def test_price_lookup_prices_for_the_customer_and_enter_adds(
    app: PosApp, backend: Backend, store: Store
) -> None:
    # docs/lane.md "Finding products": the engine's price of a one-line basket for this customer.
    backend.customers.update(store.anna, {"price_level": 1})
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot)
        await enter(pilot, "4000001")  # Anna's card in the item field
        await pilot.press("f3")
        await settle(pilot)
        await pilot.press(*"apple")
        await settle(pilot)
        table = app.screen.query_one(DataTable)
        assert table.row_count == 1
        row = [cell.plain for cell in table.get_row_at(0)]
        assert row[:3] == ["APPLE", "Apple 1kg", "100.00"]
        assert row[4].startswith("price level 1 (A)")
        await pilot.press("enter")
        await settle(pilot)
        assert not isinstance(app.screen, PriceLookupScreen)
        assert skus(pilot) == [("APPLE", "1")]
        line = view(pilot).priced.lines[0]
        assert row[3] == f"{line.total:,.2f}" and line.unit_price == Decimal("90.00")


async def test_item_search_by_name_adds_the_chosen_item(app: PosApp) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot)
        await pilot.press("2", "f4")  # the quantity key applies to the item chosen
        await settle(pilot)
        await pilot.press("ctrl+f")
        await settle(pilot)
        assert isinstance(app.screen, PriceLookupScreen)
        await pilot.press(*"bag")
        await settle(pilot)
        await pilot.press(*"x")
        await settle(pilot)
        assert "No item found" in screen_text(pilot)
        await pilot.press("ctrl+u", *"carry")  # clear what was typed, then a name
        await settle(pilot)
        table = app.screen.query_one(DataTable)
        assert [c.plain for c in table.get_row_at(0)][:2] == ["BAG", "Carry bag"]
        await pilot.press("enter")
        await settle(pilot)
        assert skus(pilot) == [("BAG", "2")]
        await pilot.press("f1")
        await settle(pilot)
        from pos_tui.screens.help import HelpScreen

        assert isinstance(app.screen, HelpScreen)
        listed = {bid: (keys, does) for keys, does, bid in app.screen.rows}
        keys, does = listed["checkout.item_search"]
        assert keys.lower() == "^f" and does.startswith("Find an item by name")


async def test_database_text_shows_literally(app: PosApp, backend: Backend) -> None:
    bob = CustomerService(backend).create(
        {"first_name": "[red]Bob[/red]", "last_name": "Esc", "mobile": "9988776655"}
    )
    store_legacy(backend, bob, last_name="Esc\x1b[31m")  # entry would refuse it now
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot)
        await pilot.press("f2")
        await settle(pilot)
        await pilot.press(*"9988776655")
        await settle(pilot)
        cell = app.screen.query_one("#customer-results", DataTable).get_row_at(0)[0]
        assert isinstance(cell, Text) and cell.plain == "[red]Bob[/red] Esc\\x1b[31m"
        await pilot.press("enter")
        await settle(pilot)
        panel = str(checkout(pilot).query_one(CustomerPanel).render())
        assert "[red]Bob[/red] Esc\\x1b[31m" in panel
        assert "[red]Bob[/red]" in screen_text(pilot)
