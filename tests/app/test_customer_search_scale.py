"""Search as you type stays smooth over 100,000 customers: at once, exclusive, off the UI."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

from textual.widgets import DataTable, Input

from pos_tui.app import PosApp
from pos_tui.demo import DemoGenerator
from pos_tui.screens.customer_search import RESULT_LIMIT, CustomerSearchScreen
from pos_tui.services.runtime.backend import Backend
from tests.app.conftest import settle, sign_in
from tests.app.helpers_lane import view
from tests.helpers import HANG_SECONDS


async def test_typing_over_100k_customers_searches_at_once_newest_last(
    app: PosApp, backend: Backend
) -> None:
    DemoGenerator(backend).run(customers=100_000, sales=0, force=True)
    assert backend.customers.count() > 100_000
    searches: list[str] = []
    submit = app.runner.submit
    # While `gate` is clear a search waits on the database thread, so the test can type while
    # the database is busy; `searching` is set while one waits there.
    gate, searching = threading.Event(), threading.Event()
    gate.set()

    def held(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        searching.set()
        try:
            assert gate.wait(HANG_SECONDS), "the test never released the search"
            return fn(*args, **kwargs)
        finally:
            searching.clear()

    def counting_submit(fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Any:
        if getattr(fn, "__name__", "") == "find":
            searches.append(str(args[0]))
            return submit(held, fn, *args, **kwargs)
        return submit(fn, *args, **kwargs)

    app.runner.submit = counting_submit  # type: ignore[method-assign]
    async with app.run_test(size=(120, 40)) as pilot:
        await sign_in(pilot)
        await pilot.press("f2")
        await settle(pilot)
        await pilot.press(*"anna")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, CustomerSearchScreen)
        table = screen.query_one("#customer-results", DataTable)
        assert table.row_count == RESULT_LIMIT
        assert all(str(table.get_row_at(i)[0]).lower().find("ann") >= 0 for i in range(5))
        # No debounce: each key asks at once (a stale one still queued is dropped before it
        # runs, tests/app/test_search_newest.py), and the last asked is the last typed.
        assert searches[-1] == "anna" and len(searches) <= 4, searches

        # Keys are never held up by the database: with a search of "ann" stuck on the database
        # thread, the next key still reaches the input.
        gate.clear()
        await pilot.press("backspace")
        deadline = time.monotonic() + HANG_SECONDS
        while not searching.is_set():
            assert time.monotonic() < deadline, "the search never reached the database thread"
            await pilot.pause(0.01)
        await pilot.press("a")
        query = screen.query_one("#customer-query", Input)
        # ... and its search is asked at once, queued behind the stuck one.
        assert query.value == "anna" and searching.is_set() and searches[-2:] == ["ann", "anna"]
        gate.set()
        await settle(pilot)
        assert searches[-1] == "anna"
        assert table.row_count == RESULT_LIMIT
        await pilot.press("enter")
        await settle(pilot)
        assert view(pilot).customer is not None
