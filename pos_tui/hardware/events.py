"""Events the drivers report through their `on_event` callback.

Drivers call `on_event` from their own worker threads; the app wraps the callback with
`App.call_from_thread` / `post_message`, so these are plain immutable values with no UI import.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class CardRead:
    """A loyalty card was read; `reader` names the device it came from."""

    card_number: str
    reader: str


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
    card_number: str
    raw: str
    device: str = "magstripe"


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
