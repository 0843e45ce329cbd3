"""The lane on a disk that fills up (a real small tmpfs, as CI runs as root): the cashier reads
"disk full: the sale is kept, free space and press Enter", the sale stays as last saved, and
Enter once there is room does what failed. Signing in on a full disk says so too."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from textual.widgets import Static

from pos_tui.app import PosApp
from pos_tui.config import Settings, load_settings
from pos_tui.screens.checkout import CheckoutScreen
from pos_tui.screens.sign_in import SignInScreen
from pos_tui.screens.tender import TenderScreen
from pos_tui.services.runtime.backend import Backend
from tests.app.conftest import enter, settle, sign_in
from tests.app.helpers_lane import message, notifications, skus, view
from tests.small_disk import SmallDisk

DISK_FULL = "disk full: the sale is kept, free space and press Enter"


@pytest.fixture
def disk(tmp_path: Path) -> Iterator[SmallDisk]:
    with SmallDisk(tmp_path / "small") as small:
        assert small.real or os.geteuid() != 0  # CI (root): a real tmpfs
        yield small


@pytest.fixture
def settings(disk: SmallDisk) -> Settings:
    return load_settings(database={"path": str(disk.path / "pos.db")})


async def test_a_full_disk_keeps_the_sale_and_enter_does_what_failed(
    app: PosApp, backend: Backend, disk: SmallDisk
) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot)
        await enter(pilot, "APPLE")
        disk.fill(backend.db)
        await enter(pilot, "BAG")
        assert message(pilot) == f"! {DISK_FULL}"
        assert DISK_FULL in notifications(pilot)
        assert skus(pilot) == [("APPLE", "1")]
        await pilot.press("enter")  # still full: the same message, nothing added
        await settle(pilot)
        assert message(pilot) == f"! {DISK_FULL}" and skus(pilot) == [("APPLE", "1")]
        disk.free()
        await pilot.press("enter")
        await settle(pilot)
        assert skus(pilot) == [("APPLE", "1"), ("BAG", "1")]
        await pilot.press("enter")  # nothing failed: Enter on an empty entry does nothing
        await settle(pilot)
        assert skus(pilot) == [("APPLE", "1"), ("BAG", "1")]
        await pilot.press("f5")
        await settle(pilot)
        assert isinstance(app.screen, TenderScreen)
        disk.fill(backend.db)
        await pilot.press("enter")  # exact cash: the tender is not saved
        await settle(pilot)
        assert isinstance(app.screen, TenderScreen) and message(pilot) == f"! {DISK_FULL}"
        assert app.screen.view.tenders == ()
        disk.free()
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, CheckoutScreen) and view(pilot).empty
    sale = backend.journal.last("L1")
    assert sale is not None and str(sale.total) == "110.00"
    lines = backend.journal.children(sale.id).lines
    assert [line.sku for line in lines] == ["APPLE", "BAG"]
    assert backend.journal.verify() == (1, None)


async def test_signing_in_on_a_full_disk_says_so_and_enter_signs_in_after(
    app: PosApp, backend: Backend, disk: SmallDisk
) -> None:
    disk.fill(backend.db)
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot)
        assert isinstance(app.screen, SignInScreen)
        error = app.screen.query_one("#sign-in-error", Static)
        assert str(error.render()) == "disk full: nothing was saved, free space and press Enter"
        disk.free()
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, CheckoutScreen)
