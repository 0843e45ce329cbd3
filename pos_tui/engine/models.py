"""Frozen dataclasses: what the engine is given and what it returns.

Input field names are the column names of ``pos_tui/storage/schema_v1.sql`` (tables ``taxes``,
``items``, ``card_types``, ``card_type_subscriptions``, ``customers``,
``customer_transaction_discounts``) so a row maps onto a dataclass 1:1 with :func:`from_row`.
Money and points are ``Decimal`` (the database stores decimal strings), flags ``bool``, dates
``datetime.date``, moments ``datetime.datetime`` and times of day ``datetime.time``. Fields that
come from a join table rather than a column (a tax class's taxes, a card type's restricted
sub-groups and subscription, a customer's exempt tax codes, balances) are marked as such.

Every constructor refuses floats and converts ints and decimal strings to ``Decimal`` so an
inexact value can never enter a computation.

The dataclasses live in modules by what they describe; import them from here (or from
:mod:`pos_tui.engine`):

- :mod:`pos_tui.engine.catalog_models`: taxes, tax classes, sub-groups, items, price lists;
- :mod:`pos_tui.engine.customer_models`: card types and subscriptions, customers, accounts;
- :mod:`pos_tui.engine.basket_models`: the basket and the redemption and charge requests;
- :mod:`pos_tui.engine.result_models`: priced sales and everything else the engine returns;
- :mod:`pos_tui.engine.model_fields`: the choices of text fields and the constructor checks.
"""

from __future__ import annotations

from pos_tui.engine.basket_models import (
    Basket,
    BasketLine,
    ChargeRequest,
    ManualDiscount,
    RedemptionRequest,
    ReturnOf,
)
from pos_tui.engine.catalog_models import (
    Item,
    PriceList,
    Subgroup,
    Tax,
    TaxClass,
)
from pos_tui.engine.customer_models import (
    CardType,
    CardTypeSubscription,
    Customer,
    CustomerAccount,
    TransactionDiscount,
)
from pos_tui.engine.model_fields import (
    WEEKDAYS,
    ExtraPointsOn,
    GracePeriodType,
    Periodicity,
    Posting,
    Rounding,
    SaleKind,
    TaxMode,
    TransactionType,
)
from pos_tui.engine.result_models import (
    AppliedDiscount,
    ChargeDecision,
    LineTax,
    PointsEarned,
    PointsShortfall,
    PricedLine,
    PricedSale,
    Redemption,
    ReferralPoints,
    Refusal,
    Rule,
    SaleTax,
    Totals,
)

__all__ = [
    "WEEKDAYS",
    "AppliedDiscount",
    "Basket",
    "BasketLine",
    "CardType",
    "CardTypeSubscription",
    "ChargeDecision",
    "ChargeRequest",
    "Customer",
    "CustomerAccount",
    "ExtraPointsOn",
    "GracePeriodType",
    "Item",
    "LineTax",
    "ManualDiscount",
    "Periodicity",
    "PointsEarned",
    "PointsShortfall",
    "Posting",
    "PriceList",
    "PricedLine",
    "PricedSale",
    "Redemption",
    "RedemptionRequest",
    "ReferralPoints",
    "Refusal",
    "ReturnOf",
    "Rounding",
    "Rule",
    "SaleKind",
    "SaleTax",
    "Subgroup",
    "Tax",
    "TaxClass",
    "TaxMode",
    "Totals",
    "TransactionDiscount",
    "TransactionType",
]
