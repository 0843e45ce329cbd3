"""Timing sanity, not a timed assertion: a 100-line basket with every rule switched on.

Run ``pytest tests/engine/test_performance_sanity.py -s`` to see the time per line; the
assertions only check that everything was applied, so a slow CI machine never fails it.
"""

from __future__ import annotations

import datetime as dt
import time
from decimal import Decimal as D

from engine_factories import TAX_CLASSES, card, customer

from pos_tui.engine import (
    Basket,
    BasketLine,
    ChargeRequest,
    CustomerAccount,
    Item,
    ManualDiscount,
    PriceList,
    RedemptionRequest,
    Settings,
    Subgroup,
    TransactionDiscount,
    price_sale,
)


def _everything() -> dict:  # type: ignore[type-arg]
    items = [
        Item(
            id=n,
            sku=f"S{n}",
            name=f"Item {n}",
            regular_price=D(n) + D("0.99"),
            tax_class_id=(n % 3) + 1,
            subgroup_id=n % 7,
            price_level_2=D(n) + D("0.49") if n % 2 else None,
            promo_price=D(n) if n % 5 == 0 else None,
            points_eligible=n % 4 != 0,
            discount_eligible=n % 6 != 0,
        )
        for n in range(1, 101)
    ]
    lines = tuple(
        BasketLine(
            n,
            it,
            D(n % 3 + 1),
            manual_discount=ManualDiscount(D(10), percent=D(5)) if n % 10 == 0 else None,
        )
        for n, it in enumerate(items, start=1)
    )
    basket = Basket(lines, manual_discount=ManualDiscount(D(5), percent=D(2)))
    ct = card(
        block_sale_value=D(100),
        points_awarded=D(2),
        rounding="standard",
        extra_points=D(5),
        extra_points_on="sale_value",
        extra_points_sale_value=D(1000),
        extra_margin_days=3,
        referral_points=D("0.25"),
        referral_block_value=D(100),
        points_to_convert=D(2),
        equivalent_currency=D(5),
        discount_percent=D(3),
        multiplier=D("1.5"),
        multiplier_weekdays="wed",
        restricted_subgroups=(Subgroup(99, "NONE", "None"),),
    )
    cust = customer(
        price_level=2,
        price_list_id=1,
        auto_discount_percent=D(2),
        birth_date=dt.date(1990, 5, 14),
        link_customer_id=3,
        ar_enabled=True,
        allow_charge=True,
        credit_limit=D(100000),
        required_reference=True,
        pin_hash="h",
    )
    account = CustomerAccount(
        points_balance=D("500.5"),
        receivable_balance=D(1000),
        exempt_tax_codes=frozenset({"CESS"}),
        transaction_discounts=(
            TransactionDiscount("5% over 1000", percent=D(5), min_subtotal=D(1000)),
            TransactionDiscount("10 off", amount=D(10)),
        ),
    )
    return dict(
        basket=basket,
        customer=cust,
        card_type=ct,
        settings=Settings(tax_rounding="sale"),
        moment=dt.datetime(2024, 5, 15, 12),
        account=account,
        price_list=PriceList(1, "VIP", "VIP", {n: D(n) for n in range(1, 101, 7)}),
        tax_classes=TAX_CLASSES,
        redemption=RedemptionRequest(D(100)),
        charge=ChargeRequest(pin_verified=True, reference="PO-1"),
    )


def test_a_100_line_basket_with_every_rule() -> None:
    args = _everything()
    rounds = 20
    start = time.perf_counter()
    for _ in range(rounds):
        sale = price_sale(
            args["basket"],
            args["customer"],
            args["card_type"],
            args["settings"],
            args["moment"],
            account=args["account"],
            price_list=args["price_list"],
            tax_classes=args["tax_classes"],
            redemption=args["redemption"],
            charge=args["charge"],
        )
    per_line_ms = (time.perf_counter() - start) / rounds / 100 * 1000
    print(f"\nprice_sale: {per_line_ms:.4f} ms per line (100-line basket, every rule on)")
    assert len(sale.lines) == 100
    kinds = {d.kind for d in sale.discounts}
    assert kinds == {
        "manual_line",
        "customer_auto",
        "card_type",
        "transaction_auto",
        "manual_transaction",
    }
    assert sale.points is not None and sale.points.extra_points > 0 and sale.points.multiplier > 1
    assert sale.referral is not None and sale.redemption is not None
    assert sale.charge is not None and sale.charge.allowed
    assert {p.price_source for p in sale.lines} >= {"promo", "level_2", "regular", "price_list:VIP"}
