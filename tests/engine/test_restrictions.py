"""Restricted sub-groups and inactive items."""

from __future__ import annotations

from decimal import Decimal as D

from pos_tui.engine import ReturnOf, Subgroup, price_sale
from pos_tui.engine.restrictions import line_refusals
from tests.engine.engine_factories import NOON, SETTINGS, basket, card, customer, item, line

BEER = Subgroup(8, "BEER", "Beer")


def test_other_card_types_may_buy() -> None:
    assert line_refusals(item(subgroup_id=8), card(), 1) == []
    assert line_refusals(item(subgroup_id=8), None, 1) == []
    assert line_refusals(item(), card(restricted_subgroups=(BEER,)), 1) == []


def test_inactive_item_is_refused() -> None:
    (refusal,) = line_refusals(item(active=False, name="Old soap"), None, 3)
    assert (
        refusal.code == "ITEM_INACTIVE" and refusal.line_no == 3 and "Old soap" in refusal.message
    )


def test_restricted_items_may_be_returned() -> None:
    junior = card(name="Junior Member", restricted_subgroups=(BEER,))
    sale = price_sale(
        basket(
            line(1, item(subgroup_id=8)),
            kind="return",
            return_of=ReturnOf(points_earned=D(0), points_base=D(100)),
        ),
        customer(),
        junior,
        SETTINGS,
        NOON,
    )
    assert sale.refusals == () and len(sale.lines) == 1
