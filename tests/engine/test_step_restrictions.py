"""Step 1 alone: an inactive customer, inactive items and restricted sub-groups."""

from __future__ import annotations

from pos_tui.engine import Subgroup
from pos_tui.engine.steps.restrictions import refuse_inactive_customer, refused_line
from pos_tui.engine.steps.state import SaleState
from tests.engine.engine_factories import card, customer, inputs, item, line

JUNIOR = card(name="Junior Member", restricted_subgroups=(Subgroup(3, "LIQ", "Liquor"),))
WINE = item(1, "12.00", name="Wine", subgroup_id=3)


def test_an_inactive_customer_is_refused_and_an_active_one_is_not() -> None:
    state = SaleState()
    sale = inputs(customer=customer(first_name="Asha", last_name="Rao", active=False))
    refused = refuse_inactive_customer(state, sale)
    assert [(r.code, r.message) for r in refused.refusals] == [
        ("CUSTOMER_INACTIVE", "Asha Rao is inactive")
    ]
    assert refuse_inactive_customer(state, inputs(customer=customer())) is state
    assert refuse_inactive_customer(state, inputs()) is state  # a walk-in


def test_a_restricted_sub_group_is_refused_on_a_sale_naming_both() -> None:
    (refusal,) = refused_line(line(4, WINE), inputs(card_type=JUNIOR))
    assert refusal.code == "RESTRICTED_SUBGROUP" and refusal.line_no == 4
    assert refusal.message.startswith("Liquor is restricted for Junior Member card holders")
    assert not refusal.override_allowed


def test_an_inactive_item_and_a_restricted_one_give_both_reasons() -> None:
    retired = item(1, "12.00", name="Wine", subgroup_id=3, active=False)
    codes = [r.code for r in refused_line(line(1, retired), inputs(card_type=JUNIOR))]
    assert codes == ["ITEM_INACTIVE", "RESTRICTED_SUBGROUP"]


def test_returns_and_other_cards_refuse_nothing() -> None:
    assert refused_line(line(1, WINE), inputs(card_type=JUNIOR, kind="return")) == ()
    assert refused_line(line(1, WINE), inputs(card_type=card())) == ()
    assert refused_line(line(1, WINE), inputs()) == ()
