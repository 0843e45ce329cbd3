"""Demo past sales: when and who buys, how they pay, and the loyalty and receivable entries that
follow, appended to the hash-chained journal like a lane does. Payments on account close the run.

What a sale holds (lines, prices, discounts, taxes) is built in :mod:`.baskets`.
"""

from __future__ import annotations

import json
from datetime import datetime, time, timedelta
from decimal import ROUND_CEILING, Decimal
from random import Random
from typing import Any

from pos_tui.demo.baskets import one_sale
from pos_tui.demo.context import DemoContext, ProgressFn, money
from pos_tui.demo.points import referral_points
from pos_tui.engine.money import ZERO
from pos_tui.storage import bulk
from pos_tui.storage.bulk import Buyer
from pos_tui.storage.rows import Row

# Per customer on account: (when, amount) of each charge of the run.
Charges = dict[int, list[tuple[str, Decimal]]]


def add_sales(ctx: DemoContext, count: int, tick: ProgressFn) -> None:
    """Append ``count`` sales over the last 90 days, then payments on account."""
    rng, db = ctx.rng, ctx.b.db
    buyers = bulk.active_customers_for_sales(db)
    if not buyers:
        return
    exempt_taxes = bulk.exempt_tax_ids_by_customer(db)
    # A few regulars buy often, like a real store.
    regulars = rng.sample(buyers, min(len(buyers), max(5, len(buyers) // 10)))
    charged: Charges = {}
    balances: dict[int, Decimal] = {}
    for moment in _moments(ctx, count):
        moment = min(moment, ctx.now - timedelta(minutes=5))
        roll = rng.random()
        customer = (
            None if roll < 0.25 else (rng.choice(regulars) if roll < 0.6 else rng.choice(buyers))
        )
        _one_sale(ctx, customer, moment, exempt_taxes, charged, balances)
        tick("sales", 1)
    _payments_on_account(ctx, charged)


def _moments(ctx: DemoContext, count: int) -> list[datetime]:
    """When the sales happen: ``count`` moments of store hours over the last 90 days, in order."""
    rng = ctx.rng
    start = ctx.now - timedelta(days=90)
    return sorted(
        datetime.combine(
            (start + timedelta(days=rng.randrange(90))).date(),
            time(rng.randint(9, 20), rng.randrange(60), rng.randrange(60)),
        )
        for _ in range(count)
    )


def _one_sale(
    ctx: DemoContext,
    customer: Buyer | None,
    moment: datetime,
    exempt_taxes: dict[int, set[int]],
    charged: Charges,
    balances: dict[int, Decimal],
) -> None:
    """One sale to ``customer`` (None: a walk-in) journaled with its ledger entries."""
    rng = ctx.rng
    sale, children, points, extras = one_sale(ctx, customer, moment, exempt_taxes)
    total: Decimal = sale["total"]
    on_account = customer is not None and _charges_it(rng, customer, total, balances)
    reference = None
    if on_account:
        assert customer is not None
        if customer.required_reference:
            reference = f"PO-{rng.randrange(10000, 99999)}"
        children["tenders"] = [_tender("account", total, reference=reference)]
    else:
        children["tenders"] = [_paid_at_the_till(rng, total)]
    at = moment.isoformat(timespec="seconds")
    # The earning base and the link's referral points are stored like a lane stores them,
    # so a return of part of a demo sale reverses only that part's points.
    referral = referral_points(ctx, customer, sale) if customer is not None else ZERO
    record = _journal_record(ctx, customer, sale, at, points + extras, referral, reference)
    stored = ctx.b.journal.append(record, children)
    if customer is None:
        return
    sale_id = stored.id
    _earn_points(ctx, customer, sale_id, at, points, extras, referral)
    if on_account:
        _charge(ctx, customer, sale_id, moment, total, reference)
        cid = customer.id
        charged.setdefault(cid, []).append((at, total))
        balances[cid] = balances.get(cid, ZERO) + total


def _charges_it(rng: Random, customer: Buyer, total: Decimal, balances: dict[int, Decimal]) -> bool:
    """Whether a customer allowed to charge puts this sale on account (within their limit)."""
    if not (customer.ar_enabled and customer.allow_charge and not customer.credit_hold):
        return False
    owed = balances.get(customer.id, ZERO)
    return owed + total <= customer.credit_limit and rng.random() < 0.6


def _tender(kind: str, amount: Decimal, *, reference: str | None = None, change: str = "0") -> Row:
    return {
        "seq": 1,
        "kind": kind,
        "amount": str(amount),
        "reference": reference,
        "points": None,
        "change_given": change,
    }


def _paid_at_the_till(rng: Random, total: Decimal) -> Row:
    """Cash rounded up to the next 10 or 100 (change back), or a card."""
    if rng.random() < 0.55:
        step = Decimal(100) if total > 100 else Decimal(10)
        paid = (total / step).to_integral_value(rounding=ROUND_CEILING) * step
        return _tender("cash", money(paid), change=str(money(paid - total)))
    card = f"{rng.choice(('VISA', 'MC', 'RUPAY', 'AMEX'))} ****{rng.randrange(10000):04d}"
    return _tender("card", total, reference=card)


def _journal_record(
    ctx: DemoContext,
    customer: Buyer | None,
    sale: dict[str, Any],
    at: str,
    points: Decimal,
    referral: Decimal,
    reference: str | None,
) -> Row:
    lane, c = ctx.b.settings.lane, ctx.cat
    employee = c.employees["201"] if ctx.rng.random() < 0.1 else c.employees["101"]
    return {
        "lane_id": lane.id,
        "store_id": lane.store_id,
        "kind": "sale",
        "original_sale_id": None,
        "customer_id": customer.id if customer else None,
        "employee_id": employee,
        "committed_at": at,
        "subtotal": str(sale["subtotal"]),
        "discount_total": str(sale["discount_total"]),
        "tax_total": str(sale["tax_total"]),
        "total": str(sale["total"]),
        "points_earned": str(points),
        "points_base": str(sale["eligible"] if customer is not None else ZERO),
        "referral_customer_id": customer.link_customer_id if customer and referral else None,
        "referral_points": str(referral),
        "points_used": "0",
        "reference": reference,
        "explanation": json.dumps(sale["explanation"], ensure_ascii=False),
    }


def _earn_points(
    ctx: DemoContext,
    customer: Buyer,
    sale_id: int,
    at: str,
    points: Decimal,
    extras: Decimal,
    referral: Decimal,
) -> None:
    """The sale's points, birthday / anniversary extras and the link's referral points."""
    cid, ledgers = customer.id, ctx.b.ledgers
    if points:
        ledgers.add_points(
            customer_id=cid, entry_type="earned", points=points, at=at, sale_id=sale_id
        )
    if extras:
        ledgers.add_points(
            customer_id=cid,
            entry_type="earned",
            points=extras,
            at=at,
            sale_id=sale_id,
            reason="Birthday / anniversary extra points",
        )
    if referral and customer.link_customer_id is not None:
        ledgers.add_points(
            customer_id=customer.link_customer_id,
            entry_type="referral",
            points=referral,
            at=at,
            sale_id=sale_id,
            reason=f"Referral: account {customer.account_number}",
        )


def _charge(
    ctx: DemoContext,
    customer: Buyer,
    sale_id: int,
    moment: datetime,
    total: Decimal,
    reference: str | None,
) -> None:
    """The sale charged to the customer's account, due by their payment terms."""
    days = int((customer.payment_terms or "Net 30").split()[-1])
    ctx.b.ledgers.add_receivable(
        customer_id=customer.id,
        entry_type="charge",
        amount=total,
        at=moment.isoformat(timespec="seconds"),
        reference=reference,
        sale_id=sale_id,
        due_date=(moment.date() + timedelta(days=days)).isoformat(),
    )


def _payments_on_account(ctx: DemoContext, charged: Charges) -> None:
    """Customers on account pay most of what they owe a week after their last charge."""
    rng = ctx.rng
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
