"""Auto-upgrade of the card type by points balance (FusionRetail "Point Range for Card Type").

A card type with ``upgrade_min_points`` and/or ``upgrade_max_points`` covers the balances in
[min, max] (inclusive; a missing bound is open). For a balance, the matching active card type
with the highest ``upgrade_min_points`` is the target. Card types rank by ``upgrade_min_points``
(a type without one ranks lowest). The customer moves only up, unless
``Settings.allow_downgrade``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from pos_tui.engine.models import CardType, Rule
from pos_tui.engine.settings import Settings


@dataclass(frozen=True, slots=True)
class UpgradeDecision:
    """The card type that applies after the check, whether it changed, and why."""

    card_type: CardType | None
    changed: bool
    rule: Rule


def _in_range(card_type: CardType, balance: Decimal) -> bool:
    low, high = card_type.upgrade_min_points, card_type.upgrade_max_points
    if low is None and high is None:
        return False  # not part of the auto-upgrade ladder
    return (low is None or balance >= low) and (high is None or balance <= high)


def _rank(card_type: CardType | None) -> Decimal:
    if card_type is None or card_type.upgrade_min_points is None:
        return Decimal("-Infinity")
    return card_type.upgrade_min_points


def card_type_for_balance(
    current: CardType | None,
    card_types: Sequence[CardType],
    balance: Decimal,
    settings: Settings,
) -> UpgradeDecision:
    """Which card type applies to a customer with ``balance`` points now holding ``current``."""
    matches = [ct for ct in card_types if ct.active and _in_range(ct, balance)]
    current_name = current.name if current else "no card"
    if not matches:
        return UpgradeDecision(
            current,
            False,
            Rule("CARD_TYPE_KEPT", f"No card type covers {balance} points: {current_name} kept"),
        )
    target = max(matches, key=_rank)  # max keeps the first of equals: list order breaks ties
    if current is not None and target.id == current.id:
        return UpgradeDecision(
            current, False, Rule("CARD_TYPE_KEPT", f"{balance} points: {current_name} kept")
        )
    if _rank(target) > _rank(current):
        return UpgradeDecision(
            target,
            True,
            Rule(
                "CARD_TYPE_UPGRADE",
                f"{balance} points is in {target.name}'s range "
                f"[{target.upgrade_min_points}, {target.upgrade_max_points}]: upgraded from "
                f"{current_name}",
            ),
        )
    if settings.allow_downgrade:
        return UpgradeDecision(
            target,
            True,
            Rule(
                "CARD_TYPE_DOWNGRADE",
                f"{balance} points is in {target.name}'s range: moved down from {current_name}",
            ),
        )
    return UpgradeDecision(
        current,
        False,
        Rule(
            "CARD_TYPE_NO_DOWNGRADE",
            f"{balance} points is in {target.name}'s range, but card types only move up: "
            f"{current_name} kept",
        ),
    )
