"""Hostile data in the back office: stored control sequences never reach the terminal raw,
multi-line views show line breaks as line breaks, entry refuses control characters next to
the field, and searches are bounded."""

from __future__ import annotations

from textual.widgets import DataTable, Input, Static, TabbedContent, TextArea

from pos_tui.app import PosApp
from pos_tui.screens.backoffice.customer_form import CustomerFormScreen
from pos_tui.screens.backoffice.customer_list import CustomerListScreen
from pos_tui.screens.backoffice.customer_views import AuditScreen, TextScreen
from pos_tui.screens.backoffice.money import AccountScreen, StatementScreen
from pos_tui.screens.customer_search import CustomerSearchScreen
from pos_tui.services.customers.service import CustomerService
from pos_tui.services.runtime.backend import Backend
from tests.backoffice.conftest import open_back_office, screen_text, settle
from tests.catalog import Store
from tests.helpers import store_legacy

CLEAR = "\x1b[2J"


def _raw_controls(text: str) -> list[str]:
    """Control characters the terminal would have been sent (line breaks join strips)."""
    return [c for c in text if (ord(c) < 0x20 and c != "\n") or 0x7F <= ord(c) <= 0x9F]


def form(app: PosApp) -> CustomerFormScreen:
    assert isinstance(app.screen, CustomerFormScreen), app.screen
    return app.screen


async def test_form_shows_stored_control_sequences_escaped(
    app: PosApp, backend: Backend, store: Store
) -> None:
    store_legacy(
        backend, store.anna, first_name=f"Anna{CLEAR}", remarks="call first\nthen\x1b[31mred"
    )
    backend.customers.replace_children(
        store.anna, "contacts", [{"name": f"Kid{CLEAR}", "may_charge": 1}]
    )
    async with app.run_test(size=(120, 40)) as pilot:
        await open_back_office(pilot, CustomerFormScreen(store.anna))
        rows = form(app).rows()
        assert rows["first_name"].value == "Anna\\x1b[2J"
        assert _raw_controls(screen_text(pilot)) == []
        assert "Anna\\x1b[2J" in screen_text(pilot)
        remarks = await form(app).field("remarks")
        assert isinstance(remarks.editor, TextArea)
        assert remarks.value == "call first\nthen\\x1b[31mred"  # its line break kept
        await settle(pilot)
        assert _raw_controls(screen_text(pilot)) == []
        form(app).query_one("#form-tabs", TabbedContent).active = "tab-contacts"
        await form(app).body.fill("tab-contacts", form(app).current())
        await settle(pilot)
        assert "Kid\\x1b[2J" in screen_text(pilot)
        assert _raw_controls(screen_text(pilot)) == []
        # Saving another field leaves the stored name as it was.
        form(app).set_value("website", "x.example")
        await pilot.press("ctrl+s")
        await settle(pilot)
    row = backend.customers.get(store.anna)
    assert row is not None and row.first_name == f"Anna{CLEAR}"
    assert row.website == "x.example"


async def test_form_refuses_a_control_character_next_to_the_field(
    app: PosApp, backend: Backend, store: Store
) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await open_back_office(pilot, CustomerFormScreen(store.anna))
        rows = form(app).rows()
        rows["last_name"].value = f"Smith{CLEAR}"
        await settle(pilot)
        assert "holds a control character U+001B (ESC)" in rows["last_name"].error
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "Last name holds a control character U+001B (ESC)" in screen_text(pilot)
    row = backend.customers.get(store.anna)
    assert row is not None and "\x1b" not in str(row.last_name)


async def test_audit_entry_in_full_shows_line_breaks_not_escapes(
    app: PosApp, backend: Backend, store: Store
) -> None:
    svc = CustomerService(backend)
    svc.update(store.anna, {"remarks": "first line\nsecond line", "website": "w.example"})
    async with app.run_test(size=(120, 40)) as pilot:
        await open_back_office(pilot, AuditScreen(store.anna))
        table = app.screen.query_one("#audit", DataTable)
        table.move_cursor(row=table.row_count - 1)  # the newest entry: the update
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, TextScreen)
        body = str(app.screen.query_one("#text-body", Static).render())
        assert "\\x0a" not in body
        lines = body.splitlines()
        assert "remarks: (empty) → first line" in lines and "second line" in lines
        assert any(line.startswith("website: ") for line in lines)


async def test_statement_preview_shows_line_breaks_not_escapes(app: PosApp, store: Store) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await open_back_office(pilot, AccountScreen(store.corp))
        await pilot.press("f9")
        await settle(pilot)
        assert isinstance(app.screen, StatementScreen)
        body = str(app.screen.query_one("#text-body", Static).render())
        assert "\\x0a" not in body and "\\x0a" not in screen_text(pilot)
        assert len(body.splitlines()) > 3
        assert any(line.strip().startswith("STATEMENT OF ACCOUNT") for line in body.splitlines())


async def test_customer_list_bounds_the_search_with_a_message(app: PosApp, store: Store) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await open_back_office(pilot, CustomerListScreen())
        search = app.screen.query_one("#search", Input)
        search.value = "a" * 100_000
        await settle(pilot)
        assert "Search text is limited to 200 characters (100,000 given)" in screen_text(pilot)
        search.value = "anna"
        await settle(pilot)
        assert "Anna" in screen_text(pilot)


async def test_lane_search_bounds_the_search_with_a_message(app: PosApp, store: Store) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await open_back_office(pilot)
        app.push_screen(CustomerSearchScreen(initial="ann" * 100))
        await settle(pilot)
        status = str(app.screen.query_one("#customer-search-status", Static).render())
        assert "Search text is limited to 200 characters (300 given)" in status
        app.screen.query_one("#customer-query", Input).value = "anna"
        await settle(pilot)
        assert "Anna" in screen_text(pilot)
