"""The deterministic demo store: counts, rules, determinism, credentials, journal, CLI."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from pos_tui import phones
from pos_tui.cli import cli
from pos_tui.commands import register
from pos_tui.config import load_settings
from pos_tui.demo import (
    DEMO_CUSTOMER_PIN,
    DEMO_EMPLOYEES,
    DemoError,
    DemoGenerator,
    ean13_check_digit,
)
from pos_tui.services.runtime.backend import Backend, open_backend
from pos_tui.services.staff.pins import verify_pin
from pos_tui.storage.rows import all_rows

NOW = datetime(2026, 3, 14, 11, 0, 0)


def invoke(args: Sequence[str]) -> Result:
    """``pos-tui`` in-process with every subcommand attached once."""
    if "customers" not in cli.commands:
        register(cli)
    if "demo" not in cli.commands:
        from pos_tui.commands.demo import demo

        cli.add_command(demo)
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def make_backend(path: Path) -> Backend:
    return open_backend(load_settings(database={"path": str(path)}), now=lambda: NOW)


def generate(path: Path, *, customers: int = 200, sales: int = 60, seed: int = 7) -> Backend:
    backend = make_backend(path)
    DemoGenerator(backend, seed=seed, now=NOW).run(customers=customers, sales=sales)
    return backend


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    generate(path).close()
    return path


@pytest.fixture
def demo(demo_db: Path) -> Backend:
    return make_backend(demo_db)


def test_counts_and_reference_data(demo: Backend) -> None:
    db = demo.db
    count = lambda table: db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]  # noqa: E731
    assert count("customers") == 200
    assert count("items") == 300
    assert count("sales") == 60
    assert count("employees") == 3
    assert count("customer_addresses") >= 200
    assert {r["name"] for r in db.query("SELECT name FROM card_types")} == {
        "None",
        "Silver",
        "Gold",
        "Platinum",
        "Junior Member",
    }
    assert {r["code"] for r in db.query("SELECT code FROM customer_types")} == {
        "REGULAR",
        "PREMIUM",
        "CORPORATE",
    }
    rates = {r["code"]: r["rate_percent"] for r in db.query("SELECT code, rate_percent FROM taxes")}
    assert rates["GST5"] == "5" and rates["GST12"] == "12" and rates["GST18"] == "18"
    assert rates["USST"] == "7.25"
    # Liquor sits under Beverages and, with tobacco, is closed to Junior Members.
    liquor = db.execute(
        "SELECT g.name FROM item_subgroups s JOIN item_groups g ON g.id = s.group_id "
        "WHERE s.code = 'LIQUOR'"
    ).fetchone()
    assert liquor == ("Beverages",)
    restricted = {
        r[0]
        for r in db.execute(
            "SELECT s.code FROM card_type_restricted_subgroups r "
            "JOIN item_subgroups s ON s.id = r.subgroup_id "
            "JOIN card_types c ON c.id = r.card_type_id WHERE c.name = 'Junior Member'"
        ).fetchall()
    }
    assert restricted == {"LIQUOR", "CIG"}
    silver = demo.catalog.by_code("card_types", "SILVER")
    assert silver is not None
    assert (silver["block_sale_value"], silver["points_awarded"]) == ("100", "2")
    assert (silver["points_to_convert"], silver["equivalent_currency"]) == ("2", "5")
    platinum = demo.catalog.by_code("card_types", "PLATINUM")
    assert platinum is not None and platinum["multiplier_from_time"] == "10:00"
    subscription = demo.catalog.subscription(platinum["id"])
    assert subscription is not None and subscription.periodicity == "monthly"
    assert subscription.cover_charges == 1
    promos = db.execute("SELECT count(*) FROM items WHERE promo_price IS NOT NULL").fetchone()[0]
    assert promos > 0
    assert db.execute("SELECT count(*) FROM price_list_items").fetchone()[0] > 0


def test_items_have_valid_ean13_and_price_levels(demo: Backend) -> None:
    items = all_rows(demo.db.execute("SELECT * FROM items"))
    assert len({i["sku"] for i in items}) == len(items)
    for item in items:
        code = item["barcode"]
        assert re.fullmatch(r"[0-9]{13}", code)
        assert code[-1] == ean13_check_digit(code[:12])
        regular = Decimal(item["regular_price"])
        assert regular > 0
        assert Decimal(item["price_level_1"]) <= regular
        assert Decimal(item["price_level_4"]) < regular
    assert ean13_check_digit("400638133393") == "1"  # a published EAN-13: 4006381333931


def test_customers_follow_the_rules(demo: Backend) -> None:
    rows = all_rows(demo.db.execute("SELECT * FROM customers"))
    mobiles = [r["mobile"] for r in rows if r["mobile"]]
    emails = [r["email"].lower() for r in rows if r["email"]]
    cards = [r["card_number"] for r in rows]
    accounts = [r["account_number"] for r in rows]
    assert len(set(mobiles)) == len(mobiles) > 150
    assert len(set(emails)) == len(emails) > 120
    assert len(set(cards)) == len(cards) == 200
    assert len(set(accounts)) == 200 and "1001" in accounts
    for row in rows:
        card = row["card_number"]
        assert re.fullmatch(r"[0-9]{6,20}", card) or re.fullmatch(r"[A-Z][A-Z0-9]{4}", card)
        assert row["card_expiry_date"] >= row["card_issue_date"]
        assert row["first_name"] or row["last_name"] or row["company_name"]
        if row["is_company"]:
            assert row["company_name"]
        if row["forced_price_level"]:
            assert row["price_level"] > 0
        if row["link_customer_id"] is not None:
            assert row["link_customer_id"] < row["id"]
        if row["mobile"]:
            # E.164 as the rules store it (docs/back-office.md "Mobile numbers").
            assert phones.to_e164(row["mobile"]) == row["mobile"]
    countries = {
        r[0] for r in demo.db.execute("SELECT DISTINCT country FROM customer_addresses").fetchall()
    }
    assert {"IN", "US"} <= countries
    assert any(r["is_company"] for r in rows)
    assert any(r["ar_enabled"] and Decimal(r["credit_limit"]) > 0 for r in rows)
    assert any(r["tax_exempt"] for r in rows) or any(r["price_level"] for r in rows)
    pins = [r for r in rows if r["pin_hash"]]
    assert 0 < len(pins) <= 50 and all(r["ar_enabled"] for r in pins)
    assert verify_pin(DEMO_CUSTOMER_PIN, pins[0]["pin_hash"])
    companies = [r["id"] for r in rows if r["is_company"]]
    contacts = demo.db.execute(
        f"SELECT count(DISTINCT customer_id) FROM customer_contacts "
        f"WHERE customer_id IN ({','.join(map(str, companies))})"
    ).fetchone()[0]
    assert contacts == len(companies)


def test_name_search_index_is_complete(demo: Backend) -> None:
    row = demo.customers.page(non_company=True, limit=1)[0]
    found = demo.customers.search_names(f"{str(row.first_name)[:3]} {row.last_name}", limit=500)
    assert row.id in {r.id for r in found}
    fts = demo.db.execute("SELECT count(*) FROM customers_fts").fetchone()[0]
    assert fts == 200
    # The insert trigger is back after the load: a new customer is searchable at once.
    triggers = {
        r[0]
        for r in demo.db.execute(
            "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'customers'"
        ).fetchall()
    }
    assert "customers_ai" in triggers


def test_journal_ledgers_and_balances_are_consistent(demo: Backend) -> None:
    checked, broken = demo.journal.verify()
    assert broken is None and checked == 60
    db = demo.db
    earned = all_rows(
        db.execute(
            "SELECT l.points, l.sale_id, s.customer_id FROM loyalty_ledger l "
            "JOIN sales s ON s.id = l.sale_id WHERE l.entry_type = 'earned'"
        )
    )
    assert earned and all(Decimal(e["points"]) > 0 for e in earned)
    per_sale: dict[int, Decimal] = {}
    for e in earned:
        per_sale[e["sale_id"]] = per_sale.get(e["sale_id"], Decimal(0)) + Decimal(e["points"])
    for sale_id, points in per_sale.items():
        sale = demo.journal.get(sale_id)
        assert sale is not None and Decimal(sale["points_earned"]) == points
    for sale in all_rows(db.execute("SELECT * FROM sales")):
        children = demo.journal.children(sale["id"])
        lines = children["lines"]
        assert lines and Decimal(sale["total"]) == sum(Decimal(line["total"]) for line in lines)
        assert Decimal(sale["total"]) == (
            Decimal(sale["subtotal"]) - Decimal(sale["discount_total"]) + Decimal(sale["tax_total"])
        )
        tender = children["tenders"][0]
        assert Decimal(tender["amount"]) - Decimal(tender["change_given"]) == Decimal(sale["total"])
        if tender["kind"] == "account":
            charge = db.execute(
                "SELECT amount FROM receivable_ledger WHERE sale_id = ? AND entry_type = 'charge'",
                [sale["id"]],
            ).fetchone()
            assert charge is not None and Decimal(charge[0]) == Decimal(sale["total"])
    # Junior members never bought liquor or tobacco.
    restricted_sold = db.execute(
        "SELECT count(*) FROM sale_lines l JOIN sales s ON s.id = l.sale_id "
        "JOIN customers c ON c.id = s.customer_id JOIN card_types t ON t.id = c.card_type_id "
        "JOIN items i ON i.id = l.item_id JOIN item_subgroups g ON g.id = i.subgroup_id "
        "WHERE t.code = 'JUNIOR' AND g.code IN ('LIQUOR', 'CIG')"
    ).fetchone()[0]
    assert restricted_sold == 0
    # Inactive customers hold no balance, so they may stay inactive.
    for (cid,) in db.execute("SELECT id FROM customers WHERE active = 0").fetchall():
        assert demo.customers.receivable_balance(cid) == 0
        assert demo.customers.loyalty_balance(cid) == 0


def _snapshot(backend: Backend) -> dict[str, list[tuple[object, ...]]]:
    tables = {
        "customers": "id",
        "customer_addresses": "id",
        "customer_contacts": "id",
        "items": "id",
        "card_types": "id",
        "employees": "id",
        "sales": "id",
        "sale_lines": "sale_id, line_no",
        "sale_tenders": "sale_id, seq",
        "loyalty_ledger": "id",
        "receivable_ledger": "id",
        "price_list_items": "price_list_id, item_id",
        "customer_teams": "customer_id, team_id",
        "customer_orders": "id",
    }
    return {
        t: [tuple(r) for r in backend.db.execute(f"SELECT * FROM {t} ORDER BY {o}").fetchall()]
        for t, o in tables.items()
    }


def test_same_seed_same_database(tmp_path: Path) -> None:
    first = generate(tmp_path / "a.db", customers=120, sales=40)
    second = generate(tmp_path / "b.db", customers=120, sales=40)
    other = generate(tmp_path / "c.db", customers=120, sales=40, seed=8)
    a, b = _snapshot(first), _snapshot(second)
    assert a == b  # every row, PIN hashes and journal hashes included
    assert a["sales"][-1] == b["sales"][-1]
    assert _snapshot(other)["customers"] != a["customers"]


def test_demo_credentials_sign_in(demo: Backend) -> None:
    assert [(e.number, e.pin) for e in DEMO_EMPLOYEES] == [
        ("101", "1234"),
        ("201", "2345"),
        ("301", "3456"),
    ]
    for emp in DEMO_EMPLOYEES:
        row = demo.catalog.employee_by_number(emp.number)
        assert row is not None and row.role == emp.role and row.name == emp.name
        assert verify_pin(emp.pin, row.pin_hash)
        assert not verify_pin("0000", row.pin_hash)


def test_refuses_a_database_with_customers_unless_forced(tmp_path: Path) -> None:
    backend = generate(tmp_path / "f.db", customers=30, sales=0)
    with pytest.raises(DemoError, match="already has 30 customers"):
        DemoGenerator(backend, seed=7, now=NOW).run(customers=10, sales=0)
    DemoGenerator(backend, seed=7, now=NOW).run(customers=25, sales=5, force=True)
    rows = all_rows(backend.db.execute("SELECT mobile, email, card_number FROM customers"))
    assert len(rows) == 55
    for column in ("mobile", "email", "card_number"):
        values = [r[column] for r in rows if r[column]]
        assert len(values) == len(set(values))
    assert backend.db.execute("SELECT count(*) FROM items").fetchone()[0] == 300
    assert backend.db.execute("SELECT count(*) FROM customers_fts").fetchone()[0] == 55
    assert backend.journal.verify() == (5, None)


def test_birthdays_around_today_exist_in_a_larger_store(tmp_path: Path) -> None:
    backend = generate(tmp_path / "big.db", customers=5000, sales=0)
    assert backend.customers.count() == 5000
    today = date(2026, 3, 14)
    near = 0
    for (birth,) in backend.db.execute(
        "SELECT birth_date FROM customers WHERE birth_date IS NOT NULL"
    ).fetchall():
        day = date.fromisoformat(birth)
        if day.month == today.month and abs(day.day - today.day) <= 3:
            near += 1
    assert near > 0


def test_demo_command(tmp_path: Path) -> None:
    db = tmp_path / "cli.db"
    result = invoke(["--db", str(db), "demo", "--customers", "40", "--sales", "15", "--seed", "3"])
    assert result.exit_code == 0, result.output
    assert str(db) in result.output
    assert re.search(r"customers\s+40", result.output)
    assert re.search(r"sales\s+15", result.output)
    for emp in DEMO_EMPLOYEES:
        assert f"number {emp.number}  PIN {emp.pin}" in result.output
    again = invoke(["--db", str(db), "demo", "--customers", "5"])
    assert again.exit_code == 1 and "already has 40 customers" in again.output
    verify = invoke(["--db", str(db), "journal", "verify"])
    assert verify.exit_code == 0 and "journal intact: 15 sales checked" in verify.output
