"""Steps 1-4 line by line (price_lines), and the working line's own operations."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from pos_tui.engine import Rule, Subgroup
from pos_tui.engine.steps.levels import open_line
from pos_tui.engine.steps.lines import price_lines
from pos_tui.engine.steps.state import SaleState
from tests.engine.engine_factories import card, inputs, item, line, manual

JUNIOR = card(name="Junior", restricted_subgroups=(Subgroup(3, "LIQ", "Liquor"),))
WINE = item(1, "12.00", name="Wine", subgroup_id=3)


def test_refused_lines_are_left_out_and_refusals_keep_basket_order() -> None:
    sale = inputs(
        line(1, WINE),
        line(2, item(2, "100.00"), manual_discount=manual("5", percent="50")),
        line(3, item(3, "20.00", active=False)),
        line(4, item(4, "10.00"), manual_discount=manual("10", percent="10")),
        card_type=JUNIOR,
    )
    state = price_lines(SaleState(), sale)
    assert [(r.code, r.line_no) for r in state.refusals] == [
        ("RESTRICTED_SUBGROUP", 1),
        ("DISCOUNT_NEEDS_SUPERVISOR", 2),
        ("ITEM_INACTIVE", 3),
    ]
    assert [w.line_no for w in state.lines] == [2, 4]
    assert [w.left for w in state.lines] == [D("100.00"), D("9.00")]
    assert [(d.kind, d.line_no, d.amount) for d in state.discounts] == [
        ("manual_line", 4, D("1.00"))
    ]


def test_a_return_keeps_every_line() -> None:
    state = price_lines(SaleState(), inputs(line(1, WINE), card_type=JUNIOR, kind="return"))
    assert state.refusals == () and len(state.lines) == 1


def test_a_working_line_takes_money_and_notes_without_changing_itself() -> None:
    opened = open_line(line(1, item(1, "10.00")), inputs())
    off = Rule("X", "one off", amount=D("1.00"), line_no=1)
    taken = opened.take(D("1.00"), off).note(Rule("Y", "a note"))
    assert (taken.gross, taken.left) == (D("10.00"), D("9.00"))
    assert [r.code for r in taken.rules] == ["PRICE_REGULAR", "X", "Y"]
    assert opened.left == D("10.00") and len(opened.rules) == 1
    with pytest.raises(AssertionError):
        opened.take(D("10.01"), off)
