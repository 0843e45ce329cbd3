"""Demo loyalty points: earned per block of sale value (with rounding and multipliers), birthday
and anniversary extras, and referral points for the linked customer."""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal

from pos_tui.demo.context import CENT, DemoContext, money
from pos_tui.engine.loyalty import in_multiplier_window
from pos_tui.engine.money import ZERO
from pos_tui.storage.bulk import Buyer
from pos_tui.storage.rows import Row


def _time(text: str | None) -> time | None:
    return time.fromisoformat(text) if text else None


def round_points(points: Decimal, mode: str, limit: Decimal) -> Decimal:
    if mode == "no" or limit <= 0:
        return points.quantize(CENT, rounding=ROUND_HALF_UP)
    rounding = {"lower": ROUND_FLOOR, "higher": ROUND_CEILING, "standard": ROUND_HALF_UP}[mode]
    return (points / limit).to_integral_value(rounding=rounding) * limit


def earned_points(card: Row, eligible: Decimal, moment: datetime) -> Decimal:
    block = Decimal(card["block_sale_value"])
    per_block = Decimal(card["points_awarded"])
    if block <= 0 or per_block <= 0 or eligible <= 0:
        return ZERO
    points = eligible / block * per_block
    weekdays = {d for d in card["multiplier_weekdays"].split(",") if d}
    start, end = (card["multiplier_from_time"], card["multiplier_to_time"])
    if weekdays and in_multiplier_window(weekdays, _time(start), _time(end), moment):
        points *= Decimal(card["multiplier"])
    return positive(round_points(points, card["rounding"], Decimal(card["rounding_limit"])))


def extra_points(card: Row, customer: Buyer, eligible: Decimal, day: date) -> Decimal:
    extra = Decimal(card["extra_points"])
    if extra <= 0:
        return ZERO
    margin = int(card["extra_margin_days"])
    celebrating = False
    for iso in (customer.birth_date, customer.anniversary_date):
        if not iso:
            continue
        for year in (day.year - 1, day.year, day.year + 1):
            try:
                event = date.fromisoformat(iso).replace(year=year)
            except ValueError:
                event = date(year, 2, 28)
            if abs((event - day).days) <= margin:
                celebrating = True
    if not celebrating:
        return ZERO
    if card["extra_points_on"] == "sale_value":
        block = Decimal(card["extra_points_sale_value"])
        if block <= 0:
            return ZERO
        return money(eligible / block * extra)
    return extra


def referral_points(ctx: DemoContext, customer: Buyer, sale: Row) -> Decimal:
    link = customer.link_customer_id
    card = ctx.cat.card_types_by_id.get(customer.card_type_id or 0)  # ids start at 1
    if not link or card is None:
        return ZERO
    block = Decimal(card["referral_block_value"])
    per_block = Decimal(card["referral_points"])
    if block <= 0 or per_block <= 0:
        return ZERO
    return positive((sale["eligible"] / block).to_integral_value(rounding=ROUND_FLOOR) * per_block)


def positive(value: Decimal) -> Decimal:
    return value if value > 0 else ZERO
