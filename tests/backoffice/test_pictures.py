"""The customer form's Pictures tab: a picture loaded from a file is drawn with the lane's photo
widget before it is saved, a saved one is drawn when the form opens, a file that is not a
readable image is refused next to its field, and a picture can be removed."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from PIL import Image
from textual.pilot import Pilot
from textual.widgets import Static, TabbedContent

from pos_tui.app import PosApp
from pos_tui.screens.backoffice.customer_form import CustomerFormScreen
from pos_tui.services.customers.service import CustomerService
from pos_tui.services.runtime.backend import Backend
from pos_tui.widgets.photo import PhotoView
from tests.backoffice.conftest import open_back_office, screen_text, settle
from tests.catalog import Store


def png(colour: tuple[int, int, int] = (200, 30, 30), size: tuple[int, int] = (40, 60)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, format="PNG")
    return out.getvalue()


async def pictures_tab(pilot: Pilot[Any], customer_id: int) -> CustomerFormScreen:
    await open_back_office(pilot, CustomerFormScreen(customer_id))
    screen = pilot.app.screen
    assert isinstance(screen, CustomerFormScreen)
    screen.query_one("#form-tabs", TabbedContent).active = "tab-pictures"
    await settle(pilot)
    return screen


def photo(screen: CustomerFormScreen, slot: int) -> PhotoView:
    return screen.query_one(f"#photo-{slot}", PhotoView)


async def load(pilot: Pilot[Any], screen: CustomerFormScreen, slot: int, path: Path) -> None:
    """Type the file's path into the slot's field and press Enter, as a manager would."""
    row = await screen.field(f"picture_{slot}")
    row.value = str(path)
    row.focus_editor()
    await pilot.press("enter")
    await settle(pilot)


async def test_a_loaded_picture_is_drawn_then_saved_and_drawn_again(
    app: PosApp, backend: Backend, store: Store, tmp_path: Path
) -> None:
    path = tmp_path / "bob.png"
    path.write_bytes(png())
    async with app.run_test(size=(100, 40)) as pilot:
        screen = await pictures_tab(pilot, store.bob)
        assert not photo(screen, 1).drawn and "No picture" in screen_text(pilot)
        await load(pilot, screen, 1, path)
        assert photo(screen, 1).drawn, screen_text(pilot)
        assert "▀" in screen_text(pilot), "drawn in half blocks"
        note = screen.query_one("#picture-1-note", Static)
        assert "image/png" in str(note.render()) and "Ctrl+S" in str(note.render())
        assert screen.is_dirty()
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "Saved Bob Jones" in screen_text(pilot)
        assert photo(screen, 1).drawn, "the saved picture is drawn after the form reloads"
    stored = backend.customers.picture(store.bob, 1)
    assert stored is not None and stored.media_type == "image/png"
    assert bytes(stored.data) == path.read_bytes()


async def test_a_file_that_is_not_an_image_is_refused_next_to_its_field(
    app: PosApp, backend: Backend, store: Store, tmp_path: Path
) -> None:
    fake = tmp_path / "holiday.png"
    fake.write_bytes(b"this is text, not a PNG")
    async with app.run_test(size=(100, 40)) as pilot:
        screen = await pictures_tab(pilot, store.bob)
        await load(pilot, screen, 2, fake)
        row = screen.rows()["picture_2"]
        assert "holiday.png is not a readable image (PNG, JPEG, GIF, BMP or WebP)" in row.error
        assert "not a readable image" in screen_text(pilot)
        assert not photo(screen, 2).drawn
        await load(pilot, screen, 2, tmp_path / "missing.jpg")
        assert "cannot be read: No such file or directory" in row.error
        # Saving without Enter: the service checks the file the same way.
        row.value = str(fake)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "not a readable image" in screen.rows()["picture_2"].error
    assert backend.customers.picture(store.bob, 2) is None


async def test_a_saved_picture_shows_when_the_form_opens_and_can_be_removed(
    app: PosApp, backend: Backend, store: Store
) -> None:
    CustomerService(backend).set_picture(store.anna, 1, png((0, 128, 255)))
    async with app.run_test(size=(100, 40)) as pilot:
        screen = await pictures_tab(pilot, store.anna)
        assert photo(screen, 1).drawn and not photo(screen, 2).drawn
        assert "Picture 1: image/png, " in screen_text(pilot)
        remove = await screen.field("picture_1_remove")
        remove.focus_editor()
        await pilot.press("space")
        await settle(pilot)
        assert not photo(screen, 1).drawn
        assert "removed when the form is saved" in screen_text(pilot)
        await pilot.press("space")  # changed my mind: the picture is back
        await settle(pilot)
        assert photo(screen, 1).drawn
        await pilot.press("space", "ctrl+s")
        await settle(pilot)
        assert "Saved Anna Smith" in screen_text(pilot)
        assert not photo(screen, 1).drawn and "Picture 1: none" in screen_text(pilot)
    assert backend.customers.picture(store.anna, 1) is None
