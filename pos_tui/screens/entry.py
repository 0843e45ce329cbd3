"""What the cashier types, parsed: ``3*APPLE`` quantities and ``10%`` or ``10.00`` discounts."""

from __future__ import annotations

import re

_QTY_PREFIX = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*\*\s*(\S.*?)\s*$")
_NUMBER = re.compile(r"^\s*\d+(?:\.\d+)?\s*$")


def parse_entry(text: str, pending_quantity: str | None = None) -> tuple[str, str]:
    """``"3*8901234567890"`` → ``("3", "8901234567890")``; a plain code takes the pending
    quantity (from the quantity key) or 1."""
    match = _QTY_PREFIX.match(text)
    if match:
        return match.group(1), match.group(2)
    return pending_quantity or "1", text.strip()


def is_number(text: str) -> bool:
    return bool(_NUMBER.match(text))


def parse_discount(text: str) -> tuple[str | None, str | None]:
    """``"10%"`` → percent 10; ``"10"`` or ``"10.00"`` → amount 10. Returns (percent, amount)."""
    text = text.strip().replace(" ", "")
    if text.endswith("%"):
        return text[:-1], None
    return None, text
