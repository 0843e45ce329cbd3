"""Taxes on the discounted line amount.

A line's tax class holds several taxes, each ``exclusive`` (added on top) or ``inclusive``
(already inside the price). For a line net amount N (after every discount) and inclusive rates
summing to R:

* the pre-tax value is ``N * 100 / (100 + R)`` (N itself when there is no inclusive tax);
* an inclusive tax of rate r is ``pre_tax * r / 100`` (so the inclusive taxes and the pre-tax
  value add up to N);
* an exclusive tax of rate r is ``pre_tax * r / 100`` - taxes are never charged on other taxes.

Exemption: ``customers.tax_exempt`` exempts every tax, otherwise the customer's exempt tax codes
exempt those taxes. An exempt exclusive tax is simply not added; an exempt inclusive tax is taken
out of the price when ``Settings.exempt_inclusive_reduces_price`` (the default), else the price
stays the same and only the tax is not reported.

Rounding (``Settings.tax_rounding``): ``line`` rounds each tax of each line to the minor unit;
``sale`` adds the exact amounts per tax code over the sale, rounds each sum once and spreads it
back over the lines (largest remainder), so line figures still add up to the sale's.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from pos_tui.engine.models import LineTax, Tax, TaxClass
from pos_tui.engine.money import HUNDRED, ZERO, allocate, quantum, round_money
from pos_tui.engine.settings import Settings


@dataclass(frozen=True, slots=True)
class ExactTax:
    """One tax on one line before rounding. ``removed``: inclusive tax taken out of the price."""

    tax: Tax
    pre_tax: Decimal
    amount: Decimal
    removed: Decimal
    exempt: bool


def is_exempt(tax: Tax, tax_exempt: bool, exempt_codes: frozenset[str]) -> bool:
    """Whether a customer with these exemptions is exempt from ``tax``."""
    return tax_exempt or tax.code in exempt_codes


def exact_line_taxes(
    net: Decimal,
    tax_class: TaxClass | None,
    tax_exempt: bool,
    exempt_codes: frozenset[str],
    settings: Settings,
) -> list[ExactTax]:
    """Every tax of ``tax_class`` on a line of net amount ``net``, unrounded."""
    if tax_class is None or not tax_class.taxes:
        return []
    inclusive_rate = sum((t.rate_percent for t in tax_class.taxes if t.mode == "inclusive"), ZERO)
    pre_tax = net * HUNDRED / (HUNDRED + inclusive_rate) if inclusive_rate else net
    out: list[ExactTax] = []
    for tax in tax_class.taxes:
        amount = pre_tax * tax.rate_percent / HUNDRED
        exempt = is_exempt(tax, tax_exempt, exempt_codes)
        removed = ZERO
        if exempt:
            if tax.mode == "inclusive" and settings.exempt_inclusive_reduces_price:
                removed = amount
            amount = ZERO
        out.append(ExactTax(tax, pre_tax, amount, removed, exempt))
    return out


@dataclass(frozen=True, slots=True)
class RoundedLineTaxes:
    """A line's rounded taxes and the totals the line needs."""

    taxes: tuple[LineTax, ...]
    exclusive: Decimal
    inclusive: Decimal
    removed: Decimal


def round_taxes(
    nets: Sequence[Decimal], exact: Sequence[list[ExactTax]], settings: Settings
) -> list[RoundedLineTaxes]:
    """Round the exact taxes of every line according to ``Settings.tax_rounding``.

    Returns one :class:`RoundedLineTaxes` per line. The taxable amount of a line is its net
    minus its (rounded) inclusive taxes, so taxable + inclusive tax = net exactly.
    """
    amounts, removed = rounded_amounts(exact, settings)
    return [
        rounded_line(net, line, a, r)
        for net, line, a, r in zip(nets, exact, amounts, removed, strict=True)
    ]


# Rounded tax amounts: [i][j] is tax j of line i.
Amounts = list[list[Decimal]]


def rounded_amounts(exact: Sequence[list[ExactTax]], settings: Settings) -> tuple[Amounts, Amounts]:
    """Each tax of each line rounded (``line``), or its share of the sale's rounded sum of that
    tax code (``sale``): the amounts charged and the amounts taken out of the price."""
    places, mode = settings.minor_unit, settings.rounding
    if settings.tax_rounding == "line":
        amounts = [[round_money(t.amount, places, mode) for t in line] for line in exact]
        removed = [[round_money(t.removed, places, mode) for t in line] for line in exact]
        return amounts, removed
    step = quantum(places)
    amounts = [[ZERO] * len(line) for line in exact]
    removed = [[ZERO] * len(line) for line in exact]
    codes: dict[str, list[tuple[int, int]]] = {}
    for i, line in enumerate(exact):
        for j, t in enumerate(line):
            codes.setdefault(t.tax.code, []).append((i, j))
    for positions in codes.values():
        for table, attr in ((amounts, "amount"), (removed, "removed")):
            weights = [getattr(exact[i][j], attr) for i, j in positions]
            total = round_money(sum(weights, ZERO), places, mode)
            for (i, j), share in zip(positions, allocate(total, weights, step), strict=True):
                table[i][j] = share
    return amounts, removed


def rounded_line(
    net: Decimal, line: list[ExactTax], amounts: list[Decimal], removed: list[Decimal]
) -> RoundedLineTaxes:
    """One line's rounded taxes from its net, exact taxes and rounded amounts."""
    # Summed in the line's tax order from ZERO, as sum() would (same values, same exponents).
    exclusive = inclusive = inclusive_all = removed_all = ZERO
    for t, amount, taken in zip(line, amounts, removed, strict=True):
        removed_all += taken
        if t.tax.mode == "inclusive":
            inclusive += amount
            inclusive_all += amount + taken
        else:
            exclusive += amount
    taxable = net - inclusive_all
    taxes = tuple(
        LineTax(
            tax_code=t.tax.code,
            mode=t.tax.mode,
            rate_percent=t.tax.rate_percent,
            taxable=taxable,
            amount=amount,
            exempt=t.exempt,
        )
        for t, amount in zip(line, amounts, strict=True)
    )
    return RoundedLineTaxes(taxes, exclusive, inclusive, removed_all)
