"""Taxes, tax classes and price lists through their back office screens against a real temporary
database: create, edit, refusals next to the field, the audit trail, and a running lane that
prices with the edits once it refreshes."""

from __future__ import annotations

import json
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from textual.app import App
from textual.pilot import Pilot
from textual.widgets import DataTable, Input, SelectionList

from pos_tui.app import PosApp
from pos_tui.screens.backoffice.catalog import CatalogEditScreen, CatalogListScreen
from pos_tui.screens.backoffice.price_lists import (
    PriceListEditScreen,
    PriceListListScreen,
    PriceRecords,
)
from pos_tui.screens.dialogs import PromptScreen
from pos_tui.services.backoffice.catalog import CatalogAdmin
from pos_tui.services.backoffice.price_lists import PriceListAdmin, PriceRowError
from pos_tui.services.checkout.engine_inputs import EngineInputs
from pos_tui.services.checkout.sale import Checkout
from pos_tui.services.customers.fields import FieldError
from pos_tui.services.customers.service import CustomerService
from pos_tui.services.runtime.backend import Backend
from pos_tui.storage.store import AuditListing
from pos_tui.widgets.backoffice.fields import rows_by_name
from tests.backoffice.conftest import open_back_office, screen_text, settle
from tests.catalog import Store


def edit_screen(app: App[Any]) -> CatalogEditScreen:
    assert isinstance(app.screen, CatalogEditScreen), app.screen
    return app.screen


async def open_new(pilot: Pilot[Any], menu_key: str, title: str) -> CatalogEditScreen:
    """From the menu, by its key, to the list and on to a new row's form."""
    await open_back_office(pilot)
    await pilot.press(menu_key)
    await settle(pilot)
    assert isinstance(pilot.app.screen, CatalogListScreen), pilot.app.screen
    assert title in screen_text(pilot)
    await pilot.press("ctrl+n")
    await settle(pilot)
    return edit_screen(pilot.app)


async def save(pilot: Pilot[Any]) -> None:
    await pilot.press("ctrl+s")
    await settle(pilot)


def last_audit(backend: Backend, entity: str, entity_id: int) -> AuditListing:
    trail = backend.store.audit_trail(entity, entity_id)
    assert trail, f"no audit of {entity} {entity_id}"
    return trail[-1]


async def test_tax_create_refusals_and_edit(app: PosApp, backend: Backend, store: Store) -> None:
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_new(pilot, "t", "GST 5%")
        rows = rows_by_name(screen)
        assert set(rows) == {"code", "name", "rate_percent", "mode"}
        assert rows["mode"].value == "exclusive", "a new tax is added on top by default"
        rows["code"].value, rows["name"].value, rows["rate_percent"].value = "GST5", "Dup", "5"
        await save(pilot)
        assert "GST5 already exists with GST 5%" in rows["code"].error
        rows["code"].value, rows["rate_percent"].value = "VAT", "-5"
        await save(pilot)
        assert "must be zero or more" in rows["rate_percent"].error
        assert rows["code"].error == ""
        rows["rate_percent"].value = "12.123456"
        await save(pilot)
        assert "at most 4 decimals" in rows["rate_percent"].error
        assert "at most 4 decimals" in screen_text(pilot), "shown next to the field"
        rows["rate_percent"].value = "150"
        await save(pilot)
        assert "between 0 and 100" in rows["rate_percent"].error
        rows["name"].value, rows["rate_percent"].value, rows["mode"].value = "VAT", "12.5", "inclusive"  # fmt: skip
        await save(pilot)
        assert rows["rate_percent"].error == "" and "Saved VAT" in screen_text(pilot)
        vat = backend.catalog.by_code("taxes", "VAT")
        assert vat is not None and (vat["rate_percent"], vat["mode"]) == ("12.5", "inclusive")
        rows["rate_percent"].value = "13"
        version = backend.catalog.version()
        await save(pilot)
        assert backend.catalog.version() > version, "running lanes reload"
        await pilot.press("escape")
        await settle(pilot)
        assert "VAT" in screen_text(pilot) and "inclusive" in screen_text(pilot)
    audit = last_audit(backend, "taxes", int(vat["id"]))
    assert audit.action == "update" and audit.employee_id == store.supervisor.id
    assert json.loads(audit.changes) == {"rate_percent": ["12.5", "13"]}


async def test_tax_class_with_two_taxes(app: PosApp, backend: Backend, store: Store) -> None:
    admin = CatalogAdmin(backend)
    cess = admin.save("taxes", None, {"code": "CESS", "name": "Cess 1%", "rate_percent": "1", "mode": "exclusive"}, employee_id=None)  # fmt: skip
    gst = backend.catalog.by_code("taxes", "GST5")
    assert gst is not None
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_new(pilot, "c", "Food")
        rows = rows_by_name(screen)
        rows["code"].value, rows["name"].value = "MIXED", "Mixed goods"
        choose = rows["taxes"].editor
        assert isinstance(choose, SelectionList)
        choose.focus()
        await pilot.press("space", "down", "space")  # both taxes, by keyboard
        await settle(pilot)
        assert rows["taxes"].value == rows_text(cess, int(gst["id"]))
        await save(pilot)
        assert "Saved Mixed goods" in screen_text(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert "CESS, GST5" in screen_text(pilot), "the list names the taxes of each class"
    mixed = backend.catalog.by_code("tax_classes", "MIXED")
    assert mixed is not None
    assert [t.code for t in backend.catalog.taxes_of_class(int(mixed["id"]))] == ["CESS", "GST5"]
    audit = last_audit(backend, "tax_classes", int(mixed["id"]))
    assert json.loads(audit.changes)["taxes"] == [[], ["CESS", "GST5"]]
    assert admin.load("tax_classes", int(mixed["id"]))["taxes"] == rows_text(cess, int(gst["id"]))
    with pytest.raises(FieldError) as info:
        admin.save("tax_classes", None, {"code": "MIXED", "name": "Again", "taxes": ""}, employee_id=None)  # fmt: skip
    assert info.value.field == "code"
    with pytest.raises(FieldError) as info:
        admin.save("tax_classes", int(mixed["id"]), {"code": "MIXED", "name": "M", "taxes": "999"}, employee_id=None)  # fmt: skip
    assert info.value.field == "taxes" and "No tax with id 999" in info.value.message


def rows_text(*ids: int) -> str:
    return ",".join(str(i) for i in sorted(ids))


async def add_price(pilot: Pilot[Any], code: str, price: str) -> None:
    """``a`` on the prices table, then the prompt's two values."""
    await pilot.press("a")
    await settle(pilot)
    assert isinstance(pilot.app.screen, PromptScreen)
    for text in (code, price):
        focused = pilot.app.focused
        assert isinstance(focused, Input)
        focused.value = text
        await pilot.press("enter")
    await settle(pilot)


def prices_of(app: App[Any]) -> PriceRecords:
    screen = app.screen
    assert isinstance(screen, PriceListEditScreen), screen
    assert screen.prices is not None
    return screen.prices


async def test_price_list_with_item_prices(app: PosApp, backend: Backend, store: Store) -> None:
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_new(pilot, "p", "Price lists")
        assert isinstance(screen, PriceListEditScreen)
        rows = rows_by_name(screen)
        rows["code"].value, rows["name"].value = "VIP", "VIP prices"
        prices = prices_of(app)
        prices.query_one(DataTable).focus()
        await add_price(pilot, "APPLE", "80")
        await add_price(pilot, "NOPE", "5")
        assert isinstance(app.screen, PromptScreen), "the prompt opens again with what was typed"
        assert "No item with code NOPE" in screen_text(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert "No item with code NOPE" in prices.error, "shown under the prices"
        await add_price(pilot, "8900000000017", "-5")  # the rum, by barcode
        await pilot.press("escape")
        await settle(pilot)
        assert "RUM: Price must be zero or more" in prices.error
        await add_price(pilot, "APPLE", "70")
        await pilot.press("escape")
        await settle(pilot)
        assert "APPLE is already in this price list" in prices.error
        await add_price(pilot, "8900000000017", "950.5")
        assert prices.error == ""
        assert [(r["sku"], r["name"], r["price"]) for r in prices.records] == [
            ("APPLE", "Apple 1kg", "80"),
            ("RUM", "Dark Rum 750ml", "950.5"),
        ]
        await save(pilot)
        assert "Saved VIP prices" in screen_text(pilot)
        assert not screen.is_dirty()
        # Edit the apple's price (Enter) and remove the rum (x).
        prices.query_one(DataTable).move_cursor(row=0)
        await pilot.press("enter")
        await settle(pilot)
        focused = app.focused
        assert isinstance(focused, Input)
        await pilot.press("enter")  # the code stays
        focused = app.focused
        assert isinstance(focused, Input)
        focused.value = "75.25"
        await pilot.press("enter")
        await settle(pilot)
        prices.query_one(DataTable).move_cursor(row=1)
        await pilot.press("x")
        assert screen.is_dirty()
        await save(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, PriceListListScreen)
        assert "VIP prices" in screen_text(pilot)
    vip = backend.catalog.by_code("price_lists", "VIP")
    assert vip is not None
    stored = backend.catalog.price_list_items(int(vip["id"]))
    assert [(r.sku, r.price) for r in stored] == [("APPLE", Decimal("75.25"))]
    audit = last_audit(backend, "price_lists", int(vip["id"]))
    assert audit.action == "prices" and audit.employee_id == store.supervisor.id
    assert json.loads(audit.changes) == {"prices": {"APPLE": ["80", "75.25"], "RUM": ["950.5", None]}}  # fmt: skip


async def test_price_list_refusals_next_to_the_field(
    app: PosApp, backend: Backend, store: Store
) -> None:
    PriceListAdmin(backend).save(None, {"code": "STAFF", "name": "Staff"}, [], employee_id=None)
    async with app.run_test(size=(100, 30)) as pilot:
        await open_back_office(pilot, PriceListEditScreen(None))
        screen = app.screen
        assert isinstance(screen, PriceListEditScreen)
        rows = rows_by_name(screen)
        rows["code"].value, rows["name"].value = "STAFF", "Staff again"
        await save(pilot)
        assert "STAFF already exists with Staff" in rows["code"].error
        # A row that slipped past the prompt is refused on save, under the table.
        prices = prices_of(app)
        prices.records.append({"sku": "GONE", "name": "", "price": "1"})
        rows["code"].value = "STAFF2"
        await save(pilot)
        assert "No item with code GONE" in prices.error
        assert "No item with code GONE" in screen_text(pilot)
    assert backend.catalog.by_code("price_lists", "STAFF2") is None, "nothing half-saved"


@pytest.mark.parametrize(
    ("price", "message"),
    [
        ("-1", "zero or more"),
        ("1.005", "at most 2 decimals"),
        ("abc", "must be a number"),
        ("NaN", "must be a number"),
    ],
)
def test_price_rules(backend: Backend, store: Store, price: str, message: str) -> None:
    with pytest.raises(PriceRowError) as info:
        PriceListAdmin(backend).check_row({"sku": "APPLE", "price": price}, [])
    assert message in info.value.message and info.value.field == "prices"


def test_a_running_lane_prices_with_the_edits_after_refresh(backend: Backend, store: Store) -> None:
    apple = backend.catalog.by_code("items", "APPLE")
    gst = backend.catalog.by_code("taxes", "GST5")
    assert apple is not None and gst is not None
    lane = Checkout(backend, store.cashier)
    lane.attach_customer(store.anna)
    line = lane.add_item("APPLE").lines[0]
    assert (line.unit_price, line.tax) == (Decimal("100.00"), Decimal("5.00"))
    inputs = EngineInputs(backend)
    inputs.item(int(apple["id"]))
    assert inputs.tax_class(int(apple["tax_class_id"])).taxes[0].rate_percent == Decimal(5)

    # The back office: a new price list for Anna, and GST raised to 12 %.
    vip = PriceListAdmin(backend).save(
        None, {"code": "VIP", "name": "VIP"}, [{"sku": "APPLE", "price": "80"}], employee_id=None
    )
    CustomerService(backend).update(store.anna, {"price_list_id": vip})
    admin = CatalogAdmin(backend)
    admin.save("taxes", int(gst["id"]), {**admin.load("taxes", int(gst["id"])), "rate_percent": "12"}, employee_id=None)  # fmt: skip

    tax_class = int(apple["tax_class_id"])
    assert inputs.tax_class(tax_class).taxes[0].rate_percent == Decimal(5), "cached until refresh"
    inputs.refresh()
    assert inputs.tax_class(tax_class).taxes[0].rate_percent == Decimal(12)
    inputs.item(int(apple["id"]))
    _, _, price_list = inputs.customer(store.anna)
    assert price_list is not None and price_list.prices == {int(apple["id"]): Decimal(80)}
    line = lane.quote().lines[0]
    assert (line.unit_price, line.price_source, line.tax) == (
        Decimal(80),
        "price_list:VIP",
        Decimal("9.60"),
    )


def test_price_list_editor_snapshot(
    snap_compare: Callable[..., bool], app: PosApp, backend: Backend, store: Store
) -> None:
    rows = [{"sku": "APPLE", "price": "80.00"}, {"sku": "RUM", "price": "950.00"}]
    vip = PriceListAdmin(backend).save(
        None, {"code": "VIP", "name": "VIP prices"}, rows, employee_id=None
    )

    async def run_before(pilot: Pilot[Any]) -> None:
        await open_back_office(pilot, PriceListEditScreen(vip))
        prices_of(pilot.app).query_one(DataTable).focus()
        await settle(pilot)
        for widget in pilot.app.screen.query(Input):
            widget.cursor_blink = False
        await pilot.wait_for_scheduled_animations()
        await pilot.pause()

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)
