"""Pricing a 100-line basket with every rule on, beside summing the same lines in Decimal."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D
from typing import Any

from bench.context import Context
from bench.core import Figure, interleave, summarize

LINES = 100


def everything() -> dict[str, Any]:
    """A 100-line basket with every rule switched on (tests/engine/test_performance_sanity.py
    checks that each rule really applies)."""
    from pos_tui.engine import (
        Basket,
        BasketLine,
        CardType,
        ChargeRequest,
        Customer,
        CustomerAccount,
        Item,
        ManualDiscount,
        PriceList,
        RedemptionRequest,
        Settings,
        Subgroup,
        Tax,
        TaxClass,
        TransactionDiscount,
    )

    vat10 = Tax(1, "VAT", "Value added tax", D("10"), "exclusive")
    gst5 = Tax(2, "GST", "Goods and services tax", D("5"), "inclusive")
    cess2 = Tax(3, "CESS", "Cess", D("2"), "exclusive")
    tax_classes = {
        1: TaxClass(1, "STD", "Standard", (vat10,)),
        2: TaxClass(2, "INC", "Inclusive", (gst5,)),
        3: TaxClass(3, "MIX", "Mixed", (gst5, cess2)),
    }
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
        for n in range(1, LINES + 1)
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
    card = CardType(
        id=1,
        code="SILVER",
        name="Silver",
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
    customer = Customer(
        id=7,
        account_number="C0007",
        first_name="Asha",
        last_name="Rao",
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
    return {
        "basket": Basket(lines, manual_discount=ManualDiscount(D(5), percent=D(2))),
        "customer": customer,
        "card_type": card,
        "settings": Settings(tax_rounding="sale"),
        "moment": dt.datetime(2024, 5, 15, 12),
        "account": account,
        "price_list": PriceList(1, "VIP", "VIP", {n: D(n) for n in range(1, LINES + 1, 7)}),
        "tax_classes": tax_classes,
        "redemption": RedemptionRequest(D(100)),
        "charge": ChargeRequest(pin_verified=True, reference="PO-1"),
    }


def price_everything(args: dict[str, Any], price: Any = None) -> Any:
    """``price_sale`` (or ``price``, e.g. a ``SalePricer``'s) on the basket of ``everything()``."""
    from pos_tui.engine import price_sale

    return (price or price_sale)(
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


def run(ctx: Context) -> list[Figure]:
    return [_full(ctx), _incremental(ctx)]


def _full(ctx: Context) -> Figure:
    args = everything()
    lines = args["basket"].lines

    def ours(_i: int) -> None:
        assert len(price_everything(args).lines) == LINES

    def floor(_i: int) -> None:
        sum((line.item.regular_price * line.quantity for line in lines), D(0))

    n, warmup = ctx.sizes["engine_rounds"], ctx.sizes["engine_warmup"]
    ours_ms, floor_ms = interleave(ours, floor, n=n, warmup=warmup)
    ours_stats = summarize(ours_ms)
    per_10_lines = ours_stats["median"] / (LINES / 10)
    return Figure(
        name="engine",
        title=f"price a {LINES}-line basket, every rule on",
        metric="median",
        unit="ms",
        ours=ours_stats,
        floor=summarize(floor_ms),
        goal="< 1 ms per 10 lines",
        max_abs=1.0,
        abs_value=per_10_lines,
        abs_unit="ms per 10 lines",
        sizes={"lines": LINES, "rounds": n, "warmup": warmup},
        extra={"ours_ms_per_10_lines": round(per_10_lines, 4)},
        notes=["the ratio is information: the floor does no pricing, the goal is absolute"],
    )


def _incremental(ctx: Context) -> Figure:
    """The lane's case: the sale is priced after every scan, so each price follows the last.

    Ours: a ``SalePricer`` that priced the first 99 lines prices the 100 (one line added);
    the floor: a full ``price_sale`` of the same 100 lines. Both give the same sale (checked)."""
    import dataclasses

    from pos_tui.engine import SalePricer

    args = everything()
    basket = args["basket"]
    before = {**args, "basket": dataclasses.replace(basket, lines=basket.lines[:-1])}
    pricer = SalePricer()
    assert price_everything(args, pricer.price) == price_everything(args)

    def prepare_ours(_i: int) -> None:
        price_everything(before, pricer.price)

    def ours(_i: int) -> None:
        assert len(price_everything(args, pricer.price).lines) == LINES

    def floor(_i: int) -> None:
        assert len(price_everything(args).lines) == LINES

    n, warmup = ctx.sizes["engine_rounds"], ctx.sizes["engine_warmup"]
    ours_ms, floor_ms = interleave(ours, floor, n=n, warmup=warmup, prepare_ours=prepare_ours)
    ours_stats = summarize(ours_ms)
    return Figure(
        name="engine_incremental",
        title=f"one line added to a {LINES - 1}-line basket, priced again",
        metric="median",
        unit="ms",
        ours=ours_stats,
        floor=summarize(floor_ms),
        goal="median <= 0.5x a full price, < 1 ms per 10 lines",
        max_ratio=0.5,
        max_abs=1.0,
        abs_value=ours_stats["median"] / (LINES / 10),
        abs_unit="ms per 10 lines",
        sizes={"lines": LINES, "rounds": n, "warmup": warmup},
        notes=[
            "floor: price_sale of the same 100 lines in full; ours re-does steps 1-5 for the"
            " new line only, the whole-sale steps (transaction discounts spread over every"
            " line, tax per sale, points) over all"
        ],
    )
