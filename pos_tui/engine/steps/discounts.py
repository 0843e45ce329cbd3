"""Steps 4-7: the discounts, in the order they apply (:mod:`pos_tui.engine.discounts` computes
each one; this module decides which lines take it and records it).

4. the manual line discount, on the line's gross;
5. the customer's automatic % and the card type's %, on each discount-eligible line;
6. the customer's automatic transaction discounts, on the discount-eligible lines' net;
7. the manual transaction discount, on every line's net.

Whole-sale discounts (6, 7) are spread over their lines in proportion to what each has left,
exact to the minor unit. A forced price level gets no automatic discounts (5, 6), and manual
ones (4, 7) only with ``Settings.forced_allows_manual_discounts``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import NamedTuple

from pos_tui.engine.discounts import Discount, manual_discount, percent_discounts
from pos_tui.engine.discounts import transaction_discounts as qualifying_transaction_discounts
from pos_tui.engine.models import AppliedDiscount, Refusal, Rule
from pos_tui.engine.money import ZERO, allocate, quantum
from pos_tui.engine.steps.state import LineState, SaleInputs, SaleState


class DiscountedLine(NamedTuple):
    """A line after its manual discount: the line, the discount given (None: none) and any
    refusal of it. (A named tuple, like :class:`LineState`: one is made per line.)"""

    line: LineState
    discount: AppliedDiscount | None = None
    refusals: tuple[Refusal, ...] = ()


def manual_line_discount(line: LineState, sale: SaleInputs) -> DiscountedLine:
    """Step 4: the cashier's discount on ``line``'s gross, if any."""
    request = line.line.manual_discount
    if request is None:
        return DiscountedLine(line)
    outcome = manual_discount(
        line.gross, request, sale.settings, forced=sale.forced, line_no=line.line_no
    )
    if not outcome.amount:
        return DiscountedLine(line.note(*outcome.rules), None, outcome.refusals)
    # The last rule is the discount itself: it goes with the money it takes.
    given = outcome.rules[-1]
    line = line.note(*outcome.rules[:-1]).take(outcome.amount, given)
    discount = AppliedDiscount("manual_line", given.description, outcome.amount, line.line_no)
    return DiscountedLine(line, discount, outcome.refusals)


@dataclass(frozen=True, slots=True)
class Percents:
    """Step 5's rates for a sale: the customer's automatic % and the card type's %."""

    customer: Decimal
    card: Decimal
    card_name: str


def sale_percents(sale: SaleInputs) -> Percents | None:
    """The rates step 5 applies to each line of ``sale``; None when it applies none (no rate,
    or a forced price level: see :func:`forced_percent_rule`)."""
    customer_pct = sale.customer.auto_discount_percent if sale.customer is not None else ZERO
    card_pct = sale.card_type.discount_percent if sale.card_type is not None else ZERO
    if (customer_pct <= 0 and card_pct <= 0) or sale.forced:
        return None
    card_name = sale.card_type.name if sale.card_type is not None else ""
    return Percents(customer_pct, card_pct, card_name)


def forced_percent_rule(sale: SaleInputs) -> Rule | None:
    """Why step 5 gave a forced price level nothing (None: it was not refused for that)."""
    customer_pct = sale.customer.auto_discount_percent if sale.customer is not None else ZERO
    card_pct = sale.card_type.discount_percent if sale.card_type is not None else ZERO
    if (customer_pct <= 0 and card_pct <= 0) or not sale.forced:
        return None
    return Rule(
        "FORCED_NO_AUTOMATIC_DISCOUNT",
        "Forced price level: automatic and card discounts do not apply",
    )


def percent_line(
    line: LineState, percents: Percents, sale: SaleInputs
) -> tuple[LineState, tuple[AppliedDiscount, ...]]:
    """Step 5 on one line: the line after the rates and the discounts it was given."""
    if not line.line.item.discount_eligible:
        return line.note(_not_eligible(line)), ()
    given: list[AppliedDiscount] = []
    found = percent_discounts(
        line.left, percents.customer, percents.card, percents.card_name, sale.settings
    )
    for d in found:
        if d.amount:
            code = d.kind.upper() + "_DISCOUNT"
            rule = Rule(code, d.description, amount=d.amount, line_no=line.line_no)
            line = line.take(d.amount, rule)
            given.append(AppliedDiscount(d.kind, d.description, d.amount, line.line_no))
    return line, tuple(given)


def customer_and_card_percent(state: SaleState, sale: SaleInputs) -> SaleState:
    """Step 5: the customer's automatic % and the card type's %, on each eligible line."""
    percents = sale_percents(sale)
    if percents is None:
        forced = forced_percent_rule(sale)
        return state.explain(forced) if forced is not None else state
    lines: list[LineState] = []
    given: list[AppliedDiscount] = []
    for line in state.lines:
        done, discounts = percent_line(line, percents, sale)
        lines.append(done)
        given.extend(discounts)
    return dataclasses.replace(state, lines=tuple(lines), discounts=state.discounts + tuple(given))


def _not_eligible(line: LineState) -> Rule:
    return Rule(
        "NOT_DISCOUNT_ELIGIBLE",
        f"{line.line.item.name} takes no automatic discounts",
        line_no=line.line_no,
    )


def automatic_transaction_discounts(state: SaleState, sale: SaleInputs) -> SaleState:
    """Step 6: the customer's automatic transaction discounts, spread over the eligible lines."""
    offered = sale.account.transaction_discounts
    if sale.customer is None or not offered:
        return state
    if sale.forced:
        return state.explain(
            Rule(
                "FORCED_NO_TRANSACTION_DISCOUNT",
                "Forced price level: automatic transaction discounts do not apply",
            )
        )
    eligible = [i for i, line in enumerate(state.lines) if line.line.item.discount_eligible]
    subtotal = sum((line.left for line in state.lines), ZERO)
    base = sum((state.lines[i].left for i in eligible), ZERO)
    found, rules = qualifying_transaction_discounts(base, subtotal, offered, sale.settings)
    state = state.explain(*rules)
    for d in found:
        if not d.amount:
            continue
        state = state.explain(Rule("TRANSACTION_DISCOUNT", d.description, amount=d.amount))
        state = state.give(AppliedDiscount(d.kind, d.description, d.amount))
        state = spread(state, d, eligible, "TRANSACTION_DISCOUNT_SHARE", sale)
    return state


def manual_transaction_discount(state: SaleState, sale: SaleInputs) -> SaleState:
    """Step 7: a cashier's discount on the whole sale, spread over every line."""
    request = sale.basket.manual_discount
    if request is None:
        return state
    base = sum((line.left for line in state.lines), ZERO)
    outcome = manual_discount(base, request, sale.settings, forced=sale.forced, line_no=None)
    state = state.refuse(*outcome.refusals).explain(*outcome.rules)
    if not outcome.amount:
        return state
    description = outcome.rules[-1].description
    state = state.give(AppliedDiscount("manual_transaction", description, outcome.amount))
    discount = Discount("manual_transaction", description, outcome.amount)
    return spread(state, discount, range(len(state.lines)), "MANUAL_TRANSACTION_SHARE", sale)


def spread(
    state: SaleState, discount: Discount, positions: Sequence[int], code: str, sale: SaleInputs
) -> SaleState:
    """Spread a whole-sale discount over the lines at ``positions``, in proportion to what
    each has left (largest remainder: the shares add up to the discount exactly)."""
    lines = list(state.lines)
    weights = [lines[i].left for i in positions]
    shares: list[Decimal] = allocate(discount.amount, weights, quantum(sale.settings.minor_unit))
    for i, share in zip(positions, shares, strict=True):
        if share:
            line = lines[i]
            rule = Rule(
                code, f"Share of {discount.description}", amount=share, line_no=line.line_no
            )
            lines[i] = line.take(share, rule)
    return dataclasses.replace(state, lines=tuple(lines))
