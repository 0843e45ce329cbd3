"""A customer's photo drawn with half-block characters, so any colour terminal can show it.

Each character cell shows two pixels, the upper as the foreground of ``▀`` and the lower as its
background. A picture that cannot be decoded shows nothing rather than failing the lane.
"""

from __future__ import annotations

import io

from rich.style import Style
from rich.text import Text


def photo_text(data: bytes, *, max_width: int, max_rows: int) -> Text | None:
    """The picture scaled into ``max_width`` x ``max_rows`` cells, or None if it is not an image."""
    if max_width < 4 or max_rows < 2:
        return None
    try:
        from PIL import Image, UnidentifiedImageError

        with Image.open(io.BytesIO(data)) as image:
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
