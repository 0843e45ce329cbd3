"""The store of tests/catalog.py plus what issue 11's return examples need: a Gold customer, an
automatic transaction discount, a tax-exempt customer, inclusive and mixed tax classes, a trade
account with customer and card type discounts."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from pos_tui.services.checkout.sale import Checkout, Committed
from pos_tui.services.customers.service import CustomerService
from pos_tui.services.runtime.backend import Backend
from pos_tui.services.staff.auth import Employee
from tests.catalog import Store, build_store


@dataclass
class ReturnsStore:
    base: Store
    goldie: int  # Gold card: 5% card discount, 4 points per 100
    listed: int  # an automatic transaction discount of 10%
    exempt: int  # tax exempt
    trade: int  # receivable account, 5% customer and 2% card type discount
    zed: int  # Silver, no points yet
    trade_card: int

    @property
    def cashier(self) -> Employee:
        return self.base.cashier

    @property
    def supervisor(self) -> Employee:
        return self.base.supervisor


def build_returns_store(b: Backend) -> ReturnsStore:
    base = build_store(b)
    cat = b.catalog
    vat = cat.insert(
        "taxes", {"code": "VAT5", "name": "VAT 5%", "rate_percent": "5", "mode": "inclusive"}
    )
    cess = cat.insert("taxes", {"code": "CESS2", "name": "Cess 2%", "rate_percent": "2"})
    inclusive = cat.insert("tax_classes", {"code": "INCL", "name": "VAT inclusive"})
    cat.set_tax_class_taxes(inclusive, [vat])
    mixed = cat.insert("tax_classes", {"code": "MIXED", "name": "VAT inclusive + cess"})
    cat.set_tax_class_taxes(mixed, [vat, cess])
    for sku, price, tax_class in (
        ("TV", "1534.53", None),
        ("DESK", "200.00", None),
        ("WINE", "105.00", inclusive),
        ("SPIRIT", "105.00", mixed),
        ("PEN", "10.00", None),
        ("SOFA", "396.78", None),
        ("BIKE", "5000.00", None),
    ):
        cat.insert(
            "items",
            {"sku": sku, "name": sku.title(), "regular_price": price, "tax_class_id": tax_class},
        )
    cat.insert(
        "items",
        {"sku": "GIFT", "name": "Gift hamper", "regular_price": "300.00", "points_eligible": 0},
    )
    trade_card = cat.insert(
        "card_types",
        {"code": "TRADE", "name": "Trade", "discount_percent": "2", "points_awarded": "0"},
    )
    svc = CustomerService(b)
    goldie = svc.create({"first_name": "Goldie", "last_name": "Hawn", "card_type_id": base.gold})
    listed = svc.create(
        {"first_name": "Lister", "last_name": "Dee", "card_type_id": base.silver},
        transaction_discounts=[{"description": "Loyal 10%", "percent": "10"}],
    )
    exempt = svc.create(
        {"first_name": "Ex", "last_name": "Empt", "card_type_id": base.silver, "tax_exempt": True}
    )
    trade = svc.create(
        {
            "is_company": True,
            "company_name": "Trade Works",
            "card_type_id": trade_card,
            "auto_discount_percent": "5",
            "ar_enabled": True,
            "allow_charge": True,
            "credit_limit": "5000",
            "grace_period_type": "posted_date",
            "grace_period_days": 30,
        },
        pin="4321",
    )
    zed = svc.create({"first_name": "Zed", "last_name": "Zero", "card_type_id": base.silver})
    return ReturnsStore(base, goldie, listed, exempt, trade, zed, trade_card)


def cash_sale(
    b: Backend,
    who: Employee,
    *items: tuple[str, str],
    customer: int | None = None,
    approver: Employee | None = None,
    line_discounts: dict[int, str] | None = None,
) -> Committed:
    """A sale of ``(code, quantity)`` items paid in exact cash (line discounts as amounts)."""
    co = Checkout(b, who)
    if customer is not None:
        co.attach_customer(customer)
    for code, qty in items:
        co.add_item(code, qty)
    for line_no, amount in (line_discounts or {}).items():
        co.discount_line(line_no, amount=amount, approver=approver)
    co.add_cash(co.remaining())
    return co.commit()


def earn_then_spend(b: Backend, store: ReturnsStore) -> int:
    """Zed earns 100 points on a 5000.00 bike (sale 1), then spends them all on a gift hamper
    that earns none (100 points = 250.00 on Silver); the bike sale's id."""
    sale = cash_sale(b, store.cashier, ("BIKE", "1"), customer=store.zed)
    co = Checkout(b, store.cashier)
    co.attach_customer(store.zed)
    co.add_item("GIFT")
    co.add_points("100")
    co.add_cash(co.remaining())
    co.commit()
    return sale.sale.id


def points_sale(b: Backend, store: ReturnsStore) -> Committed:
    """Anna (100 opening points) buys a 200.00 desk: 40 points (100.00) and 100.00 cash."""
    co = Checkout(b, store.cashier)
    co.attach_customer(store.base.anna)
    co.add_item("DESK")
    co.add_points("40")
    co.add_cash("100")
    return co.commit()


def return_lines(
    b: Backend, who: Employee, sale_id: int, *lines: tuple[int, str], as_paid: bool = True
) -> Committed:
    """A return of ``(original line, quantity)`` refunded the way the sale was paid."""
    co = Checkout.start_return(b, who, sale_id)
    for line_no, qty in lines:
        co.add_return_line(line_no, qty)
    if as_paid:
        co.refund_as_paid()
    else:
        co.add_cash(abs(co.remaining()))
    return co.commit()


def total(committed: Committed) -> Decimal:
    return committed.sale.total
