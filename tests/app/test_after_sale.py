"""After the sale: reprint, returns, hold and recall, and a sale left by a crash."""

from __future__ import annotations

from decimal import Decimal

from textual.pilot import Pilot

from pos_tui.app import PosApp, create_app
from pos_tui.screens.checkout import CheckoutScreen
from pos_tui.screens.dialogs import ChoiceScreen
from pos_tui.screens.held import HeldSalesScreen
from pos_tui.screens.returns import ReturnScreen
from pos_tui.screens.sales_list import SalesListScreen
from pos_tui.screens.tender import TenderScreen
from pos_tui.services.checkout.printing import PrintQueue
from pos_tui.services.runtime.backend import Backend, open_backend
from tests.app.conftest import enter, screen_text, settle, sign_in
from tests.app.helpers_lane import notifications, skus, view
from tests.catalog import Store


async def _cash_sale(pilot: Pilot[None], *codes: str, customer: str | None = None) -> None:
    if customer:
        await pilot.press("f2")
        await settle(pilot)
        await enter(pilot, customer)
    for code in codes:
        await enter(pilot, code)
    await pilot.press("f5")
    await settle(pilot)
    await pilot.press("enter")
    await settle(pilot)


async def test_reprint_from_the_sales_list_and_the_last_sale(app: PosApp, backend: Backend) -> None:
    app.printing = PrintQueue(backend, None)
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot)
        await _cash_sale(pilot, "APPLE")
        await _cash_sale(pilot, "BAG")
        await pilot.press("ctrl+l")
        await settle(pilot)
        assert isinstance(app.screen, SalesListScreen)
        assert "105.00" in screen_text(pilot) and "5.00" in screen_text(pilot)
        await enter(pilot, "1")  # find sale 1 by number
        await pilot.press("f6")
        await settle(pilot)
        assert any("Reprint of sale 1 queued" in n for n in notifications(pilot))
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert any("Reprint of sale 2 queued" in n for n in notifications(pilot))
    reprints = [j for j in backend.print_jobs.pending("L1") if j.kind == "reprint"]
    first = backend.journal.by_number("L1", 1)
    second = backend.journal.by_number("L1", 2)
    assert first is not None and second is not None
    assert [j.sale_id for j in reprints] == [first.id, second.id]


async def test_reprint_hook_can_be_replaced(app: PosApp) -> None:
    asked: list[int] = []
    app.reprint = asked.append  # type: ignore[method-assign,assignment]
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot)
        await _cash_sale(pilot, "APPLE")
        await pilot.press("ctrl+r")
        await settle(pilot)
    assert len(asked) == 1


async def test_full_return_reverses_points_and_refunds_cash(
    app: PosApp, backend: Backend, store: Store
) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot)
        await _cash_sale(pilot, "3*APPLE", customer="Bob")  # 315.00, 6 points to Bob
        assert backend.customers.loyalty_balance(store.bob) == 6
        await pilot.press("ctrl+l")
        await settle(pilot)
        await pilot.press("f7")
        await settle(pilot)
        assert isinstance(app.screen, ReturnScreen)
        assert "RETURN against sale #1" in screen_text(pilot)
        await pilot.press("f4")  # every line
        await settle(pilot)
        assert "TO GIVE BACK" in screen_text(pilot) and "315.00" in screen_text(pilot)
        await pilot.press("f5")
        await settle(pilot)
        assert isinstance(app.screen, TenderScreen)
        await pilot.press("enter")  # cash back
        await settle(pilot)
        assert isinstance(app.screen, CheckoutScreen)
        assert "RETURN #2 COMPLETE" in screen_text(pilot)
    ret = backend.journal.by_number("L1", 2)
    assert ret is not None and ret.kind == "return" and ret.total == Decimal("-315.00")
    assert backend.customers.loyalty_balance(store.bob) == 0
    assert backend.customers.loyalty_balance(store.anna) == Decimal("100")


async def test_partial_return_of_one_line(app: PosApp, backend: Backend) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot)
        await _cash_sale(pilot, "3*APPLE", "BAG")
        await pilot.press("ctrl+l")
        await settle(pilot)
        await pilot.press("f7")
        await settle(pilot)
        await pilot.press("enter")  # line 1 (APPLE): how many?
        await settle(pilot)
        await enter(pilot, "1")
        screen = app.screen
        assert isinstance(screen, ReturnScreen) and screen.view is not None
        assert screen.view.remaining == Decimal("-105.00")
        await pilot.press("f5")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
    assert backend.journal.returned_quantities(1) == {1: Decimal(1)}


async def test_hold_and_recall(app: PosApp, backend: Backend) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot)
        await enter(pilot, "2*APPLE")
        await pilot.press("ctrl+o")
        await settle(pilot)
        await enter(pilot, "blue jacket")
        assert view(pilot).empty
        held = backend.open_sales.suspended()
        assert [h.label for h in held] == ["blue jacket"]
        await enter(pilot, "BAG")
        await pilot.press("ctrl+g")
        await settle(pilot)
        assert "Finish, hold or void" in str(notifications(pilot))
        await pilot.press("ctrl+y")
        await settle(pilot)
        await pilot.press("down", "enter")  # "Void the sale"
        await settle(pilot)
        assert view(pilot).empty
        await pilot.press("ctrl+g")
        await settle(pilot)
        assert isinstance(app.screen, HeldSalesScreen)
        assert "blue jacket" in screen_text(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert skus(pilot) == [("APPLE", "2")]
        assert backend.open_sales.suspended() == []
        await pilot.press("f5")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
    assert backend.journal.last("L1").total == Decimal("210.00")  # type: ignore[union-attr]


async def test_a_sale_left_by_a_crash_is_offered_back_and_completes(
    app: PosApp, backend: Backend, store: Store
) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot)
        await pilot.press("f2")
        await settle(pilot)
        await enter(pilot, "9876543210")
        await enter(pilot, "2*APPLE")
    # The session drops without paying. A new process opens the same database.
    fresh = open_backend(backend.settings, now=backend.now)
    try:
        again = create_app(fresh.settings, backend=fresh)
        async with again.run_test(size=(80, 24)) as pilot:
            await sign_in(pilot)
            assert isinstance(again.screen, ChoiceScreen)
            offer = again.screen.message
            assert "1 line(s)" in offer and "total 210.00" in offer
            assert "SALE LEFT IN PROGRESS" in screen_text(pilot)
            await pilot.press("enter")  # "Resume the sale"
            await settle(pilot)
            assert skus(pilot) == [("APPLE", "2")]
            assert view(pilot).customer is not None
            await pilot.press("f5")
            await settle(pilot)
            await pilot.press("enter")
            await settle(pilot)
            assert "SALE #1 COMPLETE" in screen_text(pilot)
        sale = fresh.journal.last("L1")
        assert sale is not None and sale.total == Decimal("210.00")
        assert sale.customer_id == store.anna
        assert fresh.open_sales.for_lane("L1", "in_progress") == []
    finally:
        fresh.close()


async def test_a_sale_left_by_a_crash_can_be_voided(app: PosApp, backend: Backend) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot)
        await enter(pilot, "APPLE")
    fresh = open_backend(backend.settings, now=backend.now)
    try:
        again = create_app(fresh.settings, backend=fresh)
        async with again.run_test(size=(80, 24)) as pilot:
            await sign_in(pilot)
            assert isinstance(again.screen, ChoiceScreen)
            await pilot.press("down", "enter")  # "Void the sale"
            await settle(pilot)
            assert view(pilot).empty
        assert fresh.open_sales.for_lane("L1", "in_progress") == []
        assert fresh.journal.last("L1") is None
    finally:
        fresh.close()
