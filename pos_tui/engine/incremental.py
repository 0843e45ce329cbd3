"""Pricing a sale again after a change, re-doing only what the change affects.

A lane prices its cart after every scan, quantity change, void, discount and customer change.
:class:`SalePricer` gives exactly what :func:`~pos_tui.engine.sale.price_sale` gives for the
same arguments (tests/engine/test_incremental.py and the checkout's invariant check it), but
remembers each line's work between calls:

* steps 1-5 of a line (restrictions, unit price, gross, manual line discount, customer and card
  percent) depend only on the basket line and on :func:`~pos_tui.engine.steps.lines.line_inputs`
  (customer, card type, price list, settings, date, sale or return). They are kept per line
  number and reused while the line and those inputs are equal;
* a line's exact taxes depend on its net, its tax class and the customer's exemptions: kept
  per (net, tax class);
* a finished line (its amounts, taxes and explanation) is reused while the line and its rounded
  taxes are the ones it was made from.

Whole-sale steps are always run again over the lines: automatic and manual transaction
discounts (spread over every line), tax rounding per sale and the sale's tax totals,
redemption, points, referral points and the receivable check. They are sums and shares over
results the lines already hold.

Pure like the rest of the engine: a pricer holds only values it computed, never reads a clock
or a database, and a fresh pricer and a used one give the same answer.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from typing import NamedTuple

from pos_tui.engine.models import (
    AppliedDiscount,
    Basket,
    BasketLine,
    CardType,
    ChargeRequest,
    Customer,
    CustomerAccount,
    PricedLine,
    PricedSale,
    PriceList,
    RedemptionRequest,
    Refusal,
    TaxClass,
)
from pos_tui.engine.sale import STEPS, run_steps, sale_inputs
from pos_tui.engine.settings import Settings
from pos_tui.engine.steps.discounts import (
    customer_and_card_percent,
    forced_percent_rule,
    percent_line,
    sale_percents,
)
from pos_tui.engine.steps.lines import LineWork, line_inputs, line_work, price_lines
from pos_tui.engine.steps.state import LineState, SaleInputs, SaleState, Step
from pos_tui.engine.steps.tax import exemptions, priced_line, tax_class, tax_lines, taxed
from pos_tui.engine.tax import (
    ExactTax,
    RoundedLineTaxes,
    exact_line_taxes,
    rounded_amounts,
    rounded_line,
)

# Entries kept beyond the lines of the sale being priced (voided lines, the last sale's lines)
# before the caches are pruned to the current lines.
_SLACK = 32


class _Line(NamedTuple):
    """A basket line's steps 1-5, as last worked out."""

    basket_line: BasketLine
    work: LineWork  # steps 1-4
    # Step 5: the line after the customer and card percent and the discounts it was given;
    # None when the sale takes no percent (refused lines, no rates, a forced price level).
    percent: tuple[LineState, tuple[AppliedDiscount, ...]] | None


class _Finished(NamedTuple):
    """A finished line and what it was made from."""

    line: LineState
    exact: list[ExactTax]
    taxes: RoundedLineTaxes
    priced: PricedLine


class SalePricer:
    """:func:`~pos_tui.engine.sale.price_sale` that re-prices only what changed (module doc).

    One pricer per cart being rung up; :meth:`price` takes ``price_sale``'s arguments."""

    def __init__(self) -> None:
        self._line_inputs: tuple[object, ...] | None = None
        self._lines: dict[int, _Line] = {}
        self._tax_inputs: tuple[object, ...] | None = None
        self._exact: dict[tuple[Decimal, int | None], tuple[TaxClass | None, list[ExactTax]]] = {}
        self._rounded_lines: dict[
            int, tuple[list[ExactTax], Decimal, list[Decimal], list[Decimal], RoundedLineTaxes]
        ] = {}
        self._finished: dict[int, _Finished] = {}
        # price_sale's steps with the per-line ones replaced by their remembering versions.
        replaced: dict[Step, Step | None] = {
            price_lines: self._price_lines,
            customer_and_card_percent: None,  # done with each line by _price_lines
            tax_lines: self._tax_lines,
        }
        self.steps: tuple[Step, ...] = tuple(
            s for step in STEPS if (s := replaced.get(step, step)) is not None
        )

    def price(
        self,
        basket: Basket,
        customer: Customer | None,
        card_type: CardType | None,
        settings: Settings,
        moment: dt.datetime,
        *,
        account: CustomerAccount | None = None,
        price_list: PriceList | None = None,
        tax_classes: Mapping[int, TaxClass] | None = None,
        redemption: RedemptionRequest | None = None,
        charge: ChargeRequest | None = None,
    ) -> PricedSale:
        """What ``price_sale`` gives for these arguments."""
        sale = sale_inputs(
            basket,
            customer,
            card_type,
            settings,
            moment,
            account=account,
            price_list=price_list,
            tax_classes=tax_classes,
            redemption=redemption,
            charge=charge,
        )
        return run_steps(self.steps, sale)

    # -- steps 1-5 -------------------------------------------------------------------------
    def _line(self, basket_line: BasketLine, sale: SaleInputs) -> _Line:
        known = self._lines.get(basket_line.line_no)
        if known is not None and (
            known.basket_line is basket_line or known.basket_line == basket_line
        ):
            return known
        work = line_work(basket_line, sale)
        percents = sale_percents(sale)
        percent = None
        if work.line is not None and percents is not None:
            percent = percent_line(work.line, percents, sale)
        done = _Line(basket_line, work, percent)
        self._lines[basket_line.line_no] = done
        return done

    def _price_lines(self, state: SaleState, sale: SaleInputs) -> SaleState:
        """Steps 1-5 (``price_lines`` then ``customer_and_card_percent``), line by line."""
        inputs = line_inputs(sale)
        if inputs != self._line_inputs:
            self._lines.clear()
            self._line_inputs = inputs
        elif len(self._lines) > len(sale.basket.lines) + _SLACK:
            self._lines.clear()
        lines: list[LineState] = []
        manual: list[AppliedDiscount] = []
        percent: list[AppliedDiscount] = []
        refusals: list[Refusal] = []
        for basket_line in sale.basket.lines:
            done = self._line(basket_line, sale)
            refusals.extend(done.work.refusals)
            if done.work.line is None:
                continue
            if done.work.discount is not None:
                manual.append(done.work.discount)
            if done.percent is None:
                lines.append(done.work.line)
            else:
                lines.append(done.percent[0])
                percent.extend(done.percent[1])
        state = SaleState(
            lines=state.lines + tuple(lines),
            priced=state.priced,
            discounts=state.discounts + tuple(manual) + tuple(percent),
            rules=state.rules,
            refusals=state.refusals + tuple(refusals),
            taxes=state.taxes,
            redemption=state.redemption,
            points=state.points,
            referral=state.referral,
            charge=state.charge,
        )
        forced = forced_percent_rule(sale)
        return state.explain(forced) if forced is not None else state

    # -- step 8 ----------------------------------------------------------------------------
    def _tax_lines(self, state: SaleState, sale: SaleInputs) -> SaleState:
        """``tax_lines``, each line's exact taxes and finished line remembered."""
        exempt_all, exempt_codes = exemptions(sale)
        inputs = (exempt_all, exempt_codes, sale.settings)
        if inputs != self._tax_inputs:
            self._exact.clear()
            self._rounded_lines.clear()
            self._finished.clear()
            self._tax_inputs = inputs
        elif len(self._exact) > 2 * len(state.lines) + _SLACK:
            self._exact.clear()
        if len(self._finished) > len(state.lines) + _SLACK:
            self._rounded_lines.clear()
            self._finished.clear()
        exact: list[list[ExactTax]] = []
        for line in state.lines:
            klass = tax_class(line, sale)
            key = (line.left, line.line.item.tax_class_id)
            known = self._exact.get(key)
            if known is None or not (known[0] is klass or known[0] == klass):
                known = (
                    klass,
                    exact_line_taxes(line.left, klass, exempt_all, exempt_codes, sale.settings),
                )
                self._exact[key] = known
            exact.append(known[1])
        amounts, removed = rounded_amounts(exact, sale.settings)
        rounded = [
            self._rounded(line, ex, a, r)
            for line, ex, a, r in zip(state.lines, exact, amounts, removed, strict=True)
        ]
        return taxed(state, sale, exact, rounded, self._finish)

    def _rounded(
        self, line: LineState, exact: list[ExactTax], amounts: list[Decimal], removed: list[Decimal]
    ) -> RoundedLineTaxes:
        known = self._rounded_lines.get(line.line_no)
        if (
            known is not None
            and known[0] is exact
            and known[1] == line.left
            and known[2] == amounts
            and known[3] == removed
        ):
            return known[4]
        taxes = rounded_line(line.left, exact, amounts, removed)
        self._rounded_lines[line.line_no] = (exact, line.left, amounts, removed, taxes)
        return taxes

    def _finish(
        self, line: LineState, exact: list[ExactTax], taxes: RoundedLineTaxes, sale: SaleInputs
    ) -> PricedLine:
        known = self._finished.get(line.line_no)
        # The exact and rounded taxes come from self._exact and self._rounded_lines: the same
        # objects while what they were made from held.
        if (
            known is not None
            and known.exact is exact
            and known.taxes is taxes
            and known.line == line
        ):
            return known.priced
        priced = priced_line(line, exact, taxes, sale)
        self._finished[line.line_no] = _Finished(line, exact, taxes, priced)
        return priced
