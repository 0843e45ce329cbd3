"""Paying with points: ``points_to_convert`` points are worth ``equivalent_currency``.

Redemption is in whole conversion units (FusionRetail: "for redemption of each 2 points the
customer will get cash benefit of Rs.5"): with 2 points = 5, 7 points buy 3 units = 6 points =
15.00, and 1 point is left. The number of units is the smallest of

* the units requested (``RedemptionRequest.points`` / points_to_convert, rounded down; no
  request = as many as possible),
* the units the balance holds (so the balance never goes below zero),
* the units that fit in the amount due (so a redemption never exceeds what is owed - it never
  gives change).

Redemption is a tender: it pays part of the amount due and does not lower the tax.
"""

from __future__ import annotations

from decimal import ROUND_FLOOR, Decimal

from pos_tui.engine.models import CardType, Redemption, RedemptionRequest, Refusal, Rule
from pos_tui.engine.money import ZERO, round_money
from pos_tui.engine.settings import Settings


def _units(value: Decimal, per_unit: Decimal) -> Decimal:
    if value <= 0:
        return ZERO
    return (value / per_unit).to_integral_value(rounding=ROUND_FLOOR)


def redeem(
    card_type: CardType | None,
    balance: Decimal,
    amount_due: Decimal,
    request: RedemptionRequest,
    settings: Settings,
) -> Redemption:
    """Turn points into currency for this sale (see module doc for the limits)."""
    rules: list[Rule] = []
    refusals: list[Refusal] = []

    def result(units: Decimal) -> Redemption:
        assert card_type is not None or units == 0
        points = units * card_type.points_to_convert if card_type else ZERO
        money = units * card_type.equivalent_currency if card_type else ZERO
        # Whole units of an exact rate are exact; quantizing only sets the minor-unit exponent
        # (a rate with more decimals than the currency is rounded with the settings' mode).
        money = round_money(money, settings.minor_unit, settings.rounding)
        return Redemption(
            points_requested=request.points,
            points_used=points,
            currency_value=money,
            balance_before=balance,
            balance_after=balance - points,
            rules=tuple(rules),
            refusals=tuple(refusals),
        )

    if card_type is None or card_type.points_to_convert <= 0 or card_type.equivalent_currency <= 0:
        # Named as a card type: the seeds' "None" card type otherwise reads as a blank.
        why = (
            f'the card type "{card_type.name}" has no redemption rate'
            if card_type
            else "the customer has no card"
        )
        refusals.append(Refusal("REDEMPTION_NOT_AVAILABLE", f"Points cannot be redeemed: {why}"))
        return result(ZERO)
    per_points, per_money = card_type.points_to_convert, card_type.equivalent_currency
    rate = f"{per_points} points = {per_money}"
    wanted = _units(request.points, per_points) if request.points is not None else None
    can_hold = _units(balance, per_points)
    can_pay = _units(amount_due, per_money)
    limits = [can_hold, can_pay] if wanted is None else [wanted, can_hold, can_pay]
    units = min(limits)
    if request.points is not None and wanted is not None and wanted * per_points != request.points:
        rules.append(
            Rule(
                "REDEMPTION_WHOLE_UNITS",
                f"Points are redeemed in whole units of {per_points}: {request.points} requested, "
                f"{wanted * per_points} usable",
            )
        )
    # Say which limit bound the redemption when it was not the request itself.
    if can_pay < can_hold and units == can_pay and (wanted is None or can_pay < wanted):
        rules.append(Rule("REDEMPTION_AMOUNT_DUE_LIMIT", f"Limited by the amount due {amount_due}"))
    elif units == can_hold and (wanted is None or can_hold < wanted):
        rules.append(Rule("REDEMPTION_BALANCE_LIMIT", f"Limited by the points balance {balance}"))
    if request.points is not None and units == 0 and request.points > 0:
        refusals.append(
            Refusal(
                "REDEMPTION_TOO_SMALL",
                f"Cannot redeem {request.points} points: balance {balance}, amount due "
                f"{amount_due}, {rate}",
            )
        )
    rules.append(
        Rule(
            "REDEMPTION",
            f"Redeemed {units * per_points} points at {rate}",
            amount=round_money(units * per_money, settings.minor_unit, settings.rounding),
            points=-(units * per_points),
        )
    )
    return result(units)
