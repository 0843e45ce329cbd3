"""Every rule of the customer master, each with its message."""

from __future__ import annotations

import dataclasses
import json
from decimal import Decimal

import pytest

from pos_tui.services.customers.fields import FIELDS, FieldError
from pos_tui.services.customers.service import (
    SETTING_ACCOUNT_MODE,
    SETTING_CARD_HEX,
    CustomerService,
)
from pos_tui.services.runtime.backend import Backend


@pytest.fixture
def svc(backend: Backend) -> CustomerService:
    return CustomerService(backend)


def _refused(svc: CustomerService, data: dict[str, object], **kw: object) -> FieldError:
    with pytest.raises(FieldError) as info:
        svc.create(data, **kw)  # type: ignore[arg-type]
    return info.value


def test_duplicate_mobile_names_the_existing_customer(svc: CustomerService) -> None:
    svc.create({"first_name": "Anna", "last_name": "Smith", "mobile": "98765 43210"})
    err = _refused(svc, {"first_name": "Bob", "mobile": "9876543210"})
    assert err.field == "mobile"
    assert err.message == (
        "Mobile number +91 98765 43210 already exists with Anna Smith (account 1001)"
    )


def test_duplicate_email_is_case_insensitive_and_named(svc: CustomerService) -> None:
    svc.create({"first_name": "Anna", "email": "anna@example.com"})
    err = _refused(svc, {"first_name": "Bob", "email": "ANNA@example.com"})
    assert err.field == "email"
    assert "Email-ID anna@example.com already exists with Anna" in err.message


def test_duplicate_account_and_card_refused(svc: CustomerService) -> None:
    svc.create({"first_name": "Anna", "account_number": "A-1", "card_number": "123456"})
    assert _refused(svc, {"first_name": "B", "account_number": "A-1"}).field == "account_number"
    err = _refused(svc, {"first_name": "B", "card_number": "123456"})
    assert err.message.startswith("Card number 123456 already exists with Anna")


def test_inactive_customers_still_hold_their_mobile(svc: CustomerService) -> None:
    cid = svc.create({"first_name": "Anna", "mobile": "9876500000"})
    svc.set_active(cid, False)
    assert _refused(svc, {"first_name": "Bob", "mobile": "9876500000"}).field == "mobile"


def test_account_numbers_are_sequential_unless_manual(
    svc: CustomerService, backend: Backend
) -> None:
    ids = [svc.create({"first_name": f"C{i}"}) for i in range(3)]
    numbers = [backend.customers.get(i).account_number for i in ids]  # type: ignore[union-attr]
    assert numbers == ["1001", "1002", "1003"]
    svc.create({"first_name": "Manual", "account_number": "5000"})
    nxt = svc.create({"first_name": "Next"})
    assert backend.customers.get(nxt).account_number == "5001"  # type: ignore[union-attr]
    backend.store.set_setting(SETTING_ACCOUNT_MODE, "manual")
    # Settings are read once per service (a lane session, an import run).
    assert _refused(CustomerService(backend), {"first_name": "NoNumber"}).field == "account_number"


@pytest.mark.parametrize("card", ["12345", "1234567890123456789012", "12345a", "12 345 678"])
def test_card_number_must_be_6_to_20_digits(svc: CustomerService, card: str) -> None:
    err = _refused(svc, {"first_name": "A", "card_number": card})
    assert err.field == "card_number"
    assert err.message == "Card number must be 6 to 20 digits"


def test_card_number_boundaries_accepted(svc: CustomerService, backend: Backend) -> None:
    for card in ("123456", "12345678901234567890"):
        cid = svc.create({"first_name": "A", "card_number": card})
        assert backend.customers.get(cid).card_number == card  # type: ignore[union-attr]


def test_hex_uids_allowed_when_the_store_says_so(svc: CustomerService, backend: Backend) -> None:
    assert _refused(svc, {"first_name": "A", "card_number": "04a1b2c3d4"}).field == "card_number"
    backend.store.set_setting(SETTING_CARD_HEX, "1")
    cid = CustomerService(backend).create({"first_name": "A", "card_number": "04a1b2c3d4"})
    assert backend.customers.get(cid).card_number == "04A1B2C3D4"  # type: ignore[union-attr]


def test_empty_card_number_gets_a_unique_5_char_code(
    svc: CustomerService, backend: Backend
) -> None:
    rows = [backend.customers.get(svc.create({"first_name": f"C{i}"})) for i in range(50)]
    codes = {row.card_number for row in rows if row is not None and row.card_number}
    assert len(codes) == 50
    for code in codes:
        assert len(code) == 5 and code.isalnum() and code == code.upper() and not code.isdigit()


def test_card_expiry_before_issue_refused(svc: CustomerService) -> None:
    err = _refused(
        svc, {"first_name": "A", "card_issue_date": "2026-05-01", "card_expiry_date": "2026-04-30"}
    )
    assert err.field == "card_expiry_date"
    assert "must not be earlier than the issue date" in err.message
    assert svc.create(
        {"first_name": "A", "card_issue_date": "2026-05-01", "card_expiry_date": "2026-05-01"}
    )


def test_names_required(svc: CustomerService) -> None:
    assert _refused(svc, {"mobile": "9876511111"}).field == "first_name"
    assert _refused(svc, {"is_company": True, "first_name": "x"}).field == "company_name"


def test_customer_with_balance_cannot_be_made_inactive(
    svc: CustomerService, backend: Backend
) -> None:
    cid = svc.create({"first_name": "Owing", "ar_enabled": True, "credit_limit": "500"})
    backend.ledgers.add_receivable(
        customer_id=cid, entry_type="charge", amount=Decimal("12.50"), at="t"
    )
    with pytest.raises(FieldError, match=r"owes 12\.50 on account and cannot be made inactive"):
        svc.set_active(cid, False)
    backend.ledgers.add_receivable(
        customer_id=cid, entry_type="payment", amount=Decimal("-12.50"), at="t"
    )
    svc.set_active(cid, False)
    assert backend.customers.get(cid).active == 0  # type: ignore[union-attr]


def test_inactive_customers_vanish_from_lookup_but_keep_history(
    svc: CustomerService, backend: Backend
) -> None:
    cid = svc.create(
        {"first_name": "Gone", "last_name": "Away", "mobile": "9000000001", "card_number": "777777"}
    )
    backend.ledgers.add_points(customer_id=cid, entry_type="earned", points=Decimal(10), at="t")
    svc.set_active(cid, False)
    for text in ("9000000001", "777777", "Gone", "1001"):
        assert svc.find(text) == []
    assert backend.ledgers.points_entries(cid)
    assert svc.details(cid) is not None


def test_find_by_mobile_card_account_and_name_prefix(svc: CustomerService) -> None:
    a = svc.create(
        {
            "first_name": "Anna",
            "last_name": "Smith",
            "mobile": "+91 98765 43210",
            "card_number": "4000123",
        }
    )
    svc.create({"first_name": "Annabel", "last_name": "Jones"})
    svc.create({"first_name": "Bob", "last_name": "Annan"})
    assert [r.id for r in svc.find("+919876543210")] == [a]
    assert [r.id for r in svc.find("4000123")] == [a]
    assert [r.id for r in svc.find("1001")] == [a]
    assert {r.first_name for r in svc.find("ann")} == {"Anna", "Annabel", "Bob"}
    assert [r.first_name for r in svc.find("ann smi")] == ["Anna"]
    # FTS syntax typed by a user is just text.
    assert svc.find('"ann" OR * NEAR(') == [] or all(
        r.first_name is not None for r in svc.find('"ann" OR *')
    )


def test_customer_type_defaults_fill_a_new_customer(svc: CustomerService, backend: Backend) -> None:
    ct = backend.catalog.insert("card_types", {"code": "GOLD", "name": "Gold"})
    tid = backend.catalog.insert(
        "customer_types",
        {
            "code": "PREM",
            "name": "Premium",
            "defaults": json.dumps(
                {
                    "card_type_id": ct,
                    "price_level": "B",
                    "credit_limit": "5000.00",
                    "ar_enabled": "yes",
                    "second_receipt": True,
                }
            ),
        },
    )
    cid = svc.create({"first_name": "Pat", "customer_type_id": tid, "credit_limit": "100"})
    row = backend.customers.get(cid)
    assert row is not None
    assert (row.card_type_id, row.price_level, row.ar_enabled, row.second_receipt) == (
        ct,
        2,
        1,
        1,
    )
    assert str(row.credit_limit) == "100"  # given values win over the type's defaults


def test_pins_are_stored_hashed(svc: CustomerService, backend: Backend) -> None:
    cid = svc.create({"first_name": "Pin"}, pin="4321")
    stored = str(backend.customers.get(cid).pin_hash)  # type: ignore[union-attr]
    assert "4321" not in stored and stored.startswith("scrypt$")
    assert svc.check_pin(cid, "4321") and not svc.check_pin(cid, "1234")
    assert _refused(svc, {"first_name": "x"}, pin="12").field == "pin"
    trail = json.dumps(
        [dataclasses.asdict(row) for row in backend.store.audit_trail("customer", cid)]
    )
    assert "4321" not in trail and "scrypt" not in trail


def test_points_adjustment_needs_reason_and_keeps_employee(
    svc: CustomerService, backend: Backend
) -> None:
    cid = svc.create({"first_name": "Pts"}, opening_points="102.375")
    with pytest.raises(FieldError, match="reason"):
        svc.adjust_points(cid, "5", "  ", employee_id=None)
    with pytest.raises(FieldError, match="below zero"):
        svc.adjust_points(cid, "-200", "typo", employee_id=None)
    svc.adjust_points(cid, "-2.375", "Goodwill correction", employee_id=None)
    entries = backend.ledgers.points_entries(cid)
    assert [(e.entry_type, e.points, e.reason) for e in entries] == [
        ("opening", Decimal("102.375"), "Opening points"),
        ("adjusted", Decimal("-2.375"), "Goodwill correction"),
    ]
    assert backend.customers.loyalty_balance(cid) == Decimal(100)


def test_updates_are_audited_with_old_and_new_values(
    svc: CustomerService, backend: Backend, clock: object
) -> None:
    cid = svc.create({"first_name": "Aud", "mobile": "9111111111"})
    svc.update(
        cid,
        {"mobile": "9222222222", "credit_limit": "750"},
        addresses=[{"address_type": "main", "city": "Pune"}],
    )
    trail = backend.store.audit_trail("customer", cid)
    assert [t.action for t in trail] == ["create", "update"]
    changes = json.loads(trail[1].changes)
    assert changes["mobile"] == ["+919111111111", "+919222222222"]
    assert changes["credit_limit"] == ["0", "750"]
    assert changes["addresses"] == 1


def test_unknown_fields_and_bad_values_are_named(svc: CustomerService) -> None:
    assert _refused(svc, {"first_name": "x", "shoe_size": 9}).field == "shoe_size"
    assert _refused(svc, {"first_name": "x", "credit_limit": "lots"}).field == "credit_limit"
    assert _refused(svc, {"first_name": "x", "credit_limit": 1.5}).field == "credit_limit"
    assert _refused(svc, {"first_name": "x", "birth_date": "31/12/1990"}).field == "birth_date"
    assert (
        _refused(svc, {"first_name": "x", "auto_discount_percent": "101"}).field
        == "auto_discount_percent"
    )
    assert _refused(svc, {"first_name": "x", "price_level": "7"}).field == "price_level"
    assert _refused(svc, {"first_name": "x", "bill_delivery": "pigeon"}).field == "bill_delivery"
    assert _refused(svc, {"first_name": "x", "card_type_id": 99}).field == "card_type_id"
    assert (
        _refused(svc, {"first_name": "x", "forced_price_level": True}).field == "forced_price_level"
    )
    assert _refused(svc, {"first_name": "x", "email": "not-an-email"}).field == "email"


def test_every_field_of_the_manuals_is_entered_and_read_back(
    svc: CustomerService, backend: Backend
) -> None:
    ct = backend.catalog.insert("card_types", {"code": "S", "name": "Silver"})
    ty = backend.catalog.insert("customer_types", {"code": "R", "name": "Regular"})
    loc = backend.catalog.insert("locations", {"code": "L", "name": "L"})
    grp = backend.catalog.insert("location_groups", {"code": "G", "name": "G"})
    pl = backend.catalog.insert("price_lists", {"code": "P", "name": "P"})
    ref = svc.create({"first_name": "Referrer"})
    refs = {
        "card_types": ct,
        "customer_types": ty,
        "locations": loc,
        "location_groups": grp,
        "price_lists": pl,
        "customers": ref,
    }
    sample = {
        "text": "x",
        "flag": True,
        "decimal": "1234.50",
        "percent": "12.5",
        "date": "2020-02-29",
        "int": 2,
        "choice": None,
    }
    data: dict[str, object] = {}
    for f in FIELDS:
        if f.kind == "ref":
            data[f.name] = refs[f.ref]
        elif f.kind == "choice":
            data[f.name] = f.choices[-1]
        else:
            data[f.name] = sample[f.kind]
    data.update(
        account_number="ACC-1",
        card_number="12345678",
        mobile="9876543210",
        email="all@fields.example",
        phone="020 1234",
        fax="020 9999",
        card_issue_date="2020-01-01",
        card_expiry_date="2030-01-01",
        birth_date="1990-02-28",
        anniversary_date="2015-06-01",
        grace_period_days=30,
    )
    cid = svc.create(
        data,
        addresses=[
            {"address_type": t, "line_1": f"{t} st", "city": "Pune", "mobile": "999"}
            for t in ("main", "alternate", "billing", "circular")
        ],
        contacts=[{"name": "Spouse", "relationship": "wife", "may_charge": "yes"}],
        transaction_discounts=[{"description": "Staff", "percent": "5"}],
        team_ids=[],
        exempt_tax_ids=[],
    )
    row = backend.customers.get(cid)
    assert row is not None
    for f in FIELDS:
        expected = data[f.name]
        got = row.columns()[f.name]
        if f.kind == "flag":
            assert got == 1, f.name
        elif f.kind in ("int", "ref"):
            assert got == expected, f.name
        elif f.name == "mobile":
            assert got == "+919876543210", f.name  # stored in E.164 (docs/back-office.md)
        else:
            assert got == str(expected), f.name
    details = svc.details(cid)
    assert details is not None
    assert [a.address_type for a in details.addresses] == [
        "main",
        "alternate",
        "billing",
        "circular",
    ]
    assert details.contacts[0].name == "Spouse" and details.contacts[0].may_charge == 1
    assert details.transaction_discounts[0].percent == Decimal("5")
