"""Migration 0007 on databases written by the v1 code: re-seal on the record, never silently."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from pos_tui.storage.db import connect, migrations
from pos_tui.storage.journal import JournalRepository
from pos_tui.storage.journal_reseal import MIGRATION
from pos_tui.storage.rows import all_rows
from tests.helpers import cli_runner_invoke
from tests.storage import journal_v1
from tests.storage.tampering import tamper


def _sale(lane: str, taxes: list[tuple[str, str]]) -> tuple[dict[str, Any], dict[str, Any]]:
    """A sale with one line per tax code, its taxes listed in the order given (the engine's)."""
    total = sum(100 + int(amount.split(".")[0]) for _, amount in taxes) or 100
    sale = {
        "lane_id": lane,
        "store_id": "S1",
        "kind": "sale",
        "committed_at": "2026-11-24T10:00:00",
        "subtotal": f"{100 * max(len(taxes), 1)}.00",
        "discount_total": "0.00",
        "tax_total": "0.00",
        "total": f"{total}.00",
    }
    lines = [
        {
            "line_no": n,
            "sku": f"SKU{n}",
            "description": f"Item {n}",
            "quantity": "1",
            "unit_price": "100.00",
            "price_source": "regular",
            "total": "100.00",
        }
        for n in range(1, max(len(taxes), 1) + 1)
    ]
    children = {
        "lines": lines,
        "taxes": [{"tax_code": c, "taxable": "100.00", "amount": a} for c, a in taxes],
        "tenders": [{"seq": 1, "kind": "cash", "amount": f"{total}.00"}],
    }
    return sale, children


ONE_TAX = [("GST5", "5.00")]
ENGINE_ORDER = [("GST5", "5.00"), ("GST12", "12.00"), ("CESS", "5.00")]  # by first use
SORTED = [("GST12", "12.00"), ("GST5", "5.00")]  # as read back: v1 sealed these right


def _old_database(path: Path) -> None:
    """A database as pos-tui before 0007 left it: schema up to 0006, sales sealed by v1.

    L1: broken only by the ordering bug at sale 2 (every sale after it follows). L2: no sale
    with two taxes out of order, intact as v1. L3: the bug at sale 2 and a real change at 3."""
    db = connect(path, migrate=False)
    migrations.apply(db, stop_before=MIGRATION)
    for taxes in (ONE_TAX, ENGINE_ORDER, ONE_TAX, SORTED, ENGINE_ORDER):
        journal_v1.append(db, *_sale("L1", taxes))
    for taxes in (ONE_TAX, SORTED, ONE_TAX):
        journal_v1.append(db, *_sale("L2", taxes))
    for taxes in (ONE_TAX, ENGINE_ORDER, ONE_TAX, ONE_TAX):
        journal_v1.append(db, *_sale("L3", taxes))
    db.conn.close()
    tamper(
        path,
        "UPDATE sale_lines SET total = '90.00' WHERE sale_id = "
        "(SELECT id FROM sales WHERE lane_id = 'L3' AND sale_number = 3)",
    )


def _contents(db: Any) -> list[Any]:
    tables = ["sale_lines", "sale_taxes", "sale_tenders", "sale_discounts"]
    sales = db.execute(
        "SELECT id, lane_id, sale_number, total, committed_at FROM sales ORDER BY id"
    ).fetchall()
    return [sales] + [db.execute(f"SELECT * FROM {t} ORDER BY 1, 2").fetchall() for t in tables]


@pytest.fixture
def old_db(tmp_path: Path) -> Path:
    path = tmp_path / "old.db"
    _old_database(path)
    return path


def test_old_chain_broken_by_the_ordering_bug_before_the_migration(old_db: Path) -> None:
    """What pos-tui before 0007 said of its own journal: contents changed, though none did."""
    conn = sqlite3.connect(old_db)
    conn.row_factory = sqlite3.Row
    sale = dict(
        conn.execute("SELECT * FROM sales WHERE lane_id = 'L1' AND sale_number = 2").fetchone()
    )
    kids = {
        "lines": "SELECT * FROM sale_lines WHERE sale_id = ? ORDER BY line_no",
        "discounts": "SELECT * FROM sale_discounts WHERE sale_id = ? ORDER BY id",
        "taxes": "SELECT * FROM sale_taxes WHERE sale_id = ? ORDER BY tax_code",
        "tenders": "SELECT * FROM sale_tenders WHERE sale_id = ? ORDER BY seq",
    }
    children = {k: [dict(r) for r in conn.execute(q, [sale["id"]])] for k, q in kids.items()}
    assert journal_v1.sale_hash(sale["prev_hash"], sale, children) != sale["hash"]


def test_migration_reseals_a_chain_broken_only_by_the_ordering_bug(old_db: Path) -> None:
    before = sqlite3.connect(old_db)
    old = {
        (r[0], r[1]): (r[2], r[3])
        for r in before.execute("SELECT lane_id, sale_number, prev_hash, hash FROM sales")
    }
    old_contents = _contents(before)
    before.close()

    db = connect(old_db)  # applies 0007
    journal = JournalRepository(db)
    assert _contents(db) == old_contents, "no sale's contents are rewritten"

    # L1: re-sealed from sale 2 (the first the bug broke) to its last, on the record.
    (record,) = all_rows(db.execute("SELECT * FROM journal_migrations"))
    assert (record["lane_id"], record["from_sale_number"], record["to_sale_number"]) == ("L1", 2, 5)
    assert (record["from_version"], record["to_version"], record["sales_resealed"]) == (1, 2, 4)
    assert record["migration"] == MIGRATION and "engine's order" in record["reason"]
    assert record["old_head_hash"] == old[("L1", 5)][1]
    assert record["new_head_hash"] == journal.last("L1").hash  # type: ignore[union-attr]
    assert record["migrated_at"]
    reseals = all_rows(db.execute("SELECT * FROM journal_reseals ORDER BY sale_number"))
    assert [r["sale_number"] for r in reseals] == [2, 3, 4, 5]
    assert [json.loads(r["v1_tax_order"] or "null") for r in reseals] == [
        ["GST5", "GST12", "CESS"],
        None,
        None,
        ["GST5", "GST12", "CESS"],
    ]
    for r in reseals:
        assert (r["old_prev_hash"], r["old_hash"]) == old[("L1", r["sale_number"])]
    rows = all_rows(
        db.execute("SELECT sale_number, hash, hash_version FROM sales WHERE lane_id = 'L1'")
    )
    assert [r["hash_version"] for r in rows] == [1, 2, 2, 2, 2]
    assert rows[0]["hash"] == old[("L1", 1)][1], "sale 1 keeps its v1 seal"
    assert all(r["hash"] != old[("L1", r["sale_number"])][1] for r in rows[1:])
    audit = all_rows(db.execute("SELECT * FROM audit_log WHERE entity = 'journal' ORDER BY id"))
    assert [(a["lane_id"], a["action"]) for a in audit] == [
        ("L1", "journal_reseal"),
        ("L3", "journal_reseal_refused"),
    ]
    assert json.loads(audit[0]["changes"])["from_sale_number"] == 2
    assert "sale 3: contents changed" in json.loads(audit[1]["changes"])["problem"]

    # Every lane checks as it should: L1 (re-sealed) and L2 (v1 throughout) intact, L3 not.
    assert journal.verify("L1") == (5, None)
    assert journal.verify("L2") == (3, None)
    assert journal.check("L2").versions == {1: 3}
    checked, broken = journal.verify("L3")
    assert checked == 2 and broken is not None and broken.sale_number == 3
    assert "contents changed after commit" in broken.reason

    # The guard against rewriting sales is in place after the re-seal.
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        db.execute("UPDATE sales SET total = '1.00' WHERE id = 1")

    # The lane goes on from its new head, sealed v2.
    new = journal.append(*_sale("L1", ENGINE_ORDER))
    assert new.sale_number == 6 and new.hash_version == 2
    assert journal.verify("L1") == (6, None)


def test_the_migration_leaves_intact_and_broken_lanes_untouched(old_db: Path) -> None:
    before = sqlite3.connect(old_db)
    old = before.execute(
        "SELECT id, prev_hash, hash FROM sales WHERE lane_id IN ('L2', 'L3') ORDER BY id"
    ).fetchall()
    before.close()
    db = connect(old_db)
    after = db.execute(
        "SELECT id, prev_hash, hash FROM sales WHERE lane_id IN ('L2', 'L3') ORDER BY id"
    ).fetchall()
    assert after == old
    versions = db.execute("SELECT DISTINCT hash_version FROM sales WHERE lane_id != 'L1'")
    assert versions.fetchall() == [(1,)]


def test_verify_says_what_was_resealed(old_db: Path) -> None:
    connect(old_db).conn.close()
    result = cli_runner_invoke(
        CliRunner(), ["--db", str(old_db), "journal", "verify", "--lane", "L1"]
    )
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "journal intact: 5 sales checked"
    assert lines[1] == "  sealed by version: v1: 1, v2: 4"
    assert lines[2].startswith("  lane L1 re-sealed from sale 2 to sale 5 on ")
    assert (
        f"by migration {MIGRATION}: the v1 seal listed the taxes in the engine's order" in lines[2]
    )
    assert lines[2].endswith(
        "the contents are unchanged; the original seals are kept and still hold"
    )
    whole = cli_runner_invoke(CliRunner(), ["--db", str(old_db), "journal", "verify"])
    assert whole.exit_code == 1
    assert "journal BROKEN at lane L3 sale 3: contents changed after commit" in whole.output


@pytest.mark.parametrize(
    ("statement", "says"),
    [
        # A re-sealed sale's contents changed: its new seal does not hold.
        (
            "UPDATE sale_taxes SET amount = '13.00' WHERE tax_code = 'GST12' AND sale_id = "
            "(SELECT id FROM sales WHERE lane_id = 'L1' AND sale_number = 2)",
            "contents changed after commit",
        ),
        # The record of the original seals edited: verify checks them too.
        (
            "UPDATE journal_reseals SET old_hash = 'ff' || substr(old_hash, 3) WHERE sale_number = 2",
            "original seal does not hold",
        ),
        (
            "UPDATE journal_reseals SET old_prev_hash = 'ff' || substr(old_prev_hash, 3) "
            "WHERE sale_number = 3",
            "does not continue the original chain",
        ),
        (
            'UPDATE journal_reseals SET v1_tax_order = \'["GST12", "GST5", "CESS"]\' '
            "WHERE sale_number = 2",
            "original seal does not hold",
        ),
        ("UPDATE journal_reseals SET new_hash = 'x' WHERE sale_number = 4", "re-seal record"),
    ],
)
def test_verify_checks_the_reseal_records(old_db: Path, statement: str, says: str) -> None:
    connect(old_db).conn.close()
    tamper(old_db, statement)
    checked, broken = JournalRepository(connect(old_db)).verify("L1")
    assert checked < 5 and broken is not None and says in broken.reason, broken


def test_a_lane_still_on_the_old_code_after_the_migration_verifies(old_db: Path) -> None:
    """Lanes sharing a file are upgraded one by one: an older pos-tui appends v1 seals (in the
    engine's order) after the migration ran; verify accepts them and says so."""
    connect(old_db).conn.close()
    db = connect(old_db)
    journal_v1.append(db, *_sale("L2", ENGINE_ORDER))
    journal = JournalRepository(db)
    check = journal.check("L2")
    assert check.broken is None and check.checked == 4
    assert check.engine_order == (("L2", 4),)
    result = cli_runner_invoke(
        CliRunner(), ["--db", str(old_db), "journal", "verify", "--lane", "L2"]
    )
    assert result.exit_code == 0
    assert "lane L2 sale 4: v1 seal taken in the engine's tax order" in result.output


def test_a_fresh_database_has_nothing_to_reseal(tmp_path: Path) -> None:
    db = connect(tmp_path / "new.db")
    assert db.execute("SELECT count(*) FROM journal_migrations").fetchone()[0] == 0
    journal = JournalRepository(db)
    journal.append(*_sale("L1", ENGINE_ORDER))
    check = journal.check()
    assert (check.checked, check.broken, check.versions, check.reseals) == (1, None, {2: 1}, ())
    result = cli_runner_invoke(CliRunner(), ["--db", str(tmp_path / "new.db"), "journal", "verify"])
    assert result.output == "journal intact: 1 sales checked\n"


def test_the_migration_and_its_records_are_one_transaction(
    old_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A failure half-way through re-sealing leaves the old database exactly as it was."""
    from pos_tui.storage import journal_reseal

    before = sqlite3.connect(old_db)
    old = before.execute("SELECT id, prev_hash, hash FROM sales ORDER BY id").fetchall()
    guards = before.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'").fetchall()
    before.close()
    real = journal_reseal.seal_v2
    calls = []

    def failing(*args: Any) -> str:
        calls.append(1)
        if len(calls) == 3:
            raise OSError("disk full")
        return real(*args)

    monkeypatch.setattr(journal_reseal, "seal_v2", failing)
    with pytest.raises(OSError, match="disk full"):
        connect(old_db)
    monkeypatch.setattr(journal_reseal, "seal_v2", real)
    conn = sqlite3.connect(old_db)
    assert conn.execute("SELECT id, prev_hash, hash FROM sales ORDER BY id").fetchall() == old
    names = [r[0] for r in conn.execute("SELECT name FROM _sqlite_migrations")]
    assert MIGRATION not in names
    assert (
        conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'").fetchall() == guards
    )
    conn.close()
    db = connect(old_db)  # the next start migrates it whole
    assert JournalRepository(db).verify("L1") == (5, None)
