"""The customer form through Pilot against a real temporary database: create, edit, every
field of the manuals read back, validation next to the field, the guard and the audit trail."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

from textual.widgets import TabbedContent

from pos_tui.app import PosApp
from pos_tui.screens.backoffice.customer_form import CustomerFormScreen
from pos_tui.screens.backoffice.customer_views import AuditScreen, TextScreen
from pos_tui.screens.backoffice.form_layout import ADDRESS_PARTS
from pos_tui.screens.dialogs import ChoiceScreen
from pos_tui.services.customers import fields as cf
from pos_tui.services.customers.service import CustomerService
from pos_tui.services.runtime.backend import Backend
from tests.backoffice.conftest import open_back_office, screen_text, settle
from tests.catalog import Store

# A tiny valid PNG (1x1 pixel; Pillow must decode it: the form refuses files it cannot draw).
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360606060000000050001a5f645400000000049454e44ae426082"
)


def form(app: PosApp) -> CustomerFormScreen:
    screen = app.screen
    assert isinstance(screen, CustomerFormScreen), screen
    return screen


async def test_create_through_the_list_with_type_defaults(
    app: PosApp, backend: Backend, store: Store
) -> None:
    type_id = backend.catalog.insert(
        "customer_types",
        {
            "code": "VIP",
            "name": "VIP",
            "defaults": json.dumps(
                {"card_type_id": store.gold, "credit_limit": "500", "send_sms": 0}
            ),
        },
    )
    async with app.run_test(size=(120, 40)) as pilot:
        await open_back_office(pilot)
        await pilot.press("1")
        await settle(pilot)
        await pilot.press("ctrl+n")
        await settle(pilot)
        rows = form(app).rows()
        rows["first_name"].focus_editor()
        await pilot.press(*"Dora")
        rows["last_name"].focus_editor()
        await pilot.press(*"Diaz")
        rows["mobile"].focus_editor()
        await pilot.press(*"91234 56789")
        rows["customer_type_id"].value = str(type_id)
        await settle(pilot)
        values = form(app).current()
        assert values["card_type_id"] == str(store.gold), "type default filled in"
        assert values["credit_limit"] == "500" and values["send_sms"] == "0"
        assert (await form(app).field("card_type_id")).value == str(store.gold)
        await pilot.press("ctrl+s")
        await settle(pilot)
        customer_id = form(app).customer_id
        assert customer_id is not None, screen_text(pilot)
        assert "Created Dora Diaz" in screen_text(pilot)
    row = backend.customers.get(customer_id)
    assert row is not None
    assert (row.first_name, row.mobile, row.card_type_id) == (
        "Dora",
        "+919123456789",  # stored in E.164 (docs/back-office.md "Mobile numbers")
        store.gold,
    )
    assert str(row.credit_limit) == "500" and row.send_sms == 0 and row.customer_type_id == type_id
    trail = backend.store.audit_trail("customer", int(row.id))
    assert [(a.action, a.employee_name) for a in trail] == [("create", "Sue Supervisor")]


async def test_validation_shows_next_to_the_field(app: PosApp, store: Store) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await open_back_office(pilot, CustomerFormScreen(store.bob))
        screen = form(app)
        # As typed: a card number of letters is refused before saving.
        card = await screen.field("card_number")
        await settle(pilot)
        card.value = ""
        card.focus_editor()
        await pilot.press(*"12ab")
        await settle(pilot)
        assert "Card number must be 6 to 20" in card.error
        card.value = "4000099"
        await settle(pilot)
        assert card.error == ""
        # On save: a mobile already taken names the other customer, on the Basic tab.
        screen.set_value("mobile", "9876543210")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "already exists with Anna Smith" in screen.rows()["mobile"].error
        assert screen.query_one("#form-tabs", TabbedContent).active == "tab-basic"
        screen.set_value("mobile", "9876543211")
        # Expiry before issue: the card tab opens with the message under the expiry date.
        screen.set_value("card_issue_date", "2026-05-01")
        screen.set_value("card_expiry_date", "2026-04-30")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "must not be earlier than the issue date" in screen.rows()["card_expiry_date"].error
        assert screen.query_one("#form-tabs", TabbedContent).active == "tab-card"
        assert "must not be earlier" in screen_text(pilot)


async def test_deactivate_refused_while_the_customer_owes(
    app: PosApp, backend: Backend, store: Store
) -> None:
    backend.ledgers.add_receivable(
        customer_id=store.corp,
        entry_type="charge",
        amount=Decimal("525.00"),
        at="2026-11-20T10:00:00",
    )
    async with app.run_test(size=(80, 24)) as pilot:
        await open_back_office(pilot, CustomerFormScreen(store.corp))
        form(app).set_value("active", "0")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert (
            "owes 525.00 on account and cannot be made inactive" in form(app).rows()["active"].error
        )
    row = backend.customers.get(store.corp)
    assert row is not None and row.active == 1


async def test_unsaved_changes_guard(app: PosApp, backend: Backend, store: Store) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await open_back_office(pilot, CustomerFormScreen(store.bob))
        form(app).set_value("remarks", "call first")
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, ChoiceScreen)
        await pilot.press("down", "down", "enter")  # keep editing
        await settle(pilot)
        assert form(app).current()["remarks"] == "call first"
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("enter")  # save and go back
        await settle(pilot)
        assert not isinstance(app.screen, CustomerFormScreen)
    row = backend.customers.get(store.bob)
    assert row is not None and row.remarks == "call first"


async def test_edit_and_audit_trail_name_who_changed_what(
    app: PosApp, backend: Backend, store: Store
) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await open_back_office(pilot, CustomerFormScreen(store.anna))
        form(app).set_value("email", "anna@example.com")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not form(app).is_dirty()
        await pilot.press("f6")
        await settle(pilot)
        assert isinstance(app.screen, AuditScreen)
        text = screen_text(pilot)
        assert "Sue Supervisor" in text and "email: (empty) → anna@example.com" in text
        await pilot.press("end", "enter")
        await settle(pilot)
        assert isinstance(app.screen, TextScreen)
    row = backend.customers.get(store.anna)
    assert row is not None and row.email == "anna@example.com"


def _value_for(spec: cf.Field, current: str, refs: dict[str, str]) -> str:
    """A valid value, different from ``current``, for every field of the customer master."""
    special = {
        "account_number": "B-2001", "salutation": "Dr", "mobile": "+919000000001",
        "email": "bob.jones@example.com", "card_number": "123456789012",
        "card_issue_date": "2025-01-01", "card_expiry_date": "2027-12-31",
        "birth_date": "1990-02-03", "anniversary_date": "2015-06-07", "price_level": "2",
        "link_customer_id": "1003", "payment_terms": "Net 30", "company_name": "Jones & Co",
    }  # fmt: skip
    if spec.name in special:
        return special[spec.name]
    if spec.kind == "flag":
        return "0" if current == "1" else "1"
    if spec.kind == "ref":
        return refs[spec.ref]
    if spec.kind == "choice":
        return spec.choices[-1]
    return {"decimal": "2500.50", "percent": "7.5", "int": "10", "date": "2020-01-01"}.get(
        spec.kind, f"{spec.label[:12]} text"
    )


async def test_every_field_of_the_manuals_is_entered_and_read_back(
    app: PosApp, backend: Backend, store: Store, tmp_path: Path
) -> None:
    cat = backend.catalog
    refs = {
        "customer_types": str(cat.insert("customer_types", {"code": "T", "name": "Trade"})),
        "card_types": str(store.gold),
        "price_lists": str(cat.insert("price_lists", {"code": "W", "name": "Wholesale"})),
        "locations": str(cat.insert("locations", {"code": "MALL", "name": "Mall"})),
        "location_groups": str(cat.insert("location_groups", {"code": "W", "name": "West"})),
    }
    team = cat.insert("teams", {"code": "VIP", "name": "VIP care"})
    tax = cat.by_code("taxes", "GST5")
    assert tax is not None
    picture = tmp_path / "bob.png"
    picture.write_bytes(PNG)
    entered: dict[str, str] = {}
    async with app.run_test(size=(120, 40)) as pilot:
        await open_back_office(pilot, CustomerFormScreen(store.bob))
        screen = form(app)
        for spec in cf.FIELDS:
            row = await screen.field(spec.name)
            entered[spec.name] = _value_for(spec, row.value, refs)
            row.value = entered[spec.name]
        addresses: dict[str, dict[str, str]] = {}
        for kind in ("main", "alternate"):
            (await screen.field("address_type")).value = kind
            await settle(pilot)
            addresses[kind] = {part: f"{kind} {part}" for part in ADDRESS_PARTS}
            for part, value in addresses[kind].items():
                (await screen.field(f"address.{part}")).value = value
        extras = {"team_ids": str(team), "exempt_tax_ids": str(tax["id"]), "pin": "5678", "picture_1": str(picture)}  # fmt: skip
        for name, value in extras.items():
            (await screen.field(name)).value = value
        screen.query_one("#form-tabs", TabbedContent).active = "tab-contacts"
        await settle(pilot)
        contacts = screen.records()["contacts"]
        contacts.records.append({"name": "Jane Jones", "relationship": "spouse", "phone": "", "mobile": "", "email": "", "may_charge": "yes"})  # fmt: skip
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not [r.error for r in screen.rows().values() if r.error], screen_text(pilot)
        assert "Saved Jones & Co" in screen_text(pilot)
        # Read back through a fresh form, tab by tab.
        app.pop_screen()
        app.push_screen(CustomerFormScreen(store.bob))
        await settle(pilot)
        again = form(app)
        for name, value in entered.items():
            assert (await again.field(name)).value == value, name
        for kind, parts in addresses.items():
            (await again.field("address_type")).value = kind
            await settle(pilot)
            for part, value in parts.items():
                assert again.current()[f"address.{part}"] == value, (kind, part)
        assert (await again.field("team_ids")).value == str(team)
        assert (await again.field("exempt_tax_ids")).value == str(tax["id"])
        again.query_one("#form-tabs", TabbedContent).active = "tab-contacts"
        await settle(pilot)
        assert again.records()["contacts"].records[0]["name"] == "Jane Jones"
        again.query_one("#form-tabs", TabbedContent).active = "tab-pictures"
        await settle(pilot)
        assert "Picture 1: image/png, " in screen_text(pilot)
        assert not again.is_dirty()
    details = CustomerService(backend).details(store.bob)
    assert details is not None and len(details.addresses) == 2 and details.contacts
    assert CustomerService(backend).check_pin(store.bob, "5678")
    stored = backend.customers.picture(store.bob, 1)
    assert stored is not None and stored.data == PNG and stored.media_type == "image/png"
