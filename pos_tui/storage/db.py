"""Open a pos-tui database: WAL, foreign keys, a busy timeout, migrations applied.

One SQLite file serves one lane or a whole store: every lane process opens it with WAL so
readers never block the writer, and writes take ``BEGIN IMMEDIATE`` so two lanes queue on the
busy timeout instead of failing half-way through a sale.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from importlib import resources
from pathlib import Path

import sqlite_utils
from sqlite_utils.migrations import Migrations

migrations = Migrations("pos_tui")


def _script(name: str) -> str:
    return resources.files("pos_tui.storage").joinpath(name).read_text(encoding="utf-8")


def _run_script(db: sqlite_utils.Database, name: str) -> None:
    # executescript() would COMMIT behind our back; run statement by statement instead so a
    # migration stays inside its transaction.
    statement = ""
    for line in _script(name).splitlines(keepends=True):
        statement += line
        if sqlite3.complete_statement(statement):
            db.conn.execute(statement)
            statement = ""
    if statement.strip() and not all(
        ln.strip().startswith("--") or not ln.strip() for ln in statement.splitlines()
    ):
        raise RuntimeError(f"{name}: incomplete SQL statement at the end")


@migrations(name="0001_schema")
def _m0001_schema(db: sqlite_utils.Database) -> None:
    _run_script(db, "schema_v1.sql")


@migrations(name="0002_customer_search")
def _m0002_customer_search(db: sqlite_utils.Database) -> None:
    # FTS5 over names for prefix search as you type; triggers keep it in step with customers.
    db["customers"].enable_fts(  # type: ignore[union-attr]
        ["first_name", "last_name", "company_name"],
        fts_version="FTS5",
        create_triggers=True,
        tokenize="unicode61 remove_diacritics 2",
    )


@migrations(name="0003_lane_state")
def _m0003_lane_state(db: sqlite_utils.Database) -> None:
    _run_script(db, "schema_v3_lane.sql")


@migrations(name="0004_customer_list_indexes")
def _m0004_customer_list_indexes(db: sqlite_utils.Database) -> None:
    _run_script(db, "schema_v4_lists.sql")


def _configure(conn: sqlite3.Connection, busy_timeout_ms: int) -> None:
    conn.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA journal_mode = WAL")
    # NORMAL is durable across application crashes in WAL mode; FULL also survives power loss,
    # which a till drawer of cash deserves.
    conn.execute("PRAGMA synchronous = FULL")


def connect(
    path: Path | str, *, busy_timeout_ms: int = 5000, migrate: bool = True
) -> sqlite_utils.Database:
    """Open (creating if needed) the database at ``path`` and bring its schema up to date."""
    if str(path) != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    # isolation_level=None: we issue BEGIN ourselves (see ``write``), so nothing commits by surprise.
    conn = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False)
    _configure(conn, busy_timeout_ms)
    db = sqlite_utils.Database(conn)
    if migrate:
        # Under BEGIN IMMEDIATE, so two lanes starting on a new file migrate it once.
        with write(db):
            migrations.apply(db)
    return db


@contextmanager
def write(db: sqlite_utils.Database) -> Iterator[sqlite_utils.Database]:
    """A write transaction that takes the lock up front, so a sale is all-or-nothing."""
    conn = db.conn
    if conn.in_transaction:
        # Nested use joins the outer transaction through a savepoint.
        with db.atomic():
            yield db
        return
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield db
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")
