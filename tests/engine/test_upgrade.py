"""Card type auto-upgrade: only up unless downgrades are allowed."""

from __future__ import annotations

from decimal import Decimal as D

from pos_tui.engine import Settings, card_type_for_balance
from tests.engine.engine_factories import SETTINGS, card

BASIC = card(id=1, code="BASIC", name="Basic")
SILVER = card(
    id=2, code="SILVER", name="Silver", upgrade_min_points=D(0), upgrade_max_points=D("999.9999")
)
GOLD = card(id=3, code="GOLD", name="Gold", upgrade_min_points=D(1000), upgrade_max_points=D(4999))
RETIRED = card(id=4, code="OLD", name="Old", upgrade_min_points=D(5000), active=False)
LADDER = [BASIC, SILVER, GOLD, RETIRED]


def test_boundaries_are_inclusive() -> None:
    assert card_type_for_balance(SILVER, LADDER, D(1000), SETTINGS).card_type == GOLD
    assert card_type_for_balance(SILVER, LADDER, D("999.9999"), SETTINGS).changed is False


def test_no_downgrade_by_default() -> None:
    decision = card_type_for_balance(GOLD, LADDER, D(10), SETTINGS)
    assert decision.card_type == GOLD and not decision.changed
    assert decision.rule.code == "CARD_TYPE_NO_DOWNGRADE"


def test_downgrade_when_allowed() -> None:
    decision = card_type_for_balance(GOLD, LADDER, D(10), Settings(allow_downgrade=True))
    assert decision.card_type == SILVER and decision.changed
    assert decision.rule.code == "CARD_TYPE_DOWNGRADE"


def test_inactive_types_and_out_of_range_balances_keep_the_card() -> None:
    decision = card_type_for_balance(GOLD, LADDER, D(9000), SETTINGS)
    assert decision.card_type == GOLD and decision.rule.code == "CARD_TYPE_KEPT"


def test_card_without_range_ranks_lowest_and_no_card_upgrades() -> None:
    assert card_type_for_balance(BASIC, LADDER, D(5), SETTINGS).card_type == SILVER
    decision = card_type_for_balance(None, LADDER, D(2000), SETTINGS)
    assert decision.card_type == GOLD and decision.rule.code == "CARD_TYPE_UPGRADE"
