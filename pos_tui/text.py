"""Text from the database made safe to show: never markup, never terminal control."""

from __future__ import annotations

import re

# C0 and C1 controls and DEL, except tab; an escape byte could drive the terminal.
_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f-\x9f]")


def plain(value: object) -> str:
    """Data as inert text for a terminal: control characters shown as visible escapes."""
    text = "" if value is None else str(value)
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)
