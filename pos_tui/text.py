"""Text from the database, a file, a card or a port: shown safely, and checked at entry.

One rule for every screen and CLI line (:func:`plain`): markup is never interpreted (callers
hand the result to Rich as ``Text``, or print it), and every *control character* is shown as a
visible escape instead of acting on the terminal. Multi-line views keep their line breaks.

Control characters here are the C0 set (except tab), DEL, the C1 set, the Unicode line and
paragraph separators and the bidirectional overrides and isolates (they reorder what the
terminal shows, "Trojan Source"). Lone surrogates, which is what undecodable bytes of a
command-line argument become in Python, are shown as escapes too.

The same set is refused at entry (:func:`first_control`), so new data never holds one.
"""

from __future__ import annotations

import re
import unicodedata

# U+0000-U+0008, U+000A-U+001F (tab stays), U+007F-U+009F, U+2028/U+2029, U+202A-U+202E,
# U+2066-U+2069 and surrogates U+D800-U+DFFF.
_OTHERS = "\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff"
_CONTROL = re.compile(f"[\x00-\x08\x0a-\x1f{_OTHERS}]")
_CONTROL_BUT_NEWLINE = re.compile(f"[\x00-\x08\x0b-\x1f{_OTHERS}]")

# The names people know the common ones by (the rest are shown as U+XXXX).
_NAMES = {0x00: "NUL", 0x07: "BEL", 0x08: "BS", 0x0A: "LF", 0x0D: "CR", 0x1B: "ESC", 0x7F: "DEL"}


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def plain(value: object, *, multiline: bool = False) -> str:
    """``value`` as inert text for a terminal: control characters shown as ``\\x1b``-style
    escapes. ``multiline``: line breaks (LF, CRLF) stay real line breaks."""
    text = "" if value is None else str(value)
    if multiline:
        return _CONTROL_BUT_NEWLINE.sub(_escape, text.replace("\r\n", "\n"))
    return _CONTROL.sub(_escape, text)


def first_control(text: str, *, newlines: bool = False) -> str | None:
    """The first control character of ``text`` (None if it has none); ``newlines`` allows
    LF (a multi-line field; turn CRLF into LF first)."""
    found = (_CONTROL_BUT_NEWLINE if newlines else _CONTROL).search(text)
    return None if found is None else found.group()


def describe_control(char: str) -> str:
    """``U+001B (ESC)``: how a message names a control character."""
    code = ord(char)
    name = _NAMES.get(code) or unicodedata.name(char, "")
    return f"U+{code:04X} ({name})" if name else f"U+{code:04X}"


def fold_email(text: str) -> str:
    """An e-mail address in the one form it is stored, compared and found by: compatibility
    forms unified (NFKC: a full-width ＠ is @) and case folded (É is é, ß is ss), trimmed."""
    return unicodedata.normalize("NFKC", text).casefold().strip()
