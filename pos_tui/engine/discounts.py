"""Discounts: manual (with the giver's limit), percent (customer + card) and transaction ones.

The order they are applied in is fixed by :mod:`pos_tui.engine.sale` (see ``docs/engine.md``):
line manual -> customer automatic % and card type % -> automatic transaction discounts ->
manual transaction discount. Each function here takes the amount still left to discount and
never returns more than that, so no discount can exceed the price.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from pos_tui.engine.models import ManualDiscount, Refusal, Rule, TransactionDiscount
from pos_tui.engine.money import HUNDRED, ZERO, percent_of, round_money
from pos_tui.engine.settings import Settings


@dataclass(frozen=True, slots=True)
class Discount:
    """A discount amount with its ``sale_discounts.kind`` and a description."""

    kind: str
    description: str
    amount: Decimal


@dataclass(frozen=True, slots=True)
class ManualOutcome:
    """The result of a manual discount request: the amount given (0 if refused) and why."""

    amount: Decimal
    rules: tuple[Rule, ...]
    refusals: tuple[Refusal, ...]


def manual_discount(
    base: Decimal,
    request: ManualDiscount,
    settings: Settings,
    *,
    forced: bool,
    line_no: int | None,
) -> ManualOutcome:
    """Apply a cashier's discount to ``base`` (a line's gross, or the sale's net so far).

    Refused (amount 0) when the customer's price level is forced and the settings do not allow
    manual discounts for them (no override: it is a pricing rule, not a limit), or when it is
    worth more than ``giver_max_discount_percent`` of ``base`` and no supervisor override was
    given (``override_allowed`` True). An amount larger than ``base`` is cut to ``base``.
    """
    where = f"line {line_no}" if line_no is not None else "the sale"
    if forced and not settings.forced_allows_manual_discounts:
        return ManualOutcome(
            ZERO,
            (),
            (
                Refusal(
                    "FORCED_PRICE_LEVEL_NO_DISCOUNT",
                    f"Manual discount on {where} refused: the customer has a forced price level",
                    override_allowed=False,
                    line_no=line_no,
                ),
            ),
        )
    if request.percent is not None:
        wanted = round_money(
            percent_of(base, request.percent), settings.minor_unit, settings.rounding
        )
        label = f"{request.percent}%"
    else:
        assert request.amount is not None  # ManualDiscount guarantees one of the two
        wanted = round_money(request.amount, settings.minor_unit, settings.rounding)
        label = f"{wanted}"
    rules: list[Rule] = []
    if wanted > base:
        rules.append(
            Rule(
                "DISCOUNT_CAPPED",
                f"Manual discount {label} cut to {base}: a discount never exceeds the price",
                amount=base,
                line_no=line_no,
            )
        )
        wanted = base
    effective = request.percent
    if effective is None:
        effective = wanted * HUNDRED / base if base > 0 else ZERO
    if effective > request.giver_max_discount_percent:
        if not request.supervisor_override:
            return ManualOutcome(
                ZERO,
                tuple(rules),
                (
                    Refusal(
                        "DISCOUNT_NEEDS_SUPERVISOR",
                        f"Manual discount {label} on {where} is over the giver's limit of "
                        f"{request.giver_max_discount_percent}%: needs supervisor",
                        override_allowed=True,
                        line_no=line_no,
                    ),
                ),
            )
        rules.append(
            Rule(
                "DISCOUNT_SUPERVISOR_OVERRIDE",
                f"Manual discount {label} over the {request.giver_max_discount_percent}% limit, "
                "approved by a supervisor",
                line_no=line_no,
            )
        )
    reason = f" ({request.reason})" if request.reason else ""
    code = "MANUAL_LINE_DISCOUNT" if line_no is not None else "MANUAL_TRANSACTION_DISCOUNT"
    rules.append(Rule(code, f"Manual discount {label}{reason}", amount=wanted, line_no=line_no))
    return ManualOutcome(wanted, tuple(rules), ())


def percent_discounts(
    base: Decimal,
    customer_percent: Decimal,
    card_percent: Decimal,
    card_name: str,
    settings: Settings,
) -> list[Discount]:
    """The customer's automatic discount % and the card type's discount % on ``base``.

    ``compound``: the customer % first, then the card % on what is left (order matters only for
    rounding; 10% then 5% on 100 gives 10 + 4.50). ``best_of``: only the larger (the customer's
    on a tie). ``additive``: the percents are added (capped at 100) and the amount is split into
    the customer part and the card part so both still show on the receipt.
    """
    places, mode = settings.minor_unit, settings.rounding
    out: list[Discount] = []
    cust = customer_percent
    card = card_percent
    if settings.percent_combination == "best_of":
        if cust >= card:
            card = ZERO
        else:
            cust = ZERO
    if settings.percent_combination == "additive":
        total_pct = min(HUNDRED, cust + card)
        total = round_money(percent_of(base, total_pct), places, mode)
        cust_amount = min(total, round_money(percent_of(base, cust), places, mode))
        if cust > 0:
            out.append(
                Discount("customer_auto", f"Customer automatic discount {cust}%", cust_amount)
            )
        if card > 0:
            out.append(
                Discount(
                    "card_type",
                    f"{card_name} card discount {card}% (added to the customer's)",
                    total - cust_amount,
                )
            )
        return out
    left = base
    if cust > 0:
        amount = min(left, round_money(percent_of(left, cust), places, mode))
        out.append(Discount("customer_auto", f"Customer automatic discount {cust}%", amount))
        left -= amount
    if card > 0:
        amount = min(left, round_money(percent_of(left, card), places, mode))
        out.append(Discount("card_type", f"{card_name} card discount {card}%", amount))
    return out


def transaction_discounts(
    eligible_base: Decimal,
    subtotal: Decimal,
    discounts: tuple[TransactionDiscount, ...],
    settings: Settings,
) -> tuple[list[Discount], list[Rule]]:
    """The customer's automatic transaction discounts (Quasar) on the discount-eligible net.

    A discount qualifies when ``subtotal`` (every line's net after line discounts) reaches its
    ``min_subtotal``. Its percent is taken of what is still eligible, plus its fixed amount,
    cut so the eligible net never goes below zero. ``transaction_discount_mode`` "all" applies
    every qualifying one in list order; "best" only the largest.
    """
    places, mode = settings.minor_unit, settings.rounding
    rules: list[Rule] = []
    qualifying: list[TransactionDiscount] = []
    for d in discounts:
        if subtotal >= d.min_subtotal:
            qualifying.append(d)
        else:
            rules.append(
                Rule(
                    "TRANSACTION_DISCOUNT_NOT_REACHED",
                    f"{d.description}: subtotal {subtotal} below minimum {d.min_subtotal}",
                )
            )

    def worth(d: TransactionDiscount, left: Decimal) -> Decimal:
        amount = round_money(percent_of(left, d.percent), places, mode) + round_money(
            d.amount, places, mode
        )
        return min(left, amount)

    if settings.transaction_discount_mode == "best" and qualifying:
        best = max(qualifying, key=lambda d: worth(d, eligible_base))
        qualifying = [best]
    out: list[Discount] = []
    left = eligible_base
    for d in qualifying:
        amount = worth(d, left)
        parts = []
        if d.percent > 0:
            parts.append(f"{d.percent}%")
        if d.amount > 0:
            parts.append(f"{d.amount} off")
        detail = " + ".join(parts) or "0"
        out.append(Discount("transaction_auto", f"{d.description} ({detail})", amount))
        left -= amount
    return out, rules
