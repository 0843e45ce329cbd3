"""A supervisor takes over the lane for a refund and a void, then hands it back to the same
cashier and the same sale, without signing the cashier out (docs/lane.md, "Supervisor
takeover")."""

from __future__ import annotations

import json
import re

from pos_tui.app import PosApp
from pos_tui.screens.checkout import CheckoutScreen
from pos_tui.screens.returns import ReturnScreen
from pos_tui.screens.takeover import TakeoverScreen
from pos_tui.services.checkout.sale import Checkout
from pos_tui.services.runtime.backend import Backend
from pos_tui.widgets.lane_bar import LaneBar
from tests.app.conftest import enter, screen_text, settle, sign_in
from tests.app.helpers_lane import checkout, message, skus
from tests.catalog import Store


def _bar(app: PosApp) -> str:
    return str(app.screen.query_one(LaneBar).render())


async def test_a_supervisor_refunds_and_voids_then_hands_the_same_sale_back(
    app: PosApp, backend: Backend, store: Store
) -> None:
    earlier = Checkout(backend, store.cashier)
    earlier.add_cash(str(earlier.add_item("APPLE", "1").totals.total))
    earlier.commit()  # sale 1, to refund
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot)  # Cass Cashier
        await enter(pilot, "APPLE")
        await enter(pilot, "2*APPLE")
        sale_id = checkout(pilot).co.open_sale_id
        await pilot.press("ctrl+e")
        await settle(pilot)
        assert isinstance(app.screen, TakeoverScreen)
        assert "SUPERVISOR TAKEOVER" in screen_text(pilot)
        await enter(pilot, "101")  # a cashier cannot take over
        await enter(pilot, "1234")
        assert "a supervisor takes over" in screen_text(pilot)
        await enter(pilot, "201")
        await enter(pilot, "2345")
        assert isinstance(app.screen, CheckoutScreen)
        assert app.employee is not None and app.employee.number == "201"
        assert "TAKEOVER Sue Supervisor for Cass Cashier" in _bar(app)
        assert re.search(r"\d{4}-\d\d-\d\d \d\d:\d\d\s*$", _bar(app)), "the clock fits at 80x24"
        # A void on the cashier's sale, as the supervisor.
        await pilot.press("f9")
        await settle(pilot)
        assert skus(pilot) == [("APPLE", "1")]
        # A refund of sale 1, as the supervisor; the cashier's sale stays as it is.
        await pilot.press("ctrl+l")
        await settle(pilot)
        await enter(pilot, "1")
        await pilot.press("f7")
        await settle(pilot)
        assert isinstance(app.screen, ReturnScreen)
        await pilot.press("f4", "f5")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert "Return 2 complete · refunded 105.00" in message(pilot)
        # Signing out or locking waits for the hand-back.
        await pilot.press("f12")
        await settle(pilot)
        assert "Ctrl+E hands the lane back to Cass Cashier first" in message(pilot)
        assert isinstance(app.screen, CheckoutScreen)
        await pilot.press("ctrl+e")  # hand back
        await settle(pilot)
        assert app.employee is not None and app.employee.number == "101"
        assert app.taken_over_from is None
        assert "Cass Cashier (cashier)" in _bar(app) and "TAKEOVER" not in _bar(app)
        assert "Back to Cass Cashier: the same sale" in message(pilot)
        assert checkout(pilot).co.open_sale_id == sale_id
        assert checkout(pilot).co.employee.number == "101"
        assert skus(pilot) == [("APPLE", "1")]
    audit = backend.db.execute(
        "SELECT action, employee_id, entity_id, changes FROM audit_log "
        "WHERE action IN ('takeover_start', 'takeover_end', 'void_line') ORDER BY id"
    ).fetchall()
    sue, cass = store.supervisor.id, store.cashier.id
    assert [(a, e) for a, e, _i, _c in audit] == [
        ("takeover_start", sue),
        ("void_line", sue),
        ("takeover_end", sue),
    ]
    for action, _e, entity_id, changes in audit:
        if action.startswith("takeover"):
            assert entity_id == cass
            assert json.loads(changes) == {
                "cashier": cass, "supervisor": sue, "open_sale_id": sale_id
            }  # fmt: skip
    refund = backend.journal.by_number("L1", 2)
    assert refund is not None and refund.kind == "return" and refund.employee_id == sue
