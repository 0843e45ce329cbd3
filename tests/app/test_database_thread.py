"""The UI never waits on SQLite (docs/architecture.md, "The database thread"): every statement
the lane runs on its connection runs on the one database thread (``ServiceRunner``), from
sign-in through a sale with a customer, its tender and commit, the next sale and sign-out."""

from __future__ import annotations

import threading

from pos_tui.app import PosApp
from pos_tui.screens.sign_in import SignInScreen
from pos_tui.services.runtime.backend import Backend
from tests.app.conftest import enter, settle, sign_in
from tests.app.helpers_lane import skus, view


class StatementThreads:
    """Every statement run on ``backend``'s connection, with the thread that ran it."""

    def __init__(self, backend: Backend) -> None:
        self.conn = backend.db.conn
        self.runs: list[tuple[str, str]] = []

    def __enter__(self) -> StatementThreads:
        def trace(statement: str) -> None:
            self.runs.append((threading.current_thread().name, statement))

        self.conn.set_trace_callback(trace)
        return self

    def __exit__(self, *_exc: object) -> None:
        self.conn.set_trace_callback(None)

    def off(self, thread: threading.Thread) -> list[tuple[str, str]]:
        return [(name, sql) for name, sql in self.runs if name != thread.name]


async def test_no_sql_runs_on_the_ui_thread_from_sign_in_to_sign_out(
    app: PosApp, backend: Backend
) -> None:
    database_thread = app.runner.call(threading.current_thread)
    assert database_thread is not threading.current_thread()
    with StatementThreads(backend) as statements:
        async with app.run_test(size=(100, 30)) as pilot:
            await sign_in(pilot)
            await enter(pilot, "2*APPLE")
            await pilot.press("f2")
            await settle(pilot)
            await enter(pilot, "9876543210")
            customer = view(pilot).customer
            assert customer is not None and customer.name == "Anna Smith"
            await pilot.press("f5")
            await settle(pilot)
            await enter(pilot, "500")
            assert view(pilot).empty, "committed: a new sale is ready"
            await enter(pilot, "BAG")
            assert skus(pilot) == [("BAG", "1")]
            await pilot.press("f12")
            await settle(pilot)
            assert isinstance(app.screen, SignInScreen)
    ran = [sql for _name, sql in statements.runs]
    assert any("INSERT INTO sales" in sql for sql in ran), "the sale was committed"
    assert statements.off(database_thread) == []
    sale = backend.journal.last("L1")
    assert sale is not None and sale.customer_id is not None
