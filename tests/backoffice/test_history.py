"""Customer history: purchases and returns between dates, counts, the chart, sale detail,
and the orders list; the chart's drawing on its own."""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal

from textual.widgets import Input

from pos_tui.app import PosApp
from pos_tui.screens.backoffice.customer_views import HistoryScreen, OrdersScreen, TextScreen
from pos_tui.services.customers.history import HistoryService, spending_series
from pos_tui.services.runtime.backend import Backend
from pos_tui.widgets.backoffice.chart import SpendingChart, render_bars
from tests.backoffice.conftest import open_back_office, screen_text, settle
from tests.backoffice.helpers import history_of_anna, sell
from tests.catalog import Store
from tests.conftest import Clock


def test_history_counts_and_series(backend: Backend, store: Store, clock: Clock) -> None:
    history_of_anna(backend, store, clock)
    history = HistoryService(backend).history(store.anna)
    assert (history.sales_count, history.returns_count, history.visit_count) == (4, 1, 4)
    assert history.purchases == Decimal("1155.00") and history.returns == Decimal("-105.00")
    assert history.per == "month"
    assert [(d.month, v) for d, v in history.series] == [
        (8, Decimal("210.00")), (9, Decimal("630.00")), (10, Decimal(0)), (11, Decimal("210.00"))
    ]  # fmt: skip
    september = HistoryService(backend).history(store.anna, date(2026, 9, 1), date(2026, 9, 30))
    assert september.sales_count == 2 and september.per == "day" and len(september.series) == 30


def test_chart_draws_bars_and_fits_the_width() -> None:
    series = [(date(2026, m, 1), Decimal(m * 100)) for m in range(1, 13)]
    lines = render_bars(series, "month", width=40, height=8)
    assert "█" in "".join(line.plain for line in lines)
    # 12 months do not fit 40 columns as 12 bars: two months a bar, January to December.
    assert lines[0].plain == "Net spending per 2 months, 2026-01 to 2026-12"
    assert lines[-1].plain.split("└")[1].split() == ["Jan", "Mar", "May", "Jul", "Sep", "Nov"]
    assert all(len(line.plain) <= 40 for line in lines[1:])
    assert render_bars([], "month", 40, 8)[0].plain == "No purchases in this period"
    assert spending_series([], None, None) == ([], "month")


async def test_history_screen_filters_by_date_and_shows_a_sale(
    app: PosApp, backend: Backend, store: Store, clock: Clock
) -> None:
    history_of_anna(backend, store, clock)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_back_office(pilot, HistoryScreen(store.anna))
        text = screen_text(pilot)
        assert (
            "Sales 4 · returns 1 · visits 4 · bought 1155.00 · returned -105.00 · net 1050.00"
            in text
        )
        assert "Net spending per month, 2026-08 to 2026-11" in text
        screen = app.screen
        assert isinstance(screen, HistoryScreen)
        screen.query_one("#start", Input).value = "2026-11-01"
        screen.query_one("#end", Input).focus()
        await pilot.press("enter")
        await settle(pilot)
        assert "Sales 1 · returns 1 · visits 2" in screen_text(pilot)
        await pilot.press("enter")  # the first row: the sale of 2 November
        await settle(pilot)
        assert isinstance(app.screen, TextScreen)
        assert "APPLE" in screen_text(pilot) and "Apple 1kg" in screen_text(pilot)
        await pilot.press("escape")
        await settle(pilot)
        screen.query_one("#start", Input).value = "2026-13-01"
        screen.query_one("#start", Input).focus()
        await pilot.press("enter")
        await settle(pilot)
        assert "From must be a date YYYY-MM-DD" in screen_text(pilot)


async def test_history_chart_shows_the_whole_range_at_80_columns(
    app: PosApp, backend: Backend, store: Store, clock: Clock
) -> None:
    """Sales at both ends and the middle of a 60-day range all reach the chart (it used to keep
    the newest 22 days that fit and drop the rest)."""
    now = clock.current
    for day in (date(2026, 9, 1), date(2026, 9, 30), date(2026, 10, 30)):
        sell(backend, store, clock, datetime.combine(day, time(12)), store.anna, "1")
    clock.current = now
    async with app.run_test(size=(80, 24)) as pilot:
        await open_back_office(pilot, HistoryScreen(store.anna))
        screen = app.screen
        assert isinstance(screen, HistoryScreen)
        screen.query_one("#start", Input).value = "2026-09-01"
        screen.query_one("#end", Input).value = "2026-10-30"
        screen.query_one("#end", Input).focus()
        await pilot.press("enter")
        await settle(pilot)
        chart = screen.query_one(SpendingChart)
        lines = chart.render().plain.split("\n")
        assert lines[0] == "Net spending per 3 days, 2026-09-01 to 2026-10-30"
        bottom = lines[-2].split("│")[1]  # the lowest row of bars: a block where money went
        bars = [bottom[i : i + 2] for i in range(0, len(bottom), 3)]
        assert len(bars) == 20, "60 days in bars of 3 days"
        filled = [i for i, b in enumerate(bars) if b.strip()]
        assert filled == [0, 9, 19], "the first, the middle and the last day's sales are drawn"


async def test_orders_list(app: PosApp, backend: Backend, store: Store) -> None:
    location = backend.catalog.by_code("locations", backend.settings.lane.location)
    assert location is not None
    for number, kind, status, due in (("LAY-1", "layaway", "pending", "150.00"), ("SO-2", "special", "completed", "0")):  # fmt: skip
        backend.db.table("customer_orders").insert(
            {"customer_id": store.anna, "number": number, "order_type": kind, "status": status,
             "location_id": location["id"], "placed_at": f"2026-11-0{number[-1]}T10:00:00", "amount_due": due}
        )  # fmt: skip
    async with app.run_test(size=(80, 24)) as pilot:
        await open_back_office(pilot, OrdersScreen(store.anna))
        text = screen_text(pilot)
        assert "2 orders, 1 pending" in text and "LAY-1" in text and "layaway" in text
