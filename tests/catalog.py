"""A small, fully known store for service and screen tests."""

from __future__ import annotations

from dataclasses import dataclass

from pos_tui.services.customers.service import CustomerService
from pos_tui.services.runtime.backend import Backend
from pos_tui.services.runtime.setup import StoreSetup
from pos_tui.services.staff.auth import AuthService, Employee


@dataclass
class Store:
    cashier: Employee
    supervisor: Employee
    silver: int
    gold: int
    junior: int
    liquor: int
    anna: int
    bob: int
    kid: int
    corp: int


def build_store(b: Backend, *, shift: bool = True) -> Store:
    """The known store; ``shift``: with lane's shift open, ready to sell."""
    setup = StoreSetup(b)
    setup.ensure_basics()
    setup.add_employee("101", "Cass Cashier", "cashier", "1234", max_discount="5")
    setup.add_employee("201", "Sue Supervisor", "supervisor", "2345", max_discount="50")
    auth = AuthService(b)
    cashier, supervisor = auth.sign_in("101", "1234"), auth.sign_in("201", "2345")
    cat = b.catalog
    gst = cat.insert("taxes", {"code": "GST5", "name": "GST 5%", "rate_percent": "5"})
    food = cat.insert("tax_classes", {"code": "FOOD", "name": "Food"})
    cat.set_tax_class_taxes(food, [gst])
    grocery = cat.insert("item_groups", {"code": "GRO", "name": "Grocery"})
    bev = cat.insert("item_groups", {"code": "BEV", "name": "Beverages"})
    fruit = cat.insert("item_subgroups", {"code": "FRUIT", "name": "Fruit", "group_id": grocery})
    liquor = cat.insert("item_subgroups", {"code": "LIQ", "name": "Liquor", "group_id": bev})
    cat.insert(
        "items",
        {
            "sku": "APPLE",
            "barcode": "8901234567890",
            "name": "Apple 1kg",
            "subgroup_id": fruit,
            "tax_class_id": food,
            "regular_price": "100.00",
            "price_level_1": "90.00",
        },
    )
    cat.insert(
        "items",
        {
            "sku": "RUM",
            "barcode": "8900000000017",
            "name": "Dark Rum 750ml",
            "subgroup_id": liquor,
            "regular_price": "1000.00",
        },
    )
    cat.insert(
        "items",
        {
            "sku": "BAG",
            "name": "Carry bag",
            "regular_price": "5.00",
            "points_eligible": 0,
            "discount_eligible": 0,
        },
    )
    silver = cat.insert(
        "card_types",
        {
            "code": "SILVER",
            "name": "Silver",
            "block_sale_value": "100",
            "points_awarded": "2",
            "rounding": "no",
            "points_to_convert": "2",
            "equivalent_currency": "5",
            "referral_points": "0.25",
            "referral_block_value": "100",
            "upgrade_min_points": "0",
            "upgrade_max_points": "499.9999",
        },
    )
    gold = cat.insert(
        "card_types",
        {
            "code": "GOLD",
            "name": "Gold",
            "block_sale_value": "100",
            "points_awarded": "4",
            "discount_percent": "5",
            "points_to_convert": "2",
            "equivalent_currency": "5",
            "upgrade_min_points": "500",
        },
    )
    junior = cat.insert("card_types", {"code": "JUNIOR", "name": "Junior Member"})
    cat.set_restricted_subgroups(junior, [liquor])
    svc = CustomerService(b)
    anna = svc.create(
        {
            "first_name": "Anna",
            "last_name": "Smith",
            "mobile": "9876543210",
            "card_number": "4000001",
            "card_type_id": silver,
        },
        opening_points="100",
    )
    bob = svc.create(
        {
            "first_name": "Bob",
            "last_name": "Jones",
            "mobile": "9876543211",
            "card_type_id": silver,
            "link_customer_id": anna,
            "second_receipt": True,
        }
    )
    kid = svc.create({"first_name": "Kid", "last_name": "Junior", "card_type_id": junior})
    corp = svc.create(
        {
            "is_company": True,
            "company_name": "Acme Traders",
            "ar_enabled": True,
            "allow_charge": True,
            "credit_limit": "1000",
            "grace_period_type": "posted_date",
            "grace_period_days": 30,
            "required_reference": True,
            "required_reference_label": "PO number",
        },
        pin="4321",
    )
    if shift:
        open_shift(b, cashier)
    return Store(cashier, supervisor, silver, gold, junior, liquor, anna, bob, kid, corp)


def open_shift(b: Backend, employee: Employee, opening_float: str = "100.00") -> int:
    """Open the backend's lane's shift (no sale without one), as a store set up ready to sell:
    no float slip is queued (the lane asks for the float at the first sign-in otherwise)."""
    from pos_tui.services.shifts.counts import one_amount
    from pos_tui.services.shifts.service import ShiftService

    current = b.shifts.open_for(b.settings.lane.id)
    if current is not None:
        return current.id
    count = one_amount(b.settings, opening_float)
    return ShiftService(b).open(employee, count, slip=False).id
