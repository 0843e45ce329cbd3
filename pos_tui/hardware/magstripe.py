"""ISO/IEC 7813 magnetic stripe parsing: track 1 (`%B<PAN>^NAME^YYMM...?`) and track 2
(`;<PAN>=YYMM...?`) to a card number. Pure functions: no IO.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Readers send "%E?" / ";E?" (or "+E?" for track 3) when a track could not be decoded.
_READ_ERROR = re.compile(r"^[%;+]E\?$")
_TRACK1 = re.compile(r"%B(?P<pan>\d{1,19})\^(?P<name>[^^?]{0,26})\^(?P<rest>[^?]*)\?")
_TRACK2 = re.compile(r";(?P<pan>\d{1,19})=(?P<rest>[^?]*)\?")


class MagstripeError(ValueError):
    """The swipe could not be turned into a card number. `str()` is cashier-facing."""


@dataclass(frozen=True, slots=True)
class MagstripeCard:
    card_number: str
    name: str | None
    expiry_yymm: str | None
    track: int  # the track the number came from (1 or 2)


def luhn_valid(digits: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2 == 1:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def _expiry(rest: str) -> str | None:
    return rest[:4] if len(rest) >= 4 and rest[:4].isdigit() else None


def _clean_name(name: str) -> str | None:
    # "DOE/JANE" -> "JANE DOE"; track 1 pads names with spaces.
    name = name.strip()
    if not name:
        return None
    if "/" in name:
        last, _, first = name.partition("/")
        name = f"{first.strip()} {last.strip()}".strip()
    return name


def parse_swipe(raw: str, *, min_digits: int = 4, require_luhn: bool = False) -> MagstripeCard:
    """Parse one swipe (track 1 and/or track 2, any order, as one line).

    Track 2 is preferred for the number (numeric-only, the more robust encoding), track 1 gives
    the name. Raises MagstripeError with a message a cashier can act on.
    """
    text = raw.strip()
    if not text:
        raise MagstripeError("Empty swipe: swipe the card again.")
    tracks = _tracks(text)
    if tracks and all(_READ_ERROR.match(t) for t in tracks):
        raise MagstripeError("The card could not be read: swipe it again, steadily.")
    track1 = _TRACK1.search(text)
    track2 = _TRACK2.search(text)
    if track1 is None and track2 is None:
        raise MagstripeError("Not a card swipe: no readable track 1 or track 2 data.")
    if track1 and track2 and track1.group("pan") != track2.group("pan"):
        raise MagstripeError("The card's tracks disagree: swipe it again.")
    name = _clean_name(track1.group("name")) if track1 else None
    if track2 is not None:
        pan, expiry, track = track2.group("pan"), _expiry(track2.group("rest")), 2
    else:
        assert track1 is not None
        pan, expiry, track = track1.group("pan"), _expiry(track1.group("rest")), 1
    if len(pan) < min_digits:
        raise MagstripeError(f"Card number too short ({len(pan)} digits): not a loyalty card.")
    if require_luhn and not luhn_valid(pan):
        raise MagstripeError("Card number failed its check digit: swipe the card again.")
    return MagstripeCard(card_number=pan, name=name, expiry_yymm=expiry, track=track)


def _tracks(text: str) -> list[str]:
    return [t for t in re.findall(r"[%;+][^%;+]*", text) if t]
