"""Issue 11 at the lane: refund amounts on screen under Pilot, whole and unit by unit, the refund
as paid (points back as points), points short and a supervisor's reroute."""

from __future__ import annotations

from decimal import Decimal

import pytest
from textual.pilot import Pilot

from pos_tui.app import PosApp
from pos_tui.screens.checkout import CheckoutScreen
from pos_tui.screens.returns import ReturnScreen
from pos_tui.screens.supervisor import SupervisorScreen
from pos_tui.screens.tender import TenderScreen
from pos_tui.services.backoffice.store_options import StoreOptionsService
from pos_tui.services.checkout.sale import Checkout
from pos_tui.services.runtime.backend import Backend
from pos_tui.widgets.refund_panel import RefundPanel
from tests.app.conftest import enter, screen_text, settle, sign_in
from tests.app.helpers_lane import message
from tests.returns_store import (
    ReturnsStore,
    build_returns_store,
    cash_sale,
    earn_then_spend,
    points_sale,
)

D = Decimal


@pytest.fixture
def store(backend: Backend) -> ReturnsStore:  # the app fixture builds on it
    return build_returns_store(backend)


async def _open_return(pilot: Pilot[None], sale_number: int) -> ReturnScreen:
    await pilot.press("ctrl+l")
    await settle(pilot)
    await enter(pilot, str(sale_number))  # find the sale by number
    await pilot.press("f7")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, ReturnScreen)
    return screen


async def _refund(pilot: Pilot[None], key: str = "enter") -> None:
    await pilot.press("f5")
    await settle(pilot)
    assert isinstance(pilot.app.screen, TenderScreen)
    await pilot.press(key)
    await settle(pilot)


async def test_a_gold_customers_whole_sale_comes_back_as_1457_80_on_screen(
    app: PosApp, backend: Backend, store: ReturnsStore
) -> None:
    cash_sale(backend, store.cashier, ("TV", "1"), customer=store.goldie)
    async with app.run_test(size=(100, 30)) as pilot:
        await sign_in(pilot)
        screen = await _open_return(pilot, 1)
        await pilot.press("f4")  # every line
        await settle(pilot)
        assert screen.view is not None and screen.view.remaining == D("-1457.80")
        text = screen_text(pilot)
        assert "1,457.80" in text and "1,384.91" not in text
        assert "Points reversed 58.312" in text
        await pilot.press("f5")
        await settle(pilot)
        text = screen_text(pilot)
        assert "As paid (F4)" in text and "Cash 1,457.80" in text
        await pilot.press("f4")  # refund as paid: the cash back, then it commits
        await settle(pilot)
        assert isinstance(app.screen, CheckoutScreen)
        assert "RETURN #2 COMPLETE" in screen_text(pilot)
    ret = backend.journal.by_number("L1", 2)
    assert ret is not None and ret.total == Decimal("-1457.80")
    assert backend.customers.loyalty_balance(store.goldie) == 0


async def test_unit_by_unit_the_screen_gives_back_9_67_9_66_9_67(
    app: PosApp, backend: Backend, store: ReturnsStore
) -> None:
    cash_sale(backend, store.cashier, ("PEN", "3"), line_discounts={1: "1.00"})  # 29.00
    shown = []
    async with app.run_test(size=(100, 30)) as pilot:
        await sign_in(pilot)
        for _ in range(3):
            screen = await _open_return(pilot, 1)
            await pilot.press("enter")  # line 1: how many?
            await settle(pilot)
            await enter(pilot, "1")
            assert screen.view is not None
            shown.append(-screen.view.remaining)
            assert f"{-screen.view.remaining}" in screen_text(pilot)
            await _refund(pilot)
            assert isinstance(app.screen, CheckoutScreen)
    assert shown == [D("9.67"), D("9.66"), D("9.67")]
    assert sum(shown) == D("29.00")
    totals = [str(backend.journal.by_number("L1", n).total) for n in (2, 3, 4)]  # type: ignore[union-attr]
    assert totals == ["-9.67", "-9.66", "-9.67"]


async def test_a_points_sale_is_refunded_as_paid_points_back_as_points(
    app: PosApp, backend: Backend, store: ReturnsStore
) -> None:
    anna = store.base.anna  # 100 points
    points_sale(backend, store)  # 40 points (100.00) and 100.00 cash
    async with app.run_test(size=(100, 30)) as pilot:
        await sign_in(pilot)
        await _open_return(pilot, 1)
        await pilot.press("f4")
        await settle(pilot)
        await pilot.press("f5")
        await settle(pilot)
        text = screen_text(pilot)
        assert "Points 100.00 (40 pts)" in text and "Cash 100.00" in text
        await pilot.press("f4")
        await settle(pilot)
        assert "RETURN #2 COMPLETE" in screen_text(pilot)
    ret = backend.journal.by_number("L1", 2)
    assert ret is not None
    tenders = backend.journal.children(ret.id).tenders
    assert [(t.kind, t.amount, t.points) for t in tenders] == [
        ("cash", Decimal("-100.00"), None),
        ("points", Decimal("-100.00"), Decimal("40")),
    ]
    assert backend.customers.loyalty_balance(anna) == 100


async def test_cash_for_a_card_sale_asks_a_supervisor(
    app: PosApp, backend: Backend, store: ReturnsStore
) -> None:
    co = Checkout(backend, store.cashier)
    co.add_item("DESK")
    co.add_card("200", "AUTH-7")
    co.commit()
    async with app.run_test(size=(100, 30)) as pilot:
        await sign_in(pilot)
        await _open_return(pilot, 1)
        await pilot.press("f4")
        await settle(pilot)
        await _refund(pilot)  # Enter: cash
        assert isinstance(app.screen, SupervisorScreen)
        assert "needs a supervisor" in str(app.screen.query_one("#why").render())
        await enter(pilot, "201")
        await enter(pilot, "2345")
        assert "RETURN #2 COMPLETE" in screen_text(pilot)
    ret = backend.journal.by_number("L1", 2)
    assert ret is not None
    actions = [a.action for a in backend.store.audit_trail("sale", ret.id)]
    assert actions == ["refund_rerouted"]


async def test_points_spent_since_are_shown_and_kept_from_the_refund(
    app: PosApp, backend: Backend, store: ReturnsStore
) -> None:
    earn_then_spend(backend, store)  # 100 points earned on sale 1, spent on sale 2
    async with app.run_test(size=(100, 30)) as pilot:
        await sign_in(pilot)
        await _open_return(pilot, 1)
        await pilot.press("f4")
        await settle(pilot)
        panel = str(pilot.app.screen.query_one(RefundPanel).render())
        assert "Points short 100: 250.00 kept" in panel
        assert "kept from the refund at the redemption rate" in panel  # the policy, in words
        assert "TO GIVE BACK      4,750.00" in screen_text(pilot)
        await _refund(pilot, "f4")
        assert "RETURN #3 COMPLETE" in screen_text(pilot)
    assert backend.customers.loyalty_balance(store.zed) == 0


async def test_under_the_supervisor_policy_f3_lets_the_points_go_below_zero(
    app: PosApp, backend: Backend, store: ReturnsStore
) -> None:
    StoreOptionsService(backend).save({"engine.return_points_shortfall": "supervisor"}, None)
    earn_then_spend(backend, store)
    async with app.run_test(size=(100, 30)) as pilot:
        await sign_in(pilot)
        await _open_return(pilot, 1)
        await pilot.press("f4")
        await settle(pilot)
        await _refund(pilot, "f4")  # cash 5,000.00 back: the commit is refused
        assert isinstance(app.screen, TenderScreen)
        panel = str(app.screen.query_one(RefundPanel).render())
        assert "SUPERVISOR NEEDED (F3)" in panel and "need a supervisor" in panel
        assert "balance to go to -100" in message(pilot)
        await pilot.press("f3")
        await settle(pilot)
        assert isinstance(app.screen, SupervisorScreen)
        await enter(pilot, "201")
        await enter(pilot, "2345")
        assert "(supervisor)" in str(app.screen.query_one(RefundPanel).render())
        await pilot.press("f12")
        await settle(pilot)
        assert "RETURN #3 COMPLETE" in screen_text(pilot)
    assert backend.customers.loyalty_balance(store.zed) == -100
