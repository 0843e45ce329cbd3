"""Opening receivable balances in the customer CSV: posted as one ledger entry with its date and
reference (as opening points are), refused with a reason, carried back out by the export."""

from __future__ import annotations

import csv
from decimal import Decimal
from pathlib import Path

from pos_tui.services.customers.csv_io import CustomerImporter
from tests.services.test_customer_csv import invoke, store, write_csv

HEADER = [
    "first_name",
    "mobile",
    "ar_enabled",
    "grace_period_type",
    "grace_period_days",
    "opening_balance",
    "opening_balance_date",
    "opening_balance_reference",
]


def test_opening_balances_import_post_and_export(tmp_path: Path) -> None:
    backend = store(tmp_path / "shop.db")
    path = write_csv(
        tmp_path / "in.csv",
        HEADER,
        [
            [
                "Owes",
                "+919800000001",
                "yes",
                "posted_date",
                "30",
                "1,250.50",
                "2026-02-28",
                "OLD-77",
            ],
            ["Credit", "+919800000002", "yes", "", "", "-40.00", "", ""],
            ["Plain", "+919800000003", "no", "", "", "", "", ""],
            ["NoAcct", "+919800000004", "no", "", "", "10.00", "2026-03-01", ""],
            ["Cents", "+919800000005", "yes", "", "", "1.005", "", ""],
            ["Future", "+919800000006", "yes", "", "", "5.00", "2026-04-01", ""],
            ["Lonely", "+919800000007", "yes", "", "", "", "2026-03-01", "X"],
            ["BadDate", "+919800000008", "yes", "", "", "5.00", "01/03/2026", ""],
        ],
    )
    report = CustomerImporter(backend).run(path)
    out = "\n".join(str(r) for r in report.rejected)
    assert report.imported == 3 and len(report.rejected) == 5, out
    assert "row 5: An opening balance needs a receivable account (ar_enabled yes)" in out
    assert "row 6: Opening balance must be an amount with at most 2 decimals, not '1.005'" in out
    assert "row 7: Opening balance date 2026-04-01 is in the future" in out
    assert "row 8: An opening balance date or reference needs an opening balance" in out
    assert "row 9: Opening balance date must be YYYY-MM-DD, not '01/03/2026'" in out

    owes = backend.customers.by_mobile("+919800000001")
    assert owes is not None
    (entry,) = backend.ledgers.receivable_entries(owes.id)
    assert (entry.entry_type, entry.amount, entry.posted_at) == (
        "opening",
        Decimal("1250.50"),
        "2026-02-28T00:00:00",
    )
    assert entry.reference == "OLD-77" and entry.due_date == "2026-03-30"
    credit = backend.customers.by_mobile("+919800000002")
    assert credit is not None
    (entry,) = backend.ledgers.receivable_entries(credit.id)
    assert entry.amount == Decimal("-40.00") and entry.posted_at == "2026-03-14T00:00:00"
    assert entry.reference is None and entry.due_date is None
    assert backend.customers.receivable_balance(credit.id) == Decimal("-40.00")
    plain = backend.customers.by_mobile("+919800000003")
    assert plain is not None and backend.ledgers.receivable_entries(plain.id) == []

    exported = tmp_path / "out.csv"
    result = invoke(["--db", str(tmp_path / "shop.db"), "customers", "export", str(exported)])
    assert result.exit_code == 0, result.output
    rows = {r["mobile"]: r for r in csv.DictReader(exported.open(encoding="utf-8"))}
    assert (
        rows["+919800000001"]["opening_balance"],
        rows["+919800000001"]["opening_balance_date"],
        rows["+919800000001"]["opening_balance_reference"],
    ) == ("1250.50", "2026-02-28", "OLD-77")
    assert rows["+919800000002"]["receivable_balance"] == "-40.00"
    assert rows["+919800000003"]["opening_balance"] == ""

    # The export read into another store brings the same opening balances.
    target = store(tmp_path / "target.db")
    report = CustomerImporter(target).run(exported)
    assert report.rejected == [] and report.imported == 3
    again = target.customers.by_mobile("+919800000001")
    assert again is not None
    (entry,) = target.ledgers.receivable_entries(again.id)
    assert (entry.amount, entry.posted_at[:10], entry.reference) == (
        Decimal("1250.50"),
        "2026-02-28",
        "OLD-77",
    )
