"""A customer's picture read from a file, refused unless it is an image the lane can draw.

The lane draws picture 1 with Pillow (``widgets/photo.py``), so a picture is checked with Pillow
before it is stored: a file named ``.png`` that is not one would otherwise be stored and then
show nothing at the lane. Only the common photo formats are opened (Pillow knows formats, such as
EPS, whose readers run other programs).
"""

from __future__ import annotations

import io
from pathlib import Path

from pos_tui.services.customers.fields import FieldError

MAX_PICTURE_BYTES = 2_000_000
# A small file can still decode to a huge bitmap; a photo for a face needs far fewer pixels.
MAX_PICTURE_PIXELS = 40_000_000
FORMATS = ("PNG", "JPEG", "GIF", "BMP", "WEBP")
READABLE = "PNG, JPEG, GIF, BMP or WebP"


def picture_type(data: bytes) -> str | None:
    """The media type of ``data`` if it is a readable image of :data:`FORMATS`, else None."""
    from PIL import Image

    try:
        with Image.open(io.BytesIO(data), formats=FORMATS) as image:
            if image.width * image.height > MAX_PICTURE_PIXELS:
                return None
            image.verify()  # the file's structure, without decoding every pixel
            kind = image.format or ""
    except Exception:  # Pillow raises many kinds (OSError, SyntaxError, ...) for a bad file
        return None
    return Image.MIME.get(kind) or f"image/{kind.lower()}"


def read_picture(slot: int, path_text: str) -> tuple[bytes, str]:
    """The bytes and media type of the picture in a file, or a FieldError on ``picture_<slot>``
    saying why not (missing, unreadable, too large, not an image)."""
    name = f"picture_{slot}"
    path = Path(path_text.strip()).expanduser()
    try:
        if path.stat().st_size > MAX_PICTURE_BYTES:
            raise FieldError(name, f"{path.name} is larger than {MAX_PICTURE_BYTES} bytes")
        data = path.read_bytes()
    except OSError as exc:
        raise FieldError(name, f"{path} cannot be read: {exc.strerror}") from None
    media_type = picture_type(data)
    if media_type is None:
        raise FieldError(name, f"{path.name} is not a readable image ({READABLE})")
    return data, media_type
