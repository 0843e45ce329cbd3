"""Sign-in, lock, sign-out, help, keymap and command palette, driven by Pilot."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from rich.console import Console
from textual.pilot import Pilot
from textual.widgets import Input, Static

from pos_tui.app import PosApp, create_app
from pos_tui.config import load_settings
from pos_tui.screens.checkout import CheckoutScreen
from pos_tui.screens.help import HelpScreen
from pos_tui.screens.lane import LaneScreen
from pos_tui.screens.sign_in import SignInScreen
from pos_tui.screens.supervisor import SupervisorScreen
from pos_tui.screens.tender import TenderScreen
from pos_tui.services.runtime.backend import Backend, open_backend
from pos_tui.services.runtime.setup import StoreSetup
from tests.app.conftest import enter, screen_text, settle, sign_in
from tests.app.helpers_lane import notifications, view
from tests.catalog import Store
from tests.conftest import Clock


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


async def _wrong_pins(pilot: Pilot[None], times: int, number: str = "101") -> None:
    for _ in range(times):
        pilot.app.screen.query_one("#number", Input).value = ""
        await sign_in(pilot, number, "9999")


async def test_lockout_shows_the_wait_counting_down_and_a_supervisor_clears_it(
    app: PosApp, backend: Backend, store: Store, clock: Clock
) -> None:
    StoreSetup(backend).add_employee("102", "Other Cashier", "cashier", "5678")
    async with app.run_test(size=(80, 24)) as pilot:
        await _wrong_pins(pilot, 4)
        screen = app.screen
        assert isinstance(screen, SignInScreen) and screen.lockout is None
        assert "wrong PIN" in str(screen.query_one("#sign-in-error", Static).render())
        assert "F4" not in screen_text(pilot), "nothing to clear yet"
        await _wrong_pins(pilot, 1)
        assert screen.lockout is not None
        text = screen_text(pilot)
        assert "LOCKED too many wrong PINs" in text and "Try again in 30 s" in text
        assert "F4  a supervisor clears the lock" in text and "Supervisor clears" in text
        # The wait counts down on the lane's clock (the timer calls show_wait each second).
        clock.current += timedelta(seconds=12)
        screen.show_wait()
        await pilot.pause()
        assert "Try again in 18 s" in screen_text(pilot)
        # Locked: the right PIN is refused too.
        await _sign_in_again(pilot, "101", "1234")
        assert isinstance(app.screen, SignInScreen) and "Try again in 18 s" in screen_text(pilot)
        # Another cashier cannot clear it; a supervisor can.
        await pilot.press("f4")
        await settle(pilot)
        assert isinstance(app.screen, SupervisorScreen)
        await enter(pilot, "102")
        await enter(pilot, "5678")
        assert isinstance(app.screen, SupervisorScreen)
        assert "a supervisor must approve" in str(
            app.screen.query_one("#supervisor-error").render()
        )
        app.screen.query_one("#sup-number", Input).value = ""
        await enter(pilot, "201")
        await enter(pilot, "2345")
        assert app.screen is screen and screen.lockout is None
        assert "Lock cleared by Sue Supervisor" in screen_text(pilot)
        assert "LOCKED" not in screen_text(pilot)
        await _sign_in_again(pilot, "101", "1234")
        assert isinstance(app.screen, CheckoutScreen)
    cleared = backend.db.execute(
        "SELECT entity, entity_id, employee_id FROM audit_log WHERE action = 'pin_lock_cleared'"
    ).fetchall()
    assert cleared == [("employee", store.cashier.id, store.supervisor.id)]


async def test_the_wait_runs_out_on_the_lane_clock(app: PosApp, store: Store, clock: Clock) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await _wrong_pins(pilot, 5)
        screen = app.screen
        assert isinstance(screen, SignInScreen) and screen.lockout is not None
        assert screen._wait_timer is not None, "a timer counts the wait down"
        clock.current += timedelta(seconds=30)
        screen.show_wait()
        await pilot.pause()
        assert screen.lockout is None and screen._wait_timer is None
        text = screen_text(pilot)
        assert "You may try again now" in text and "LOCKED" not in text
        await _sign_in_again(pilot, "101", "1234")
        assert isinstance(app.screen, CheckoutScreen)


async def test_unknown_numbers_lock_the_sign_in_the_same_way(app: PosApp, store: Store) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await _wrong_pins(pilot, 5, number="4711")
        screen = app.screen
        assert isinstance(screen, SignInScreen) and screen.lockout is not None
        assert "Try again in 30 s" in screen_text(pilot)
        # A real employee's right PIN still signs in.
        await _sign_in_again(pilot, "101", "1234")
        assert isinstance(app.screen, CheckoutScreen)


async def _sign_in_again(pilot: Pilot[None], number: str, pin: str) -> None:
    pilot.app.screen.query_one("#number", Input).value = ""
    await sign_in(pilot, number, pin)


async def test_a_crash_shows_its_traceback_without_the_pin(
    app: PosApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What the one error policy cannot carry on from (an error in a callback Textual runs
    outside any handler) still ends the lane with its traceback, but without the frames'
    locals, which may hold the PIN typed."""
    shown: list[object] = []
    monkeypatch.setattr(
        app, "_print_error_renderables", lambda: shown.extend(app._exit_renderables)
    )

    typed = "738" + "291"  # split: the traceback's source lines must not hold it either

    def broken_callback() -> None:
        pin = typed  # a local the traceback would show with Textual's default
        raise RuntimeError(f"the database went away ({len(pin)} digits)")

    with pytest.raises(RuntimeError, match="the database went away"):
        async with app.run_test(size=(80, 24)) as pilot:
            await sign_in(pilot, "101", "1234")
            app.call_after_refresh(broken_callback)
            await pilot.pause()
    out = io.StringIO()
    console = Console(file=out, width=120)
    for renderable in shown:
        console.print(renderable)
    text = out.getvalue()
    assert "the database went away" in text and "broken_callback" in text
    assert "738291" not in text
