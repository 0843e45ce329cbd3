"""Demo loyalty card types (None, Silver, Gold, Platinum, Junior Member) and the customer types
(Regular, Premium, Corporate) whose defaults point at them."""

from __future__ import annotations

import json

from pos_tui.demo.context import DemoContext
from pos_tui.storage.rows import Row


def card_types(ctx: DemoContext, subgroup_ids: dict[str, int]) -> None:
    """The five card types, Junior Member's restricted sub-groups, Platinum's subscription."""
    cat, c = ctx.b.catalog, ctx.cat
    specs: list[tuple[str, str, Row]] = [
        ("NONE", "None", {}),
        (
            "SILVER",
            "Silver",
            {
                "block_sale_value": "100",
                "points_awarded": "2",
                "rounding": "lower",
                "rounding_limit": "1",
                "extra_points": "50",
                "extra_points_on": "fixed",
                "extra_margin_days": 3,
                "referral_points": "1",
                "referral_block_value": "100",
                "points_to_convert": "2",
                "equivalent_currency": "5",
                "discount_percent": "0",
                "method_of_input": "keyboard",
            },
        ),
        (
            "GOLD",
            "Gold",
            {
                "block_sale_value": "100",
                "points_awarded": "3",
                "rounding": "standard",
                "rounding_limit": "0.5",
                "extra_points": "5",
                "extra_points_on": "sale_value",
                "extra_points_sale_value": "100",
                "extra_margin_days": 5,
                "referral_points": "2",
                "referral_block_value": "100",
                "points_to_convert": "2",
                "equivalent_currency": "5",
                "discount_percent": "2",
                "multiplier": "2",
                "multiplier_weekdays": "tue,wed",
                "multiplier_from_time": "10:00",
                "multiplier_to_time": "20:00",
                "upgrade_min_points": "2000",
                "upgrade_max_points": "9999.99",
                "method_of_input": "keyboard",
            },
        ),
        (
            "PLATINUM",
            "Platinum",
            {
                "block_sale_value": "100",
                "points_awarded": "5",
                "rounding": "higher",
                "rounding_limit": "1",
                "extra_points": "200",
                "extra_points_on": "fixed",
                "extra_margin_days": 7,
                "referral_points": "3",
                "referral_block_value": "100",
                "points_to_convert": "2",
                "equivalent_currency": "5",
                "discount_percent": "5",
                "multiplier": "3",
                "multiplier_weekdays": "mon,tue,wed,thu,fri",
                "multiplier_from_time": "10:00",
                "multiplier_to_time": "20:00",
                "upgrade_min_points": "10000",
                "upgrade_max_points": "99999999",
                "method_of_input": "smart_card",
            },
        ),
        (
            "JUNIOR",
            "Junior Member",
            {
                "block_sale_value": "100",
                "points_awarded": "1",
                "rounding": "no",
                "rounding_limit": "1",
                "extra_points": "25",
                "extra_points_on": "fixed",
                "extra_margin_days": 2,
                "points_to_convert": "2",
                "equivalent_currency": "5",
                "method_of_input": "list",
            },
        ),
    ]
    for code, name, values in specs:
        card_id = ctx.ensure("card_types", code, {"name": name, **values})
        row = cat.get("card_types", card_id)
        assert row is not None
        c.card_types[code] = row
        c.card_types_by_id[card_id] = row
    junior = c.card_types["JUNIOR"]["id"]
    if not cat.restricted_subgroup_ids(junior):
        cat.set_restricted_subgroups(junior, [subgroup_ids["LIQUOR"], subgroup_ids["CIG"]])
    c.restricted = {
        int(card_id): set(cat.restricted_subgroup_ids(card_id)) for card_id in c.card_types_by_id
    }
    platinum = c.card_types["PLATINUM"]["id"]
    if cat.subscription(platinum) is None:
        cat.set_subscription(
            platinum,
            {
                "ledger_account": "SUBS-PLATINUM",
                "periodicity": "monthly",
                "rate": "499.00",
                "tax_code": "GST18",
                "tax_rate_percent": "18",
                "cover_charges": 1,
                "posting": "beginning",
            },
        )


def customer_types(ctx: DemoContext) -> None:
    """Regular, Premium and Corporate with their defaults (card type, price level, AR...)."""
    c = ctx.cat
    card = {code: row["id"] for code, row in c.card_types.items()}
    for code, name, defaults in (
        (
            "REGULAR",
            "Regular",
            {"card_type_id": card["SILVER"], "price_level": 0, "bill_delivery": "print"},
        ),
        (
            "PREMIUM",
            "Premium",
            {
                "card_type_id": card["GOLD"],
                "price_level": 1,
                "bill_delivery": "email",
                "statement_email": 1,
            },
        ),
        (
            "CORPORATE",
            "Corporate",
            {
                "card_type_id": card["NONE"],
                "price_level": 2,
                "ar_enabled": 1,
                "allow_charge": 1,
                "credit_limit": "50000",
                "payment_terms": "Net 30",
                "grace_period_type": "statement_date",
                "grace_period_days": 15,
                "statement_email": 1,
                "required_reference": 1,
                "required_reference_label": "PO number",
                "bill_delivery": "both",
            },
        ),
    ):
        type_id = ctx.ensure(
            "customer_types", code, {"name": name, "defaults": json.dumps(defaults)}
        )
        row = ctx.b.catalog.get("customer_types", type_id)
        assert row is not None
        c.customer_types[code] = {**row, "defaults_dict": json.loads(row["defaults"])}
