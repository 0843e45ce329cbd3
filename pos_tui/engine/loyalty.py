"""Loyalty points: earning per sale, birthday/anniversary extras, multiplier, referral, returns.

Earning for one sale on a card type (FusionRetail card type), on the earning base B (the net of
the points-eligible lines, see :mod:`pos_tui.engine.steps.points`):

1. Base points: ``points_awarded`` per ``block_sale_value`` of B - proportional to B
   (``Settings.partial_blocks = "proportional"``, the manual's "carry the computed value in
   fraction") or for whole blocks only (``"whole"``).
2. Extras: on the birthday and/or the anniversary (day and month, within
   +/- ``extra_margin_days``, across a year end; a Feb 29 date is observed on Feb 28 or Mar 1 in
   other years) add ``extra_points`` (``extra_points_on = "fixed"``: 100 + 5 = 105) or
   ``extra_points`` per whole block of ``extra_points_sale_value`` (``"sale_value"``: 100 points,
   sale 2000, 5 per 1000 -> 110; below one block no extra).
3. Multiplier: on a selected weekday inside [from, to] (whole minutes, both ends included; a
   window with from > to runs over midnight and belongs to the weekday it starts on; no times =
   all day) multiply by ``multiplier`` (0-10) - the base only or base and extras
   (``Settings.multiplier_applies_to``).
4. Rounding of the sale's total points: ``no`` keeps the fraction (to ``Settings.points_places``
   decimals), ``higher``/``lower``/``standard`` round to a multiple of ``rounding_limit``.

Referral points go to the link customer: ``referral_points`` per ``referral_block_value`` of the
same base (blocks as in step 1, rounding as in step 4). A return reverses points in proportion to
the part of the original earning base it gives back; returning it all gives exactly the negative.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from decimal import ROUND_FLOOR, Decimal

from pos_tui.engine.models import (
    WEEKDAYS,
    CardType,
    Customer,
    PointsEarned,
    ReferralPoints,
    ReturnOf,
    Rule,
)
from pos_tui.engine.money import ONE, ZERO, round_points, round_to_step
from pos_tui.engine.settings import Settings


def whole_blocks(value: Decimal, block: Decimal) -> Decimal:
    """How many whole ``block``s fit in ``value`` (0 if the block is 0)."""
    if block <= 0 or value <= 0:
        return ZERO
    return (value / block).to_integral_value(rounding=ROUND_FLOOR)


def block_points(value: Decimal, block: Decimal, points: Decimal, settings: Settings) -> Decimal:
    """``points`` per ``block`` of ``value`` - proportional or whole blocks, unrounded."""
    if block <= 0 or points <= 0 or value <= 0:
        return ZERO
    if settings.partial_blocks == "whole":
        return points * whole_blocks(value, block)
    return points * value / block


def round_earned(points: Decimal, card_type: CardType, settings: Settings) -> Decimal:
    """Round a sale's points with the card type's rounding and rounding limit."""
    if card_type.rounding == "no":
        return round_points(points, settings.points_places, settings.rounding)
    return round_to_step(points, card_type.rounding_limit, card_type.rounding)


def observed_date(event: dt.date, year: int, settings: Settings) -> dt.date:
    """The day-month of ``event`` in ``year``; Feb 29 moves to Feb 28 or Mar 1 off leap years."""
    try:
        return event.replace(year=year)
    except ValueError:  # Feb 29 in a non-leap year
        if settings.feb29_observed_on == "mar1":
            return dt.date(year, 3, 1)
        return dt.date(year, 2, 28)


def in_occasion_window(
    event: dt.date | None, on: dt.date, margin_days: int, settings: Settings
) -> bool:
    """Whether ``on`` is within +/- ``margin_days`` of the day-month of ``event``.

    The years before and after are checked too so a Dec 30 birthday with 3 days margin
    matches Jan 1, and a Jan 2 birthday matches Dec 31.
    """
    if event is None:
        return False
    for year in (on.year - 1, on.year, on.year + 1):
        if abs((observed_date(event, year, settings) - on).days) <= margin_days:
            return True
    return False


def multiplier_active(card_type: CardType, moment: dt.datetime) -> bool:
    """Whether the card type's point multiplier applies at ``moment`` (see
    :func:`in_multiplier_window`)."""
    return in_multiplier_window(
        card_type.weekdays, card_type.multiplier_from_time, card_type.multiplier_to_time, moment
    )


def in_multiplier_window(
    days: Collection[str], start: dt.time | None, end: dt.time | None, moment: dt.datetime
) -> bool:
    """Whether ``moment`` is inside the window ``start``-``end`` of one of ``days`` (``"fri"``).

    Times are whole minutes and both ends count: a 10:00-20:00 window runs from 10:00:00 to
    20:00:59. A window whose to-time is before its from-time runs over midnight and belongs to
    the weekday it starts on: a Friday 22:00-02:00 window covers Friday 22:00-23:59 and
    Saturday 00:00-02:00 (whatever Saturday's own setting), and not Friday 00:00-02:00 (that
    is Thursday's). No times: all day; a from-time only: to the end of the day; a to-time
    only: from the start of the day. No days: never.
    """
    now = moment.time().replace(second=0, microsecond=0)
    today = WEEKDAYS[moment.weekday()] in days
    if start is None or end is None or start <= end:  # a window inside one day
        return today and (start is None or now >= start) and (end is None or now <= end)
    yesterday = WEEKDAYS[(moment.weekday() - 1) % 7] in days
    return (today and now >= start) or (yesterday and now <= end)


def earn_points(
    card_type: CardType,
    customer: Customer | None,
    base_value: Decimal,
    moment: dt.datetime,
    settings: Settings,
) -> PointsEarned:
    """Points a sale with earning base ``base_value`` earns (see the module doc for the order)."""
    rules: list[Rule] = []
    base = block_points(base_value, card_type.block_sale_value, card_type.points_awarded, settings)
    if card_type.block_sale_value > 0 and card_type.points_awarded > 0:
        how = "whole blocks" if settings.partial_blocks == "whole" else "proportional"
        rules.append(
            Rule(
                "POINTS_BASE",
                f"{card_type.points_awarded} points per {card_type.block_sale_value} of "
                f"{base_value} ({how})",
                amount=base_value,
                points=base,
            )
        )
    else:
        rules.append(Rule("POINTS_NONE", f"{card_type.name} cards earn no points", points=ZERO))

    extras = ZERO
    if customer is not None and card_type.extra_points > 0:
        occasions = [
            ("BIRTHDAY", "birthday", customer.birth_date),
            ("ANNIVERSARY", "anniversary", customer.anniversary_date),
        ]
        for code, label, event in occasions:
            if not in_occasion_window(event, moment.date(), card_type.extra_margin_days, settings):
                continue
            if card_type.extra_points_on == "fixed":
                extra = card_type.extra_points
                text = f"{card_type.extra_points} extra points on the {label}"
            else:
                blocks = whole_blocks(base_value, card_type.extra_points_sale_value)
                extra = card_type.extra_points * blocks
                text = (
                    f"{card_type.extra_points} extra points per {card_type.extra_points_sale_value}"
                    f" of sale value on the {label} ({blocks} blocks)"
                )
            rules.append(Rule(f"POINTS_{code}", text, amount=base_value, points=extra))
            extras += extra
            if not settings.extras_per_occasion:
                break

    multiplier = ONE
    if card_type.multiplier != ONE and multiplier_active(card_type, moment):
        multiplier = card_type.multiplier
    if settings.multiplier_applies_to == "base_and_extras":
        total = (base + extras) * multiplier
        scope = "base and extra points"
    else:
        total = base * multiplier + extras
        scope = "base points"
    if multiplier != ONE:
        window = ""
        start, end = card_type.multiplier_from_time, card_type.multiplier_to_time
        if start or end:
            window = (
                f" {start.strftime('%H:%M') if start else '00:00'}-"
                f"{end.strftime('%H:%M') if end else '23:59'}"
            )
        rules.append(
            Rule(
                "POINTS_MULTIPLIER",
                f"Point multiplier x{multiplier} on {card_type.multiplier_weekdays}{window} "
                f"({scope})",
                points=total - (base + extras),
            )
        )
    rounded = round_earned(total, card_type, settings)
    if rounded != total:
        rules.append(
            Rule(
                "POINTS_ROUNDING",
                f"Rounded {total} to {rounded} ({card_type.rounding}, "
                f"limit {card_type.rounding_limit})",
                points=rounded - total,
            )
        )
    return PointsEarned(
        points=rounded,
        base_value=base_value,
        base_points=base,
        extra_points=extras,
        multiplier=multiplier,
        rules=tuple(rules),
    )


def referral_points(
    card_type: CardType, customer: Customer, base_value: Decimal, settings: Settings
) -> ReferralPoints | None:
    """Points for the customer's link (referring) customer, or None without a link."""
    if customer.link_customer_id is None:
        return None
    raw = block_points(
        base_value, card_type.referral_block_value, card_type.referral_points, settings
    )
    points = round_earned(raw, card_type, settings)
    rule = Rule(
        "REFERRAL_POINTS",
        f"{card_type.referral_points} points per {card_type.referral_block_value} to link "
        f"customer {customer.link_customer_id}",
        amount=base_value,
        points=points,
    )
    return ReferralPoints(customer.link_customer_id, points, base_value, (rule,))


def reverse_fraction(returned_base: Decimal, original_base: Decimal) -> Decimal:
    """The share of the original earning base a return gives back (0..1)."""
    if original_base <= 0 or returned_base >= original_base:
        return ONE if returned_base > 0 or original_base <= 0 else ZERO
    return returned_base / original_base


def reverse_points(
    original_points: Decimal,
    original_base: Decimal,
    returned_base: Decimal,
    settings: Settings,
) -> Decimal:
    """Points to take back (a negative number or 0) when ``returned_base`` is returned.

    The whole base returned (or more) gives exactly ``-original_points``; a part gives the same
    part of the points, rounded to ``Settings.points_places``.
    """
    if original_points == 0:
        return ZERO
    fraction = reverse_fraction(returned_base, original_base)
    if fraction == ONE:
        return -original_points
    return -round_points(original_points * fraction, settings.points_places, settings.rounding)


def reverse_earned(return_of: ReturnOf, returned_base: Decimal, settings: Settings) -> PointsEarned:
    """The :class:`PointsEarned` of a return: negative, with the rule that says why."""
    points = reverse_points(return_of.points_earned, return_of.points_base, returned_base, settings)
    rule = Rule(
        "POINTS_REVERSED",
        f"Return of {returned_base} of {return_of.points_base} reverses {-points} of the "
        f"{return_of.points_earned} points earned",
        amount=returned_base,
        points=points,
    )
    return PointsEarned(points, returned_base, points, ZERO, ONE, (rule,))


@dataclass(frozen=True, slots=True)
class LoyaltyEntry:
    """A ``loyalty_ledger`` row's type and signed points (used/reversed entries are negative)."""

    entry_type: str
    points: Decimal


@dataclass(frozen=True, slots=True)
class PointsBalance:
    """Quasar's earned / used / adjusted / unused view of a customer's points.

    ``used`` is shown positive; ``unused`` is the balance (the sum of every signed entry,
    opening points included - e.g. a fractional opening of 102.375).
    """

    opening: Decimal
    earned: Decimal
    used: Decimal
    adjusted: Decimal
    referral: Decimal
    reversed: Decimal
    unused: Decimal


def points_balance(entries: Iterable[LoyaltyEntry]) -> PointsBalance:
    """Sum ledger entries by type; the balance is simply the sum of all of them."""
    sums = {k: ZERO for k in ("opening", "earned", "used", "adjusted", "referral", "reversed")}
    for entry in entries:
        if entry.entry_type not in sums:
            raise ValueError(f"unknown loyalty entry type {entry.entry_type!r}")
        sums[entry.entry_type] += entry.points
    return PointsBalance(
        opening=sums["opening"],
        earned=sums["earned"],
        used=-sums["used"],
        adjusted=sums["adjusted"],
        referral=sums["referral"],
        reversed=sums["reversed"],
        unused=sum(sums.values(), ZERO),
    )
