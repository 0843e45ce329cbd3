"""Lines a card holder may not buy: restricted sub-groups (FusionRetail) and inactive items.

A card type lists restricted item sub-groups ("Junior Member" cards: every liquor sub-group).
A line whose item is in one of them is refused with a message naming both, e.g.
"Liquor is restricted for Junior Member card holders"; the rest of the sale is priced without it.
Returns are never refused here: taking goods back is always allowed.
"""

from __future__ import annotations

from pos_tui.engine.models import CardType, Item, Refusal


def restricted_refusal(item: Item, card_type: CardType | None, line_no: int) -> Refusal | None:
    """The refusal for ``item`` if its sub-group is restricted for ``card_type``, else None."""
    if card_type is None or item.subgroup_id is None:
        return None
    for subgroup in card_type.restricted_subgroups:
        if subgroup.id == item.subgroup_id:
            return Refusal(
                "RESTRICTED_SUBGROUP",
                f"{subgroup.name} is restricted for {card_type.name} card holders "
                f"({item.name} not sold)",
                override_allowed=False,
                line_no=line_no,
            )
    return None


def inactive_item_refusal(item: Item, line_no: int) -> Refusal | None:
    """Inactive items cannot be sold."""
    if item.active:
        return None
    return Refusal(
        "ITEM_INACTIVE",
        f"{item.name} ({item.sku}) is inactive",
        override_allowed=False,
        line_no=line_no,
    )


def line_refusals(item: Item, card_type: CardType | None, line_no: int) -> list[Refusal]:
    """Every reason a sale line is refused (empty list: it may be sold)."""
    found = [inactive_item_refusal(item, line_no), restricted_refusal(item, card_type, line_no)]
    return [r for r in found if r is not None]
