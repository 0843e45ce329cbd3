"""Refunds: what a return gives back, taken from what its sale paid; a return is never priced.

A sale already paid, line by line, a total after every discount (customer %, card type %,
automatic and manual transaction discounts) and every tax (exclusive added, inclusive inside, an
exempt customer's inclusive tax taken out of the price). Pricing returned goods again would apply
those rules a second time (a Gold customer's 1457.80 came back as 1384.91), so a return gives
back shares of the stored amounts instead:

* **Lines, per unit, cumulatively.** Each part ``A`` of a line sold as ``Q`` units (its total,
  discount, exclusive and inclusive tax, exempt reduction) has given back ``round(A * q / Q)``
  once ``q`` units came back; a return of ``k`` more units gives
  ``round(A * (r + k) / Q) - round(A * r / Q)``. The roundings telescope, so in any order and any
  grouping all ``Q`` units give back exactly ``A``, and every part of every return is a
  non-negative multiple of the minor unit within one minor unit of its exact share: for whole
  units it is the largest-remainder split of ``A`` over the units (ties by position). 29.00 for
  3 units comes back as 9.67, 9.66, 9.67.
* **Points** (the customer's, and the link customer's referral points) follow the same rule on
  the share of the sale's earning base returned: the points-eligible lines weighted by their
  base. All units back reverse exactly the points earned, whatever base the sale stored.
* **Taxes per code**: a return's tax (the sum of its lines') is split over the codes its lines
  carry in proportion to what is left of each (largest remainder); the last return takes exactly
  what is left, so every code adds up over the returns too.

Where the refund goes and the policy on points short: :mod:`pos_tui.engine.refund_routing`;
the inputs and results: :mod:`pos_tui.engine.refund_models`. See ``docs/money.md``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from pos_tui.engine.customer_models import CardType
from pos_tui.engine.money import ONE, ZERO, allocate, quantum, round_money, round_points
from pos_tui.engine.refund_models import (
    GivenBack,
    LineRefund,
    PaidLine,
    PaidSale,
    RefundAllocation,
    ReturnLine,
)
from pos_tui.engine.refund_routing import points_shortfall
from pos_tui.engine.result_models import (
    AppliedDiscount,
    PointsEarned,
    PointsShortfall,
    PricedLine,
    PricedSale,
    ReferralPoints,
    Refusal,
    Rule,
    SaleTax,
    Totals,
)
from pos_tui.engine.settings import Settings

# -- the allocation ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Parts:
    """The independent parts of a line's money; every other figure is made from them."""

    total: Decimal
    discount: Decimal
    removed: Decimal
    exclusive: Decimal
    inclusive: Decimal

    def __sub__(self, other: _Parts) -> _Parts:
        return _Parts(
            self.total - other.total,
            self.discount - other.discount,
            self.removed - other.removed,
            self.exclusive - other.exclusive,
            self.inclusive - other.inclusive,
        )

    @property
    def net(self) -> Decimal:
        """After discounts, before exclusive tax: total = net - removed + exclusive."""
        return self.total + self.removed - self.exclusive

    def points_base(self, settings: Settings) -> Decimal:
        """The earning base of ``pos_tui.engine.sale`` step 10 for these parts."""
        base = self.net - self.removed
        return base + self.exclusive if settings.points_include_exclusive_tax else base


def line_parts(line: PaidLine, settings: Settings) -> _Parts:
    """Split a stored line into its parts. The stored row has the total, the discount and the
    tax; gross is unit price x quantity, so net = gross - discount, the exclusive tax is what the
    total adds to the net (at most the tax), the inclusive tax the rest of the tax, and an exempt
    customer's inclusive tax taken out of the price what the total lacks of net + exclusive."""
    gross = round_money(line.unit_price * line.quantity, settings.minor_unit, settings.rounding)
    net = gross - line.discount
    exclusive = min(max(line.total - net, ZERO), line.tax)
    removed = max(net + exclusive - line.total, ZERO)
    return _Parts(line.total, line.discount, removed, exclusive, line.tax - exclusive)


def parts_after(line: PaidLine, units: Decimal, settings: Settings) -> _Parts:
    """What ``units`` of the line's units have given back of each part, all told."""
    whole = line_parts(line, settings)
    if units >= line.quantity:
        return whole
    zero = round_money(ZERO, settings.minor_unit, settings.rounding)
    if units <= 0:
        return _Parts(zero, zero, zero, zero, zero)

    def share(amount: Decimal) -> Decimal:
        return round_money(amount * units / line.quantity, settings.minor_unit, settings.rounding)

    return _Parts(
        share(whole.total),
        share(whole.discount),
        share(whole.removed),
        share(whole.exclusive),
        share(whole.inclusive),
    )


def _weights(sale: PaidSale, settings: Settings) -> dict[int, Decimal]:
    """Each line's weight in the sale's earning base: its base if it earns points. When the
    catalog no longer marks any line as earning (or every base is 0), every line by its total."""
    weights = {
        x.line_no: line_parts(x, settings).points_base(settings) if x.points_eligible else ZERO
        for x in sale.lines
    }
    if sum(weights.values(), ZERO) <= 0:
        weights = {x.line_no: x.total for x in sale.lines}
    if sum(weights.values(), ZERO) <= 0:
        weights = {x.line_no: ONE for x in sale.lines}
    return weights


def returned_share(sale: PaidSale, units: Mapping[int, Decimal], settings: Settings) -> Decimal:
    """The share (0..1) of the sale's earning base given back once ``units`` per line came back."""
    weights = _weights(sale, settings)
    whole = sum(weights.values(), ZERO)
    if whole <= 0:
        return ZERO
    done = ZERO
    for x in sale.lines:
        back = min(units.get(x.line_no, ZERO), x.quantity)
        done += weights[x.line_no] * back / x.quantity
    return ONE if done >= whole else done / whole


def points_after(points: Decimal, share: Decimal, settings: Settings) -> Decimal:
    """Of ``points`` earned, how many a returned ``share`` of the base has reversed, all told."""
    if share >= ONE:
        return points
    return round_points(points * share, settings.points_places, settings.rounding)


def allocate_refund(
    sale: PaidSale,
    given_back: GivenBack,
    lines: Sequence[ReturnLine],
    settings: Settings,
) -> RefundAllocation:
    """What ``lines`` give back, after what earlier returns of the sale gave (see module doc)."""
    units = {no: min(q, _quantity(sale, no)) for no, q in given_back.quantities.items()}
    start = dict(units)
    refunds: list[LineRefund] = []
    refusals: list[Refusal] = []
    for rl in lines:
        paid = sale.line(rl.original_line_no)
        if paid is None:
            refusals.append(
                Refusal(
                    "RETURN_NO_LINE",
                    f"The sale has no line {rl.original_line_no}",
                    line_no=rl.line_no,
                )
            )
            continue
        before = units.get(paid.line_no, ZERO)
        left = paid.quantity - before
        if rl.quantity > left:
            refusals.append(
                Refusal(
                    "RETURN_OVER_QUANTITY",
                    f"Only {left} of line {paid.line_no} ({paid.description}) can still be "
                    "returned",
                    line_no=rl.line_no,
                )
            )
            continue
        after = before + rl.quantity
        units[paid.line_no] = after
        part = parts_after(paid, after, settings) - parts_after(paid, before, settings)
        refunds.append(
            LineRefund(
                line_no=rl.line_no,
                original_line_no=paid.line_no,
                quantity=rl.quantity,
                gross=part.net + part.discount,
                discount=part.discount,
                net=part.net,
                exempt_reduction=part.removed,
                exclusive_tax=part.exclusive,
                inclusive_tax=part.inclusive,
                tax=part.exclusive + part.inclusive,
                total=part.total,
            )
        )
    share_before = returned_share(sale, start, settings)
    share_after = returned_share(sale, units, settings)
    points = _reversed(sale.points_earned, given_back.points, share_before, share_after, settings)
    referral = _reversed(
        sale.referral_points, given_back.referral_points, share_before, share_after, settings
    )
    weights = _weights(sale, settings)
    base = sum(
        (
            weights[x.line_no]
            * (units.get(x.line_no, ZERO) - start.get(x.line_no, ZERO))
            / x.quantity
            for x in sale.lines
        ),
        ZERO,
    )
    base = round_money(base, settings.minor_unit, settings.rounding)
    taxes = _split_taxes(sale, given_back, refunds, start, units, settings)
    return RefundAllocation(tuple(refunds), taxes, points, referral, base, tuple(refusals))


def _quantity(sale: PaidSale, line_no: int) -> Decimal:
    line = sale.line(line_no)
    return line.quantity if line is not None else ZERO


def _reversed(
    earned: Decimal,
    reversed_before: Decimal,
    share_before: Decimal,
    share_after: Decimal,
    settings: Settings,
) -> Decimal:
    """Points to reverse now: the cumulative share's points less what was reversed before.

    The cumulative rule is the same for every return; ``reversed_before`` is what earlier
    returns actually reversed (from the journal), so a sale returned partly under an older rule
    still ends at exactly the points earned: never more, and all of them when all came back."""
    if earned <= 0:
        return ZERO
    left = max(earned - reversed_before, ZERO)
    if share_after >= ONE:
        return left
    now = points_after(earned, share_after, settings) - points_after(earned, share_before, settings)
    return min(max(now, ZERO), left)


def _split_taxes(
    sale: PaidSale,
    given_back: GivenBack,
    refunds: Sequence[LineRefund],
    before: Mapping[int, Decimal],
    after: Mapping[int, Decimal],
    settings: Settings,
) -> tuple[SaleTax, ...]:
    """The return's tax per code, and the taxable amount it gives back per code.

    The tax (the sum of its lines') goes over the codes its lines carry in proportion to what
    is left of each (all codes if those cannot hold it), by largest remainder: every return's
    codes add up to its tax, and the last return takes exactly what is left. A code's taxable
    follows the money of the lines that carry it: the share of what is left of them that comes
    back now, all of what is left once they are all back. ``before``/``after``: units per line
    given back before and after this return."""
    if not sale.taxes or not refunds:
        return ()
    step = quantum(settings.minor_unit)
    tax_now = sum((r.tax for r in refunds), ZERO)
    gone = given_back.taxes
    left = {
        t.tax_code: max(t.amount - gone.get(t.tax_code, (ZERO, ZERO))[1], ZERO) for t in sale.taxes
    }
    carried: set[str] = set()
    for r in refunds:
        carried |= _codes(sale, r.original_line_no, left)
    codes = [t.tax_code for t in sale.taxes if t.tax_code in carried]
    if tax_now > sum((left[c] for c in codes), ZERO):
        codes = [t.tax_code for t in sale.taxes]  # the carried codes cannot hold it: all
    shares = dict(zip(codes, allocate(tax_now, [left[c] for c in codes], step), strict=True))
    out = []
    for t in sale.taxes:
        code = t.tax_code
        amount = shares.get(code, ZERO)
        taxable_left = max(t.taxable - gone.get(code, (ZERO, ZERO))[0], ZERO)
        ratio = _carried_share(sale, code, left, before, after, settings)
        taxable = (
            taxable_left
            if ratio >= ONE
            else round_money(taxable_left * ratio, settings.minor_unit, settings.rounding)
        )
        if amount or taxable:
            out.append(SaleTax(code, t.name or code, t.rate_percent, t.mode, taxable, amount))
    return tuple(out)


def _codes(sale: PaidSale, line_no: int, codes: Mapping[str, Decimal]) -> set[str]:
    """The sale's tax codes a line carries (every code when the line's are not known)."""
    line = sale.line(line_no)
    mine = line.tax_codes if line is not None else frozenset()
    return (set(mine) & set(codes)) if mine else set(codes)


def _carried_share(
    sale: PaidSale,
    code: str,
    codes: Mapping[str, Decimal],
    before: Mapping[int, Decimal],
    after: Mapping[int, Decimal],
    settings: Settings,
) -> Decimal:
    """The share (0..1) of what is left of the lines carrying ``code`` that comes back now."""
    lines = [x for x in sale.lines if code in _codes(sale, x.line_no, codes)] or list(sale.lines)
    left = now = ZERO
    for x in lines:
        was = parts_after(x, before.get(x.line_no, ZERO), settings).total
        left += x.total - was
        now += parts_after(x, after.get(x.line_no, ZERO), settings).total - was
    if all(after.get(x.line_no, ZERO) >= x.quantity for x in lines) or now >= left:
        return ONE
    return now / left if left > 0 else ZERO


# -- the return as the lane shows and records it ----------------------------------------------


def price_return(
    sale: PaidSale,
    given_back: GivenBack,
    lines: Sequence[ReturnLine],
    settings: Settings,
    moment: dt.datetime,
    *,
    customer_id: int | None = None,
    card_type: CardType | None = None,
    points_balance: Decimal | None = None,
    points_back: Decimal = ZERO,
    points_value_back: Decimal = ZERO,
    below_zero_by: int | None = None,
) -> PricedSale:
    """The return of ``lines`` as a :class:`PricedSale` (kind ``return``, amounts positive,
    points negative), every figure taken from what ``sale`` paid.

    ``points_balance``: the customer's balance now (None: no customer, no points);
    ``points_back`` / ``points_value_back``: points the return's tenders give back as points and
    their money value (for the policy on points short); ``below_zero_by``: the supervisor who
    allowed the balance below zero. ``totals.redeemed`` is the value of points short kept from
    the refund and ``totals.amount_due`` what the tenders give back.
    """
    alloc = allocate_refund(sale, given_back, lines, settings)
    places, mode = settings.minor_unit, settings.rounding

    def money(value: Decimal) -> Decimal:
        return round_money(value, places, mode)

    priced_lines = []
    discounts = []
    sale_rules: list[Rule] = []
    for r in alloc.lines:
        paid = sale.line(r.original_line_no)
        assert paid is not None
        rule = Rule(
            "RETURN_AT_PAID",
            f"{r.quantity} of {paid.quantity} of line {paid.line_no} back at what was paid: "
            f"{r.total} of {paid.total}",
            amount=r.total,
            line_no=r.line_no,
        )
        priced_lines.append(
            PricedLine(
                line_no=r.line_no,
                item_id=paid.item_id if paid.item_id is not None else 0,
                sku=paid.sku,
                description=paid.description,
                quantity=r.quantity,
                unit_price=paid.unit_price,
                price_source="paid",
                gross=r.gross,
                discount=r.discount,
                net=r.net,
                exempt_reduction=r.exempt_reduction,
                exclusive_tax=r.exclusive_tax,
                inclusive_tax=r.inclusive_tax,
                tax=r.tax,
                total=r.total,
                points_eligible=paid.points_eligible,
                discount_eligible=paid.discount_eligible,
                taxes=(),
                rules=(rule,),
            )
        )
        if r.discount:
            discounts.append(
                AppliedDiscount("return", "Discounts given on the sale", r.discount, r.line_no)
            )
    total = money(alloc.total)
    points: PointsEarned | None = None
    referral: ReferralPoints | None = None
    shortfall: PointsShortfall | None = None
    refusals = list(alloc.refusals)
    if points_balance is not None:
        rule = Rule(
            "POINTS_REVERSED",
            f"Return of {alloc.points_base} of the earning base reverses {alloc.points} of the "
            f"{sale.points_earned} points earned",
            amount=alloc.points_base,
            points=-alloc.points,
        )
        sale_rules.append(rule)
        points = PointsEarned(-alloc.points, alloc.points_base, -alloc.points, ZERO, ONE, (rule,))
        if sale.referral_customer_id is not None and sale.referral_points:
            ref_rule = Rule(
                "REFERRAL_REVERSED",
                f"Return reverses {alloc.referral_points} of the {sale.referral_points} referral "
                f"points of link customer {sale.referral_customer_id}",
                points=-alloc.referral_points,
            )
            sale_rules.append(ref_rule)
            referral = ReferralPoints(
                sale.referral_customer_id, -alloc.referral_points, alloc.points_base, (ref_rule,)
            )
        shortfall = points_shortfall(
            reversed_points=alloc.points,
            points_back=points_back,
            balance=points_balance,
            card_type=card_type,
            money_back=total - points_value_back,
            settings=settings,
            allowed_by=below_zero_by,
        )
        if shortfall is not None:
            sale_rules.append(
                Rule(
                    "POINTS_SHORT",
                    shortfall.description,
                    amount=shortfall.value,
                    points=shortfall.short,
                )
            )
            if shortfall.refusal is not None:
                refusals.append(shortfall.refusal)
    kept = shortfall.value if shortfall is not None else ZERO
    sums = {
        name: money(sum((getattr(r, name) for r in alloc.lines), ZERO))
        for name in ("gross", "discount", "net", "exempt_reduction", "exclusive_tax")
    }
    inclusive = money(sum((r.inclusive_tax for r in alloc.lines), ZERO))
    totals = Totals(
        subtotal=sums["gross"],
        discount_total=sums["discount"],
        net_total=sums["net"],
        exempt_reduction_total=sums["exempt_reduction"],
        exclusive_tax_total=sums["exclusive_tax"],
        inclusive_tax_total=inclusive,
        tax_total=money(sums["exclusive_tax"] + inclusive),
        total=total,
        redeemed=money(kept),
        amount_due=money(total - kept),
    )
    explanation = tuple(r for p in priced_lines for r in p.rules) + tuple(sale_rules)
    return PricedSale(
        kind="return",
        moment=moment,
        customer_id=customer_id,
        card_type_id=card_type.id if card_type is not None else None,
        lines=tuple(priced_lines),
        discounts=tuple(discounts),
        taxes=alloc.taxes,
        totals=totals,
        points=points,
        referral=referral,
        redemption=None,
        charge=None,
        refusals=tuple(refusals),
        explanation=explanation,
        shortfall=shortfall,
    )
