"""Sign-in, lock, sign-out, help, keymap and command palette, driven by Pilot."""

from __future__ import annotations

from textual.widgets import Input, Static

from pos_tui.app import PosApp, create_app
from pos_tui.config import load_settings
from pos_tui.screens.checkout import CheckoutScreen
from pos_tui.screens.help import HelpScreen
from pos_tui.screens.lane import LaneScreen
from pos_tui.screens.sign_in import SignInScreen
from pos_tui.screens.tender import TenderScreen
from pos_tui.services.runtime.backend import Backend, open_backend
from pos_tui.services.runtime.setup import StoreSetup
from tests.app.conftest import enter, screen_text, settle, sign_in
from tests.app.helpers_lane import notifications, view
from tests.catalog import Store


async def test_sign_in_refuses_wrong_pin_then_accepts(app: PosApp) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        assert "Lane L1 · Store S1 · signed out" in screen_text(pilot)
        await sign_in(pilot, "101", "9999")
        assert isinstance(app.screen, SignInScreen)
        assert "wrong PIN" in str(app.screen.query_one("#sign-in-error", Static).render())
        app.screen.query_one("#number", Input).value = ""
        await sign_in(pilot, "101", "1234")
        assert isinstance(app.screen, CheckoutScreen) and isinstance(app.screen, LaneScreen)
        assert app.employee is not None and app.employee.name == "Cass Cashier"
        assert "Lane L1 · Store S1 · Cass Cashier (cashier)" in screen_text(pilot)
        assert isinstance(app.focused, Input) and app.focused.id == "entry"


async def test_lock_needs_the_same_cashier_or_a_supervisor(
    app: PosApp, backend: Backend, store: Store
) -> None:
    StoreSetup(backend).add_employee("102", "Other Cashier", "cashier", "5678")
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot)
        await enter(pilot, "APPLE")
        await pilot.press("f10")
        await settle(pilot)
        assert isinstance(app.screen, SignInScreen) and app.screen.locked_by == "101"
        assert "LOCKED" in screen_text(pilot)
        # Devices do nothing while locked.
        app.scan("BAG")
        await settle(pilot)
        await sign_in(pilot, "102", "5678")
        assert isinstance(app.screen, SignInScreen)
        assert "Only the cashier who locked" in str(app.screen.query_one("#sign-in-error").render())
        app.screen.action_clear()
        await sign_in(pilot, "201", "2345")
        assert isinstance(app.screen, CheckoutScreen)
        assert app.employee is not None and app.employee.number == "101", "still Cass's sale"
        assert [line.sku for line in view(pilot).priced.lines] == ["APPLE"]
        assert any("Unlocked by Sue Supervisor" in n for n in notifications(pilot))


async def test_sign_out_keeps_the_sale_for_the_next_sign_in(app: PosApp) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot)
        await enter(pilot, "APPLE")
        await pilot.press("f12")
        await settle(pilot)
        assert isinstance(app.screen, SignInScreen) and app.employee is None
        await sign_in(pilot)
        assert "SALE LEFT IN PROGRESS" in screen_text(pilot)


async def test_help_lists_every_key_with_its_binding_id(app: PosApp) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await sign_in(pilot)
        await pilot.press("f1")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        ids = {bid for _, _, bid in app.screen.rows}
        for bid in (
            "checkout.pay",
            "checkout.customer",
            "checkout.void_line",
            "checkout.line_discount",
            "checkout.suspend",
            "checkout.sales",
            "lane.lock",
            "app.help",
        ):
            assert bid in ids
        assert "checkout.pay" in screen_text(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, CheckoutScreen)


async def test_keymap_rebinds_by_binding_id(backend: Backend, store: Store) -> None:
    settings = load_settings(
        database={"path": backend.settings.database.path}, keymap={"checkout.pay": "f11"}
    )
    b = open_backend(settings, now=backend.now)
    try:
        app = create_app(settings, backend=b)
        async with app.run_test(size=(80, 24)) as pilot:
            await sign_in(pilot)
            await enter(pilot, "APPLE")
            await pilot.press("f5")
            await settle(pilot)
            assert isinstance(app.screen, CheckoutScreen)
            await pilot.press("f11")
            await settle(pilot)
            assert isinstance(app.screen, TenderScreen)
    finally:
        b.close()


async def test_command_palette_offers_the_lane_actions(app: PosApp) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot)
        titles = [c.title for c in app.get_system_commands(app.screen)]
        for title in ("Pay", "Find customer", "Hold sale", "Sales and returns", "Lock lane"):
            assert title in titles
        await enter(pilot, "APPLE")
        command = next(c for c in app.get_system_commands(app.screen) if c.title == "Pay")
        command.callback()
        await settle(pilot)
        assert isinstance(app.screen, TenderScreen)
