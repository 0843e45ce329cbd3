"""Bounds on the numbers, texts and dates the engine takes from outside (a JSON scenario, a back
office form): wide enough for any real shop, narrow enough that no computation on them overflows
``decimal``'s 28 digits, runs out of memory printing ``1e-99999999``, or leaves the calendar.

``docs/quote.md`` documents them; the back office keeps the same amount bounds.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

from pos_tui.engine.errors import Refused
from pos_tui.engine.money import to_decimal

#: Largest amount, price, rate or points value (either sign): 10^9.
MAX_AMOUNT = Decimal(10) ** 9
#: Most decimal places of an amount, rate, points value or quantity.
MAX_PLACES = 4
#: Largest quantity of a line (the lane's limit: a bigger one is a slip at the scanner).
MAX_QUANTITY = Decimal(9999)
#: Largest whole number (ids, days, line numbers), either sign.
MAX_INTEGER = 10**9
#: Longest text (a name, a code, a reason).
MAX_TEXT = 500
#: Earliest and latest date or moment.
FIRST_DATE = dt.date(1800, 1, 1)
LAST_DATE = dt.date(2999, 12, 31)

# Plain decimal notation only: digits with an optional sign and fraction, no exponent.
_PLAIN = re.compile(r"^[+-]?[0-9]+(\.[0-9]+)?$")


class OutOfBounds(Refused, ValueError):
    """A value outside its bounds; the message says which bound, for the caller's path."""


def bounded_decimal(text: str) -> Decimal:
    """A decimal written plainly (``"12.50"``, ``"-3"``), within the amount bounds."""
    stripped = text.strip()
    if not _PLAIN.match(stripped):
        if re.match(r"^[+-]?[0-9.]+[eE]", stripped):
            raise OutOfBounds("write the number in plain digits, without an exponent")
        raise OutOfBounds(f"{short(text)} is not a decimal number")
    whole, _, fraction = stripped.lstrip("+-").partition(".")
    if len(fraction) > MAX_PLACES:
        raise OutOfBounds(f"at most {MAX_PLACES} decimal places")
    if len(whole.lstrip("0")) > 10:  # before Decimal() for a string of a million digits
        raise OutOfBounds(f"must be between -{MAX_AMOUNT} and {MAX_AMOUNT}")
    return bounded_amount(to_decimal(stripped))


def bounded_amount(value: Decimal | int) -> Decimal:
    """An exact number within the amount bounds (at most 10^9 either way, 4 places)."""
    if isinstance(value, int) and abs(value) > MAX_AMOUNT:
        raise OutOfBounds(f"must be between -{MAX_AMOUNT} and {MAX_AMOUNT}")
    number = Decimal(value)
    if not number.is_finite() or number.copy_abs() > MAX_AMOUNT:
        raise OutOfBounds(f"must be between -{MAX_AMOUNT} and {MAX_AMOUNT}")
    if number.as_tuple().exponent < -MAX_PLACES:  # type: ignore[operator]  # finite here
        raise OutOfBounds(f"at most {MAX_PLACES} decimal places")
    return number


def bounded_integer(value: int) -> int:
    """A whole number within +/- 10^9."""
    if abs(value) > MAX_INTEGER:
        raise OutOfBounds(f"must be between -{MAX_INTEGER} and {MAX_INTEGER}")
    return value


def bounded_quantity(value: Decimal) -> Decimal:
    """A line quantity: above 0, at most 9999."""
    if not 0 < value <= MAX_QUANTITY:
        raise OutOfBounds(f"must be above 0 and at most {MAX_QUANTITY}")
    return value


def bounded_text(value: str) -> str:
    """Text of at most 500 characters that can be written out as UTF-8 (no lone surrogate)."""
    if len(value) > MAX_TEXT:
        raise OutOfBounds(f"text longer than {MAX_TEXT} characters")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise OutOfBounds("text with an unpaired surrogate (\\ud800-\\udfff)") from None
    return value


def bounded_date(value: dt.date) -> dt.date:
    """A date (or the date of a moment) between 1800-01-01 and 2999-12-31."""
    day = value.date() if isinstance(value, dt.datetime) else value
    if not FIRST_DATE <= day <= LAST_DATE:
        raise OutOfBounds(f"must be between {FIRST_DATE} and {LAST_DATE}")
    return value


def short(text: str, limit: int = 24) -> str:
    """``text`` quoted, cut to ``limit`` characters (a message stays one short line)."""
    return repr(text if len(text) <= limit else text[:limit] + "...")
