"""The customer's photo at the lane, drawn in half blocks where the panel has room."""

from __future__ import annotations

import io

from PIL import Image

from pos_tui.app import create_app
from pos_tui.services.customers.service import CustomerService
from pos_tui.services.runtime.backend import Backend
from pos_tui.widgets.customer_panel import CustomerPanel
from pos_tui.widgets.photo import photo_text
from tests.catalog import build_store


def _png(colour: tuple[int, int, int], size: tuple[int, int] = (40, 40)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, format="PNG")
    return out.getvalue()


def test_photo_text_keeps_the_colours_and_fits_the_room() -> None:
    text = photo_text(_png((255, 0, 0)), max_width=10, max_rows=5)
    assert text is not None
    lines = text.plain.split("\n")
    assert len(lines) == 5 and all(line == "▀" * 10 for line in lines)
    styles = {str(span.style) for span in text.spans}
    assert styles == {"#ff0000 on #ff0000"}
    assert photo_text(b"not an image", max_width=10, max_rows=5) is None
    assert photo_text(_png((0, 0, 0)), max_width=2, max_rows=5) is None


async def test_photo_shows_in_the_customer_panel_at_120x40(backend: Backend) -> None:
    store = build_store(backend)
    CustomerService(backend).set_picture(store.anna, 1, _png((0, 128, 255), (60, 80)))
    details = CustomerService(backend).details(store.anna)
    assert details is not None and details.photo is not None
    app = create_app(backend.settings, backend=backend)
    async with app.run_test(size=(120, 40)) as pilot:
        panel = CustomerPanel()
        await app.screen.mount(panel)
        await pilot.pause()
        panel.show(details, today=backend.now().date())
        await pilot.pause()
        shown = panel.render().plain  # type: ignore[union-attr]
        assert "Anna Smith" in shown and "▀" * 10 in shown
