"""Step 8 alone: each line's taxes, the finished lines and the sale's taxes."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from pos_tui.engine import CustomerAccount, Tax, TaxClass
from pos_tui.engine.steps.lines import price_lines
from pos_tui.engine.steps.tax import sale_taxes, tax_class, tax_lines
from pos_tui.engine.tax import exact_line_taxes, round_taxes
from tests.engine.engine_factories import customer, inputs, item, line, run_steps


def test_lines_are_finished_with_their_taxes_and_rules() -> None:
    sale = inputs(
        line(1, item(1, "100.00", tax_class_id=1)), line(2, item(2, "105.00", tax_class_id=2))
    )
    state = run_steps(sale, price_lines, tax_lines)
    first, second = state.priced
    assert (first.exclusive_tax, first.tax, first.total) == (D("10.00"), D("10.00"), D("110.00"))
    assert (second.inclusive_tax, second.tax, second.total) == (D("5.00"), D("5.00"), D("105.00"))
    assert [r.code for r in first.rules] == ["PRICE_REGULAR", "TAX"]
    assert first.rules[-1].description == "VAT 10% exclusive on 100.00"
    assert [(t.tax_code, t.taxable, t.amount) for t in state.taxes] == [
        ("VAT", D("100.00"), D("10.00")),
        ("GST", D("100.00"), D("5.00")),
    ]
    assert state.total == D("215.00")


def test_an_exempt_customer_is_explained_per_line_and_once_for_the_sale() -> None:
    sale = inputs(line(1, item(1, "105.00", tax_class_id=2)), customer=customer(tax_exempt=True))
    state = run_steps(sale, price_lines, tax_lines)
    (priced,) = state.priced
    assert [r.code for r in priced.rules][-2:] == ["TAX_EXEMPT", "TAX_EXEMPT_REDUCTION"]
    assert priced.rules[-2].description == "Exempt from GST 5% (taken out of the price)"
    assert (priced.exempt_reduction, priced.total) == (D("5.00"), D("100.00"))
    assert [r.code for r in state.rules] == ["TAX_EXEMPT"]
    assert state.taxes == ()


def test_exempt_codes_need_a_customer() -> None:
    account = CustomerAccount(exempt_tax_codes=frozenset({"VAT"}))
    taxed = inputs(line(1, item(1, "100.00", tax_class_id=1)), account=account)
    assert run_steps(taxed, price_lines, tax_lines).priced[0].tax == D("10.00")
    exempt = inputs(
        line(1, item(1, "100.00", tax_class_id=1)), account=account, customer=customer()
    )
    assert run_steps(exempt, price_lines, tax_lines).priced[0].tax == D("0.00")


def test_a_tax_class_not_given_is_an_error() -> None:
    sale = inputs(line(1, item(1, sku="KETTLE", tax_class_id=9)))
    state = run_steps(sale, price_lines)
    with pytest.raises(ValueError, match="tax class 9 of item KETTLE was not given"):
        tax_lines(state, sale)
    assert tax_class(state.lines[0], inputs(tax_classes={9: TaxClass(9, "Z", "Zero")})) is not None


def test_sale_taxes_add_up_per_code_in_order_of_first_use() -> None:
    cess = TaxClass(4, "C", "Cess only", (Tax(3, "CESS", "Cess", D(2)),))
    classes = [cess, TaxClass(1, "S", "Std", (Tax(1, "VAT", "VAT", D(10)),)), cess]
    nets = [D("10.00"), D("20.00"), D("30.00")]
    exact = [
        exact_line_taxes(n, c, False, frozenset(), inputs().settings)
        for n, c in zip(nets, classes, strict=True)
    ]
    rounded = round_taxes(nets, exact, inputs().settings)
    assert [(t.tax_code, t.taxable, t.amount) for t in sale_taxes(exact, rounded)] == [
        ("CESS", D("40.00"), D("0.80")),
        ("VAT", D("20.00"), D("2.00")),
    ]
