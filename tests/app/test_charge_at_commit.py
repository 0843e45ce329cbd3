"""A charge to account is checked again when the sale commits (docs/money.md, "A charge to
account is checked when it is tendered"): under Pilot, another lane charges the same account
between this lane's charge and its last tender, and the lane refuses the sale, says why and
keeps it open."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from pos_tui.app import PosApp
from pos_tui.screens.tender import TenderScreen
from pos_tui.services.checkout.sale import Checkout
from pos_tui.services.runtime.backend import Backend
from tests.app.conftest import enter, settle, sign_in
from tests.app.helpers_lane import burst, message, notifications
from tests.catalog import Store
from tests.helpers import lane_backend


async def test_a_charge_another_lane_pushed_over_the_limit_is_refused_at_commit(
    app: PosApp, backend: Backend, store: Store, db_path: Path
) -> None:
    lane2 = lane_backend(db_path, "L2", now=backend.now)
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            await sign_in(pilot)
            await pilot.press("f2")
            await settle(pilot)
            await enter(pilot, "Acme")  # limit 1000.00, nothing owed
            await enter(pilot, "6*APPLE")  # 630.00
            await pilot.press("f5")
            await settle(pilot)
            burst(app, "6", "0", "0", "f7", *"4321", "tab", "P", "O", "enter")
            await settle(pilot, 8)
            screen = app.screen
            assert isinstance(screen, TenderScreen)
            assert [(t.kind, t.amount) for t in screen.view.tenders] == [("account", "600.00")]
            # Meanwhile lane L2 charges Acme 630.00 and completes its sale.
            other = Checkout(lane2, store.cashier)
            other.attach_customer(store.corp)
            other.add_item("APPLE", "6")
            other.add_account("630.00", pin="4321", reference="PO-2")
            other.commit()
            await pilot.press("f5")  # the 30.00 left in cash: the sale commits by itself
            await settle(pilot)
            await pilot.press("enter")
            await settle(pilot, 8)
            said = message(pilot) + " ".join(notifications(pilot))
            assert "Charge of 600.00 is over Acme Traders's available credit 370.00" in said
            assert "take the charge off (F9 on the pay screen)" in said
            assert isinstance(app.screen, TenderScreen)  # the sale stays open, as it was
            kinds = [(t.kind, t.amount) for t in app.screen.view.tenders]
            assert kinds == [("account", "600.00"), ("cash", "30.00")]
    finally:
        lane2.close()
    assert backend.journal.last("L1") is None
    assert backend.customers.receivable_balance(store.corp) == Decimal("630.00")
