"""A customer's photo drawn with half-block characters, so any colour terminal can show it.

Each character cell shows two pixels, the upper as the foreground of ``▀`` and the lower as its
background. A picture that cannot be decoded shows nothing rather than failing the lane.
:class:`PhotoView` is the same drawing as a widget that decodes off the UI thread.
"""

from __future__ import annotations

import asyncio
import io

from rich.style import Style
from rich.text import Text
from textual.widgets import Static

from pos_tui.widgets.safe import safe


def photo_text(data: bytes, *, max_width: int, max_rows: int) -> Text | None:
    """The picture scaled into ``max_width`` x ``max_rows`` cells, or None if it is not an image."""
    if max_width < 4 or max_rows < 2:
        return None
    try:
        from PIL import Image, UnidentifiedImageError

        with Image.open(io.BytesIO(data)) as image:
            # A JPEG can decode straight at a fraction of its size: a photo of megapixels is
            # drawn in a few hundred cells, so there is no need to decode it whole.
            image.draft("RGB", (max_width, max_rows * 2))
            picture = image.convert("RGB")
    except (OSError, ValueError, UnidentifiedImageError):
        return None
    # Terminal cells are about twice as tall as wide: two pixel rows per cell keeps the shape.
    picture.thumbnail((max_width, max_rows * 2))
    width, height = picture.size
    if height % 2:
        height -= 1
    if width == 0 or height == 0:
        return None
    pixels = picture.load()
    assert pixels is not None
    text = Text()
    for y in range(0, height, 2):
        for x in range(width):
            top, bottom = pixels[x, y], pixels[x, y + 1]
            text.append("▀", Style(color=_hex(top), bgcolor=_hex(bottom)))
        if y + 2 < height:
            text.append("\n")
    return text


def _hex(pixel: object) -> str:
    assert isinstance(pixel, tuple)
    red, green, blue = (int(c) for c in pixel[:3])
    return f"#{red:02x}{green:02x}{blue:02x}"


class PhotoView(Static):
    """A picture drawn by :func:`photo_text`, or a plain message in its place (no picture, or
    one that is not a readable image). Decoding runs on a worker thread: a large photo must not
    stall the keyboard."""

    DEFAULT_CSS = "PhotoView { height: auto; width: auto; }"

    def __init__(
        self,
        data: bytes | None = None,
        *,
        width: int = 24,
        rows: int = 8,
        empty: str = "No picture",
        id: str | None = None,
    ) -> None:
        super().__init__(Text(empty), id=id)
        self.data = data
        self.max_width = width
        self.max_rows = rows
        self.empty = empty
        self.drawn = False  # whether a picture (not a message) is shown

    def on_mount(self) -> None:
        self.show(self.data)

    def show(self, data: bytes | None) -> None:
        """Draw ``data`` (None: the empty message)."""
        self.data = data
        self.drawn = False
        if not data:
            self.update(Text(self.empty))
            return
        self.update(Text("Drawing the picture…"))
        self.run_worker(self._draw(data), exclusive=True, group="photo")

    def say(self, message: str) -> None:
        """A message instead of the picture."""
        self.data = None
        self.drawn = False
        self.update(safe(message))

    async def _draw(self, data: bytes) -> None:
        text = await asyncio.to_thread(
            photo_text, data, max_width=self.max_width, max_rows=self.max_rows
        )
        if data is not self.data:
            return  # another picture (or a message) replaced this one meanwhile
        self.drawn = text is not None
        self.update(text if text is not None else Text("Not a readable image", style="bold"))
