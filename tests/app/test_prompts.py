"""Prompts at the lane: a refusal keeps what was typed and names things by their names, and
what can be checked is checked before more is asked (docs/lane.md, "Prompts and messages")."""

from __future__ import annotations

from textual.pilot import Pilot

from pos_tui.app import PosApp
from pos_tui.screens.checkout import CheckoutScreen
from pos_tui.screens.dialogs import PromptScreen
from pos_tui.screens.returns import ReturnScreen
from pos_tui.screens.tender import TenderScreen
from pos_tui.services.checkout.sale import Checkout
from pos_tui.services.customers.service import CustomerService
from pos_tui.services.runtime.backend import Backend
from tests.app.conftest import enter, screen_text, settle, sign_in
from tests.app.helpers_lane import message
from tests.catalog import Store


async def _at_pay_with_acme(pilot: Pilot[None]) -> None:
    await sign_in(pilot)
    await pilot.press("f2")
    await settle(pilot)
    await enter(pilot, "Acme")
    await enter(pilot, "APPLE")
    await pilot.press("f5")
    await settle(pilot)
    assert isinstance(pilot.app.screen, TenderScreen)


async def test_an_account_limited_to_another_store_is_refused_by_name_before_the_pin(
    app: PosApp, backend: Backend, store: Store
) -> None:
    uptown = backend.catalog.insert("locations", {"code": "UP", "name": "Uptown Mall"})
    CustomerService(backend).update(store.corp, {"limit_to_location_id": uptown}, employee_id=None)
    async with app.run_test(size=(80, 24)) as pilot:
        await _at_pay_with_acme(pilot)
        await pilot.press("f7")
        await settle(pilot)
        # Refused before a PIN or PO number is asked for: no prompt to type into for nothing.
        assert isinstance(app.screen, TenderScreen)
        assert "Acme Traders may only use the account at Uptown Mall" in message(pilot)
        assert "location" not in message(pilot)
        assert app.screen.view.tenders == ()


async def test_a_supervisor_refusing_the_override_gives_the_prompt_back_as_typed(
    app: PosApp, backend: Backend, store: Store
) -> None:
    CustomerService(backend).update(store.corp, {"credit_limit": "50"}, employee_id=None)
    async with app.run_test(size=(80, 24)) as pilot:
        await _at_pay_with_acme(pilot)
        await pilot.press("f7")
        await settle(pilot)
        await enter(pilot, "4321")
        await enter(pilot, "PO-9")
        await pilot.press("escape")  # the supervisor does not approve
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, PromptScreen)
        assert "over Acme Traders's available credit" in screen_text(pilot)
        assert screen.query_one("#field-pin").value == "4321"  # type: ignore[attr-defined]
        assert screen.query_one("#field-reference").value == "PO-9"  # type: ignore[attr-defined]
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, TenderScreen) and app.screen.view.tenders == ()


# -- messages -----------------------------------------------------------------------------------


async def test_a_refusal_is_cleared_by_the_next_key(app: PosApp) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot)
        await enter(pilot, "NOSUCH")
        assert "No item with barcode or SKU 'NOSUCH'" in message(pilot)
        await pilot.press("f9")  # the next action: void line with nothing to void
        await settle(pilot)
        assert "NOSUCH" not in message(pilot)
        await pilot.press("A")  # the next key: the refusal of F9 is stale too
        await settle(pilot)
        assert message(pilot) == "F2 customer · F5 pay · F1 every key"
        await pilot.press("P", "P", "L", "E", "enter")
        await settle(pilot)
        assert "Apple 1kg × 1 = 105.00" in message(pilot), "the next outcome replaces it"


async def test_a_return_shows_the_amount_refunded_not_change(
    app: PosApp, backend: Backend, store: Store
) -> None:
    co = Checkout(backend, store.cashier)
    priced = co.add_item("APPLE", "2")
    co.add_cash(str(priced.totals.total))
    co.commit()
    async with app.run_test(size=(100, 30)) as pilot:
        await sign_in(pilot)
        await pilot.press("ctrl+l")
        await settle(pilot)
        await enter(pilot, "1")
        await pilot.press("f7")
        await settle(pilot)
        assert isinstance(app.screen, ReturnScreen)
        await pilot.press("f4", "f5")
        await settle(pilot)
        await pilot.press("enter")  # cash back
        await settle(pilot)
        text = screen_text(pilot)
        assert "REFUNDED  210.00" in text and "RETURN #2 COMPLETE" in text
        assert "CHANGE DUE" not in text
        assert "Return 2 complete · refunded 210.00" in message(pilot)


async def test_an_empty_sale_is_not_offered_back_at_sign_in(
    app: PosApp, backend: Backend, store: Store
) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot)
        await enter(pilot, "APPLE")
        await pilot.press("f9")  # the only line voided: the open sale is empty
        await settle(pilot)
        await pilot.press("f12")
        await settle(pilot)
        await sign_in(pilot)
        assert isinstance(app.screen, CheckoutScreen)
        assert "SALE LEFT IN PROGRESS" not in screen_text(pilot)
    assert Checkout(backend, store.cashier).in_progress() == [], "voided, not asked again"
    voids = backend.db.execute("SELECT changes FROM audit_log WHERE action = 'void_sale'")
    assert [row[0] for row in voids] == ['{"lines": 0, "tenders": []}'], "the drop is audited"
