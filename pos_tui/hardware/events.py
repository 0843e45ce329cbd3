"""Events the drivers report through their `on_event` callback.

Drivers call `on_event` from their own worker threads; the app wraps the callback with
`App.call_from_thread` / `post_message`, so these are plain immutable values with no UI import.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


def mask_card(number: str) -> str:
    """A card number as logs and notices may show it: at most the first 6 and the last 4
    characters (PCI DSS), the rest starred; a short number keeps only its last 4."""
    size = len(number)
    if size >= 13:
        return number[:6] + "*" * (size - 10) + number[-4:]
    if size > 4:
        return "*" * (size - 4) + number[-4:]
    return "*" * size


@dataclass(frozen=True, slots=True)
class CardRead:
    """A loyalty card was read; `reader` names the device it came from. Its repr (what a log
    line shows) masks the number."""

    card_number: str
    reader: str

    def __repr__(self) -> str:
        return f"CardRead(card_number={mask_card(self.card_number)!r}, reader={self.reader!r})"


@dataclass(frozen=True, slots=True)
class CardRemoved:
    reader: str


@dataclass(frozen=True, slots=True)
class CardError:
    """A card was presented but could not be turned into a card number.

    `message` is written for the cashier (what happened and what to do).
    """

    message: str
    reader: str


@dataclass(frozen=True, slots=True)
class ReaderStatus:
    """The card reader service or a reader came or went (pcscd restart, reader unplugged)."""

    message: str
    ready: bool = False


@dataclass(frozen=True, slots=True)
class Scan:
    code: str
    device: str = "scanner"


@dataclass(frozen=True, slots=True)
class Swipe:
    """A magnetic stripe swipe. `raw` is the track data (holder's name, expiry, discretionary
    data): nothing shows or logs it, and the repr masks the number and leaves `raw` out."""

    card_number: str
    raw: str
    device: str = "magstripe"

    def __repr__(self) -> str:
        return f"Swipe(card_number={mask_card(self.card_number)!r}, device={self.device!r})"


@dataclass(frozen=True, slots=True)
class DeviceStatus:
    """A line device (scanner, magstripe, pole display) went offline or came back."""

    device: str
    message: str
    online: bool


@dataclass(frozen=True, slots=True)
class LineDropped:
    """A scanner or stripe reader sent a line that was not taken (too long, not text);
    `message` is written for the cashier."""

    device: str
    message: str


DeviceEvent = (
    CardRead | CardRemoved | CardError | ReaderStatus | Scan | Swipe | DeviceStatus | LineDropped
)
EventCallback = Callable[[DeviceEvent], None]


def ignore_event(event: DeviceEvent) -> None:
    """Default callback for devices built without a listener (e.g. `pos-tui devices`)."""
    del event
