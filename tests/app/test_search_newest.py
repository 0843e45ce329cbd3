"""Search as you type without a fixed delay: every key queries at once, only the newest shows.

docs/lane.md "Search as you type": each key starts its query at once in an exclusive worker
(a newer key cancels the older query, before it reaches the database thread if it is still
queued) and a generation counter drops an older answer that arrives late. These tests type
sequences fast and record every answer the screen shows: never an older query's after a newer
one's, and the last one shown is the last one typed. Seams order the queries (an older one
held on the database thread, or its answer held back after it came); the rest run through the
real services.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any

from textual.pilot import Pilot
from textual.widgets import DataTable, Input

from pos_tui.app import PosApp
from pos_tui.screens.backoffice.customer_list import CustomerListScreen as BackOfficeList
from pos_tui.screens.customer_search import CustomerSearchScreen
from pos_tui.screens.price_lookup import PriceLookupScreen
from pos_tui.services.runtime.backend import Backend
from pos_tui.widgets.newest import Newest
from tests.app.conftest import settle, sign_in
from tests.backoffice.conftest import open_back_office
from tests.catalog import Store
from tests.helpers import HANG_SECONDS


def record_shown(screen: Any, text_of: Callable[..., str]) -> list[str]:
    """Every answer ``screen._show`` puts on screen, as the query text it answered."""
    shown: list[str] = []
    show = screen._show

    def recording(*args: Any) -> None:
        shown.append(text_of(*args))
        show(*args)

    screen._show = recording
    return shown


def type_fast(screen: Any, selector: str, texts: list[str]) -> None:
    """Each text in turn into the input with no pause between: one Changed event each, all
    queued before the first is handled (keys faster than any query)."""
    field = screen.query_one(selector, Input)
    for text in texts:
        field.value = text


def assert_newest_last(shown: list[str], typed: list[str]) -> None:
    order = [typed.index(text) for text in shown]
    assert order == sorted(set(order)), f"an older answer came after a newer one: {shown}"
    assert shown and shown[-1] == typed[-1], shown


async def wait_for(pilot: Pilot[None], condition: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + HANG_SECONDS
    while not condition():
        assert time.monotonic() < deadline, f"{what} did not happen"
        await pilot.pause(0.01)


def test_a_generation_is_newest_until_the_next_starts() -> None:
    newest = Newest()
    first = newest.start()
    assert newest.is_newest(first)
    second = newest.start()
    assert not newest.is_newest(first) and newest.is_newest(second)


# -- through the real services -----------------------------------------------------------------


async def test_customer_search_typed_fast_shows_only_the_last_query(app: PosApp) -> None:
    typed = ["b", "bo", "bob", "bob ", "bob j", "bob jo"]
    async with app.run_test(size=(120, 40)) as pilot:
        await sign_in(pilot)
        await pilot.press("f2")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, CustomerSearchScreen)
        shown = record_shown(screen, lambda text, rows, credit: text)
        type_fast(screen, "#customer-query", typed)
        await settle(pilot)
        assert_newest_last(shown, [t.strip() for t in typed])
        table = screen.query_one("#customer-results", DataTable)
        assert table.row_count == 1 and str(table.get_row_at(0)[0]) == "Bob Jones"


async def test_mobile_typed_fast_finds_the_customer_of_the_whole_number(app: PosApp) -> None:
    number = "9876543211"  # Bob's; every shorter prefix finds nobody or somebody else
    typed = [number[:n] for n in range(1, len(number) + 1)]
    async with app.run_test(size=(120, 40)) as pilot:
        await sign_in(pilot)
        await pilot.press("f2")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, CustomerSearchScreen)
        shown = record_shown(screen, lambda text, rows, credit: text)
        type_fast(screen, "#customer-query", typed)
        await settle(pilot)
        assert_newest_last(shown, typed)
        table = screen.query_one("#customer-results", DataTable)
        assert table.row_count == 1 and str(table.get_row_at(0)[0]) == "Bob Jones"


async def test_price_lookup_typed_fast_shows_only_the_last_query(app: PosApp) -> None:
    typed = ["d", "da", "dar", "dark"]
    async with app.run_test(size=(120, 40)) as pilot:
        await sign_in(pilot)
        await pilot.press("f3")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, PriceLookupScreen)
        shown = record_shown(screen, lambda text, quotes: text)
        type_fast(screen, "#lookup-query", typed)
        await settle(pilot)
        assert_newest_last(shown, typed)
        table = screen.query_one(DataTable)
        assert table.row_count == 1 and str(table.get_row_at(0)[1]) == "Dark Rum 750ml"


async def test_back_office_list_typed_fast_shows_only_the_last_query(
    app: PosApp, store: Store
) -> None:
    typed = ["a", "ac", "acm", "acme"]
    async with app.run_test(size=(120, 40)) as pilot:
        await open_back_office(pilot)
        await pilot.press("1")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, BackOfficeList)
        shown = record_shown(screen, lambda page: screen.filters.text)
        type_fast(screen, "#search", typed)
        await settle(pilot)
        assert_newest_last(shown, typed)
        table = screen.query_one("#customers", DataTable)
        assert table.row_count == 1 and str(table.get_row_at(0)[0]) == "Acme Traders"


# -- seams that order the queries --------------------------------------------------------------


async def test_an_older_search_held_on_the_database_thread_never_shows(app: PosApp) -> None:
    """'an' is held on the database thread while 'ann' and 'anna' are typed: 'ann' is dropped
    before it runs, 'an' finishes but is not shown, 'anna' is."""
    gate, ran = threading.Event(), []
    gate.set()
    queued: dict[str, Future[Any]] = {}
    submit = app.runner.submit

    def held(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        ran.append(str(args[0]))
        assert gate.wait(HANG_SECONDS), "the test never released the search"
        return fn(*args, **kwargs)

    def ordering_submit(fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Any:
        if getattr(fn, "__name__", "") == "find":
            future = submit(held, fn, *args, **kwargs)
            queued[str(args[0])] = future
            return future
        return submit(fn, *args, **kwargs)

    app.runner.submit = ordering_submit  # type: ignore[method-assign]
    async with app.run_test(size=(120, 40)) as pilot:
        await sign_in(pilot)
        await pilot.press("f2")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, CustomerSearchScreen)
        shown = record_shown(screen, lambda text, rows, credit: text)
        await pilot.press("a")
        await settle(pilot)
        gate.clear()
        await pilot.press("n")
        await wait_for(pilot, lambda: ran[-1:] == ["an"], "'an' reaching the database thread")
        await pilot.press("n")
        await wait_for(pilot, lambda: "ann" in queued, "'ann' being queued")
        await pilot.press("a")
        await wait_for(pilot, lambda: queued["ann"].cancelled(), "'ann' being cancelled")
        gate.set()
        await settle(pilot)
        assert ran == ["a", "an", "anna"]
        assert shown == ["a", "anna"]
        table = screen.query_one("#customer-results", DataTable)
        assert str(table.get_row_at(0)[0]) == "Anna Smith"


async def test_an_older_answer_arriving_after_a_newer_one_is_dropped(
    app: PosApp, backend: Backend
) -> None:
    """The generation counter alone: 'bo' answers only after 'bob' was shown, and its worker
    ignores the cancel (as one whose answer was already on its way would): still not shown."""
    release = asyncio.Event()
    call_service = app.call_service

    async def late(fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Any:
        answer = await call_service(fn, *args, **kwargs)
        if getattr(fn, "__name__", "") == "find" and args[0] == "bo":
            while not release.is_set():
                try:
                    await asyncio.shield(release.wait())
                except asyncio.CancelledError:
                    continue  # the answer comes late whatever the newer key did
        return answer

    app.call_service = late  # type: ignore[method-assign]
    async with app.run_test(size=(120, 40)) as pilot:
        await sign_in(pilot)
        await pilot.press("f2")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, CustomerSearchScreen)
        shown = record_shown(screen, lambda text, rows, credit: text)
        await pilot.press("b", "o")
        await pilot.press("b")
        await wait_for(pilot, lambda: shown[-1:] == ["bob"], "'bob' being shown")
        release.set()
        await settle(pilot)
        assert "bo" not in shown and shown[-1] == "bob"
        table = screen.query_one("#customer-results", DataTable)
        assert table.row_count == 1 and str(table.get_row_at(0)[0]) == "Bob Jones"
