"""Bulk loading of prepared, already-valid rows: demo data and other large loads.

The per-row customer service (validation, audit entry, one transaction per customer) is right for
people typing at a lane and too slow for 100,000 generated rows. Here rows arrive checked and
unique by construction; they are written in batches inside the caller's ``write()``
transaction, so a failed load leaves nothing behind.

Every row of one table must carry the same keys, all of them: sqlite-utils names the columns of
a batch from its rows, and a missing key would store NULL instead of the column's default.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from itertools import islice

import sqlite_utils

from pos_tui.storage.rows import Row

DEFAULT_BATCH = 2000


def insert_rows(
    db: sqlite_utils.Database,
    table: str,
    rows: Iterable[Row],
    *,
    batch_size: int = DEFAULT_BATCH,
    on_batch: Callable[[int], None] | None = None,
) -> int:
    """Insert ``rows`` into ``table`` in batches; returns how many were written.

    Must run inside a transaction (``with write(db):``) so the load is all-or-nothing and costs
    one commit. ``on_batch`` is told how many rows each batch held, for a progress bar.
    """
    if not db.conn.in_transaction:
        raise RuntimeError("insert_rows runs inside a write() transaction")
    target = db.table(table)
    columns: tuple[str, ...] | None = None
    written = 0
    iterator = iter(rows)
    while True:
        batch = list(islice(iterator, batch_size))
        if not batch:
            break
        if columns is None:
            columns = tuple(batch[0])
        for row in batch:
            if tuple(row) != columns:
                raise ValueError(
                    f"{table}: every bulk row needs the keys {columns}, got {tuple(row)}"
                )
        target.insert_all(batch, batch_size=batch_size)
        written += len(batch)
        if on_batch is not None:
            on_batch(len(batch))
    return written


def _fts_insert_triggers(db: sqlite_utils.Database, table: str) -> list[tuple[str, str]]:
    """(name, sql) of the AFTER INSERT triggers that copy ``table`` rows into ``<table>_fts``."""
    cur = db.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = ? "
        "AND sql LIKE '%AFTER INSERT%' AND sql LIKE ?",
        [table, f"%{table}_fts%"],
    )
    return [(str(name), str(sql)) for name, sql in cur.fetchall()]


@contextmanager
def fts_rebuilt_after(db: sqlite_utils.Database, table: str) -> Iterator[None]:
    """Suspend the per-row FTS insert trigger of ``table``, then rebuild the index once.

    The FTS table is an external-content FTS5 index (sqlite-utils ``enable_fts`` with triggers),
    so ``rebuild`` re-reads every row of ``table``: rows inserted before and during the load are
    all indexed afterwards. The trigger is put back exactly as it was. Runs inside the caller's
    transaction, so a failure rolls the dropped trigger back too.
    """
    if not db.conn.in_transaction:
        raise RuntimeError("fts_rebuilt_after runs inside a write() transaction")
    fts = f"{table}_fts"
    if not db.table(fts).exists():
        yield
        return
    triggers = _fts_insert_triggers(db, table)
    for name, _sql in triggers:
        db.execute(f'DROP TRIGGER "{name}"')
    try:
        yield
    finally:
        for _name, sql in triggers:
            db.execute(sql)
    db.execute(f'INSERT INTO "{fts}"("{fts}") VALUES (\'rebuild\')')


def max_id(db: sqlite_utils.Database, table: str) -> int:
    row = db.execute(f'SELECT coalesce(max(id), 0) FROM "{table}"').fetchone()
    return int(row[0])


def _literal(text: str | None) -> object:
    """A column's declared DEFAULT as a Python value (strings, integers, NULL)."""
    if text is None or text.upper() == "NULL":
        return None
    if len(text) >= 2 and text[0] == text[-1] == "'":
        return text[1:-1].replace("''", "'")
    try:
        return int(text)
    except ValueError:
        return text


def column_defaults(db: sqlite_utils.Database, table: str) -> Row:
    """Every column of ``table`` mapped to its declared default (None when it has none).

    Bulk rows start from this so a column the loader does not know about (added by a later
    migration) still gets its default rather than NULL.
    """
    cur = db.execute(f'PRAGMA table_info("{table}")')
    return {str(name): _literal(default) for _cid, name, _type, _nn, default, _pk in cur.fetchall()}
