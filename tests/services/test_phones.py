"""Mobiles in E.164 (docs/back-office.md "Mobile numbers"): stored in one form, found and
refused as duplicates whatever form is typed, read in the store's ``[store] phone_region``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pos_tui import phones
from pos_tui.config import load_settings
from pos_tui.services.customers.fields import FieldError
from pos_tui.services.customers.service import CustomerService
from pos_tui.services.runtime.backend import Backend, open_backend
from pos_tui.storage.db import connect, migrations, write
from pos_tui.storage.phone_migration import AUDIT_ACTION, not_e164

FORMS = ("98765 43210", "098765-43210", "+91 98765 43210", "0091 98765 43210", "+919876543210")


@pytest.mark.parametrize("typed", FORMS)
def test_every_form_is_stored_as_e164_and_found(backend: Backend, typed: str) -> None:
    svc = CustomerService(backend)
    cid = svc.create({"first_name": "Anna", "last_name": "Smith", "mobile": typed})
    row = backend.customers.get(cid)
    assert row is not None and row.mobile == "+919876543210"
    for other in FORMS:
        assert [r.id for r in svc.find(other)] == [cid], other


def test_a_number_written_as_stored_is_found_without_parsing_it(
    backend: Backend, monkeypatch: pytest.MonkeyPatch
) -> None:
    """E.164 as typed is looked up as it is first (``pos-tui customers find`` then loads no
    libphonenumber); E.164-looking text that is not stored is still parsed: "+91 0..." with
    the national prefix is the same number."""
    svc = CustomerService(backend)
    cid = svc.create({"first_name": "Anna", "last_name": "Smith", "mobile": "98765 43210"})
    parsed: list[str] = []
    real = phones.maybe_e164

    def counted(text: str, region: str = phones.DEFAULT_REGION) -> str | None:
        parsed.append(text)
        return real(text, region)

    monkeypatch.setattr(phones, "maybe_e164", counted)
    assert [r.id for r in svc.find(" +919876543210 ")] == [cid]
    assert parsed == []
    assert [r.id for r in svc.find("+9109876543210")] == [cid]
    assert parsed == ["+9109876543210"]
    assert svc.find("+919876543211") == []
    assert phones.written_e164("+919876543210") == "+919876543210"
    for other in ("919876543210", "+91 98765 43210", "+0919876543210", "+12345"):
        assert phones.written_e164(other) is None, other


@pytest.mark.parametrize("typed", FORMS)
def test_a_duplicate_is_refused_naming_the_holder_whatever_the_form(
    backend: Backend, typed: str
) -> None:
    svc = CustomerService(backend)
    svc.create({"first_name": "Anna", "last_name": "Smith", "mobile": "9876543210"})
    with pytest.raises(FieldError) as info:
        svc.create({"first_name": "Bob", "mobile": typed})
    assert info.value.field == "mobile"
    assert "already exists with Anna Smith (account 1001)" in info.value.message


def test_what_is_no_phone_number_is_refused_with_the_reason(backend: Backend) -> None:
    svc = CustomerService(backend)
    with pytest.raises(FieldError) as info:
        svc.create({"first_name": "Bob", "mobile": "12345"})
    assert info.value.message == "Mobile number '12345' must have 6 to 15 digits"
    with pytest.raises(FieldError) as info:
        svc.create({"first_name": "Bob", "mobile": "+91 1234567"})
    assert info.value.message.endswith("is not a possible mobile number of +91")


def test_the_store_region_reads_national_numbers(tmp_path: Path) -> None:
    settings = load_settings(
        database={"path": str(tmp_path / "us.db")}, store={"phone_region": "US"}
    )
    b = open_backend(settings)
    try:
        svc = CustomerService(b)
        cid = svc.create({"first_name": "Ann", "mobile": "(212) 555-0100"})
        row = b.customers.get(cid)
        assert row is not None and row.mobile == "+12125550100"
        assert [r.id for r in svc.find("212 555 0100")] == [cid]
        assert [r.id for r in svc.find("+1 212-555-0100")] == [cid]
    finally:
        b.close()


def test_shown_spaces_an_e164_number_and_keeps_other_text() -> None:
    assert phones.shown("+919876543210") == "+91 98765 43210"
    assert phones.shown("12345") == "12345"


def _db_before_0015(path: Path) -> None:
    """A database migrated up to 0014, holding mobiles as the old rules stored them."""
    db = connect(path, migrate=False)
    with write(db):
        migrations.apply(db, stop_before="0015_phone_e164")
        rows = [
            (1, "A1", "Asha", "9876543210"),
            (2, "A2", "Bina", "+919812345678"),
            (3, "A3", "Chet", "12345"),  # too short: no phone number
            (4, "A4", "Dev", "9811111111"),
            (5, "A5", "Esha", "+919811111111"),  # one person enrolled twice
        ]
        for cid, account, first, mobile in rows:
            db.conn.execute(
                "INSERT INTO customers (id, account_number, first_name, mobile, created_at, "
                "updated_at) VALUES (?, ?, ?, ?, '2026-01-01', '2026-01-01')",
                [cid, account, first, mobile],
            )
    db.conn.close()


def test_the_migration_rewrites_and_reports_never_drops(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    _db_before_0015(path)
    db = connect(path)
    mobiles = dict(db.conn.execute("SELECT id, mobile FROM customers").fetchall())
    assert mobiles == {
        1: "+919876543210",
        2: "+919812345678",
        3: "12345",
        4: "9811111111",
        5: "+919811111111",
    }
    reports = {
        r[0]: json.loads(r[1])
        for r in db.conn.execute(
            "SELECT entity_id, changes FROM audit_log WHERE action = ?", [AUDIT_ACTION]
        )
    }
    assert sorted(reports) == [3, 4, 5]
    assert reports[3] == {
        "mobile": "12345",
        "reason": "Mobile number 12345 must have 6 to 15 digits",
    }
    assert "customer 4, customer 5" in reports[4]["reason"]
    listed = not_e164(db.conn)
    assert [(r.customer_id, r.mobile) for r in listed] == [(3, "12345"), (4, "9811111111")]
    assert "customer 5" in listed[1].why
    # Once a person fixes one, it leaves the list.
    db.conn.execute("UPDATE customers SET mobile = NULL WHERE id = 4")
    assert [r.customer_id for r in not_e164(db.conn)] == [3]


def test_the_cli_lists_what_the_migration_kept_as_typed(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from pos_tui.cli import cli
    from pos_tui.commands import register

    if "customers" not in cli.commands:
        register(cli)
    path = tmp_path / "old.db"
    _db_before_0015(path)
    result = CliRunner().invoke(cli, ["--db", str(path), "customers", "phones"])
    assert result.exit_code == 1, result.output
    lines = result.stdout.splitlines()
    assert len(lines) == 2
    assert "A3" in lines[0] and "12345" in lines[0] and "must have 6 to 15 digits" in lines[0]
    assert "A4" in lines[1] and "9811111111" in lines[1] and "customer 5" in lines[1]


@given(
    lead=st.sampled_from("6789"),
    rest=st.text("0123456789", min_size=9, max_size=9),
    sep=st.sampled_from(["", " ", "-", ".", "  "]),
)
def test_every_form_of_a_number_is_one_e164_number(lead: str, rest: str, sep: str) -> None:
    """Invariant: national, trunk-prefixed, international and 00-prefixed forms, spaced any
    way, of one Indian mobile are one E.164 text, which reads back as itself."""
    national = lead + rest
    spaced = sep.join([national[:5], national[5:]])
    forms = [spaced, "0" + spaced, f"+91{sep}{spaced}", f"0091{sep}{spaced}"]
    assert {phones.to_e164(f, "IN") for f in forms} == {"+91" + national}
    assert phones.to_e164("+91" + national, "US") == "+91" + national
