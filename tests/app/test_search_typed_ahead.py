"""Keys typed right after F2, F3 or Ctrl+F reach the search that opens, in order."""

from __future__ import annotations

import pytest
from textual.widgets import Input

from pos_tui.app import PosApp
from pos_tui.screens.customer_search import CustomerSearchScreen
from pos_tui.screens.price_lookup import PriceLookupScreen
from tests.app.conftest import settle, sign_in, until_shown
from tests.app.helpers_lane import burst


@pytest.mark.parametrize(
    ("key", "screen", "typed", "shown"),
    [
        ("f2", CustomerSearchScreen, "anna", "Anna"),
        ("f3", PriceLookupScreen, "apple", "Apple"),
        ("ctrl+f", PriceLookupScreen, "apple", "Apple"),
    ],
)
async def test_a_burst_after_the_key_that_opens_a_search_lands_in_its_field(
    app: PosApp, key: str, screen: type, typed: str, shown: str
) -> None:
    async with app.run_test(size=(100, 30)) as pilot:
        await sign_in(pilot)
        # A fast typist (or a wedge) does not wait for the search to open.
        burst(app, key, *typed)
        await settle(pilot)
        assert isinstance(app.screen, screen)
        field = app.screen.query(Input).first()
        assert field.value == typed
        await until_shown(pilot, shown)
