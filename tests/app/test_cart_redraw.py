"""Redraw only what changed (issue 15): layout passes counted per key and per scan, and the cart
changed row by row showing exactly what a table built afresh would show."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from textual.app import App, ComposeResult
from textual.coordinate import Coordinate
from textual.pilot import Pilot
from textual.screen import Screen

from pos_tui.app import PosApp
from pos_tui.engine import PricedLine
from pos_tui.services.checkout.cart import Cart, CartLine
from pos_tui.services.checkout.errors import CheckoutError
from pos_tui.services.checkout.sale import Checkout
from pos_tui.services.runtime.backend import Backend
from pos_tui.widgets.cart_table import CartTable
from tests.app.conftest import settle, sign_in
from tests.app.helpers_lane import checkout
from tests.catalog import Store


@contextmanager
def layout_passes(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Every layout pass of a screen (``Screen._refresh_layout``, full or scroll-only) while
    the block runs, named by the screen."""
    passes: list[str] = []
    original = Screen._refresh_layout

    def counted(self: Screen[Any], *args: Any, **kwargs: Any) -> None:
        passes.append(type(self).__name__)
        original(self, *args, **kwargs)

    with monkeypatch.context() as patch:
        patch.setattr(Screen, "_refresh_layout", counted)
        yield passes


def _on_screen(table: CartTable) -> bool:
    """The selected row is in the table's view (its size is inside the border, under the
    header)."""
    rows = table.size.height - table.header_height
    return table.scroll_y <= table.cursor_row < table.scroll_y + rows


async def _quiet(pilot: Pilot[None]) -> None:
    """No toast left to expire (its removal is a layout pass of its own) and nothing pending."""
    pilot.app.clear_notifications()
    await settle(pilot)


async def _long_sale(pilot: Pilot[None], backend: Backend, lines: int) -> None:
    """A sale of ``lines`` lines, more than the cart shows: a scan scrolls it."""
    screen = checkout(pilot)
    bag = backend.catalog.item_by_code("BAG")
    assert bag is not None
    cart = Cart(
        lines=[CartLine(line_no=n + 1, item_id=bag.id, quantity="1") for n in range(lines)],
        next_line_no=lines + 1,
    )
    screen.co = Checkout(backend, screen.co.employee, cart=cart)
    await screen.refresh_sale()
    await _quiet(pilot)


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_a_key_needs_no_layout_pass_and_a_scan_one(
    app: PosApp, backend: Backend, monkeypatch: pytest.MonkeyPatch, size: tuple[int, int]
) -> None:
    """A key in the entry repaints the entry and nothing else moves: no layout pass. A scan
    (Enter clears the entry, the cart gains a row and scrolls to it, the totals and the
    message line change) is one pass, whatever the cart's length; so is the scanner's."""
    async with app.run_test(size=size) as pilot:
        await sign_in(pilot)
        await _long_sale(pilot, backend, 40)
        table = checkout(pilot).cart
        for code in ("APPLE", "BAG", "8901234567890"):
            with layout_passes(monkeypatch) as passes:
                for key in code:
                    await pilot.press(key)
                    await settle(pilot)
            assert passes == [], f"typing {code}: {passes}"
            rows = table.row_count
            with layout_passes(monkeypatch) as passes:
                await pilot.press("enter")
                await settle(pilot)
            assert table.row_count == rows + 1
            assert passes == ["CheckoutScreen"], f"scan of {code}: {passes}"
            # The new line is the selected one, and on screen.
            assert table.cursor_row == rows
            assert _on_screen(table)
            await _quiet(pilot)
        with layout_passes(monkeypatch) as passes:
            app.scan("BAG")
            await settle(pilot)
        assert passes == ["CheckoutScreen"], passes


async def test_a_long_entry_still_scrolls_to_its_cursor(app: PosApp) -> None:
    """The entry's width never follows its text, but a text wider than the entry still shows
    its end, where the cursor is."""
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot)
        entry = checkout(pilot).query_one("#entry")
        for key in "1234567890" * 9:
            await pilot.press(key)
        await settle(pilot)
        assert entry.scroll_x > 0
        assert entry.scroll_x == entry.max_scroll_x


# -- the cart by row ---------------------------------------------------------------------------


class Tables(App[None]):
    """The cart as the checkout keeps it, beside which a fresh table is built at every step
    (of the same size: mounting it never resizes the kept one)."""

    CSS = """
    Screen { layout: horizontal; }
    CartTable { width: 60; height: 10; }
    CartTable.-fresh { height: 3; }  /* its columns follow its width alone; few rows to draw */
    """

    def compose(self) -> ComposeResult:
        yield CartTable(id="kept")


def _rows(table: CartTable) -> list[tuple[Any, ...]]:
    rows = []
    for i in range(table.row_count):
        key = table.coordinate_to_cell_key(Coordinate(i, 0)).row_key.value
        cells = tuple((c.plain, c.justify, str(c.style), c.spans) for c in table.get_row_at(i))
        rows.append((key, cells))
    return rows


def _columns(table: CartTable) -> list[tuple[str, int]]:
    return [(c.label.plain, c.width) for c in table.ordered_columns]


OPS = st.one_of(
    st.tuples(st.just("add"), st.sampled_from(["APPLE", "BAG", "RUM"]), st.sampled_from("123")),
    st.tuples(st.just("add_many"), st.integers(3, 12)),
    st.tuples(st.just("qty"), st.integers(0, 40), st.sampled_from(["1", "2", "5", "0.5"])),
    st.tuples(st.just("void"), st.integers(0, 40)),
    st.tuples(st.just("discount"), st.integers(0, 40), st.sampled_from(["5", "2.5"])),
    st.tuples(st.just("sale_discount"), st.sampled_from(["5", "1"])),
    st.tuples(st.just("select"), st.integers(0, 40)),
    st.tuples(st.just("hold")),
    st.tuples(st.just("resume")),
    st.tuples(st.just("cancel")),
)


class Lane:
    """The sale's side of the model: real services on the test's database."""

    def __init__(self, backend: Backend, store: Store) -> None:
        self.backend, self.cashier = backend, store.cashier
        self.co = Checkout(backend, store.cashier)
        self.held: list[int] = []

    def _line_no(self, index: int) -> int | None:
        lines = self.co.cart.lines
        return lines[index % len(lines)].line_no if lines else None

    def apply(self, op: tuple[Any, ...]) -> bool:
        """Run ``op``; False when nothing changed (a refusal, or nothing to act on)."""
        try:
            return getattr(self, f"_{op[0]}")(*op[1:]) is not False
        except CheckoutError:
            return False

    def _add(self, sku: str, qty: str) -> None:
        self.co.add_item(sku, qty)

    def _add_many(self, count: int) -> None:
        for n in range(count):
            self.co.add_item(("APPLE", "BAG", "RUM")[n % 3], "1")

    def _qty(self, index: int, qty: str) -> bool:
        line_no = self._line_no(index)
        return line_no is not None and bool(self.co.set_quantity(line_no, qty))

    def _void(self, index: int) -> bool:
        line_no = self._line_no(index)
        return line_no is not None and bool(self.co.void_line(line_no))

    def _discount(self, index: int, percent: str) -> bool:
        line_no = self._line_no(index)
        return line_no is not None and bool(self.co.discount_line(line_no, percent=percent))

    def _sale_discount(self, percent: str) -> None:
        self.co.discount_sale(percent=percent)

    def _hold(self) -> bool:
        if not self.co.cart.lines:
            return False
        self.held.append(self.co.suspend())
        return True

    def _resume(self) -> bool:
        if not self.held:
            return False
        if self.co.cart.lines:
            self.held.append(self.co.suspend())
        self.co = Checkout.resume(self.backend, self.cashier, self.held.pop(0))
        return True

    def _cancel(self) -> None:
        self.co.cancel()

    def lines(self) -> tuple[PricedLine, ...]:
        return self.co.quote().lines


async def _play(backend: Backend, store: Store, ops: list[tuple[Any, ...]]) -> None:
    lane = Lane(backend, store)
    app = Tables()
    async with app.run_test(size=(124, 12)) as pilot:
        kept = app.query_one("#kept", CartTable)
        cleared: list[bool] = []
        clear = kept.clear

        def counted_clear(columns: bool = False) -> CartTable:
            cleared.append(columns)
            return clear(columns)

        kept.clear = counted_clear  # type: ignore[method-assign]
        await pilot.pause()
        for op in ops:
            if op[0] == "select":
                if kept.row_count:
                    kept.move_cursor(row=op[1] % kept.row_count)
                    await pilot.pause()
                continue
            before = kept.selected_line_no()
            index = kept.cursor_row
            scroll = kept.scroll_y
            if not lane.apply(op):
                continue
            lines = lane.lines()
            cleared.clear()
            kept.show(lines, select_last=op[0] in ("add", "add_many"))
            await pilot.pause()
            # What a table that never saw the earlier steps shows.
            fresh = CartTable(classes="-fresh")
            await app.mount(fresh)
            fresh.show(lines)
            await pilot.pause()
            assert _columns(kept) == _columns(fresh)
            assert _rows(kept) == _rows(fresh), op
            await fresh.remove()
            # Row by row: no clear for a change the lane makes to its own sale.
            if op[0] not in ("hold", "resume", "cancel"):
                assert not cleared, op
            _check_cursor(kept, op, lines, before=before, index=index, scroll=scroll)


def _check_cursor(
    kept: CartTable,
    op: tuple[Any, ...],
    lines: tuple[PricedLine, ...],
    *,
    before: int | None,
    index: int,
    scroll: float,
) -> None:
    """The selected line: the newest after an add, the same line after a change, the one that
    took its place after a void; and on screen."""
    numbers = [line.line_no for line in lines]
    if not lines:
        assert kept.selected_line_no() is None
        return
    if op[0] in ("add", "add_many"):
        assert kept.selected_line_no() == numbers[-1]
    elif before in numbers:
        assert kept.selected_line_no() == before, op
        if op[0] in ("qty", "discount", "sale_discount"):
            assert kept.scroll_y == scroll, op  # nothing moved: nor does the view
    elif op[0] == "void":
        assert kept.cursor_row == min(index, len(lines) - 1)
    assert _on_screen(kept), op


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(ops=st.lists(OPS, min_size=1, max_size=20))
# A line voided above the selected one (the selection moves up with its line), the selected line
# voided (the next takes the cursor), a long sale held and resumed over a short one.
@example(ops=[("add_many", 6), ("select", 4), ("void", 1), ("qty", 3, "2")])
@example(ops=[("add_many", 6), ("select", 2), ("void", 2), ("sale_discount", "5")])
@example(ops=[("add_many", 12), ("hold",), ("add", "BAG", "1"), ("resume",), ("cancel",)])
def test_the_cart_by_row_shows_what_a_rebuild_would(
    backend: Backend, store: Store, ops: list[tuple[Any, ...]]
) -> None:
    """Any sequence of adds, quantity changes, voids, line and sale discounts, holds, resumes
    and voided sales: the cart changed by row equals a cart built afresh from the same lines,
    and its cursor is where the cashier left it."""
    asyncio.run(_play(backend, store, ops))
