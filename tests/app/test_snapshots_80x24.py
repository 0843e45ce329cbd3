"""The lane at 80x24 (docs/lane.md, "80x24"): the checkout with a customer showing every status
flag in colour, in 16 colours and under NO_COLOR, and the screens that had no snapshot.

Refresh with ``pytest tests/app/test_snapshots_80x24.py --snapshot-update`` and look at every
SVG in ``tests/app/__snapshots__/test_snapshots_80x24`` before committing it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator
from typing import Any

import pytest
from rich.color import ColorSystem
from rich.segment import Segment
from rich.style import Style
from textual.color import Color
from textual.filter import LineFilter
from textual.pilot import Pilot
from textual.widgets import Input

from pos_tui.app import PosApp, create_app
from pos_tui.config import load_settings
from pos_tui.screens.checkout import CheckoutScreen
from pos_tui.screens.held import HeldSalesScreen
from pos_tui.screens.help import HelpScreen
from pos_tui.screens.price_lookup import PriceLookupScreen
from pos_tui.screens.returns import ReturnScreen
from pos_tui.screens.supervisor import SupervisorScreen
from pos_tui.services.runtime.backend import Backend, open_backend
from pos_tui.widgets.customer_panel import CustomerPanel
from pos_tui.widgets.key_legend import KeyLegend
from tests.app.conftest import enter, screen_text, settle, sign_in
from tests.app.test_snapshots import _still
from tests.catalog import Store

SIZE = (80, 24)


class SixteenColours(LineFilter):
    """What a 16-colour terminal (TERM=linux) shows: every colour downgraded as Rich does when
    it writes to one. The SVG export always writes truecolor, so the downgrade is done here."""

    def apply(self, segments: list[Segment], _background: Color) -> list[Segment]:
        return [Segment(text, _sixteen(style), control) for text, style, control in segments]


def _sixteen(style: Style | None) -> Style | None:
    if style is None:
        return None
    color = style.color.downgrade(ColorSystem.STANDARD) if style.color else None
    bgcolor = style.bgcolor.downgrade(ColorSystem.STANDARD) if style.bgcolor else None
    return style + Style.from_color(color, bgcolor)


PALETTES = ["colour", "16-colours", "no-color"]


@pytest.fixture(params=PALETTES)
def palette_app(
    request: pytest.FixtureRequest, backend: Backend, store: Store, monkeypatch: pytest.MonkeyPatch
) -> PosApp:
    """The app in one palette: NO_COLOR is read when the app is built."""
    if request.param == "no-color":
        monkeypatch.setenv("NO_COLOR", "1")
    else:
        monkeypatch.delenv("NO_COLOR", raising=False)
    app = create_app(backend.settings, backend=backend, now=backend.now)
    if request.param == "16-colours":
        app._filters.append(SixteenColours())
    return app


def _flag_everything(backend: Backend, store: Store) -> None:
    """Acme Traders (an account that asks for a PO number) with every state the panel has."""
    backend.customers.update(
        store.corp,
        {
            "card_number": "4000777",
            "card_type_id": store.gold,
            "credit_hold": 1,
            "tax_exempt": 1,
            "card_expiry_date": "2026-01-31",
            "birth_date": "1980-11-24",
            "anniversary_date": "2001-11-24",
            "forced_price_level": 1,
            "price_level": 1,
            "pos_remarks": "Deliveries to the back door",
        },
    )


async def _checkout_flagged(pilot: Pilot[Any]) -> None:
    await sign_in(pilot)
    await enter(pilot, "4000777")  # the card in the item field attaches Acme
    await enter(pilot, "3*8901234567890")
    await enter(pilot, "BAG")
    await _still(pilot)


def test_checkout_every_flag_80x24(
    snap_compare: Callable[..., bool], palette_app: PosApp, backend: Backend, store: Store
) -> None:
    _flag_everything(backend, store)
    assert snap_compare(palette_app, terminal_size=SIZE, run_before=_checkout_flagged)


async def test_80x24_shows_the_whole_status_24_characters_and_every_key(
    app: PosApp, backend: Backend, store: Store
) -> None:
    """What the snapshots show, as text: nothing of the status is cut, a long item name keeps
    24 characters and more, the totals are there and so is every F-key and Ctrl key."""
    _flag_everything(backend, store)
    backend.catalog.insert(
        "items",
        {"sku": "LONG", "name": "Organic wholemeal bread 800g sliced", "regular_price": "3"},
    )
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot)
        await enter(pilot, "4000777")
        await enter(pilot, "LONG")
        screen = pilot.app.screen
        assert isinstance(screen, CheckoutScreen) and screen.has_class("-small")
        text = screen_text(pilot)
        for shown in (
            "Acme Traders",
            "Price level: 1 (forced)",
            "Points: 0",
            "Credit: CREDIT HOLD",
            "Owes: 0.00",
            "CARD EXPIRED",
            "BIRTHDAY TODAY",
            "ANNIVERSARY TODAY",
            "TAX EXEMPT",
            "PO NUMBER REQUIRED",
            "Note: Deliveries to the back door",
            "Organic wholemeal bread 800g",  # 28 characters of the name
            "TOTAL",
            "REMAINING",
        ):
            assert shown in text, text
        assert "Credit available" not in text
        panel = screen.query_one(CustomerPanel)
        assert panel.content_size.height >= len(str(panel.render()).splitlines())
        for key in ("f1", "f5 Pay", "f9 Void line", "f12 Sign out", "^f Find item", "^d No sale"):
            assert key in text, key
        for key in ("^s Shift", "^y Void sale", "^p Commands", "^q Quit"):
            assert key in text, key


async def test_the_legend_follows_the_keymap(backend: Backend, store: Store) -> None:
    b, app = _rebound(backend)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await sign_in(pilot)
            legend = str(pilot.app.screen.query_one(KeyLegend).render())
            assert "f2 Pay" in legend and "f5 Customer" in legend
            assert "f5 Pay" not in legend and "f2 Customer" not in legend
    finally:
        b.close()


def _rebound(backend: Backend) -> tuple[Backend, PosApp]:
    settings = load_settings(
        database={"path": backend.settings.database.path},
        keymap={"checkout.pay": "f2", "checkout.customer": "f5"},
    )
    b = open_backend(settings, now=backend.now)
    return b, create_app(settings, backend=b, now=backend.now)


@pytest.fixture
def rebound_app(backend: Backend, store: Store) -> Iterator[PosApp]:
    b, app = _rebound(backend)
    yield app
    b.close()


async def _rebound_checkout(pilot: Pilot[Any]) -> None:
    await sign_in(pilot)
    await enter(pilot, "BAG")
    await _still(pilot)


def test_rebound_keymap_80x24(snap_compare: Callable[..., bool], rebound_app: PosApp) -> None:
    """``checkout.pay = "f2"``, ``checkout.customer = "f5"``: the legend shows the new keys."""
    assert snap_compare(rebound_app, terminal_size=SIZE, run_before=_rebound_checkout)


# -- the screens that had no snapshot --------------------------------------------------------------


async def _quiet(pilot: Pilot[Any]) -> None:
    """The screen itself: the toasts of the steps before it (the sale committed, a sale
    held) are cleared, not waited out."""
    pilot.app.clear_notifications()
    await _still(pilot)


async def _returns(pilot: Pilot[Any]) -> None:
    await sign_in(pilot)
    await enter(pilot, "3*APPLE")
    await pilot.press("f5")
    await settle(pilot)
    await enter(pilot, "500")  # cash: sale 1 commits
    await pilot.press("ctrl+l")
    await settle(pilot)
    await enter(pilot, "1")
    await pilot.press("f7")
    await settle(pilot)
    assert isinstance(pilot.app.screen, ReturnScreen)
    await _quiet(pilot)


async def _held(pilot: Pilot[Any]) -> None:
    await sign_in(pilot)
    for label, code in (("blue jacket", "APPLE"), ("back at 5", "BAG")):
        await enter(pilot, code)
        await pilot.press("ctrl+o")
        await settle(pilot)
        await enter(pilot, label)
    await pilot.press("ctrl+g")
    await settle(pilot)
    assert isinstance(pilot.app.screen, HeldSalesScreen)
    await _quiet(pilot)


async def _supervisor(pilot: Pilot[Any]) -> None:
    await sign_in(pilot)
    await enter(pilot, "APPLE")
    await pilot.press("f6")
    await settle(pilot)
    await enter(pilot, "20%")  # over the cashier's 5 %
    assert isinstance(pilot.app.screen, SupervisorScreen)
    await _still(pilot)


async def _help(pilot: Pilot[Any]) -> None:
    await sign_in(pilot)
    await pilot.press("f1")
    await settle(pilot)
    assert isinstance(pilot.app.screen, HelpScreen)
    await _still(pilot)


async def _item_search(pilot: Pilot[Any]) -> None:
    await sign_in(pilot)
    await pilot.press("ctrl+f")
    await settle(pilot)
    assert isinstance(pilot.app.screen, PriceLookupScreen)
    await pilot.press("a")
    for _ in range(40):  # the search is debounced: wait for its rows, not a time
        await pilot.pause(0.05)
        await settle(pilot)
        if "Apple 1kg" in screen_text(pilot):
            break
    for widget in pilot.app.screen.query(Input):
        widget.cursor_blink = False
    await _still(pilot)


SCREENS: dict[str, Callable[[Pilot[Any]], Awaitable[None]]] = {
    "returns": _returns,
    "held_sales": _held,
    "supervisor_override": _supervisor,
    "f1_help": _help,
    "item_search": _item_search,
}


@pytest.mark.parametrize("name", list(SCREENS))
def test_screen_80x24(snap_compare: Callable[..., bool], app: PosApp, name: str) -> None:
    assert snap_compare(app, terminal_size=SIZE, run_before=SCREENS[name])


def test_f1_help_rebound_80x24(snap_compare: Callable[..., bool], rebound_app: PosApp) -> None:
    """F1 lists the keys as the keymap bound them."""
    assert snap_compare(rebound_app, terminal_size=SIZE, run_before=_help)
