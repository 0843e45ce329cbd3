"""Step 8: tax on each line's discounted net (:mod:`pos_tui.engine.tax`), and the finished
lines and sale taxes that follow from it.

Exemptions come from the customer: ``tax_exempt`` exempts every tax, otherwise the account's
exempt tax codes exempt those taxes. A walk-in customer is never exempt.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from decimal import Decimal

from pos_tui.engine.models import PricedLine, Rule, SaleTax, TaxClass, TaxMode
from pos_tui.engine.money import ZERO
from pos_tui.engine.steps.state import LineState, SaleInputs, SaleState
from pos_tui.engine.tax import ExactTax, RoundedLineTaxes, exact_line_taxes, round_taxes


def tax_lines(state: SaleState, sale: SaleInputs) -> SaleState:
    """Tax every line; ``state.priced`` and ``state.taxes`` hold the result."""
    exempt_all, exempt_codes = exemptions(sale)
    exact = [
        exact_line_taxes(line.left, tax_class(line, sale), exempt_all, exempt_codes, sale.settings)
        for line in state.lines
    ]
    rounded = round_taxes([line.left for line in state.lines], exact, sale.settings)
    return taxed(state, sale, exact, rounded, priced_line)


def exemptions(sale: SaleInputs) -> tuple[bool, frozenset[str]]:
    """Whether the customer is exempt from every tax, and the codes they are exempt from."""
    customer = sale.customer
    if customer is None:
        return False, frozenset()
    return customer.tax_exempt, sale.account.exempt_tax_codes


#: Builds a finished line (:func:`priced_line`, or a pricer that remembers them).
LineFinisher = Callable[[LineState, list[ExactTax], RoundedLineTaxes, SaleInputs], PricedLine]


def taxed(
    state: SaleState,
    sale: SaleInputs,
    exact: Sequence[list[ExactTax]],
    rounded: Sequence[RoundedLineTaxes],
    finish: LineFinisher,
) -> SaleState:
    """``state`` with its lines taxed: their ``exact`` taxes, ``rounded`` as the settings say
    (:func:`~pos_tui.engine.tax.round_taxes`), each line finished by ``finish``."""
    customer = sale.customer
    if customer is not None and customer.tax_exempt and any(exact):
        state = state.explain(Rule("TAX_EXEMPT", "Customer is tax exempt: no tax charged"))
    priced = tuple(
        finish(line, ex, rt, sale) for line, ex, rt in zip(state.lines, exact, rounded, strict=True)
    )
    return dataclasses.replace(state, priced=priced, taxes=sale_taxes(exact, rounded))


def tax_class(line: LineState, sale: SaleInputs) -> TaxClass | None:
    """The line's tax class (None: untaxed); a class the caller did not give is an error."""
    class_id = line.line.item.tax_class_id
    if class_id is None:
        return None
    if class_id not in sale.tax_classes:
        raise ValueError(f"tax class {class_id} of item {line.line.item.sku} was not given")
    return sale.tax_classes[class_id]


def tax_rules(exact: list[ExactTax], taxes: RoundedLineTaxes, line_no: int) -> tuple[Rule, ...]:
    """Why the line's taxes are what they are: each tax charged or exempted."""
    rules: list[Rule] = []
    for t_exact, t in zip(exact, taxes.taxes, strict=True):
        if t.exempt:
            removed = " (taken out of the price)" if t_exact.removed else ""
            text = f"Exempt from {t.tax_code} {t.rate_percent}%{removed}"
            rules.append(Rule("TAX_EXEMPT", text, line_no=line_no))
        else:
            text = f"{t.tax_code} {t.rate_percent}% {t.mode} on {t.taxable}"
            rules.append(Rule("TAX", text, amount=t.amount, line_no=line_no))
    if taxes.removed:
        rules.append(
            Rule(
                "TAX_EXEMPT_REDUCTION",
                f"Inclusive tax {taxes.removed} taken out of the price (exempt customer)",
                amount=taxes.removed,
                line_no=line_no,
            )
        )
    return tuple(rules)


def priced_line(
    line: LineState, exact: list[ExactTax], taxes: RoundedLineTaxes, sale: SaleInputs
) -> PricedLine:
    """The finished line (``sale_lines``): every amount and every rule that made it."""
    item = line.line.item
    money = sale.money
    return PricedLine(
        line_no=line.line_no,
        item_id=item.id,
        sku=item.sku,
        description=item.name,
        quantity=line.line.quantity,
        unit_price=line.price.price,
        price_source=line.price.source,
        gross=line.gross,
        discount=line.gross - line.left,
        net=line.left,
        exempt_reduction=money(taxes.removed),
        exclusive_tax=money(taxes.exclusive),
        inclusive_tax=money(taxes.inclusive),
        tax=money(taxes.exclusive + taxes.inclusive),
        total=money(line.left - taxes.removed + taxes.exclusive),
        points_eligible=item.points_eligible,
        discount_eligible=item.discount_eligible,
        taxes=taxes.taxes,
        rules=line.rules + tax_rules(exact, taxes, line.line_no),
    )


def sale_taxes(
    exact: Sequence[list[ExactTax]], rounded: Sequence[RoundedLineTaxes]
) -> tuple[SaleTax, ...]:
    """One :class:`SaleTax` per tax code charged (``sale_taxes``), in order of first use."""
    sums: dict[str, tuple[Decimal, Decimal]] = {}
    about: dict[str, tuple[str, Decimal, TaxMode]] = {}
    for line_exact, line_rounded in zip(exact, rounded, strict=True):
        for t_exact, t in zip(line_exact, line_rounded.taxes, strict=True):
            if t.exempt:
                continue
            taxable, amount = sums.get(t.tax_code, (ZERO, ZERO))
            sums[t.tax_code] = (taxable + t.taxable, amount + t.amount)
            about[t.tax_code] = (t_exact.tax.name, t.rate_percent, t.mode)
    return tuple(SaleTax(code, *about[code], *sums[code]) for code in sums)
