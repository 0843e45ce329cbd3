"""The pricing, loyalty and receivable engine: pure, exact and explained.

Pure functions of (basket, customer, card type, settings, moment): no I/O, no clock, no database.
Money is ``Decimal`` (floats refused), every result carries the :class:`Rule` records that
explain it. The one entry point for a sale is :func:`price_sale`; see ``docs/engine.md``.

The names below load with their module on first use (PEP 562): a part of the lane that needs
one module of the engine (``pos_tui.engine.errors`` for a refusal, ``money`` for a stored
amount) does not pay for the rest of it at start.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pos_tui.engine.convert import ConvertError, build, from_row
    from pos_tui.engine.credit import check_charge
    from pos_tui.engine.incremental import SalePricer
    from pos_tui.engine.jsonable import to_jsonable
    from pos_tui.engine.loyalty import (
        LoyaltyEntry,
        PointsBalance,
        earn_points,
        points_balance,
        referral_points,
        reverse_points,
    )
    from pos_tui.engine.models import (
        AppliedDiscount,
        Basket,
        BasketLine,
        CardType,
        CardTypeSubscription,
        ChargeDecision,
        ChargeRequest,
        Customer,
        CustomerAccount,
        Item,
        LineTax,
        ManualDiscount,
        PointsEarned,
        PointsShortfall,
        PricedLine,
        PricedSale,
        PriceList,
        Redemption,
        RedemptionRequest,
        ReferralPoints,
        Refusal,
        ReturnOf,
        Rule,
        SaleTax,
        Subgroup,
        Tax,
        TaxClass,
        Totals,
        TransactionDiscount,
    )
    from pos_tui.engine.receivable_terms import (
        DueDate,
        OpenItem,
        ServiceCharge,
        due_date,
        is_statement_day,
        parse_terms,
        previous_statement_date,
        service_charge,
        statement_date_after,
        statement_date_for,
    )
    from pos_tui.engine.redemption import redeem
    from pos_tui.engine.refund_models import (
        GivenBack,
        PaidLine,
        PaidSale,
        PaidTax,
        PaidTender,
        RefundPart,
        ReturnLine,
    )
    from pos_tui.engine.refund_routing import points_shortfall, route_refund
    from pos_tui.engine.refunds import price_return
    from pos_tui.engine.sale import moment_key, price_sale
    from pos_tui.engine.settings import Settings
    from pos_tui.engine.subscriptions import (
        Period,
        SubscriptionCharge,
        net_sales_in_period,
        period_containing,
        posting_window,
        subscription_charge,
    )
    from pos_tui.engine.upgrade import UpgradeDecision, card_type_for_balance

# module (under pos_tui.engine) -> the names it gives the package
_EXPORTS: dict[str, tuple[str, ...]] = {
    "convert": ("ConvertError", "build", "from_row"),
    "credit": ("check_charge",),
    "jsonable": ("to_jsonable",),
    "loyalty": (
        "LoyaltyEntry",
        "PointsBalance",
        "earn_points",
        "points_balance",
        "referral_points",
        "reverse_points",
    ),
    "models": (
        "AppliedDiscount",
        "Basket",
        "BasketLine",
        "CardType",
        "CardTypeSubscription",
        "ChargeDecision",
        "ChargeRequest",
        "Customer",
        "CustomerAccount",
        "Item",
        "LineTax",
        "ManualDiscount",
        "PointsEarned",
        "PointsShortfall",
        "PricedLine",
        "PricedSale",
        "PriceList",
        "Redemption",
        "RedemptionRequest",
        "ReferralPoints",
        "Refusal",
        "ReturnOf",
        "Rule",
        "SaleTax",
        "Subgroup",
        "Tax",
        "TaxClass",
        "Totals",
        "TransactionDiscount",
    ),
    "receivable_terms": (
        "DueDate",
        "OpenItem",
        "ServiceCharge",
        "due_date",
        "is_statement_day",
        "parse_terms",
        "previous_statement_date",
        "service_charge",
        "statement_date_after",
        "statement_date_for",
    ),
    "redemption": ("redeem",),
    "refund_models": (
        "GivenBack",
        "PaidLine",
        "PaidSale",
        "PaidTax",
        "PaidTender",
        "RefundPart",
        "ReturnLine",
    ),
    "refund_routing": ("points_shortfall", "route_refund"),
    "incremental": ("SalePricer",),
    "refunds": ("price_return",),
    "sale": ("moment_key", "price_sale"),
    "settings": ("Settings",),
    "subscriptions": (
        "Period",
        "SubscriptionCharge",
        "net_sales_in_period",
        "period_containing",
        "posting_window",
        "subscription_charge",
    ),
    "upgrade": ("UpgradeDecision", "card_type_for_balance"),
}
_WHERE = {name: module for module, names in _EXPORTS.items() for name in names}

__all__ = [
    "AppliedDiscount",
    "Basket",
    "BasketLine",
    "CardType",
    "CardTypeSubscription",
    "ChargeDecision",
    "ChargeRequest",
    "ConvertError",
    "Customer",
    "CustomerAccount",
    "DueDate",
    "GivenBack",
    "Item",
    "LineTax",
    "LoyaltyEntry",
    "ManualDiscount",
    "OpenItem",
    "PaidLine",
    "PaidSale",
    "PaidTax",
    "PaidTender",
    "Period",
    "PointsBalance",
    "PointsEarned",
    "PointsShortfall",
    "PriceList",
    "PricedLine",
    "PricedSale",
    "Redemption",
    "RedemptionRequest",
    "ReferralPoints",
    "RefundPart",
    "Refusal",
    "ReturnLine",
    "ReturnOf",
    "Rule",
    "SalePricer",
    "SaleTax",
    "ServiceCharge",
    "Settings",
    "Subgroup",
    "SubscriptionCharge",
    "Tax",
    "TaxClass",
    "Totals",
    "TransactionDiscount",
    "UpgradeDecision",
    "build",
    "card_type_for_balance",
    "check_charge",
    "due_date",
    "earn_points",
    "from_row",
    "is_statement_day",
    "moment_key",
    "net_sales_in_period",
    "parse_terms",
    "period_containing",
    "points_balance",
    "points_shortfall",
    "posting_window",
    "previous_statement_date",
    "price_return",
    "price_sale",
    "redeem",
    "referral_points",
    "reverse_points",
    "route_refund",
    "service_charge",
    "statement_date_after",
    "statement_date_for",
    "subscription_charge",
    "to_jsonable",
]


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(f"{__name__}.{module}"), name)
    globals()[name] = value  # once: the next look-up is a plain global
    return value
