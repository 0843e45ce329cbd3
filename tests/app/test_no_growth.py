"""No growth: searches and back-office forms opened and closed many times leave nothing alive.

Counted with the garbage collector, never with time or RSS: after the screens are closed, no
object of theirs (the screen, any widget that was on it, their render caches) is still
reachable. The lane is driven with keys; waits poll with ``asyncio.sleep``, not
``Pilot.pause``, whose cancelled 30 s timeouts stay in the event loop holding the screen stack
of their moment (a harness effect, not the app's: docs/bench.md, "No growth").
"""

from __future__ import annotations

import asyncio
import gc
import time
from collections.abc import Callable
from typing import Any

from textual import events
from textual._styles_cache import StylesCache
from textual.widget import Widget

from pos_tui.app import PosApp
from pos_tui.screens.backoffice.customer_form import CustomerFormScreen
from pos_tui.screens.backoffice.customer_list import CustomerListScreen
from pos_tui.screens.backoffice.menu import BackOfficeScreen
from pos_tui.screens.checkout import CheckoutScreen
from pos_tui.screens.customer_search import CustomerSearchScreen
from tests.catalog import Store
from tests.helpers import HANG_SECONDS

CLOSED_SCREENS = (CustomerSearchScreen, CustomerListScreen, CustomerFormScreen)


async def _until(condition: Callable[[], bool]) -> None:
    deadline = time.monotonic() + HANG_SECONDS
    while not condition():
        assert time.monotonic() < deadline, "the lane did not get there"
        await asyncio.sleep(0.005)


def _keys(app: PosApp, *keys: str) -> None:
    for key in keys:
        app.post_message(
            events.Key(key, key if len(key) == 1 else "\r" if key == "enter" else None)
        )


def _alive() -> tuple[int, int, int]:
    """(screens of the closed kinds, widgets off the screen stack, render caches beyond one per
    widget) still reachable. Widgets off the stack are compared with the count after the first
    round: the sign-in screen's widgets outlive the sign-in (docs/bench.md), once, not per
    search or form."""
    gc.collect()
    objects = gc.get_objects()
    screens = sum(isinstance(o, CLOSED_SCREENS) for o in objects)
    widgets = [o for o in objects if isinstance(o, Widget)]
    detached = sum(not w.is_attached for w in widgets)
    caches = sum(isinstance(o, StylesCache) for o in objects)
    return screens, detached, max(0, caches - len(widgets))


async def _settled_alive(app: PosApp, most: int | None = None) -> tuple[int, int, int]:
    """What stays alive once the closed screens' removal has run (it finishes a little after
    the pop): waits until no closed screen is left and, given ``most``, until no more than
    ``most`` widgets are off the stack; only a hang gives up."""
    await app.workers.wait_for_complete()
    deadline = time.monotonic() + HANG_SECONDS
    while time.monotonic() < deadline:
        found = _alive()
        if found[0] == 0 and (most is None or found[1] <= most):
            break
        await asyncio.sleep(0.02)
    if most is None:  # the first round: its last widgets may still be on their way out
        for _ in range(5):
            await asyncio.sleep(0.02)
            again = _alive()
            found = min(found, again, key=lambda f: f[1])
    return found


async def _sign_in(app: PosApp) -> None:
    _keys(app, *"201", "enter", *"2345", "enter")
    await _until(lambda: isinstance(app.screen, CheckoutScreen))
    await app.workers.wait_for_complete()


async def _search(app: PosApp, text: str) -> None:
    _keys(app, "f2")
    await _until(lambda: getattr(app.focused, "id", None) == "customer-query")
    _keys(app, *text)
    await _until(
        lambda: isinstance(app.screen, CustomerSearchScreen) and app.screen._results_for == text
    )
    _keys(app, "escape")
    await _until(lambda: isinstance(app.screen, CheckoutScreen))


async def _form(app: PosApp) -> None:
    _keys(app, "1")
    await _until(
        lambda: (
            isinstance(app.screen, CustomerListScreen)
            and app.screen.page is not None
            and app.screen.selected_id() is not None
        )
    )
    listing: Any = app.screen
    _keys(app, "enter")
    await _until(lambda: isinstance(app.screen, CustomerFormScreen) and bool(app.screen._loaded))
    _keys(app, "escape")
    await _until(lambda: app.screen is listing)
    await app.workers.wait_for_complete()
    _keys(app, "escape")
    await _until(lambda: isinstance(app.screen, BackOfficeScreen))


async def test_searches_leave_no_screen_alive(app: PosApp, store: Store) -> None:
    async with app.run_test(size=(100, 30)):
        await _sign_in(app)
        texts = ["an", "bo", "ann", "xyz", "b"]
        for text in texts:
            await _search(app, text)
        screens, detached, caches = await _settled_alive(app)
        assert screens == 0 and caches == 0
        for n in range(20):
            await _search(app, texts[n % len(texts)])
        screens, after, caches = await _settled_alive(app, detached)
        assert (screens, caches) == (0, 0) and after <= detached, "screens, widgets kept alive"


async def test_back_office_forms_leave_no_screen_alive(app: PosApp, store: Store) -> None:
    async with app.run_test(size=(100, 30)):
        await _sign_in(app)
        _keys(app, "f11")
        await _until(lambda: isinstance(app.screen, BackOfficeScreen))
        await _form(app)
        screens, detached, caches = await _settled_alive(app)
        assert screens == 0 and caches == 0
        for _ in range(8):
            await _form(app)
        # Back at the lane: the hidden checkout's footer has redrawn the keys it queued while
        # the back office was on top (old FooterKeys wait in its queue until it shows).
        _keys(app, "escape")
        await _until(lambda: isinstance(app.screen, CheckoutScreen))
        screens, after, caches = await _settled_alive(app, detached)
        assert (screens, caches) == (0, 0) and after <= detached, "screens, widgets kept alive"
