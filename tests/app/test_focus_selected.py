"""A field focused with its text selected keeps the first key typed before the next refresh."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.widgets import Input

from pos_tui.screens.dialogs import focus_selected


class _OneField(App[None]):
    def compose(self) -> ComposeResult:
        yield Input(id="amount", select_on_focus=True)


async def test_a_key_typed_before_the_refresh_is_not_selected_and_replaced() -> None:
    # Seen in the real terminal on a loaded machine: "500" typed as the pay screen opened
    # became "00" (the late select-all took the "5" and the next key replaced it).
    app = _OneField()
    async with app.run_test() as pilot:
        field = app.query_one(Input)
        focus_selected(field)
        field.insert_text_at_cursor("5")  # the first key, before the refresh
        await pilot.pause()
        await pilot.press("0", "0")
        assert field.value == "500"


async def test_a_suggested_value_is_still_replaced_by_the_first_key() -> None:
    app = _OneField()
    async with app.run_test() as pilot:
        field = app.query_one(Input)
        field.value = "215.00"
        focus_selected(field)
        await pilot.pause()
        await pilot.press("5", "0", "0")
        assert field.value == "500"
