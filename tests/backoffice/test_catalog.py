"""Card types, customer types and items through their edit screens and the admin service."""

from __future__ import annotations

import json

import pytest

from pos_tui.app import PosApp
from pos_tui.screens.backoffice.catalog import CatalogEditScreen, CatalogListScreen
from pos_tui.services.backoffice.catalog import TABLES, CatalogAdmin
from pos_tui.services.customers.fields import FieldError
from pos_tui.services.runtime.backend import Backend
from pos_tui.widgets.backoffice.fields import rows_by_name
from tests.backoffice.conftest import open_back_office, screen_text, settle
from tests.catalog import Store


async def test_card_type_every_loyalty_field_with_errors_next_to_them(
    app: PosApp, backend: Backend, store: Store
) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await open_back_office(pilot, CatalogListScreen("card_types"))
        assert "Junior Member" in screen_text(pilot)
        await pilot.press("ctrl+n")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, CatalogEditScreen)
        rows = rows_by_name(screen)
        assert {f.name for f in TABLES["card_types"].fields} == set(rows)
        values = {
            "code": "PLAT", "name": "Platinum", "block_sale_value": "100", "points_awarded": "5",
            "rounding": "standard", "rounding_limit": "1", "extra_points": "5",
            "extra_points_on": "sale_value", "extra_points_sale_value": "1000",
            "extra_margin_days": "3", "referral_points": "0.5", "referral_block_value": "100",
            "points_to_convert": "2", "equivalent_currency": "5", "discount_percent": "10",
            "restricted_subgroups": str(store.liquor), "multiplier": "11",
            "multiplier_weekdays": "sun,sat", "multiplier_from_time": "10:00",
            "multiplier_to_time": "20:00", "upgrade_min_points": "2000", "upgrade_max_points": "",
            "method_of_input": "smart_card", "subscription": "1", "sub_ledger_account": "Membership A/c",
            "sub_periodicity": "quarterly", "sub_rate": "1000", "sub_tax_code": "ST",
            "sub_tax_rate_percent": "10.3", "sub_cover_charges": "1", "sub_posting": "end",
        }  # fmt: skip
        for name, value in values.items():
            rows[name].value = value
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "between 0 and 10" in rows["multiplier"].error
        assert "between 0 and 10" in screen_text(pilot), "its tab is shown"
        rows["multiplier"].value = "1.5"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert rows["multiplier"].error == "", screen_text(pilot)
        assert "Saved Platinum" in screen_text(pilot)
    row = backend.catalog.by_code("card_types", "PLAT")
    assert row is not None
    assert (row["multiplier"], row["multiplier_weekdays"], row["upgrade_max_points"]) == (
        "1.5",
        "sat,sun",
        None,
    )
    assert backend.catalog.restricted_subgroup_ids(int(row["id"])) == [store.liquor]
    sub = backend.catalog.subscription(int(row["id"]))
    assert sub is not None and (sub.periodicity, sub.posting, sub.cover_charges) == (
        "quarterly",
        "end",
        1,
    )
    loaded = CatalogAdmin(backend).load("card_types", int(row["id"]))
    assert loaded["sub_rate"] == "1000" and loaded["restricted_subgroups"] == str(store.liquor)
    assert backend.store.audit_trail("card_types", int(row["id"]))[0].action == "create"


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        (
            {"upgrade_min_points": "500", "upgrade_max_points": "100"},
            "upgrade_max_points",
            "ends below",
        ),
        (
            {"multiplier_from_time": "20:00", "multiplier_to_time": "20:00"},
            "multiplier_to_time",
            "must differ from from time",
        ),
        ({"multiplier_from_time": "25:00"}, "multiplier_from_time", "HH:MM"),
        ({"multiplier_weekdays": "mon,funday"}, "multiplier_weekdays", "Unknown weekday"),
        (
            {"points_to_convert": "2", "equivalent_currency": "0"},
            "equivalent_currency",
            "or neither",
        ),
        ({"subscription": "1", "sub_ledger_account": ""}, "sub_ledger_account", "ledger"),
        ({"code": "GOLD"}, "code", "already exists with Gold"),
    ],
)
def test_card_type_rules(
    backend: Backend, store: Store, changes: dict[str, str], field: str, message: str
) -> None:
    admin = CatalogAdmin(backend)
    values = {**admin.load("card_types", store.silver), **changes}
    with pytest.raises(FieldError) as info:
        admin.save("card_types", store.silver, values, employee_id=None)
    assert info.value.field == field and message in info.value.message


def test_customer_type_defaults_are_fields(backend: Backend, store: Store) -> None:
    admin = CatalogAdmin(backend)
    values = admin.load("customer_types", None)
    values.update({"code": "CORP", "name": "Corporate", "default.card_type_id": str(store.gold),
                   "default.credit_limit": "5000", "default.ar_enabled": "yes", "default.price_level": "2"})  # fmt: skip
    type_id = admin.save("customer_types", None, values, employee_id=store.supervisor.id)
    row = backend.catalog.get("customer_types", type_id)
    assert row is not None
    assert json.loads(row["defaults"]) == {"ar_enabled": 1, "card_type_id": store.gold, "credit_limit": "5000", "price_level": 2}  # fmt: skip
    assert admin.load("customer_types", type_id)["default.ar_enabled"] == "yes"
    values["default.credit_limit"] = "lots"
    with pytest.raises(FieldError) as info:
        admin.save("customer_types", type_id, values, employee_id=None)
    assert info.value.field == "default.credit_limit"


def test_item_price_levels_and_promotion_rules(backend: Backend, store: Store) -> None:
    admin = CatalogAdmin(backend)
    apple = backend.catalog.by_code("items", "APPLE")
    assert apple is not None
    values = admin.load("items", int(apple["id"]))
    values.update({"price_level_2": "85.00", "price_level_4": "70"})
    admin.save("items", int(apple["id"]), values, employee_id=None)
    again = backend.catalog.get("items", int(apple["id"]))
    assert again is not None and (again["price_level_1"], again["price_level_2"], again["price_level_3"], again["price_level_4"]) == ("90.00", "85.00", None, "70")  # fmt: skip
    values["promo_price"] = "80"
    with pytest.raises(FieldError, match="needs its from and to dates"):
        admin.save("items", int(apple["id"]), values, employee_id=None)
    rows = admin.rows("item_subgroups")
    assert {r["group_id"] for r in rows} == {"Grocery", "Beverages"}, "references show names"
