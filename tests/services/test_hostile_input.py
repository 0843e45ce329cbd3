"""Hostile values in the customer master: numbers past SQLite's 64 bits or written oddly,
dates out of range or in the future, e-mails differing only in case, PINs with a newline,
and a CSV file holding such rows. Each is refused naming the field and the value."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from click.testing import CliRunner

from pos_tui.services.customers import fields as cf
from pos_tui.services.customers.csv_io import CustomerImporter
from pos_tui.services.customers.fields import FieldError
from pos_tui.services.customers.service import CustomerService
from pos_tui.services.runtime.backend import Backend
from pos_tui.services.staff.pins import PinError, check_pin_format
from pos_tui.storage.db import connect, migrations
from tests.helpers import cli_runner_invoke

BIG = 2**63


def _refused(backend: Backend, data: dict[str, object], **kw: object) -> FieldError:
    with pytest.raises(FieldError) as info:
        CustomerService(backend).create({"first_name": "Bob", **data}, **kw)  # type: ignore[arg-type]
    return info.value


@pytest.mark.parametrize("value", [BIG, str(BIG), str(BIG * 1000), -BIG - 1])
def test_integers_past_64_bits_are_refused_not_an_overflow(backend: Backend, value: object) -> None:
    err = _refused(backend, {"grace_period_days": value})
    assert err.field == "grace_period_days"
    assert err.message.startswith("Grace period days must be")
    assert str(value) in err.message


@pytest.mark.parametrize(
    "field", ["customer_type_id", "card_type_id", "price_list_id", "home_location_id"]
)
def test_references_past_64_bits_are_refused(backend: Backend, field: str) -> None:
    err = _refused(backend, {field: str(BIG)})
    assert err.field == field and "9,223,372,036,854,775,807" in err.message


def test_update_refuses_huge_integers_and_keeps_the_row(backend: Backend) -> None:
    svc = CustomerService(backend)
    cid = svc.create({"first_name": "Bob", "grace_period_days": "30"})
    for field in ("grace_period_days", "price_level", "customer_type_id"):
        with pytest.raises(FieldError) as info:
            svc.update(cid, {field: BIG})
        assert info.value.field == field
    row = backend.customers.get(cid)
    assert row is not None and row.grace_period_days == 30


def test_all_digit_account_numbers_stay_within_the_counter(backend: Backend) -> None:
    err = _refused(backend, {"account_number": "9" * 19})
    assert err.field == "account_number" and "at most 18 digits" in err.message
    cid = CustomerService(backend).create({"first_name": "Ann", "account_number": "9" * 18})
    assert backend.customers.get(cid).account_number == "9" * 18  # type: ignore[union-attr]
    assert _refused(backend, {"account_number": "١٢٣٤"}).field == "account_number"


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("1E+999999", "Credit limit must be a number, not '1E+999999'"),
        ("1e3", "Credit limit must be a number, not '1e3'"),
        ("NaN", "Credit limit must be a number, not 'NaN'"),
        ("Infinity", "Credit limit must be a number, not 'Infinity'"),
        ("١٢٣", "Credit limit: type the digits 0-9, not '١٢٣'"),
        ("１２３", "Credit limit: type the digits 0-9, not '１２３'"),
        ("1000000000.01", "Credit limit must be between 0 and 1,000,000,000, not '1000000000.01'"),
        ("10.005", "Credit limit has at most 2 decimal places, not '10.005'"),
        ("-1", "Credit limit must be zero or more, not '-1'"),
    ],
)
def test_credit_limit_is_plain_digits_within_bounds(
    backend: Backend, value: str, message: str
) -> None:
    err = _refused(backend, {"credit_limit": value})
    assert (err.field, err.message) == ("credit_limit", message)


def test_numbers_written_normally_are_taken(backend: Backend) -> None:
    cid = CustomerService(backend).create(
        {"first_name": "Ann", "credit_limit": "1,250.50", "auto_discount_percent": "12.5",
         "grace_period_days": "3650", "price_level": "C"}
    )  # fmt: skip
    row = backend.customers.get(cid)
    assert row is not None
    assert (str(row.credit_limit), str(row.auto_discount_percent)) == ("1250.50", "12.5")
    assert (row.grace_period_days, row.price_level) == (3650, 3)


@pytest.mark.parametrize("value", ["٣٠", "３０", "1e1", "1_0", "0x10", " 1 0 "])
def test_whole_numbers_are_ascii_digits_only(backend: Backend, value: str) -> None:
    err = _refused(backend, {"grace_period_days": value})
    assert err.field == "grace_period_days" and repr(value.strip()) in err.message


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("birth_date", "0001-01-01", "Birth date must lie between 1900-01-01 and 2199-12-31"),
        ("birth_date", "9999-12-31", "Birth date must lie between 1900-01-01 and 2199-12-31"),
        (
            "birth_date",
            "2026-11-25",
            "Birth date 2026-11-25 is in the future (today is 2026-11-24)",
        ),
        ("anniversary_date", "2030-01-01", "Anniversary date 2030-01-01 is in the future"),
        ("card_expiry_date", "9999-12-31", "Card expiry date must lie between 1900-01-01"),
        ("birth_date", "20240101", "Birth date must be a date YYYY-MM-DD, not '20240101'"),
        ("birth_date", "2024-W01-1", "Birth date must be a date YYYY-MM-DD"),
        ("birth_date", "٢٠٢٠-٠١-٠١", "Birth date: type the digits 0-9"),
    ],
)
def test_dates_are_bounded_and_birth_dates_are_past(
    backend: Backend, field: str, value: str, message: str
) -> None:
    err = _refused(backend, {field: value})
    assert err.field == field and err.message.startswith(message), err.message


def test_a_birth_date_of_today_and_a_future_card_expiry_are_taken(backend: Backend) -> None:
    cid = CustomerService(backend).create(
        {"first_name": "Ann", "birth_date": "2026-11-24", "card_expiry_date": "2031-12-31"}
    )
    row = backend.customers.get(cid)
    assert row is not None and row.birth_date == "2026-11-24"


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("éve@example.com", "ÉVE@EXAMPLE.COM"),
        ("ÉVE@example.com", "éve@example.com"),
        ("strasse@example.de", "STRAßE@example.de"),
        ("john@example.com", "ｊｏｈｎ＠ｅｘａｍｐｌｅ.com"),
    ],
)
def test_emails_differing_only_in_case_or_width_are_one_address(
    backend: Backend, first: str, second: str
) -> None:
    svc = CustomerService(backend)
    svc.create({"first_name": "Eve", "last_name": "First", "email": first})
    err = _refused(backend, {"email": second})
    assert err.field == "email"
    assert "already exists with Eve First (account 1001)" in err.message
    # Found by either spelling at the lane.
    assert [r.first_name for r in svc.find(second)] == ["Eve"]


def test_emails_are_stored_folded(backend: Backend) -> None:
    cid = CustomerService(backend).create({"first_name": "Eve", "email": "  ÉVE@Example.COM "})
    assert backend.customers.get(cid).email == "éve@example.com"  # type: ignore[union-attr]


def test_stored_emails_are_folded_by_the_migration(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    db = connect(path, migrate=False)
    migrations.apply(db, stop_before="0008_email_folded")
    for n, email in enumerate(["ÉVE@Example.com", "ZOË@x.com", "zoë@x.com", "ß@x.de", "ss@x.de"]):
        db.conn.execute(
            "INSERT INTO customers (account_number, first_name, email, card_number, created_at, "
            "updated_at) VALUES (?, 'C', ?, ?, '', '')",
            [str(1000 + n), email, f"CODE{n}"],
        )
    db.conn.close()
    db = connect(path)  # applies 0008
    emails = [r[0] for r in db.execute("SELECT email FROM customers ORDER BY id")]
    # Folded where it is one holder's; where two already share one address, both are kept as
    # typed for a person to merge (the duplicate check still sees both).
    assert emails == ["éve@example.com", "ZOË@x.com", "zoë@x.com", "ß@x.de", "ss@x.de"]


@pytest.mark.parametrize("pin", ["1234\n", "1234\r\n", " 1234", "١٢٣٤", "12a4", "123", "1" * 13])
def test_pins_are_4_to_12_ascii_digits_and_nothing_else(backend: Backend, pin: str) -> None:
    with pytest.raises(PinError):
        check_pin_format(pin)
    err = _refused(backend, {}, pin=pin)
    assert err.field == "pin" and err.message == "A PIN is 4 to 12 digits"


def write_rows(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(
            ["first_name", "last_name", "grace_period_days", "credit_limit", "birth_date"]
        )
        writer.writerows(rows)
    return path


def test_import_with_a_huge_integer_rejects_that_row_and_imports_the_rest(
    backend: Backend, tmp_path: Path
) -> None:
    path = write_rows(
        tmp_path / "big.csv",
        [
            ["Ann", "One", "30", "100", "1980-05-01"],
            ["Bob", "Big", str(BIG), "100", ""],
            ["Cid", "Exp", "0", "1E+999999", ""],
            ["Dee", "Old", "0", "", "0001-01-01"],
            ["Eve", "Two", "", "١٢٣", ""],
            ["Fay", "Three", "7", "2,500.00", ""],
        ],
    )
    report = CustomerImporter(backend).run(path)
    assert report.imported == 2
    assert [(r.row, r.reason) for r in report.rejected] == [
        (3, f"Grace period days must be between 0 and 3,650, not '{BIG}'"),
        (4, "Credit limit must be a number, not '1E+999999'"),
        (5, "Birth date must lie between 1900-01-01 and 2199-12-31, not 0001-01-01"),
        (6, "Credit limit: type the digits 0-9, not '١٢٣'"),
    ]
    names = sorted(str(r.first_name) for r in backend.customers.page(limit=10))
    assert names == ["Ann", "Fay"]


def test_import_command_reports_rows_and_exits_1_without_a_traceback(
    backend: Backend, db_path: Path, tmp_path: Path
) -> None:
    path = write_rows(
        tmp_path / "big.csv", [["Ann", "One", "1", "", ""], ["Bob", "Big", str(BIG), "", ""]]
    )
    result = cli_runner_invoke(
        CliRunner(), ["--db", str(db_path), "customers", "import", str(path)]
    )
    assert result.exit_code == 1, result.output
    assert "imported 1, rejected 1" in result.output
    assert f"row 3: Grace period days must be between 0 and 3,650, not '{BIG}'" in result.output
    assert "Traceback" not in result.output


def test_field_bounds_are_documented() -> None:
    """docs/back-office.md lists the bounds every number and date field is checked against."""
    doc = (Path(__file__).resolve().parents[2] / "docs" / "back-office.md").read_text()
    for spec in cf.FIELDS:
        if spec.kind in ("int", "decimal", "percent", "date"):
            assert f"`{spec.name}`" in doc, spec.name
