"""The lane never exits on an error (issue 12): a fault injected into the service call of each
worker entry point, and into a key's handler, is logged, said in one line, and the lane carries
on with the sale it had (docs/reliability.md, "One error policy")."""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.worker import WorkerFailed

from pos_tui.app import PosApp
from pos_tui.screens.backoffice.import_export import ImportExportScreen
from pos_tui.screens.checkout import CheckoutScreen
from pos_tui.screens.sign_in import SignInScreen
from pos_tui.services.runtime.backend import Backend
from pos_tui.widgets.backoffice.fields import rows_by_name
from tests.app.conftest import enter, settle, sign_in
from tests.app.helpers_lane import notifications, skus
from tests.backoffice.conftest import open_back_office

FAULT = "injected fault"
SAID = f"Unexpected error (RuntimeError: {FAULT})"

Drive = Callable[[Pilot[None]], Awaitable[None]]


class Faults:
    """Makes the service calls whose qualified name ends with one of ``names`` raise on the
    database thread, as a bug in the service would."""

    def __init__(self, app: PosApp) -> None:
        self.names: set[str] = set()
        self.hits: list[str] = []
        real = app.call_service

        async def call(fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Any:
            name = getattr(fn, "__qualname__", repr(fn))
            if any(name.endswith(n) for n in self.names):
                self.hits.append(name)

                def failing(*_a: Any, **_k: Any) -> Any:
                    raise RuntimeError(FAULT)

                return await real(failing, *args, **kwargs)
            return await real(fn, *args, **kwargs)

        app.call_service = call  # type: ignore[method-assign]


def _saved_lines(backend: Backend) -> int:
    rows = backend.open_sales.for_lane("L1", "in_progress")
    return sum(len(json.loads(r.state)["lines"]) for r in rows)


async def _settle(pilot: Pilot[None]) -> None:
    """``settle``, for a worker that fails on purpose: waiting for it re-raises its error."""
    for _ in range(5):
        try:
            await settle(pilot)
            return
        except WorkerFailed:
            continue


async def _keys(pilot: Pilot[None], *keys: str) -> None:
    await pilot.press(*keys)
    await _settle(pilot)


async def _enter(pilot: Pilot[None], text: str) -> None:
    await _keys(pilot, *text, "enter")


async def _f2_search(pilot: Pilot[None]) -> None:
    await _keys(pilot, "f2")
    await _enter(pilot, "Anna")


async def _enrol(pilot: Pilot[None]) -> None:
    await _keys(pilot, "ctrl+n", *"Zed", "tab", *"Zulu", "tab", *"9000000001", "enter")


async def _supervisor(pilot: Pilot[None]) -> None:
    await _keys(pilot, "f7")
    await _enter(pilot, "1")  # a price far under the cashier's limit asks a supervisor
    await _keys(pilot, *"201", "enter", *"2345", "enter")


async def _pay_cash(pilot: Pilot[None]) -> None:
    await _keys(pilot, "f5")
    await _enter(pilot, "500")


# (what the cashier does, the service call that fails in it)
ENTRY_POINTS: dict[str, tuple[Drive, str]] = {
    "scan": (lambda p: _enter(p, "APPLE"), "apply"),
    "customer search": (_f2_search, "CustomerLookup.find"),
    "price lookup": (lambda p: _keys(p, "f3", *"APP"), "quote_items"),
    "enrol": (_enrol, "CustomerService.create"),
    "supervisor PIN": (_supervisor, "AuthService.authorize"),
    "reprint": (lambda p: _keys(p, "ctrl+r"), "last_sale_id"),
    "sales list": (lambda p: _keys(p, "ctrl+l"), "recent_sales"),
    "commit": (_pay_cash, "Checkout.commit"),
}


@pytest.mark.parametrize("entry", sorted(ENTRY_POINTS))
async def test_a_fault_in_a_worker_keeps_the_lane_and_the_sale(
    app: PosApp, backend: Backend, entry: str, caplog: pytest.LogCaptureFixture
) -> None:
    drive, target = ENTRY_POINTS[entry]
    faults = Faults(app)
    caplog.set_level(logging.ERROR, logger="pos_tui.errors")
    async with app.run_test(size=(100, 30)) as pilot:
        await sign_in(pilot)
        await enter(pilot, "APPLE")
        assert skus(pilot) == [("APPLE", "1")]
        faults.names.add(target)
        await drive(pilot)
        await _settle(pilot)
        assert faults.hits, f"{entry}: the fault was never reached"
        assert app.is_running and app.return_code is None
        assert any(SAID in n for n in notifications(pilot)), notifications(pilot)
        assert "Traceback" in caplog.text and FAULT in caplog.text
        # The sale is intact and the lane carries on: back to the sale, one more scan sells.
        faults.names.clear()
        while not isinstance(app.screen, CheckoutScreen):
            await _keys(pilot, "escape")
        assert skus(pilot)[0] == ("APPLE", "1")
        await enter(pilot, "BAG")
        assert skus(pilot)[-1] == ("BAG", "1")
        assert _saved_lines(backend) == len(skus(pilot))


async def test_a_fault_at_sign_in_keeps_the_sign_in_screen(
    app: PosApp, caplog: pytest.LogCaptureFixture
) -> None:
    faults = Faults(app)
    faults.names.add("AuthService.sign_in")
    caplog.set_level(logging.ERROR, logger="pos_tui.errors")
    async with app.run_test(size=(100, 30)) as pilot:
        await sign_in(pilot)
        assert faults.hits and app.is_running
        assert isinstance(app.screen, SignInScreen)
        assert any(SAID in n for n in notifications(pilot))
        assert "1234" not in caplog.text, "the PIN typed never reaches the log"
        faults.names.clear()
        await _keys(pilot, "enter")  # what was typed is still there: Enter again signs in
        assert isinstance(app.screen, CheckoutScreen)


async def test_a_fault_listing_held_sales_keeps_the_held_sale(app: PosApp) -> None:
    faults = Faults(app)
    async with app.run_test(size=(100, 30)) as pilot:
        await sign_in(pilot)
        await enter(pilot, "APPLE")
        await _keys(pilot, "ctrl+o")
        await _enter(pilot, "later")
        assert skus(pilot) == []
        faults.names.add("held_sales")
        await _keys(pilot, "ctrl+g")
        assert faults.hits and app.is_running
        assert any(SAID in n for n in notifications(pilot))
        faults.names.clear()
        while not isinstance(app.screen, CheckoutScreen):
            await _keys(pilot, "escape")
        await _keys(pilot, "ctrl+g")  # the list again, now working: the held sale is there
        await _keys(pilot, "enter")
        assert skus(pilot) == [("APPLE", "1")]


async def test_a_fault_in_a_key_handler_keeps_the_lane(
    app: PosApp, backend: Backend, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(self: CheckoutScreen) -> None:
        raise RuntimeError(FAULT)

    async with app.run_test(size=(100, 30)) as pilot:
        await sign_in(pilot)
        await enter(pilot, "APPLE")
        monkeypatch.setattr(CheckoutScreen, "action_lock", broken)
        await _keys(pilot, "f10")
        assert app.is_running and app.return_code is None
        assert any(SAID in n for n in notifications(pilot))
        monkeypatch.undo()
        await enter(pilot, "BAG")  # the screen's message loop still runs
        assert skus(pilot) == [("APPLE", "1"), ("BAG", "1")]
        assert _saved_lines(backend) == 2


async def test_a_fault_in_a_csv_import_keeps_the_back_office(
    app: PosApp, backend: Backend, tmp_path: Path
) -> None:
    incoming = tmp_path / "new.csv"
    incoming.write_text("first_name,last_name,mobile\nNia,North,9000000001\n", encoding="utf-8")
    faults = Faults(app)
    faults.names.add("CustomerImporter.run")
    async with app.run_test(size=(100, 30)) as pilot:
        await open_back_office(pilot, ImportExportScreen())
        rows_by_name(app.screen)["import_path"].value = str(incoming)
        await _keys(pilot, "f7")
        assert faults.hits and app.is_running
        assert isinstance(app.screen, ImportExportScreen)
        assert any(SAID in n for n in notifications(pilot))
        faults.names.clear()
        await _keys(pilot, "f7")  # the same import, now working
        assert backend.customers.by_mobile("+919000000001") is not None  # stored in E.164
