"""Turning arbitrary text (product names, customer names) into bytes a device can show.

Data must never become device commands: every control character (C0, DEL, C1) is replaced by a
space before encoding, and characters the device's code page lacks get a readable ASCII fallback
instead of the printer's replacement mark or mojibake.
"""

from __future__ import annotations

import unicodedata

# Characters with no code-page glyph on common receipt printers/pole displays, spelled out so the
# meaning survives (a "?" in a price is worse than "Rs.").
READABLE_FALLBACKS: dict[str, str] = {
    "₹": "Rs.",
    "€": "EUR",
    "£": "GBP",
    "¥": "JPY",
    "₩": "KRW",
    "₽": "RUB",
    "₺": "TRY",
    "₪": "ILS",
    "₫": "VND",
    "₱": "PHP",
    "₦": "NGN",
    "¢": "c",
    "‘": "'",
    "’": "'",
    "‚": ",",
    "“": '"',
    "”": '"',
    "„": '"',
    "–": "-",
    "—": "-",
    "−": "-",
    "…": "...",
    "•": "*",
    "·": ".",
    "×": "x",
    "÷": "/",
    "™": "TM",
    "©": "(C)",
    "®": "(R)",
    "½": "1/2",
    "¼": "1/4",
    "¾": "3/4",
    "ß": "ss",
    "Æ": "AE",
    "æ": "ae",
    "Œ": "OE",
    "œ": "oe",
    "Ø": "O",
    "ø": "o",
    "Ł": "L",
    "ł": "l",
    "Đ": "D",
    "đ": "d",
    "\u00a0": " ",  # no-break space
    "\u200b": "",  # zero-width space
    "\ufeff": "",  # byte order mark
}


def is_control(char: str) -> bool:
    """C0 controls, DEL and the C1 range: the bytes ESC/POS and VFD command sets are built from."""
    code = ord(char)
    return code < 0x20 or 0x7F <= code <= 0x9F


def strip_controls(text: str) -> str:
    """Replace control characters (including tabs and newlines) with spaces.

    Also drops Unicode format characters (Cf: zero-width joiners, bidi overrides) which have no
    glyph and would only shift columns.
    """
    out: list[str] = []
    for char in text:
        if is_control(char):
            out.append(" ")
        elif unicodedata.category(char) == "Cf" and char not in READABLE_FALLBACKS:
            continue
        else:
            out.append(char)
    return "".join(out)


def _encodable(char: str, codec: str) -> bool:
    try:
        char.encode(codec)
    except UnicodeEncodeError:
        return False
    return True


def _fallback(char: str, codec: str) -> str:
    mapped = READABLE_FALLBACKS.get(char)
    if mapped is not None and all(_encodable(c, codec) for c in mapped):
        return mapped
    # Accented letters outside the code page: keep the base letter ("ő" -> "o").
    decomposed = unicodedata.normalize("NFKD", char)
    base = "".join(c for c in decomposed if not unicodedata.combining(c))
    if base and base != char and all(_encodable(c, codec) and not is_control(c) for c in base):
        return base
    return "?"


def to_code_page_text(text: str, codec: str) -> str:
    """Return `text` made of characters that `codec` encodes, with no control characters.

    `codec` is a Python codec name ("cp437", "cp858"). The result encodes losslessly, so a
    printer library that encodes it again cannot substitute anything.
    """
    cleaned = strip_controls(unicodedata.normalize("NFC", text))
    return "".join(c if _encodable(c, codec) else _fallback(c, codec) for c in cleaned)


def encode_for_device(text: str, codec: str) -> bytes:
    """Bytes for a device whose character table is `codec`; never contains a control byte."""
    return to_code_page_text(text, codec).encode(codec)


def fit(text: str, width: int, align: str = "left") -> str:
    """Cut or pad `text` to exactly `width` columns (one column per character here)."""
    text = text[:width]
    if align == "right":
        return text.rjust(width)
    if align == "center":
        return text.center(width)
    return text.ljust(width)
