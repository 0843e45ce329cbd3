"""Demo past sales: when and who buys, how they pay, and the loyalty and receivable entries that
follow, appended to the hash-chained journal like a lane does. Payments on account close the run.

What a sale holds (lines, prices, discounts, taxes) is built in :mod:`.baskets`.
"""

from __future__ import annotations

import json
from datetime import datetime, time, timedelta
from decimal import ROUND_CEILING, Decimal

from pos_tui.demo.baskets import one_sale
from pos_tui.demo.context import DemoContext, ProgressFn, money
from pos_tui.demo.points import referral_points
from pos_tui.engine.money import ZERO
from pos_tui.storage import bulk


def add_sales(ctx: DemoContext, count: int, tick: ProgressFn) -> None:
    """Append ``count`` sales over the last 90 days, then payments on account."""
    rng, c, db = ctx.rng, ctx.cat, ctx.b.db
    lane = ctx.b.settings.lane
    buyers = bulk.active_customers_for_sales(db)
    if not buyers:
        return
    exempt_taxes = bulk.exempt_tax_ids_by_customer(db)
    # A few regulars buy often, like a real store.
    regulars = rng.sample(buyers, min(len(buyers), max(5, len(buyers) // 10)))
    start = ctx.now - timedelta(days=90)
    moments = sorted(
        datetime.combine(
            (start + timedelta(days=rng.randrange(90))).date(),
            time(rng.randint(9, 20), rng.randrange(60), rng.randrange(60)),
        )
        for _ in range(count)
    )
    cashier = c.employees["101"]
    supervisor = c.employees["201"]
    charged: dict[int, list[tuple[str, Decimal]]] = {}
    balances: dict[int, Decimal] = {}
    for moment in moments:
        moment = min(moment, ctx.now - timedelta(minutes=5))
        roll = rng.random()
        customer = (
            None if roll < 0.25 else (rng.choice(regulars) if roll < 0.6 else rng.choice(buyers))
        )
        sale, children, points, extras = one_sale(ctx, customer, moment, exempt_taxes)
        account_tender = False
        if (
            customer
            and customer["ar_enabled"]
            and customer["allow_charge"]
            and not customer["credit_hold"]
        ):
            owed = balances.get(customer["id"], ZERO)
            if owed + sale["total"] <= Decimal(customer["credit_limit"]) and rng.random() < 0.6:
                account_tender = True
        total: Decimal = sale["total"]
        reference = None
        if account_tender:
            reference = (
                f"PO-{rng.randrange(10000, 99999)}"
                if customer and customer["required_reference"]
                else None
            )
            tenders = [
                {
                    "seq": 1,
                    "kind": "account",
                    "amount": str(total),
                    "reference": reference,
                    "points": None,
                    "change_given": "0",
                }
            ]
        elif rng.random() < 0.55:
            step = Decimal(100) if total > 100 else Decimal(10)
            paid = (total / step).to_integral_value(rounding=ROUND_CEILING) * step
            tenders = [
                {
                    "seq": 1,
                    "kind": "cash",
                    "amount": str(money(paid)),
                    "reference": None,
                    "points": None,
                    "change_given": str(money(paid - total)),
                }
            ]
        else:
            tenders = [
                {
                    "seq": 1,
                    "kind": "card",
                    "amount": str(total),
                    "reference": f"{rng.choice(('VISA', 'MC', 'RUPAY', 'AMEX'))} ****{rng.randrange(10000):04d}",
                    "points": None,
                    "change_given": "0",
                }
            ]
        children["tenders"] = tenders
        at = moment.isoformat(timespec="seconds")
        # The earning base and the link's referral points are stored like a lane stores them,
        # so a return of part of a demo sale reverses only that part's points.
        referral = referral_points(ctx, customer, sale) if customer is not None else ZERO
        record = {
            "lane_id": lane.id,
            "store_id": lane.store_id,
            "kind": "sale",
            "original_sale_id": None,
            "customer_id": customer["id"] if customer else None,
            "employee_id": supervisor if rng.random() < 0.1 else cashier,
            "committed_at": at,
            "subtotal": str(sale["subtotal"]),
            "discount_total": str(sale["discount_total"]),
            "tax_total": str(sale["tax_total"]),
            "total": str(total),
            "points_earned": str(points + extras),
            "points_base": str(sale["eligible"] if customer is not None else ZERO),
            "referral_customer_id": customer["link_customer_id"] if customer and referral else None,
            "referral_points": str(referral),
            "points_used": "0",
            "reference": reference,
            "explanation": json.dumps(sale["explanation"], ensure_ascii=False),
        }
        stored = ctx.b.journal.append(record, children)
        sale_id = int(stored["id"])
        if customer is not None:
            cid = customer["id"]
            if points:
                ctx.b.ledgers.add_points(
                    customer_id=cid, entry_type="earned", points=points, at=at, sale_id=sale_id
                )
            if extras:
                ctx.b.ledgers.add_points(
                    customer_id=cid,
                    entry_type="earned",
                    points=extras,
                    at=at,
                    sale_id=sale_id,
                    reason="Birthday / anniversary extra points",
                )
            if referral:
                ctx.b.ledgers.add_points(
                    customer_id=customer["link_customer_id"],
                    entry_type="referral",
                    points=referral,
                    at=at,
                    sale_id=sale_id,
                    reason=f"Referral: account {customer['account_number']}",
                )
            if account_tender:
                days = int((customer["payment_terms"] or "Net 30").split()[-1])
                due = (moment.date() + timedelta(days=days)).isoformat()
                ctx.b.ledgers.add_receivable(
                    customer_id=cid,
                    entry_type="charge",
                    amount=total,
                    at=at,
                    reference=reference,
                    sale_id=sale_id,
                    due_date=due,
                )
                charged.setdefault(cid, []).append((at, total))
                balances[cid] = balances.get(cid, ZERO) + total
        tick("sales", 1)
    # Customers on account pay most of what they owe a week after their last charge.
    for cid in sorted(charged):
        last_at = datetime.fromisoformat(charged[cid][-1][0])
        pay_at = min(last_at + timedelta(days=7), ctx.now - timedelta(minutes=1))
        owed = sum((amount for _at, amount in charged[cid]), ZERO)
        share = Decimal(rng.choice(("0.5", "0.75", "1")))
        amount = money(owed * share)
        if amount > 0 and pay_at > last_at:
            ctx.b.ledgers.add_receivable(
                customer_id=cid,
                entry_type="payment",
                amount=-amount,
                at=pay_at.isoformat(timespec="seconds"),
                reference=f"RCPT-{rng.randrange(100000, 999999)}",
                note="Payment on account",
            )
