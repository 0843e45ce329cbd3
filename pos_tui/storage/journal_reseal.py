"""Migration 0007: re-seal the lanes whose v1 chain broke only because of the v1 ordering bug.

A v1 seal hashed a sale's taxes in the engine's order while verification read them sorted (see
:mod:`.journal_seal`), so a sale with two or more tax codes "changed after commit" though nothing
did, and so did every lane's chain after it. For each lane this migration walks the chain:

- a lane whose every v1 seal holds as its rows are read is left as it is (it verifies as v1);
- a lane where some v1 seals hold only in another order of the taxes (the bug) and every other
  check holds is re-sealed forward: from the first such sale to the lane's last, each sale gets
  a v2 seal chained from the one before; the original seals and links are kept in
  ``journal_reseals`` next to the new ones, and ``journal_migrations`` and the audit log say
  from which sale, when and why;
- a lane with any other break (a seal no order explains, a missing sale, a broken link) is not
  touched at all: re-sealing it would hide the break, which verify goes on reporting.

Only seals change: no sale's contents are ever rewritten. It runs inside the migration's write
transaction, so a lane is re-sealed with its records or not at all.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

import sqlite_utils

from pos_tui.storage.journal import JournalRepository
from pos_tui.storage.journal_seal import GENESIS, seal_v2, v1_tax_order
from pos_tui.storage.rows import Row, insert

MIGRATION = "0007_journal_hash_v2"
REASON = (
    "the v1 seal listed the taxes in the engine's order, not the stored (sorted) one; "
    "the contents are unchanged"
)
# The guard trigger of schema_v1.sql, put back after the seals are rewritten (also where
# someone had dropped it).
_NO_UPDATE = (
    "CREATE TRIGGER sales_no_update BEFORE UPDATE ON sales "
    "BEGIN SELECT RAISE(ABORT, 'the sales journal is append-only'); END"
)


@dataclass(frozen=True)
class _Step:
    sale: Row
    children: dict[str, list[Row]]
    tax_order: tuple[str, ...]  # () when the v1 seal holds as the rows are read


@dataclass(frozen=True)
class Outcome:
    lane_id: str
    resealed_from: int | None  # None: left as it was
    note: str


def reseal_v1_order(db: sqlite_utils.Database, *, at: str | None = None) -> list[Outcome]:
    """Re-seal every lane broken only by the v1 ordering bug; what was done per lane."""
    at = at or datetime.now().isoformat(timespec="seconds")
    journal = JournalRepository(db)
    outcomes = []
    for lane in journal.lanes():
        steps, problem = _walk(journal, lane)
        first = next((i for i, s in enumerate(steps) if s.tax_order), None)
        if problem is not None:
            outcomes.append(Outcome(lane, None, f"left as it was: {problem}"))
            _audit(db, at, lane, "journal_reseal_refused", {"problem": problem})
        elif first is None:
            outcomes.append(Outcome(lane, None, "every v1 seal holds"))
        else:
            _reseal(db, lane, steps, first, at)
            number = int(steps[first].sale["sale_number"])
            outcomes.append(Outcome(lane, number, f"re-sealed from sale {number}"))
    return outcomes


def _walk(journal: JournalRepository, lane: str) -> tuple[list[_Step], str | None]:
    """The lane's sales with the tax order of each v1 seal; or the first problem the ordering
    bug does not explain."""
    steps: list[_Step] = []
    prev = GENESIS
    for batch in journal.sales_in_batches(lane):
        kids = journal.child_rows_of([s["id"] for s in batch])
        for sale in batch:
            number = sale["sale_number"]
            if number != len(steps) + 1:
                return steps, f"sale {len(steps) + 1} is missing"
            if sale["prev_hash"] != prev or sale["hash_version"] != 1:
                return steps, f"sale {number} does not follow the previous sale"
            order = v1_tax_order(sale, kids[sale["id"]])
            if order is None:
                return steps, f"sale {number}: contents changed after commit"
            steps.append(_Step(sale, kids[sale["id"]], order))
            prev = sale["hash"]
    return steps, None


def _reseal(db: sqlite_utils.Database, lane: str, steps: list[_Step], first: int, at: str) -> None:
    conn = db.conn
    new_prev = steps[first - 1].sale["hash"] if first else GENESIS
    resealed = []
    for step in steps[first:]:
        new_hash = seal_v2(new_prev, step.sale, step.children)
        resealed.append((step, new_prev, new_hash))
        new_prev = new_hash
    migration_id = insert(
        conn,
        "journal_migrations",
        {
            "migration": MIGRATION,
            "lane_id": lane,
            "from_sale_number": steps[first].sale["sale_number"],
            "to_sale_number": steps[-1].sale["sale_number"],
            "from_version": 1,
            "to_version": 2,
            "old_head_hash": steps[-1].sale["hash"],
            "new_head_hash": new_prev,
            "sales_resealed": len(resealed),
            "reason": REASON,
            "migrated_at": at,
        },
    )
    conn.execute("DROP TRIGGER IF EXISTS sales_no_update")
    for step, prev_hash, new_hash in resealed:
        sale = step.sale
        insert(
            conn,
            "journal_reseals",
            {
                "migration_id": migration_id,
                "sale_id": sale["id"],
                "sale_number": sale["sale_number"],
                "old_version": 1,
                "old_prev_hash": sale["prev_hash"],
                "old_hash": sale["hash"],
                "v1_tax_order": json.dumps(list(step.tax_order)) if step.tax_order else None,
                "new_prev_hash": prev_hash,
                "new_hash": new_hash,
            },
        )
        conn.execute(
            "UPDATE sales SET prev_hash = ?, hash = ?, hash_version = 2 WHERE id = ?",
            [prev_hash, new_hash, sale["id"]],
        )
    conn.execute(_NO_UPDATE)
    _audit(
        db,
        at,
        lane,
        "journal_reseal",
        {
            "migration": MIGRATION,
            "from_sale_number": steps[first].sale["sale_number"],
            "to_sale_number": steps[-1].sale["sale_number"],
            "old_head_hash": steps[-1].sale["hash"],
            "new_head_hash": new_prev,
        },
    )


def _audit(
    db: sqlite_utils.Database, at: str, lane: str, action: str, changes: dict[str, object]
) -> None:
    insert(
        db.conn,
        "audit_log",
        {
            "at": at,
            "lane_id": lane,
            "entity": "journal",
            "entity_id": None,
            "action": action,
            "changes": json.dumps(changes, ensure_ascii=False, sort_keys=True),
        },
    )
