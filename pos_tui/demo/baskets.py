"""One demo sale's contents: items a customer may buy, their prices (level, price list, promotion),
card and customer discounts, taxes, and the points the sale earns."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from pos_tui.demo.context import DemoContext, money
from pos_tui.demo.points import earned_points, extra_points
from pos_tui.engine.money import ZERO
from pos_tui.storage.bulk import Buyer, ItemForSale
from pos_tui.storage.rows import Row


def one_sale(
    ctx: DemoContext, customer: Buyer | None, moment: datetime, exempt_taxes: dict[int, set[int]]
) -> tuple[Row, dict[str, list[Row]], Decimal, Decimal]:
    """(totals, journal children: lines, discounts, taxes; earned points, extra points)."""
    rng, c = ctx.rng, ctx.cat
    card = (
        c.card_types_by_id.get(customer.card_type_id or 0) if customer else None
    )  # ids start at 1
    restricted = c.restricted.get(card["id"], set()) if card else set()
    allowed = [it for it in c.items if it.subgroup_id not in restricted]
    lines: list[Row] = []
    taxes: dict[str, list[Decimal]] = {}
    subtotal = discount_total = tax_total = eligible = ZERO
    explanation: list[str] = []
    card_discount = Decimal(card["discount_percent"]) if card else ZERO
    auto_discount = customer.auto_discount_percent if customer else ZERO
    for line_no, item in enumerate(rng.sample(allowed, rng.randint(1, 6)), start=1):
        quantity = Decimal(rng.choice((1, 1, 1, 2, 2, 3)))
        unit, source = price(ctx, item, customer, moment.date())
        gross = money(unit * quantity)
        percent = card_discount + auto_discount if item.discount_eligible else ZERO
        discount = money(gross * percent / 100)
        net = gross - discount
        tax = ZERO
        exempt = exempt_taxes.get(customer.id, set()) if customer else set()
        if not (customer and customer.tax_exempt):
            for t in c.class_taxes.get(item.tax_class_id or 0, []):
                if t["id"] in exempt:
                    continue
                amount = money(net * t["rate"] / 100)
                tax += amount
                entry = taxes.setdefault(t["code"], [ZERO, ZERO])
                entry[0] += net
                entry[1] += amount
        lines.append(
            {
                "line_no": line_no,
                "item_id": item.id,
                "sku": item.sku,
                "description": item.name,
                "quantity": str(quantity),
                "unit_price": str(unit),
                "price_source": source,
                "discount": str(discount),
                "tax": str(tax),
                "total": str(net + tax),
                "original_line_no": None,
            }
        )
        subtotal += gross
        discount_total += discount
        tax_total += tax
        if item.points_eligible:
            eligible += net
    if discount_total:
        explanation.append(f"card/customer discount {card_discount + auto_discount}%")
    sale = {
        "subtotal": subtotal,
        "discount_total": discount_total,
        "tax_total": tax_total,
        "total": subtotal - discount_total + tax_total,
        "eligible": eligible,
        "explanation": explanation,
    }
    children: dict[str, list[Row]] = {
        "lines": lines,
        "discounts": (
            [
                {
                    "line_no": None,
                    "kind": "customer",
                    "description": "Card and customer discount",
                    "amount": str(discount_total),
                }
            ]
            if discount_total
            else []
        ),
        "taxes": [
            {"tax_code": code, "taxable": str(v[0]), "amount": str(v[1])}
            for code, v in sorted(taxes.items())
        ],
    }
    points = extras = ZERO
    if customer is not None and card is not None:
        points = earned_points(card, eligible, moment)
        extras = extra_points(card, customer, eligible, moment.date())
        if points:
            explanation.append(f"{points} points on {eligible}")
        if extras:
            explanation.append(f"{extras} birthday/anniversary extra points")
    return sale, children, points, extras


def price(
    ctx: DemoContext, item: ItemForSale, customer: Buyer | None, day: date
) -> tuple[Decimal, str]:
    """The unit price and where it came from (regular, level_N, price_list, promo)."""
    unit, source = item.regular_price, "regular"
    if customer is not None:
        level = customer.price_level
        at_level = item.level_price(level) if level else None
        if at_level is not None:
            unit, source = at_level, f"level_{level}"
        if customer.price_list_id:
            listed = ctx.cat.price_list_prices.get((customer.price_list_id, item.id))
            if listed is not None and listed < unit:
                unit, source = listed, "price_list"
        if customer.forced_price_level:
            return unit, source
    promo, start, end = item.promo_price, item.promo_start, item.promo_end
    if promo is not None and start and end and start <= day.isoformat() <= end and promo < unit:
        return promo, "promo"
    return unit, source
