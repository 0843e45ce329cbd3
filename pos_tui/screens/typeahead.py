"""Keys typed ahead stay in order across a screen change.

Textual routes a key to whatever has the focus the moment the key arrives. A prompt opened by a
key is pushed at once, but its fields are composed and focused a little later: keys that come
in between (a cashier typing ahead, a keypad or scanner burst) would reach the new screen
itself, where no field takes them, or land in a field out of order. A :class:`HoldsTypedAhead`
screen asks the app to hold every key from the moment it is pushed until its first field has
the focus, then has them delivered, in order, as if they had just been typed.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from textual import events
from textual.message_pump import MessagePump

# A widget removed while we wait for it never answers: give up after this long.
_DRAIN_TIMEOUT_S = 2.0


class HoldsTypedAhead:
    """Mixin for a screen: keys wait for it until :meth:`release_typed_ahead`."""

    _typed_ahead: list[events.Key] | None = None  # None: not holding (any more)

    def start_holding(self) -> None:
        """Call in ``__init__``: the keys typed from the push on wait for this screen."""
        self._typed_ahead = []

    def hold_key(self, event: events.Key) -> bool:
        """The app offers every key while this screen is on top: True if held."""
        if self._typed_ahead is None:
            return False
        self._typed_ahead.append(event)
        return True

    async def release_typed_ahead(self, deliver: Callable[[events.Key], Awaitable[None]]) -> None:
        """Deliver the held keys in order (with ``deliver``, the app's own routing), then stop
        holding. Keys that arrive while this runs join the end of the queue."""
        held = self._typed_ahead
        while held:
            await deliver(held.pop(0))
        self._typed_ahead = None


def idle(*pumps: MessagePump) -> bool:
    """No message waits for any of these widgets: their values are what was typed."""
    return all(pump.message_queue_size == 0 for pump in pumps)


async def drained(*pumps: MessagePump) -> None:
    """Wait until each widget has handled every message already sent to it (the keys typed
    into it), so its value is what was typed. At once when none has a message waiting: a
    ``call_later`` would wait for the widget's next idle, after a refresh (~20 ms)."""
    if idle(*pumps):
        return
    loop = asyncio.get_running_loop()
    waits: list[asyncio.Future[None]] = []
    for pump in pumps:
        done: asyncio.Future[None] = loop.create_future()
        if pump.call_later(lambda done=done: done.done() or done.set_result(None)):
            waits.append(done)
    if waits:
        await asyncio.wait(waits, timeout=_DRAIN_TIMEOUT_S)
