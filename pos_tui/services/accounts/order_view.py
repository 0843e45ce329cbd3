"""Customer orders: their types and stages, a payment's tender, and an order as it stands
(what it has been paid, what is still due); the amounts a cashier types, read exactly.

The use cases that change orders are in :mod:`pos_tui.services.accounts.orders`.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from pos_tui.engine.money import ZERO, NotANumber, TooManyPlaces, parse_money, to_decimal
from pos_tui.services.checkout.errors import CheckoutError
from pos_tui.services.customers.names import display_name
from pos_tui.services.runtime.backend import Backend
from pos_tui.services.staff.auth import Employee
from pos_tui.storage.accounts import CustomerOrder, OrderRepository
from pos_tui.storage.journal import SaleRow
from pos_tui.storage.rows import Row

__all__ = [
    "ORDER_TYPES",
    "STAGES",
    "CustomerOrder",
    "OrderError",
    "OrderReader",
    "OrderView",
    "Tender",
    "customer_name",
]

ORDER_TYPES = ("layaway", "special", "work", "back")
PREFIX = {"work": "WO", "back": "BO", "special": "SO", "layaway": "LAY"}
# Each type's own stages, in order; it is completed from the last one.
STAGES: dict[str, tuple[str, ...]] = {
    "layaway": ("open",),
    "special": ("requested", "ordered", "arrived"),
    "work": ("received", "in_progress", "ready"),
    "back": ("waiting", "arrived"),
}
SETTING_CANCEL = "orders.cancel_deposit"
SETTING_MIN_DEPOSIT = "orders.min_deposit_percent"
TENDER_KINDS = ("cash", "card", "account", "points")
# Points inside a payment's transaction where tests inject faults (or kill the process).
Checkpoint = Callable[[str], None]


def no_checkpoint(_where: str) -> None:
    return None


class OrderError(CheckoutError):
    """A refusal the cashier reads (the lane shows checkout refusals the same way)."""


@dataclass(frozen=True)
class Tender:
    """One payment: ``kind`` and ``amount``; a card's approval code or the account's PO number
    in ``reference``; the account PIN; the supervisor who lifted an account refusal."""

    kind: str
    amount: str | Decimal
    reference: str | None = None
    pin: str | None = None
    approver: Employee | None = None


@dataclass(frozen=True)
class OrderView:
    order: CustomerOrder
    paid: Decimal
    due: Decimal
    # The order's journal records (payments, completion, cancellation), oldest first.
    records: list[SaleRow] = field(default_factory=list)
    # The journal record this change wrote (payment, completing sale, cancellation).
    sale: SaleRow | None = None
    messages: tuple[str, ...] = ()

    @property
    def number(self) -> str:
        return self.order.number


class OrderReader:
    """An order as it stands: what it has been paid, what is still due (reading needs no one
    signed in: ``pos-tui orders list`` and ``show``)."""

    def __init__(self, backend: Backend) -> None:
        self.b = backend
        self.repo = OrderRepository(backend.db)

    def view(self, order_id: int, **extra: Any) -> OrderView:
        order = self.repo.get(order_id)
        if order is None:
            raise OrderError(f"No order with id {order_id}")
        records = self.repo.records(order_id)
        paid = sum((r.total for r in records if r.kind == "order_payment"), ZERO)
        due = ZERO if order.status != "pending" else order.total - paid
        return OrderView(order, paid, due, records, **extra)

    def by_number(self, number: str) -> OrderView:
        order = self.repo.by_number(number.strip().upper())
        if order is None:
            raise OrderError(f"No order numbered {number.strip()}")
        return self.view(order.id)

    def for_customer(self, customer_id: int) -> list[OrderView]:
        return [self.view(o.id) for o in self.repo.for_customer(customer_id)]

    def lines(self, order_id: int) -> list[Row]:
        order = self.repo.get(order_id)
        if order is None or not order.priced:
            return []
        return list(json.loads(order.priced)["children"]["lines"])


def money_unit(backend: Backend) -> Decimal:
    """The smallest amount of the lane's currency (0.01 for two decimals)."""
    return Decimal(1).scaleb(-backend.settings.currency.minor_unit)


def min_deposit_percent(backend: Backend) -> Decimal:
    """The store's minimum deposit, as a percent of the order's total (0 when unset or bad)."""
    try:
        return to_decimal(backend.store.setting(SETTING_MIN_DEPOSIT, "0") or "0")
    except NotANumber:
        return ZERO


def parse_amount(backend: Backend, value: str | Decimal) -> Decimal:
    """An amount as the cashier typed it, in the currency's decimals; refused otherwise."""
    places = backend.settings.currency.minor_unit
    try:
        return parse_money(value, "An amount", places)
    except NotANumber:
        raise OrderError(f"{value!r} is not an amount") from None
    except TooManyPlaces:
        raise OrderError(f"An amount has at most {places} decimals, not {value!r}") from None


def customer_name(backend: Backend, customer_id: int) -> str:
    row = backend.customers.get(customer_id)
    return display_name(row) if row else "?"
