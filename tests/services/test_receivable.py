"""Subscriptions (the FusionRetail examples), service charges and payments, through the CLI."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner

from pos_tui.services.accounts.receivable import ReceivableError, ReceivableService
from pos_tui.services.customers.service import CustomerService
from pos_tui.services.runtime.backend import Backend
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
            assert [(e["amount"], e["reference"]) for e in entries] == [
                (expected[sales], "SUB CLUB 2026-11-01")
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
    assert (entries[-1]["entry_type"], entries[-1]["amount"]) == ("service_charge", "8.88")
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
