"""Demo reference data: locations, teams, taxes, item groups, ~300 items, price lists, employees.

Rows that exist already (by code) are reused, so ``--force`` adds to a store without
duplicating its reference data. Card and customer types are in :mod:`.card_types`.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from pos_tui.demo.card_types import card_types, customer_types
from pos_tui.demo.context import DemoContext, money
from pos_tui.demo.credentials import DEMO_EMPLOYEES, seeded_pin_hash
from pos_tui.demo.numbering import Injective, ean13_check_digit
from pos_tui.demo.products import BRANDS, PRODUCTS
from pos_tui.services.runtime.setup import StoreSetup
from pos_tui.storage import bulk
from pos_tui.storage.bulk import column_defaults, insert_rows
from pos_tui.storage.rows import Row

# (subgroup id, subgroup code, tax class code, product, price range, size, brand)
_Combo = tuple[int, str, str, str, tuple[int, int], str, str]


def reference_data(ctx: DemoContext) -> None:
    """Everything customers and sales refer to; fills ``ctx.cat`` with what they need."""
    StoreSetup(ctx.b).ensure_basics()
    cat, c = ctx.b.catalog, ctx.cat
    group_all = ctx.ensure("location_groups", "ALL", {"name": "All locations"})
    north = ctx.ensure("location_groups", "NORTH", {"name": "North region"})
    west = ctx.ensure("location_groups", "WEST", {"name": "West region"})
    lane_loc = cat.by_code("locations", ctx.b.settings.lane.location)
    assert lane_loc is not None
    c.locations.append(int(lane_loc["id"]))
    c.location_groups[int(lane_loc["id"])] = int(lane_loc["location_group_id"] or group_all)
    for code, name, group in (
        ("CITY", "City Centre", west),
        ("MALL", "Mall Road", west),
        ("AIRPORT", "Airport Terminal", north),
    ):
        loc = ctx.ensure("locations", code, {"name": name, "location_group_id": group})
        c.locations.append(loc)
        c.location_groups[loc] = group
    for code, name in (
        ("SALES", "Sales floor"),
        ("CORP", "Corporate desk"),
        ("VIP", "VIP care"),
        ("EVENTS", "Events & catering"),
    ):
        c.teams.append(ctx.ensure("teams", code, {"name": name}))

    for code, name, rate in (
        ("GST5", "GST 5%", "5"),
        ("GST12", "GST 12%", "12"),
        ("GST18", "GST 18%", "18"),
        ("GST28", "GST 28%", "28"),
        ("CESS", "Compensation cess", "5"),
        ("USST", "US sales tax", "7.25"),
    ):
        tax_id = ctx.ensure(
            "taxes", code, {"name": name, "rate_percent": rate, "mode": "exclusive"}
        )
        c.taxes[code] = {"id": tax_id, "code": code, "rate": Decimal(rate)}
    for code, name, tax_codes in (
        ("GST5", "Essentials (GST 5%)", ("GST5",)),
        ("GST12", "Processed food (GST 12%)", ("GST12",)),
        ("GST18", "Standard (GST 18%)", ("GST18",)),
        ("GST28", "Sin goods (GST 28% + cess)", ("GST28", "CESS")),
        ("USST", "US sales tax", ("USST",)),
        ("EXEMPT", "Exempt", ()),
    ):
        class_id = ctx.ensure("tax_classes", code, {"name": name})
        if not cat.taxes_of_class(class_id) and tax_codes:
            cat.set_tax_class_taxes(class_id, [c.taxes[t]["id"] for t in tax_codes])
        c.class_taxes[class_id] = [c.taxes[t] for t in tax_codes]
    class_ids = {code: row_id for row_id, code in bulk.ids_by_key(ctx.b.db, "tax_classes").items()}

    subgroup_ids: dict[str, int] = {}
    combos: list[_Combo] = []
    for g_code, g_name, subgroups in PRODUCTS:
        group_id = ctx.ensure("item_groups", g_code, {"name": g_name})
        for s_code, s_name, tax_class, price_range, products in subgroups:
            sub_id = ctx.ensure("item_subgroups", s_code, {"name": s_name, "group_id": group_id})
            subgroup_ids[s_code] = sub_id
            for product, sizes in products:
                for size in sizes:
                    for brand in BRANDS:
                        combos.append(
                            (sub_id, s_code, tax_class, product, price_range, size, brand)
                        )
    add_items(ctx, combos, class_ids)
    card_types(ctx, subgroup_ids)
    customer_types(ctx)
    price_lists(ctx)
    employees(ctx)


def add_items(ctx: DemoContext, combos: list[_Combo], class_ids: dict[str, int]) -> None:
    """300 of the product combinations as items, with barcodes, price levels and promotions."""
    rng, c = ctx.rng, ctx.cat
    chosen = sorted(rng.sample(range(len(combos)), min(300, len(combos))))
    barcode = Injective(rng, 10**9)
    defaults = column_defaults(ctx.b.db, "items")
    new_rows: list[Row] = []
    for n, index in enumerate(chosen, start=1):
        sub_id, s_code, tax_class, product, (lo, hi), size, brand = combos[index]
        sku = f"{s_code[:4]}-{n:04d}"
        first12 = f"890{barcode(n):09d}"
        regular = Decimal(rng.randint(lo, hi))
        regular = regular - 1 if regular > 20 and rng.random() < 0.5 else regular
        if rng.random() < 0.3:
            regular += Decimal("0.50")
        restricted = s_code in ("LIQUOR", "CIG")
        levels = [money(regular * Decimal(f)) for f in ("0.97", "0.94", "0.90", "0.85")]
        if rng.random() < 0.2:
            levels[2] = None  # type: ignore[call-overload]
        promo = rng.random() < 0.08 and not restricted
        start = ctx.today - timedelta(days=rng.randint(0, 20))
        row = {
            **defaults,
            "sku": sku,
            "barcode": first12 + ean13_check_digit(first12),
            "name": f"{brand} {product} {size}",
            "subgroup_id": sub_id,
            "tax_class_id": class_ids[tax_class],
            "regular_price": str(regular),
            "price_level_1": str(levels[0]),
            "price_level_2": str(levels[1]),
            "price_level_3": None if levels[2] is None else str(levels[2]),
            "price_level_4": str(levels[3]),
            "promo_price": str(money(regular * Decimal("0.85"))) if promo else None,
            "promo_start": start.isoformat() if promo else None,
            "promo_end": (start + timedelta(days=30)).isoformat() if promo else None,
            "points_eligible": 0 if restricted else 1,
            "discount_eligible": 0 if s_code == "CIG" else 1,
            "active": 1,
        }
        row.pop("id", None)
        if ctx.b.catalog.item_by_sku(sku) is None:
            new_rows.append(row)
    if new_rows:
        insert_rows(ctx.b.db, "items", new_rows)
    c.items = bulk.items_with_subgroup_codes(ctx.b.db)


def price_lists(ctx: DemoContext) -> None:
    """Wholesale and Staff prices on a share of the items."""
    c, rng = ctx.cat, ctx.rng
    for code, name, factor, share in (
        ("WHOLESALE", "Wholesale", "0.88", 0.4),
        ("STAFF", "Staff prices", "0.90", 0.3),
    ):
        list_id = ctx.ensure("price_lists", code, {"name": name})
        c.price_lists[code] = list_id
        have = bulk.price_list_prices(ctx.b.db, list_id)
        picks = [it for it in c.items if rng.random() < share]
        if not have:
            insert_rows(
                ctx.b.db,
                "price_list_items",
                (
                    {
                        "price_list_id": list_id,
                        "item_id": it.id,
                        "price": str(money(it.regular_price * Decimal(factor))),
                    }
                    for it in picks
                ),
            )
        for item_id, price in bulk.price_list_prices(ctx.b.db, list_id).items():
            c.price_list_prices[(list_id, item_id)] = Decimal(price)


def employees(ctx: DemoContext) -> None:
    """The three demo employees of :data:`DEMO_EMPLOYEES`."""
    cat = ctx.b.catalog
    for emp in DEMO_EMPLOYEES:
        found = cat.employee_by_number(emp.number)
        if found is None:
            emp_id = cat.insert_employee(
                {
                    "number": emp.number,
                    "name": emp.name,
                    "role": emp.role,
                    "pin_hash": seeded_pin_hash(emp.pin, ctx.rng),
                    "max_discount_percent": emp.max_discount,
                }
            )
        else:
            emp_id = found.id
        ctx.cat.employees[emp.number] = emp_id
