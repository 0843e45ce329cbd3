"""Migration 0013 on a database written before it: print jobs change state in place (the
statements that refer to them keep their reference), nothing waiting is lost, and jobs the old
queue had tried or given up on print as late copies."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from pos_tui.storage.db import connect, migrations

MIGRATION = "0013_print_job_states"


def test_old_jobs_are_queued_again_and_late_when_tried(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    db = connect(path, migrate=False)
    migrations.apply(db, stop_before=MIGRATION)
    conn = db.conn
    jobs = [  # (status, attempts) as the old queue left them
        ("pending", 0),  # waiting for a printer
        ("pending", 2),  # the printer was off for two tries
        ("failed", 5),  # given up after five attempts: it never printed
        ("printed", 1),
    ]
    for status, attempts in jobs:
        conn.execute(
            "INSERT INTO print_jobs (lane_id, kind, document, status, attempts, created_at) "
            "VALUES ('L1', 'statement', '{}', ?, ?, '2026-11-01T09:00:00')",
            [status, attempts],
        )
    conn.execute(
        "INSERT INTO customers (account_number, first_name, card_number, created_at, updated_at) "
        "VALUES ('1000', 'C', 'CODE1', '', '')"
    )
    conn.execute(
        "INSERT INTO statement_runs (statement_date, run_at, via) VALUES ('2026-11-01', '', 'cli')"
    )
    conn.execute(
        "INSERT INTO statements (run_id, customer_id, statement_date, opening_balance, charges, "
        "credits, closing_balance, print_status, print_job_id, email_status) "
        "VALUES (1, 1, '2026-11-01', '0', '0', '0', '0', 'queued', 3, 'none')"
    )
    conn.close()

    db = connect(path)  # applies 0013
    rows = db.execute("SELECT status, late, attempts FROM print_jobs ORDER BY id").fetchall()
    assert [tuple(r) for r in rows] == [
        ("queued", 0, 0),
        ("queued", 1, 2),
        ("queued", 1, 5),
        ("printed", 0, 1),
    ]
    assert db.execute("SELECT print_job_id FROM statements").fetchone()[0] == 3
    assert db.execute("PRAGMA foreign_key_check").fetchall() == []
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    # The old states are gone for good: the check allows only the new ones.
    with pytest.raises(sqlite3.IntegrityError, match="CHECK"):
        db.execute("UPDATE print_jobs SET status = 'pending' WHERE id = 1")
    db.execute(
        "INSERT INTO print_jobs (lane_id, kind, document, created_at) "
        "VALUES ('L1', 'test', '{}', '2026-11-02T09:00:00')"
    )
    assert db.execute("SELECT status FROM print_jobs WHERE id = 5").fetchone()[0] == "queued"
