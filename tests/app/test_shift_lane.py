"""A new cashier's whole shift from the keyboard at 80x24 (Pilot): float, a sale of every
tender, paid in and out, a drop, a payment on account, X, count and Z; the figures against an
independent sum over the journal; refusals at the lane; the Z screen's snapshot."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from textual.pilot import Pilot

from pos_tui.app import PosApp, create_app
from pos_tui.screens.shift import PreviewScreen, ReportScreen
from pos_tui.screens.sign_in import SignInScreen
from pos_tui.services.runtime.backend import Backend, open_backend
from tests.app import shift_flow as flow
from tests.app.conftest import enter, settle, sign_in
from tests.app.helpers_lane import message
from tests.catalog import Store, build_store
from tests.services.test_shifts import journal_sums


@pytest.fixture
def store(backend: Backend) -> Store:
    return build_store(backend, shift=False)  # the lane opens its own shift


@pytest.fixture
def probe(backend: Backend) -> Any:
    b = open_backend(backend.settings, now=backend.now)
    yield b
    b.close()


@pytest.fixture
def app(backend: Backend, store: Store) -> PosApp:
    return create_app(backend.settings, backend=backend, now=backend.now)


async def test_a_whole_shift_from_the_keyboard(app: PosApp, probe: Backend) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await flow.open_with_float(pilot, "500")
        await flow.sell_every_tender(pilot)
        await flow.cash_moves(pilot)
        await flow.account_payment(pilot)
        x = await flow.x_report(pilot, print_it=False)
        shift = probe.shifts.open_for("L1")
        assert shift is not None
        sums = journal_sums(probe, "L1", shift.after_sale_number)
        expected = Decimal("500.00") + sums["cash"]
        assert expected == Decimal("655.00")  # 500 + 105 + 80 + 50 - 20 - 100 + 40
        assert f"Expected cash {expected}" in " ".join(x.split())
        assert f"Sales 4 {sums['sales_total']}" in " ".join(x.split())
        await flow.count_and_close(pilot, probe)
        assert isinstance(app.screen, ReportScreen)
        z = flow.report_text(pilot)
        assert "Z REPORT 1" in z and "Counted cash" in z
        for label, value in (
            ("Grand total", sums["sales_total"]),
            ("Expected cash", expected),
            ("Counted cash", expected),
            ("Paid in", sums["paid_in"]),
            ("Paid out", sums["paid_out"]),
            ("Cash drops", sums["drops"]),
            ("Account payments", sums["payments"]),
            ("Account charges", sums["account"]),
        ):
            assert any(
                line.startswith(label) and line.endswith(f" {value:.2f}") for line in z.splitlines()
            ), (label, value, z)
        assert max(len(line) for line in z.splitlines()) <= 48
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, SignInScreen), "after the Z the cashier is signed out"
    assert probe.shifts.open_for("L1") is None
    check = probe.journal.check()
    assert check.broken is None and check.z_reports == 1


async def test_the_lane_refuses_to_close_over_a_held_sale_and_asks_a_supervisor(
    app: PosApp, probe: Backend
) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await flow.open_with_float(pilot, "100")
        await enter(pilot, "APPLE")
        await pilot.press("ctrl+o")
        await settle(pilot)
        await enter(pilot, "blue bag")
        await flow.count_and_close(pilot, probe)
        assert "'blue bag' is held on lane L1" in message(pilot), message(pilot)
        assert probe.shifts.open_for("L1") is not None, "nothing of the close was written"
        for row in probe.open_sales.for_lane("L1", "suspended"):
            from pos_tui.services.checkout.sale import Checkout
            from pos_tui.services.staff.auth import AuthService

            who = AuthService(probe).sign_in("101", "1234")
            Checkout.resume(probe, who, row.id).cancel()
        await flow.count_and_close(pilot, probe, off_by="-20")
        from pos_tui.screens.supervisor import SupervisorScreen

        assert isinstance(app.screen, SupervisorScreen)
        await enter(pilot, "201")
        await enter(pilot, "2345")
        assert isinstance(app.screen, ReportScreen)
        assert "Approved by Sue Supervisor" in " ".join(flow.report_text(pilot).split())


async def test_receipt_preview_after_a_commit_and_from_the_sales_list(app: PosApp) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await flow.open_with_float(pilot, "100")
        await enter(pilot, "APPLE")
        await pilot.press("f5")
        await settle(pilot)
        await enter(pilot, "200")
        await pilot.press("f5")  # the empty sale after a commit: its receipt
        await settle(pilot)
        assert isinstance(app.screen, PreviewScreen)
        text = str(app.screen.query_one("#preview-text").render())
        assert "Apple 1kg" in text and "95.00" in text and "L1-000001" in text
        await pilot.press("escape")
        await pilot.press("ctrl+l")
        await settle(pilot)
        await enter(pilot, "1")
        await pilot.press("f8")
        await settle(pilot)
        assert isinstance(app.screen, PreviewScreen)
        assert "Apple 1kg" in str(app.screen.query_one("#preview-text").render())


async def _z_screen(pilot: Pilot[Any]) -> None:
    from tests.app.test_snapshots import _still

    app = pilot.app
    assert isinstance(app, PosApp)
    await flow.open_with_float(pilot, "500")
    await enter(pilot, "APPLE")
    await pilot.press("f5")
    await settle(pilot)
    await enter(pilot, "200")
    await flow.cash_moves(pilot)
    probe = open_backend(app.backend.settings, now=app.backend.now)
    try:
        await flow.count_and_close(pilot, probe)
    finally:
        probe.close()
    app.clear_notifications()  # the Z itself: toasts of the steps before it are not waited out
    await _still(pilot)


def test_z_screen_snapshot_80x24(app: PosApp, snap_compare: Any) -> None:
    assert snap_compare(app, terminal_size=(80, 24), run_before=_z_screen)


async def test_no_float_no_sale_escape_signs_out(app: PosApp, probe: Backend) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, SignInScreen)
    assert probe.shifts.open_for("L1") is None
