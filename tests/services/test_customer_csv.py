"""Customer CSV import and export: mapping, every rule, reports, exit codes, round trip."""

from __future__ import annotations

import csv
import json
from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from pos_tui.cli import cli
from pos_tui.commands import register
from pos_tui.config import load_settings
from pos_tui.demo import DemoGenerator
from pos_tui.services.customers.csv_io import (
    CsvFileError,
    CustomerImporter,
    export_columns,
    export_customers,
    mapping_from_dict,
    preset_mapping,
)
from pos_tui.services.customers.csv_io.importer import Rejected
from pos_tui.services.customers.service import CustomerService
from pos_tui.services.runtime.backend import Backend, open_backend
from pos_tui.storage.rows import all_rows
from tests.helpers import store_legacy

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
SHOPIFY = FIXTURES / "shopify_customers.csv"
NOW = datetime(2026, 3, 14, 11, 0, 0)
HOSTILE_FIRST = "[bold red]Robert'); DROP TABLE customers;--"


def invoke(args: Sequence[str]) -> Result:
    if "customers" not in cli.commands:
        register(cli)
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def store(path: Path, *, customers: int = 0, seed: int = 11) -> Backend:
    """A database with the demo reference data (card types, taxes, teams...) and N customers."""
    backend = open_backend(load_settings(database={"path": str(path)}), now=lambda: NOW)
    DemoGenerator(backend, seed=seed, now=NOW).run(customers=customers, sales=min(customers, 30))
    return backend


@pytest.fixture
def shop(tmp_path: Path) -> tuple[Backend, Path]:
    path = tmp_path / "shop.db"
    backend = store(path)
    CustomerService(backend).create(
        {
            "first_name": "Anna",
            "last_name": "Smith",
            "mobile": "+919876543210",
            "email": "anna.smith@example.com",
        }
    )
    return backend, path


def write_csv(path: Path, header: list[str], rows: list[list[str]], *, bom: bool = False) -> Path:
    with path.open("w", encoding="utf-8-sig" if bom else "utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def test_shopify_import_keeps_good_rows_and_reports_bad_ones(shop: tuple[Backend, Path]) -> None:
    backend, db = shop
    result = invoke(["--db", str(db), "customers", "import", str(SHOPIFY), "--preset", "shopify"])
    assert result.exit_code == 1, result.output
    out = result.output
    assert "imported 4, rejected 7" in out
    assert (
        "row 4: Mobile number +91 98765 43210 already exists with Anna Smith (account 1001)" in out
    )
    assert (
        "row 5: Email-ID anna.smith@example.com already exists with Anna Smith (account 1001)"
        in out
    )
    assert "row 6: Card number must be 6 to 20 digits" in out
    assert "row 7: Card expiry date must not be earlier than the issue date" in out
    assert "row 8: Card type 'Diamond' does not exist" in out
    assert "row 11: Give a first name, a last name or a company name" in out
    assert "row 12: Email-ID priya.sharma@example.in already exists with Priya Sharma" in out
    assert "row 2:" not in out and "row 9:" not in out and "row 10:" not in out
    # Only known Shopify columns: none reported as ignored.
    assert "ignored column" not in out

    priya = backend.customers.by_email("priya.sharma@example.in")
    assert priya is not None
    assert (priya.send_email, priya.send_sms, priya.tax_exempt) == (1, 0, 0)
    assert priya.card_number == "123456789012" and priya.card_expiry_date == "2027-01-10"
    gold = backend.catalog.by_code("card_types", "GOLD")
    assert gold is not None and priya.card_type_id == gold["id"]
    assert priya.remarks == "Prefers green tea"
    main = backend.customers.addresses(priya.id)
    assert [(a.address_type, a.line_1, a.line_2, a.postal_code, a.country) for a in main] == [
        ("main", "12 MG Road", "Flat 4B", "411001", "IN")
    ]

    john = backend.customers.by_email("john.miller@example.com")
    assert john is not None
    assert john.mobile == "+16175550111" and john.tax_exempt == 1 and john.send_sms == 1
    # A generated code for an empty card number.
    assert john.card_number is not None and len(john.card_number) == 5
    silver = backend.catalog.by_code("card_types", "SILVER")
    assert silver is not None and john.card_type_id == silver["id"]
    (address,) = backend.customers.addresses(john.id)
    assert address.postal_code == "02134" and address.phone == "+16175550100"

    bobby = backend.customers.by_email("bobby.tables@example.com")
    assert bobby is not None
    assert bobby.first_name == HOSTILE_FIRST
    assert bobby.last_name == "<script>alert(1)</script>"
    assert str(bobby.remarks).startswith("Line one\nline two")
    assert backend.customers.count() == 5  # Anna + 4; the customers table survived Bobby

    company = backend.customers.by_mobile("+919800000010")
    assert company is not None and company.company_name == "Lotus Catering Pvt Ltd"

    audits = all_rows(
        backend.db.execute(
            "SELECT * FROM audit_log WHERE entity = 'customer' AND action = 'import' ORDER BY id"
        )
    )
    assert len(audits) == 4
    assert json.loads(audits[0]["changes"])["import"] == {"file": SHOPIFY.name, "row": 2}
    stored = json.dumps([list(r) for r in backend.db.execute("SELECT * FROM customers")])
    assert "1200.50" not in stored and "vip, tea" not in stored  # Total Spent, Tags ignored


def test_report_prints_hostile_names_inertly(shop: tuple[Backend, Path], tmp_path: Path) -> None:
    backend, db = shop
    evil = CustomerService(backend).create(
        {"first_name": "[bold]Evil", "last_name": "Twin", "mobile": "+919700000077"}
    )
    store_legacy(backend, evil, first_name="\x1b[31m[bold]Evil")
    path = write_csv(
        tmp_path / "h.csv",
        ["first_name", "mobile", "card_type"],
        [["Copy", "+919700000077", ""], ["Odd", "+919700000078", "\x1b]0;x\x07"]],
    )
    result = invoke(["--db", str(db), "customers", "import", str(path)])
    assert result.exit_code == 1
    assert "\x1b" not in result.output and "\x07" not in result.output
    assert "already exists with \\x1b[31m[bold]Evil Twin" in result.output
    assert "row 3: Card type" in result.output


def test_rejects_file_and_dry_run(shop: tuple[Backend, Path], tmp_path: Path) -> None:
    backend, db = shop
    rejects = tmp_path / "rejects.csv"
    dry = invoke(
        [
            "--db",
            str(db),
            "customers",
            "import",
            str(SHOPIFY),
            "--preset",
            "shopify",
            "--dry-run",
            "--rejects",
            str(rejects),
        ]
    )
    assert dry.exit_code == 1
    assert "would import 4, rejected 7" in dry.output and "dry run, nothing stored" in dry.output
    assert backend.customers.count() == 1
    with rejects.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert [r["import_row"] for r in rows] == ["4", "5", "6", "7", "8", "11", "12"]
    assert rows[0]["First Name"] == "Rahul" and "already exists" in rows[0]["import_reason"]
    # Fixed rows can go back in: the rejects file is an import file (extra columns ignored).
    with rejects.open(encoding="utf-8", newline="") as fh:
        lines = list(csv.reader(fh))
    lines[1][lines[0].index("Phone")] = "+919811111111"
    fixed = write_csv(tmp_path / "fixed.csv", lines[0], lines[1:2])
    again = invoke(["--db", str(db), "customers", "import", str(fixed), "--preset", "shopify"])
    assert again.exit_code == 0, again.output
    assert "imported 1, rejected 0" in again.output
    assert "ignored column: import_row" in again.output


def test_round_trip_export_import_gives_equal_customers(tmp_path: Path) -> None:
    source = store(tmp_path / "source.db", customers=200)
    CustomerService(source).create(
        {
            "first_name": "[red]Red[/red] [bold]x[/bold]",
            "last_name": "Q" * 10_000,
            "remarks": 'a,b;"c"\r\nd\'; DELETE FROM customers; --',
            "mobile": "+919700000001",
            "card_number": "00012345",
        },
        addresses=[{"address_type": "main", "line_1": "  leading spaces", "city": "Zürich"}],
    )
    exported = tmp_path / "customers.csv"
    assert export_customers(source, exported, include_inactive=True) == 201
    header = exported.read_text(encoding="utf-8").splitlines()[0].split(",")
    assert header == export_columns() and "points_balance" in header

    target = store(tmp_path / "target.db")
    report = CustomerImporter(target).run(exported)
    assert report.rejected == [] and report.imported == 201
    assert report.read_only_columns == ["points_balance", "receivable_balance"]

    def customers(backend: Backend) -> dict[str, dict[str, object]]:
        rows = all_rows(
            backend.db.execute(
                "SELECT c.*, l.account_number AS link_account FROM customers c "
                "LEFT JOIN customers l ON l.id = c.link_customer_id"
            )
        )
        out = {}
        for row in rows:
            addresses = [
                {k: v for k, v in a.columns().items() if k not in ("id", "customer_id")}
                for a in backend.customers.addresses(row["id"])
            ]
            teams = backend.customers.team_ids(row["id"])
            exempt = backend.customers.exempt_tax_ids(row["id"])
            for key in ("id", "created_at", "updated_at", "pin_hash", "link_customer_id"):
                row.pop(key)
            out[str(row["account_number"])] = {
                **row,
                "addresses": addresses,
                "teams": teams,
                "exempt": exempt,
            }
        return out

    before, after = customers(source), customers(target)
    assert before.keys() == after.keys()
    for account, row in before.items():
        assert after[account] == row, account
    # Exported again, the file is byte for byte the same (balances aside: no ledgers moved).
    again = tmp_path / "again.csv"
    export_customers(target, again, include_inactive=True)
    strip = lambda text: [line.rsplit(",", 2)[0] for line in text.splitlines()]  # noqa: E731
    assert strip(again.read_text(encoding="utf-8")) == strip(exported.read_text(encoding="utf-8"))


def test_export_skips_inactive_unless_all(tmp_path: Path) -> None:
    backend = store(tmp_path / "s.db", customers=200)
    inactive = backend.customers.count(which="inactive")
    assert inactive > 0
    out = tmp_path / "active.csv"
    result = invoke(["--db", str(tmp_path / "s.db"), "customers", "export", str(out)])
    assert result.exit_code == 0 and f"exported {200 - inactive} customers" in result.output
    everything = invoke(["--db", str(tmp_path / "s.db"), "customers", "export", str(out), "--all"])
    assert "exported 200 customers" in everything.output


def test_plain_file_with_field_names_bom_and_unknown_columns(
    shop: tuple[Backend, Path], tmp_path: Path
) -> None:
    backend, db = shop
    path = write_csv(
        tmp_path / "plain.csv",
        [
            "first_name",
            "last_name",
            "mobile",
            "card_type",
            "Loyalty Tier",
            "opening_points",
            "main.city",
            "teams",
            "pin",
        ],
        [
            [
                "Ravi",
                "Kumar",
                "98 450 12345",
                "JUNIOR",
                "x",
                "12.5",
                "Chennai",
                "VIP;SALES",
                "2468",
            ],
            ["Sara", "Lee", "+15550001111", "NONE", "y", "", "", "", ""],
            ["Bad", "Team", "+15550001112", "NONE", "z", "", "", "NOPE", ""],
        ],
        bom=True,
    )
    result = invoke(["--db", str(db), "customers", "import", str(path)])
    assert result.exit_code == 1
    assert result.output.count("ignored column: Loyalty Tier") == 1
    assert (
        "imported 2, rejected 1" in result.output
        and "row 4: Team 'NOPE' does not exist" in result.output
    )
    ravi = backend.customers.by_mobile("+919845012345")
    assert ravi is not None and ravi.first_name == "Ravi"  # BOM did not eat the first header
    assert backend.customers.loyalty_balance(ravi.id) == Decimal("12.5")
    assert CustomerService(backend).check_pin(ravi.id, "2468")
    assert len(backend.customers.team_ids(ravi.id)) == 2


def test_link_to_a_customer_later_in_the_file(shop: tuple[Backend, Path], tmp_path: Path) -> None:
    backend, _db = shop
    path = write_csv(
        tmp_path / "link.csv",
        ["account_number", "first_name", "link_customer"],
        [["5001", "Referred", "5002"], ["5002", "Referrer", ""], ["5003", "Lost", "9999"]],
    )
    report = CustomerImporter(backend).run(path)
    assert report.imported == 2
    assert [str(r) for r in report.rejected] == [
        "row 4: Link customer: no customer with account 9999"
    ]
    referred, referrer = backend.customers.by_account("5001"), backend.customers.by_account("5002")
    assert referred is not None and referrer is not None
    assert referred.link_customer_id == referrer.id


def test_batches_commit_and_a_bad_row_rolls_back_only_itself(
    shop: tuple[Backend, Path], tmp_path: Path
) -> None:
    backend, _db = shop
    rows = [
        [f"P{i}", f"+9190000000{i:02d}", "yes" if i != 3 else "maybe", "main", "Pune"]
        for i in range(7)
    ]
    path = write_csv(
        tmp_path / "b.csv",
        ["first_name", "mobile", "send_email", "main.address_type", "main.city"],
        rows,
    )
    report = CustomerImporter(backend, batch_size=2).run(path)
    assert report.imported == 6 and [r.row for r in report.rejected] == [5]
    assert "Send email must be yes or no" in report.rejected[0].reason
    assert report.committed_through == 8
    # The refused row left nothing behind: no customer, no address, no audit entry.
    assert backend.customers.count() == 7
    assert backend.db.execute("SELECT count(*) FROM customer_addresses").fetchone()[0] == 6
    resumed = CustomerImporter(backend).run(path, start_row=8)
    assert resumed.imported == 0 and [r.row for r in resumed.rejected] == [8]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty"),
        (b"Name,Email\n\xff\xfeAnn,a@b.c\n", "not UTF-8"),
        (b"Colour,Size\nred,XL\n", "no column of the file maps"),
        (b"first_name,first_name\nA,B\n", "twice"),
    ],
)
def test_unusable_files_exit_2(
    shop: tuple[Backend, Path], tmp_path: Path, content: bytes, message: str
) -> None:
    _backend, db = shop
    path = tmp_path / "bad.csv"
    path.write_bytes(content)
    result = invoke(["--db", str(db), "customers", "import", str(path)])
    assert result.exit_code == 2 and message in result.output


def test_bad_mappings_exit_2(shop: tuple[Backend, Path], tmp_path: Path) -> None:
    _backend, db = shop
    mapping = tmp_path / "m.toml"
    mapping.write_text('[columns]\n"First Name" = "first_nam"\n', encoding="utf-8")
    result = invoke(
        ["--db", str(db), "customers", "import", str(SHOPIFY), "--mapping", str(mapping)]
    )
    assert result.exit_code == 2 and "'first_nam' is not a customer field" in result.output
    mapping.write_text("[columns\n", encoding="utf-8")
    result = invoke(
        ["--db", str(db), "customers", "import", str(SHOPIFY), "--mapping", str(mapping)]
    )
    assert result.exit_code == 2 and "not valid TOML" in result.output
    result = invoke(["--db", str(db), "customers", "import", str(SHOPIFY), "--preset", "nosuch"])
    assert result.exit_code == 2 and "shopify" in result.output
    with pytest.raises(CsvFileError, match="unknown key 'colums'"):
        mapping_from_dict({"colums": {}})


def test_mapping_transforms_and_defaults(shop: tuple[Backend, Path], tmp_path: Path) -> None:
    backend, _db = shop
    mapping = mapping_from_dict(
        {
            "columns": {
                "Given": "first_name",
                "Tel": {"field": "mobile", "strip_prefix": "'"},
                "News": {"field": "send_email", "values": {"Y": "yes", "N": "no"}, "default": "no"},
                "Tier": {"field": "customer_type"},
            },
            "defaults": {"customer_type": "PREMIUM", "main.country": "IN"},
        }
    )
    path = write_csv(
        tmp_path / "t.csv",
        ["Given", "Tel", "News", "Tier"],
        [["Uma", "'+919811100001", "y", ""], ["Vik", "+919811100002", "", "Regular"]],
    )
    report = CustomerImporter(backend, mapping).run(path)
    assert report.imported == 2 and not report.rejected
    uma, vik = (
        backend.customers.by_mobile("+919811100001"),
        backend.customers.by_mobile("+919811100002"),
    )
    assert uma is not None and vik is not None
    assert (uma.send_email, vik.send_email) == (1, 0)
    premium, gold = (
        backend.catalog.by_code("customer_types", "PREMIUM"),
        backend.catalog.by_code("card_types", "GOLD"),
    )
    assert premium is not None and gold is not None
    # The customer type's defaults fill the rest: Premium brings the Gold card and level 1.
    assert (uma.customer_type_id, uma.card_type_id, uma.price_level) == (
        premium["id"],
        gold["id"],
        1,
    )
    assert backend.customers.addresses(uma.id)[0].country == "IN"
    assert preset_mapping("shopify").name == "Shopify customers export"


def test_a_rejects_file_keeps_no_pin_and_only_its_owner_may_read_it(
    shop: tuple[Backend, Path], tmp_path: Path
) -> None:
    _backend, db = shop
    path = write_csv(
        tmp_path / "pins.csv",
        ["first_name", "mobile", "pin"],
        [
            ["Good", "+919700000091", "864209"],
            ["Bad", "not a phone", "319786"],
            ["Short", "+919700000093", "31"],
        ],
    )
    rejects = tmp_path / "rejects.csv"
    rejects.write_text("old\n")
    rejects.chmod(0o644)  # a file already there is made private too
    result = invoke(["--db", str(db), "customers", "import", str(path), "--rejects", str(rejects)])
    assert result.exit_code == 1 and "imported 1, rejected 2" in result.output
    assert rejects.stat().st_mode & 0o777 == 0o600
    text = rejects.read_text(encoding="utf-8")
    for secret in ("319786", "864209", ",31,"):
        assert secret not in text and secret not in result.output
    with rejects.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert [(r["first_name"], r["pin"]) for r in rows] == [("Bad", ""), ("Short", "")]
    assert all("PIN left out: enter it again" in r["import_reason"] for r in rows)
    assert "PIN is 4 to 12 digits" in rows[1]["import_reason"]
    fresh = tmp_path / "new-rejects.csv"
    invoke(["--db", str(db), "customers", "import", str(path), "--rejects", str(fresh)])
    assert fresh.stat().st_mode & 0o777 == 0o600


@pytest.mark.parametrize(
    ("reason", "shown"),
    [
        ("PIN 4321 refused", "PIN **** refused"),
        ("value '4321' is not allowed", "value '****' is not allowed"),
        ("Mobile +91 98004 43210 already exists", "Mobile +91 98004 43210 already exists"),
        ("A PIN is 4 to 12 digits", "A PIN is 4 to 12 digits"),
    ],
)
def test_a_rejected_row_masks_the_pin_where_it_is_a_value_of_its_own(
    reason: str, shown: str
) -> None:
    for pin in ("4321", "12"):
        rejected = Rejected(3, reason, ["Ann", pin]).without_secrets([1])
        assert rejected.values == ["Ann", ""]
        expected = shown if pin == "4321" else reason
        assert rejected.reason == f"{expected} (PIN left out: enter it again)"
