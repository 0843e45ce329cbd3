"""The figures of a shift, summed from its journal records: what an X report shows and a Z
report seals.

Everything is a sum over the journal (and, for voids, the lane's audit rows in the shift): the
records a shift spans, their tenders, discounts and taxes. Cash: the float, plus every cash
tender (negative when money left the drawer: refunds, paid out, drops), less the change given.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from pos_tui.engine.money import ZERO
from pos_tui.storage.journal import SaleChildren, SaleRow, SaleTenderRow

# Records that are money moved without a sale, by kind: their cash tenders are signed already.
CASH_MOVES = ("paid_in", "paid_out", "cash_drop")


@dataclass
class Cashier:
    """One cashier's part of a shift."""

    name: str
    sales: int = 0
    sales_total: Decimal = ZERO
    returns: int = 0
    returns_total: Decimal = ZERO
    cash: Decimal = ZERO  # cash taken less cash given back and change

    def as_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "sales": self.sales,
            "sales_total": str(self.sales_total),
            "returns": self.returns,
            "returns_total": str(self.returns_total),
            "cash": str(self.cash),
        }


@dataclass
class Figures:
    """A shift's totals. Returns, refunds, paid out and drops are kept positive here and named
    as what they are; ``net_sales`` is sales less returns."""

    opening_float: Decimal = ZERO
    sales: int = 0
    sales_total: Decimal = ZERO
    returns: int = 0
    returns_total: Decimal = ZERO
    discounts: dict[str, Decimal] = field(default_factory=dict)
    taxes: dict[str, Decimal] = field(default_factory=dict)
    tenders: dict[str, Decimal] = field(default_factory=dict)
    change_given: Decimal = ZERO
    points_issued: Decimal = ZERO
    points_redeemed: Decimal = ZERO
    account_charges: Decimal = ZERO
    account_payments: Decimal = ZERO
    paid_in: Decimal = ZERO
    paid_out: Decimal = ZERO
    drops: Decimal = ZERO
    order_payments: Decimal = ZERO  # deposits and payments on orders, less refunds
    withdrawals: Decimal = ZERO  # cash withdrawn on account
    drawer_opens: int = 0
    voided_sales: int = 0
    voided_lines: int = 0
    customers: int = 0
    cash_in: Decimal = ZERO  # every cash tender, signed
    cashiers: dict[int, Cashier] = field(default_factory=dict)

    @property
    def net_sales(self) -> Decimal:
        return self.sales_total - self.returns_total

    @property
    def expected_cash(self) -> Decimal:
        return self.opening_float + self.cash_in - self.change_given

    def as_json(self) -> dict[str, Any]:
        def money(values: Mapping[str, Decimal]) -> dict[str, str]:
            return {k: str(v) for k, v in sorted(values.items())}

        return {
            "opening_float": str(self.opening_float),
            "sales": self.sales,
            "sales_total": str(self.sales_total),
            "returns": self.returns,
            "returns_total": str(self.returns_total),
            "net_sales": str(self.net_sales),
            "discounts": money(self.discounts),
            "taxes": money(self.taxes),
            "tenders": money(self.tenders),
            "change_given": str(self.change_given),
            "points_issued": str(self.points_issued),
            "points_redeemed": str(self.points_redeemed),
            "account_charges": str(self.account_charges),
            "account_payments": str(self.account_payments),
            "paid_in": str(self.paid_in),
            "paid_out": str(self.paid_out),
            "drops": str(self.drops),
            "order_payments": str(self.order_payments),
            "withdrawals": str(self.withdrawals),
            "drawer_opens": self.drawer_opens,
            "voided_sales": self.voided_sales,
            "voided_lines": self.voided_lines,
            "customers": self.customers,
            "expected_cash": str(self.expected_cash),
            "cashiers": {str(k): v.as_json() for k, v in sorted(self.cashiers.items())},
        }


class _Summer:
    def __init__(self, opening_float: Decimal, names: Mapping[int, str]) -> None:
        self.f = Figures(opening_float=opening_float)
        self.names = names
        self.customer_ids: set[int] = set()

    def cashier(self, employee_id: int | None) -> Cashier:
        key = int(employee_id or 0)
        if key not in self.f.cashiers:
            self.f.cashiers[key] = Cashier(self.names.get(key, f"employee {key}"))
        return self.f.cashiers[key]

    def record(self, sale: SaleRow, children: SaleChildren) -> None:
        kind = sale.kind
        total = sale.total
        who = self.cashier(sale.employee_id)
        if kind in ("sale", "return"):
            self._sale(sale, kind, total, who, children)
        elif kind in CASH_MOVES:
            amount = -total if kind != "paid_in" else total
            attr = {"paid_in": "paid_in", "paid_out": "paid_out", "cash_drop": "drops"}[kind]
            setattr(self.f, attr, getattr(self.f, attr) + amount)
        elif kind == "account_payment":
            self.f.account_payments += total
        elif kind in ("order_payment", "order_cancel"):
            self.f.order_payments += total
        elif kind == "withdrawal":
            self.f.withdrawals -= total
        elif kind == "drawer_open":
            self.f.drawer_opens += 1
        self._tenders(kind, who, children.tenders)

    def _sale(
        self, sale: SaleRow, kind: str, total: Decimal, who: Cashier, children: SaleChildren
    ) -> None:
        f = self.f
        if kind == "sale":
            f.sales += 1
            f.sales_total += total
            who.sales += 1
            who.sales_total += total
            f.points_issued += sale.points_earned + sale.referral_points
        else:
            f.returns += 1
            f.returns_total -= total
            who.returns += 1
            who.returns_total -= total
        f.points_redeemed += sale.points_used
        if sale.customer_id is not None:
            self.customer_ids.add(int(sale.customer_id))
        for d in children.discounts:
            f.discounts[d.kind] = f.discounts.get(d.kind, ZERO) + d.amount
        for t in children.taxes:
            f.taxes[t.tax_code] = f.taxes.get(t.tax_code, ZERO) + t.amount

    def _tenders(self, kind: str, who: Cashier, tenders: Iterable[SaleTenderRow]) -> None:
        f = self.f
        for t in tenders:
            amount, change = t.amount, t.change_given
            if kind in ("sale", "return", "account_payment", "order_payment", "order_cancel"):
                f.tenders[t.kind] = f.tenders.get(t.kind, ZERO) + amount
            if t.kind == "account" and kind in ("sale", "return"):
                f.account_charges += amount
            if t.kind == "cash":
                f.cash_in += amount
                f.change_given += change
                who.cash += amount - change


def shift_figures(
    opening_float: Decimal,
    records: Iterable[tuple[SaleRow, SaleChildren]],
    *,
    names: Mapping[int, str],
    audit_actions: Iterable[str] = (),
) -> Figures:
    """The figures of a shift from its journal records (each with its rows) and the actions of
    the lane's audit rows during it (voided sales and lines)."""
    summer = _Summer(opening_float, names)
    for sale, children in records:
        if sale.kind != "z_report":
            summer.record(sale, children)
    for action in audit_actions:
        if action == "void_sale":
            summer.f.voided_sales += 1
        elif action == "void_line":
            summer.f.voided_lines += 1
    summer.f.customers = len(summer.customer_ids)
    return summer.f
