"""Where a refund goes back, and what happens to points the customer no longer holds.

* :func:`route_refund` sends a return's refund back where its sale's money came from (points to
  points at the rate they were paid at, account to account, card to card, cash to cash), in
  proportion to what is left of each kind after earlier returns (largest remainder), the last
  tender first.
* :func:`points_shortfall` applies the store's policy (``Settings.return_points_shortfall``) when
  a return takes back more points than the customer holds. See ``docs/money.md``.
"""

from __future__ import annotations

from decimal import Decimal

from pos_tui.engine.customer_models import CardType
from pos_tui.engine.money import ZERO, allocate, quantum, round_money, round_points
from pos_tui.engine.refund_models import GivenBack, PaidSale, RefundPart, TenderKind
from pos_tui.engine.result_models import PointsShortfall, Refusal
from pos_tui.engine.settings import Settings

# -- points short -----------------------------------------------------------------------------


def points_value(points: Decimal, card_type: CardType | None, settings: Settings) -> Decimal | None:
    """What ``points`` are worth at the card type's redemption rate; None: they have no cash
    value (no card type, or one that does not redeem)."""
    if card_type is None or card_type.points_to_convert <= 0 or card_type.equivalent_currency <= 0:
        return None
    return round_money(
        points * card_type.equivalent_currency / card_type.points_to_convert,
        settings.minor_unit,
        settings.rounding,
    )


def points_shortfall(
    *,
    reversed_points: Decimal,
    points_back: Decimal,
    balance: Decimal,
    card_type: CardType | None,
    money_back: Decimal,
    settings: Settings,
    allowed_by: int | None = None,
) -> PointsShortfall | None:
    """The store's policy when a return takes back more points than the customer holds.

    The points taken back come first out of the points the return gives back (a sale paid with
    points), then out of the balance; what is still missing is short. ``deduct`` (the default)
    keeps their value at the card type's redemption rate out of the money refunded; points
    without a cash value, or a value over the money refunded, need a supervisor. ``supervisor``
    never deducts: a supervisor must allow the balance below zero. ``allowed_by``: the
    supervisor who did. None when nothing is short."""
    short = reversed_points - points_back - max(balance, ZERO)
    if reversed_points <= 0 or short <= 0:
        return None
    after = balance + points_back - reversed_points
    policy = settings.return_points_shortfall
    value = points_value(short, card_type, settings)
    zero = round_money(ZERO, settings.minor_unit, settings.rounding)
    base = (
        f"The return takes back {reversed_points} points; the customer holds {balance}"
        + (f" and gets {points_back} back" if points_back else "")
        + f": {short} points short"
    )
    if allowed_by is not None:
        return PointsShortfall(
            short=short,
            value=zero,
            balance_after=after,
            policy=policy,
            allowed_by=allowed_by,
            description=f"{base}; balance allowed to go to {after} by a supervisor",
            refusal=None,
        )
    if policy == "deduct" and value is not None and value <= money_back:
        rate = f"{card_type.points_to_convert} points = {card_type.equivalent_currency}"  # type: ignore[union-attr]
        return PointsShortfall(
            short=short,
            value=value,
            balance_after=balance + points_back - reversed_points + short,
            policy=policy,
            allowed_by=None,
            description=f"{base}: {value} kept from the refund ({rate})",
            refusal=None,
        )
    if policy == "deduct" and value is None:
        why = "those points have no cash value"
    elif policy == "deduct":
        why = f"their value {value} is more than the {money_back} refunded in money"
    else:
        why = "store policy"
    message = f"{base} ({why}): a supervisor must allow the balance to go to {after}"
    return PointsShortfall(
        short=short,
        value=zero,
        balance_after=after,
        policy=policy,
        allowed_by=None,
        description=message,
        refusal=Refusal("POINTS_BELOW_ZERO", message, override_allowed=True),
    )


# -- the route --------------------------------------------------------------------------------


def paid_by_kind(
    sale: PaidSale,
) -> dict[TenderKind, tuple[Decimal, Decimal, tuple[str, ...]]]:
    """Money and points the sale took per tender kind, in the order first used."""
    out: dict[TenderKind, tuple[Decimal, Decimal, tuple[str, ...]]] = {}
    for t in sale.tenders:
        amount, points, refs = out.get(t.kind, (ZERO, ZERO, ()))
        if t.reference and t.reference not in refs:
            refs = (*refs, t.reference)
        out[t.kind] = (amount + t.amount, points + t.points, refs)
    return out


def route_refund(
    sale: PaidSale,
    given_back: GivenBack,
    amount: Decimal,
    settings: Settings,
    *,
    keep: Decimal = ZERO,
) -> tuple[RefundPart, ...]:
    """Where ``amount`` goes back by default: to each kind the sale was paid with, in proportion
    to what is left of it after earlier returns (largest remainder; a points part carries its
    points at the rate the sale paid), the last kind used first. Whatever the kinds cannot take
    goes back in cash. ``keep`` (points short, :func:`points_shortfall`) is kept out of the
    money parts in proportion."""
    step = quantum(settings.minor_unit)
    paid = paid_by_kind(sale)
    kinds: list[TenderKind] = list(paid)
    left = {k: max(paid[k][0] - given_back.tenders.get(k, (ZERO, ZERO))[0], ZERO) for k in kinds}
    points_left = max(paid.get("points", (ZERO, ZERO, ()))[1] - _given(given_back, "points"), ZERO)
    room = sum(left.values(), ZERO)
    routed = min(amount, room)
    shares = dict(zip(kinds, allocate(routed, [left[k] for k in kinds], step), strict=True))
    if amount > routed:
        shares["cash"] = shares.get("cash", ZERO) + amount - routed
        if "cash" not in kinds:
            kinds.insert(0, "cash")
    parts = []
    for kind in reversed(kinds):
        share = shares.get(kind, ZERO)
        points = ZERO
        if kind == "points" and share:
            points = (
                points_left
                if share >= left[kind]
                else round_points(
                    points_left * share / left[kind], settings.points_places, settings.rounding
                )
            )
        refs = paid[kind][2] if kind in paid else ()
        parts.append(RefundPart(kind, share, points, refs))
    if keep > 0:
        money = [p for p in parts if p.kind != "points"]
        if keep > sum((p.amount for p in money), ZERO):
            raise ValueError("points short are worth more than the money refunded")
        cuts = iter(allocate(keep, [p.amount for p in money], step))
        parts = [
            p
            if p.kind == "points"
            else RefundPart(p.kind, p.amount - next(cuts), p.points, p.references)
            for p in parts
        ]
    return tuple(p for p in parts if p.amount > 0 or p.points > 0)


def _given(given_back: GivenBack, kind: str) -> Decimal:
    return given_back.tenders.get(kind, (ZERO, ZERO))[1]
