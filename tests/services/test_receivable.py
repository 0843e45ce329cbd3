"""Subscriptions (the FusionRetail examples), service charges and payments, through the CLI."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner

from pos_tui.config import load_settings
from pos_tui.demo import DemoGenerator
from pos_tui.services.accounts.receivable import ReceivableError, ReceivableService
from pos_tui.services.checkout.sale import Checkout
from pos_tui.services.customers.service import CustomerService
from pos_tui.services.runtime.backend import Backend, open_backend
from pos_tui.services.staff.auth import AuthService
from tests.helpers import cli_runner_invoke


def _member_with_sales(backend: Backend, card: int, name: str, net_sales: str, day: str) -> int:
    cid = CustomerService(backend).create(
        {"first_name": name, "card_type_id": card, "ar_enabled": True}
    )
    if Decimal(net_sales):
        sale = {
            "lane_id": "L1",
            "store_id": "S1",
            "kind": "sale",
            "customer_id": cid,
            "committed_at": f"{day}T12:00:00",
            "subtotal": net_sales,
            "discount_total": "0",
            "tax_total": "0",
            "total": net_sales,
        }
        backend.journal.append(sale, {})
    return cid


@pytest.mark.parametrize(
    ("cover", "expected"),
    [
        (1, {"0": "1000.00", "500": "500.00", "1000": None, "1001": None, "2000": None}),
        (
            0,
            {
                "0": "1000.00",
                "500": "1000.00",
                "1000": "1000.00",
                "1001": "1000.00",
                "2000": "1000.00",
            },
        ),
    ],
)
def test_manual_cover_charge_examples_posted_once(
    backend: Backend, db_path: Path, cover: int, expected: dict[str, str | None]
) -> None:
    card = backend.catalog.insert("card_types", {"code": "CLUB", "name": "Club"})
    backend.catalog.set_subscription(
        card,
        {
            "ledger_account": "Membership Charges A/c",
            "periodicity": "monthly",
            "rate": "1000",
            "cover_charges": cover,
            "posting": "end",
        },
    )
    members = {
        sales: _member_with_sales(backend, card, f"M{sales}", sales, "2026-11-10")
        for sales in expected
    }
    runner = CliRunner()
    early = cli_runner_invoke(
        runner, ["--db", str(db_path), "receivable", "subscriptions", "--on", "2026-11-10T10:00"]
    )
    assert "may only be posted 2026-11-16..2026-11-30" in early.output
    assert all(backend.ledgers.receivable_entries(m) == [] for m in members.values())
    result = cli_runner_invoke(
        runner, ["--db", str(db_path), "receivable", "subscriptions", "--on", "2026-11-20T10:00"]
    )
    assert result.exit_code == 0, result.output
    for sales, member in members.items():
        entries = backend.ledgers.receivable_entries(member)
        if expected[sales] is None:
            assert entries == [], sales
        else:
            assert [(e.amount, e.reference) for e in entries] == [
                (Decimal(str(expected[sales])), "SUB CLUB 2026-11-01")
            ]
    again = cli_runner_invoke(
        runner, ["--db", str(db_path), "receivable", "subscriptions", "--on", "2026-11-25T10:00"]
    )
    assert "already posted" in again.output
    assert len(backend.ledgers.receivable_entries(members["0"])) == 1


def test_subscription_tax_and_beginning_window(backend: Backend) -> None:
    card = backend.catalog.insert("card_types", {"code": "Q", "name": "Quarterly"})
    backend.catalog.set_subscription(
        card,
        {
            "ledger_account": "Fees",
            "periodicity": "quarterly",
            "rate": "1000",
            "tax_code": "ST",
            "tax_rate_percent": "10.3",
            "posting": "beginning",
        },
    )
    member = _member_with_sales(backend, card, "Q", "0", "2026-10-01")
    svc = ReceivableService(backend)
    late = svc.post_subscriptions(dt.datetime(2026, 11, 5, 9))
    assert not late[0].posted and "may only be posted 2026-10-01..2026-10-31" in late[0].reason
    done = svc.post_subscriptions(dt.datetime(2026, 10, 5, 9))
    assert done[0].posted and done[0].amount == Decimal("1103.00")
    assert backend.customers.receivable_balance(member) == Decimal("1103.00")


def test_service_charge_on_past_due_and_not_twice(backend: Backend, db_path: Path) -> None:
    cid = CustomerService(backend).create(
        {
            "first_name": "Late",
            "ar_enabled": True,
            "service_charge_percent": "18",
            "credit_limit": "5000",
        }
    )
    backend.ledgers.add_receivable(
        customer_id=cid,
        entry_type="charge",
        amount=Decimal("1000.00"),
        at="2026-10-01T10:00:00",
        due_date="2026-10-25",
    )
    backend.ledgers.add_receivable(
        customer_id=cid, entry_type="payment", amount=Decimal("-400.00"), at="2026-10-30T10:00:00"
    )
    result = cli_runner_invoke(
        CliRunner(),
        ["--db", str(db_path), "receivable", "service-charges", "--as-of", "2026-11-24"],
    )
    assert result.exit_code == 0 and "1 posted" in result.output
    entries = backend.ledgers.receivable_entries(cid)
    # 600 still open, 18% a year, 30 days past due: 600 * 0.18 * 30 / 365 = 8.876... -> 8.88
    assert (entries[-1].entry_type, entries[-1].amount) == ("service_charge", Decimal("8.88"))
    svc = ReceivableService(backend)
    assert svc.post_service_charges(dt.date(2026, 11, 24))[0].posted is False
    # A month later only the days since the last service charge are charged.
    later = svc.post_service_charges(dt.date(2026, 12, 24), dry_run=True)
    assert later[0].amount == Decimal("8.88")


def test_payment_rules(backend: Backend, db_path: Path) -> None:
    svc = CustomerService(backend)
    cid = svc.create(
        {
            "company_name": "Acme",
            "is_company": True,
            "ar_enabled": True,
            "required_reference": True,
            "required_reference_label": "cheque number",
            "account_number": "A-9",
        }
    )
    backend.ledgers.add_receivable(
        customer_id=cid, entry_type="charge", amount=Decimal("100.00"), at="2026-11-01"
    )
    rs = ReceivableService(backend)
    with pytest.raises(ReceivableError, match="requires a cheque number"):
        rs.take_payment(cid, "40")
    with pytest.raises(ReceivableError, match="positive amount"):
        rs.take_payment(cid, "40.005", reference="C1")
    result = cli_runner_invoke(
        CliRunner(),
        ["--db", str(db_path), "receivable", "pay", "A-9", "40", "--reference", "CHQ 7"],
    )
    assert result.exit_code == 0 and "balance now 60.00" in result.output
    shown = cli_runner_invoke(CliRunner(), ["--db", str(db_path), "receivable", "show", "A-9"])
    assert "payment" in shown.output and "CHQ 7" in shown.output and "balance 60.00" in shown.output
    other = svc.create({"first_name": "NoAR"})
    with pytest.raises(ReceivableError, match="cannot make payments"):
        rs.take_payment(other, "1")


DEMO_NOW = dt.datetime(2026, 3, 5, 10, 0)


@pytest.fixture
def demo(db_path: Path) -> Iterator[Backend]:
    """The demo store (200 customers) in the test's database file."""
    backend = open_backend(load_settings(database={"path": str(db_path)}), now=lambda: DEMO_NOW)
    DemoGenerator(backend, seed=7, now=DEMO_NOW).run(customers=200, sales=60)
    yield backend
    backend.close()


def test_subscriptions_post_or_report_every_demo_member(demo: Backend, db_path: Path) -> None:
    members = [
        r for ct in demo.catalog.all("card_types") for r in demo.customers.with_card_type(ct["id"])
    ]
    subscribed = {
        r.id: r
        for r in members
        if r.card_type_id is not None and demo.catalog.subscription(r.card_type_id) is not None
    }
    # Grace from the statement date (the demo's Corporate type default): the charges that
    # ended the run in a traceback.
    by_statement = list(subscribed)[:3]
    for days, cid in zip((0, 10, 15), by_statement, strict=True):
        demo.customers.update(
            cid, {"grace_period_type": "statement_date", "grace_period_days": days}
        )
        subscribed[cid] = dataclasses.replace(subscribed[cid], grace_period_days=days)
    # One member's terms the engine cannot read: reported on its line, the others still post.
    broken = next(c for c in subscribed if c not in by_statement)
    demo.customers.update(broken, {"payment_terms": "when convenient"})
    args = ["--db", str(db_path), "receivable", "subscriptions", "--on", DEMO_NOW.isoformat()]
    dry = cli_runner_invoke(CliRunner(), [*args, "--dry-run"])
    assert dry.exit_code == 1 and "Traceback" not in dry.output
    result = cli_runner_invoke(CliRunner(), args)
    assert result.exit_code == 1, result.output
    lines = result.output.splitlines()
    assert len([ln for ln in lines if ln.startswith(("posted", "skipped", "FAILED"))]) == len(
        subscribed
    )
    (failed,) = [ln for ln in lines if ln.startswith("FAILED")]
    assert "not posted: payment terms 'when convenient' not understood" in failed
    assert f"{len(subscribed) - 1} posted" in result.output
    assert "1 could not be posted" in result.output
    for cid in by_statement:
        (entry,) = demo.ledgers.receivable_entries(cid)
        days = subscribed[cid].grace_period_days
        # Statements at month end (no statement day set): 31 March + the grace days.
        assert entry.due_date == (dt.date(2026, 3, 31) + dt.timedelta(days=days)).isoformat()
    references = [e.reference or "" for e in demo.ledgers.receivable_entries(broken)]
    assert not any(r.startswith("SUB") for r in references)


def test_every_chargeable_demo_customer_is_charged_at_the_lane(demo: Backend) -> None:
    """Grace from the statement date included: the charge is checked when tendered, and the
    commit posts it with the statement's due date."""
    auth = AuthService(demo)
    cashier, supervisor = auth.sign_in("101", "1234"), auth.sign_in("201", "2345")
    item = demo.db.execute("SELECT sku FROM items WHERE regular_price > 0 LIMIT 1").fetchone()[0]
    chargeable = [
        r
        for r in demo.db.query(
            "SELECT * FROM customers WHERE active = 1 AND ar_enabled = 1 AND allow_charge = 1 "
            "AND pin_hash IS NOT NULL AND limit_to_location_id IS NULL"
        )
    ]
    kinds = {r["grace_period_type"] for r in chargeable}
    assert kinds == {"none", "posted_date", "statement_date"}, kinds
    for row in chargeable:
        co = Checkout(demo, cashier)
        co.attach_customer(int(row["id"]))
        co.add_item(item)
        co.add_account(str(co.remaining()), pin="4321", reference="PO-1", approver=supervisor)
        co.commit()
        (entry,) = [
            e for e in demo.ledgers.receivable_entries(int(row["id"])) if e.reference == "PO-1"
        ]
        if row["grace_period_type"] == "statement_date":
            due = dt.date(2026, 3, 31) + dt.timedelta(days=int(row["grace_period_days"]))
            assert entry.due_date == due.isoformat()
