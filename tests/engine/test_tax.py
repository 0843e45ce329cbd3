"""Tax classes, inclusive/exclusive, exemptions, per-line and per-sale rounding."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal as D
from typing import Any

from pos_tui.engine import (
    BasketLine,
    Customer,
    CustomerAccount,
    PricedSale,
    Settings,
    Tax,
    TaxClass,
    price_sale,
)
from pos_tui.engine.tax import exact_line_taxes, round_taxes
from tests.engine.engine_factories import (
    CESS2,
    GST5_IN,
    NOON,
    SETTINGS,
    TAX_CLASSES,
    VAT10,
    basket,
    customer,
    item,
    line,
    manual,
)


def _sale(
    *lines: BasketLine,
    cust: Customer | None = None,
    settings: Settings = SETTINGS,
    account: CustomerAccount | None = None,
    classes: Mapping[int, TaxClass] = TAX_CLASSES,
    **kw: Any,
) -> PricedSale:
    return price_sale(
        basket(*lines, **kw), cust, None, settings, NOON, account=account, tax_classes=classes
    )


def test_exclusive_tax_is_added() -> None:
    sale = _sale(line(1, item(price="100.00", tax_class_id=1)))
    assert (sale.totals.exclusive_tax_total, sale.totals.total) == (D("10.00"), D("110.00"))
    (tax,) = sale.taxes
    assert (tax.tax_code, tax.taxable, tax.amount, tax.mode) == (
        "VAT",
        D("100.00"),
        D("10.00"),
        "exclusive",
    )


def test_inclusive_tax_is_inside_the_price() -> None:
    sale = _sale(line(1, item(price="105.00", tax_class_id=2)))
    assert sale.totals.inclusive_tax_total == D("5.00")
    assert sale.totals.total == D("105.00")
    assert sale.lines[0].taxes[0].taxable == D("100.00")


def test_mixed_class_exclusive_on_the_pre_tax_value() -> None:
    # 105 includes 5% GST (5.00) -> pre-tax 100; CESS 2% exclusive on 100 = 2.00.
    sale = _sale(line(1, item(price="105.00", tax_class_id=3)))
    assert [(t.tax_code, t.amount) for t in sale.taxes] == [("GST", D("5.00")), ("CESS", D("2.00"))]
    assert sale.totals.total == D("107.00")
    assert sale.totals.tax_total == D("7.00")


def test_tax_is_on_the_discounted_amount() -> None:
    sale = _sale(
        line(1, item(price="100.00", tax_class_id=1), manual_discount=manual("20", percent="20"))
    )
    assert sale.lines[0].exclusive_tax == D("8.00")
    assert sale.totals.total == D("88.00")


def test_transaction_discount_share_lowers_the_line_tax() -> None:
    sale = _sale(
        line(1, item(1, "100.00", tax_class_id=1)),
        line(2, item(2, "100.00")),
        manual_discount=manual("10", amount="20.00"),
    )
    assert sale.lines[0].net == D("90.00")
    assert sale.lines[0].exclusive_tax == D("9.00")


def test_exempt_customer_pays_no_exclusive_tax() -> None:
    sale = _sale(line(1, item(price="100.00", tax_class_id=1)), cust=customer(tax_exempt=True))
    assert sale.totals.total == D("100.00")
    assert sale.lines[0].taxes[0].exempt
    assert sale.taxes == ()


def test_exempt_from_inclusive_tax_takes_it_out_of_the_price() -> None:
    sale = _sale(line(1, item(price="105.00", tax_class_id=2)), cust=customer(tax_exempt=True))
    assert sale.lines[0].exempt_reduction == D("5.00")
    assert sale.totals.total == D("100.00")
    assert "TAX_EXEMPT_REDUCTION" in [r.code for r in sale.lines[0].rules]


def test_exempt_from_inclusive_tax_keeping_the_price() -> None:
    keep = Settings(exempt_inclusive_reduces_price=False)
    sale = _sale(
        line(1, item(price="105.00", tax_class_id=2)), cust=customer(tax_exempt=True), settings=keep
    )
    assert sale.totals.total == D("105.00")
    assert sale.totals.tax_total == 0


def test_exempt_codes_only_exempt_those_taxes() -> None:
    account = CustomerAccount(exempt_tax_codes=frozenset({"GST"}))
    sale = _sale(line(1, item(price="105.00", tax_class_id=3)), cust=customer(), account=account)
    assert [t.tax_code for t in sale.taxes] == ["CESS"]
    assert sale.totals.total == D("102.00")


def test_line_rounding_versus_sale_rounding() -> None:
    # Three lines of 0.05 at 10%: each 0.005 -> 0.01 per line (0.03), or 0.015 -> 0.02 per sale.
    lines = [line(i, item(i, "0.05", tax_class_id=1)) for i in (1, 2, 3)]
    per_line = _sale(*lines)
    per_sale = _sale(*lines, settings=Settings(tax_rounding="sale"))
    assert per_line.totals.tax_total == D("0.03")
    assert per_sale.totals.tax_total == D("0.02")
    assert sum(p.tax for p in per_sale.lines) == D("0.02")
    assert per_sale.taxes[0].amount == D("0.02")


def test_no_tax_class_means_no_tax() -> None:
    sale = _sale(line(1, item(price="100.00")))
    assert sale.totals.tax_total == 0 and sale.lines[0].taxes == ()


def test_unknown_tax_class_is_an_error() -> None:
    import pytest

    with pytest.raises(ValueError, match="tax class 9"):
        _sale(line(1, item(price="1.00", tax_class_id=9)))


def test_two_inclusive_taxes_share_the_price() -> None:
    a = Tax(10, "A", "A", D(5), "inclusive")
    b = Tax(11, "B", "B", D(5), "inclusive")
    exact = exact_line_taxes(
        D("110.00"), TaxClass(9, "AB", "AB", (a, b)), False, frozenset(), SETTINGS
    )
    assert [t.amount for t in exact] == [D(5), D(5)]
    (rounded,) = round_taxes([D("110.00")], [exact], SETTINGS)
    assert rounded.inclusive == D("10.00")
    assert rounded.taxes[0].taxable == D("100.00")


def test_exact_taxes_of_shared_fixtures() -> None:
    assert VAT10.mode == "exclusive" and GST5_IN.mode == "inclusive" and CESS2.rate_percent == 2
