"""Open a pos-tui database: WAL, foreign keys, a busy timeout, migrations applied.

One SQLite file serves one lane or a whole store: every lane process opens it with WAL so
readers never block the writer, and writes take ``BEGIN IMMEDIATE`` so two lanes queue on the
busy timeout instead of failing half-way through a sale.
"""

from __future__ import annotations

import re
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from pos_tui.phones import DEFAULT_REGION as DEFAULT_PHONE_REGION
from pos_tui.storage import name_keys
from pos_tui.storage.errors import ConstraintRefused, constraint_refused, fault_of
from pos_tui.text import fold_email

if TYPE_CHECKING:
    import sqlite_utils
    from sqlite_utils.migrations import Migrations

F = TypeVar("F", bound=Callable[..., Any])


class MigrationSet:
    """sqlite-utils' ``Migrations``, whose migrations are named here as this module is read
    and handed to it only when one may have to run. Opening a store whose schema is up to
    date (every lane start, every command) asks SQLite for the names applied and loads no
    sqlite-utils (~25 ms and ~4 MB of the lane's start, python-dateutil and pluggy with it)."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._named: list[tuple[str, Callable[..., Any], bool]] = []
        self._real: Migrations | None = None

    def __call__(self, *, name: str, transactional: bool = True) -> Callable[[F], F]:
        def register(fn: F) -> F:
            self._named.append((name, fn, transactional))
            return fn

        return register

    def names(self) -> list[str]:
        return [name for name, _fn, _transactional in self._named]

    @property
    def real(self) -> Migrations:
        if self._real is None:
            from sqlite_utils.migrations import Migrations

            real = Migrations(self.name)
            for name, fn, transactional in self._named:
                real(name=name, transactional=transactional)(fn)
            self._real = real
        return self._real

    def apply(self, db: sqlite_utils.Database, **kwargs: Any) -> Any:
        return self.real.apply(db, **kwargs)

    def pending(self, db: sqlite_utils.Database) -> list[Any]:
        return self.real.pending(db)

    def applied(self, db: sqlite_utils.Database) -> list[Any]:
        return self.real.applied(db)

    def up_to_date(self, conn: sqlite3.Connection) -> bool:
        """Every migration of the set is recorded as applied (a read: no lock, no writes)."""
        try:
            rows = conn.execute(
                "SELECT name FROM _sqlite_migrations WHERE migration_set = ?", [self.name]
            ).fetchall()
        except sqlite3.OperationalError:  # a new file: no table of migrations yet
            return False
        done = {row[0] for row in rows}
        return all(name in done for name in self.names())


migrations = MigrationSet("pos_tui")


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


@migrations(name="0005_customer_visits")
def _m0005_customer_visits(db: sqlite_utils.Database) -> None:
    _run_script(db, "schema_v5_visits.sql")


@migrations(name="0006_customer_name_keys")
def _m0006_customer_name_keys(db: sqlite_utils.Database) -> None:
    # Name search as you type walks this index in name order (storage/name_keys.py).
    _run_script(db, "schema_v6_name_keys.sql")


@migrations(name="0007_journal_hash_v2")
def _m0007_journal_hash_v2(db: sqlite_utils.Database) -> None:
    # Seals by version, and the lanes broken only by the v1 ordering bug re-sealed on the record
    # (storage/journal_reseal.py). Imported here: the journal module imports this one.
    from pos_tui.storage.journal_reseal import reseal_v1_order

    _run_script(db, "schema_v7_journal.sql")
    reseal_v1_order(db)


@migrations(name="0008_email_folded")
def _m0008_email_folded(db: sqlite_utils.Database) -> None:
    # E-mails are stored folded (pos_tui.text.fold_email: NFKC, case folded) so that addresses
    # differing only in case are one address. Fold the ones stored before. Where two customers
    # already hold one folded address, both are left as typed for a person to merge: the
    # duplicate check still sees them (lower(email)), and no row is changed behind their back.
    by_key: dict[str, list[tuple[int, str]]] = {}
    for row_id, email in db.conn.execute(
        "SELECT id, email FROM customers WHERE email IS NOT NULL ORDER BY id"
    ):
        by_key.setdefault(fold_email(str(email)), []).append((int(row_id), str(email)))
    for key, holders in by_key.items():
        if len(holders) == 1 and holders[0][1] != key:
            db.conn.execute("UPDATE customers SET email = ? WHERE id = ?", [key, holders[0][0]])


@migrations(name="0009_customer_accounts")
def _m0009_customer_accounts(db: sqlite_utils.Database) -> None:
    # Statement runs, orders, erasure; the journal takes order and withdrawal records and a
    # deposit tender (checks widened in place: every stored row stays valid, nothing is copied).
    _run_script(db, "schema_v9_accounts.sql")
    widen_check(
        db,
        "sales",
        "kind IN ('sale', 'return')",
        "kind IN ('sale', 'return', 'order_payment', 'order_cancel', 'withdrawal')",
    )
    widen_check(
        db,
        "sale_tenders",
        "kind IN ('cash', 'card', 'account', 'points')",
        "kind IN ('cash', 'card', 'account', 'points', 'deposit')",
    )


def widen_check(db: sqlite_utils.Database, table: str, old: str, new: str) -> None:
    """Replace a CHECK of ``table`` by one that allows more (SQLite's documented way to drop or
    loosen a constraint in place, inside the caller's transaction). The rows already stored met
    the old check, so they meet the new one; nothing is rebuilt or copied."""
    conn = db.conn
    (sql,) = conn.execute(
        "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", [table]
    ).fetchone()
    if new in sql:
        return
    if sql.count(old) != 1:
        raise RuntimeError(f"{table}: the check {old!r} is not in its schema")
    version = int(conn.execute("PRAGMA schema_version").fetchone()[0])
    conn.execute("PRAGMA writable_schema = ON")
    try:
        conn.execute(
            "UPDATE sqlite_master SET sql = ? WHERE type = 'table' AND name = ?",
            [sql.replace(old, new), table],
        )
        conn.execute(f"PRAGMA schema_version = {version + 1}")
    finally:
        conn.execute("PRAGMA writable_schema = OFF")


@migrations(name="0010_receivable_approver")
def _m0010_receivable_approver(db: sqlite_utils.Database) -> None:
    # An account tender a supervisor approved records them beside the cashier (employee_id).
    _run_script(db, "schema_v10_receivable_approver.sql")


@migrations(name="0011_pin_lockouts")
def _m0011_pin_lockouts(db: sqlite_utils.Database) -> None:
    # Wrong PINs in a row per employee, customer account and lane (storage/lockouts.py).
    _run_script(db, "schema_v11_pin_lockouts.sql")


@migrations(name="0012_sync_outbox")
def _m0012_sync_outbox(db: sqlite_utils.Database) -> None:
    # Head office sync (docs/sync.md): the outbox, filled by triggers in the transaction of
    # every change that must travel, with what the database already held queued first.
    from pos_tui.storage import sync_outbox

    _run_script(db, "schema_sync.sql")
    sync_outbox.backfill(db)
    sync_outbox.install_triggers(db)


@migrations(name="0013_print_job_states")
def _m0013_print_job_states(db: sqlite_utils.Database) -> None:
    # Print jobs queued -> printing -> printed, late copies, and the drawer's openings. The
    # check first allows both sets of states; the script moves every row to the new ones; then
    # the old 'pending' goes (no row holds it any more, so every stored row meets the check).
    old_states = "DEFAULT 'pending' CHECK (status IN ('pending', 'printed', 'failed'))"
    both = (
        "DEFAULT 'queued' CHECK (status IN "
        "('pending', 'queued', 'printing', 'printed', 'failed', 'cancelled'))"
    )
    widen_check(db, "print_jobs", old_states, both)
    _run_script(db, "schema_print_states.sql")
    widen_check(db, "print_jobs", "('pending', 'queued',", "('queued',")


@migrations(name="0014_shifts")
def _m0014_shifts(db: sqlite_utils.Database) -> None:
    # Shifts, and the journal records of the till: paid in, paid out, cash drops, payments on
    # account, drawer events (no sale) and the sealed Z report; print jobs of reports. The
    # journal's kinds are widened on top of what 0009 (accounts) made them.
    _run_script(db, "schema_v14_shifts.sql")
    widen_in_list(db, "sales", "kind", SHIFT_RECORD_KINDS)
    widen_in_list(db, "print_jobs", "kind", ("report",))


# The journal record kinds of the till (pos_tui/services/shifts): cash moved without a sale,
# payments on account, a drawer opened, and the Z report that closes a shift.
SHIFT_RECORD_KINDS = (
    "paid_in",
    "paid_out",
    "cash_drop",
    "account_payment",
    "drawer_open",
    "z_report",
)


def widen_in_list(
    db: sqlite_utils.Database, table: str, column: str, extra: tuple[str, ...]
) -> None:
    """Add values to the ``column IN (...)`` CHECK of ``table``, whatever it lists now (other
    migrations widen the same list), in place and inside the caller's transaction, as
    :func:`widen_check` does for a check given in full."""
    conn = db.conn
    (sql,) = conn.execute(
        "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", [table]
    ).fetchone()
    pattern = re.compile(rf"\b{column} IN \(([^)]*)\)")
    found = pattern.findall(sql)
    if len(found) != 1:
        raise RuntimeError(f"{table}: no single CHECK ({column} IN (...)) in its schema")
    values = [v.strip().strip("'") for v in found[0].split(",")]
    missing = [v for v in extra if v not in values]
    if missing:
        listed = ", ".join(f"'{v}'" for v in [*values, *missing])
        widen_check(db, table, f"{column} IN ({found[0]})", f"{column} IN ({listed})")


@migrations(name="0015_phone_e164")
def _m0015_phone_e164(db: sqlite_utils.Database) -> None:
    # Mobiles in E.164, read in the store's region; the unreadable and the shared ones kept as
    # typed and reported (storage/phone_migration.py).
    from pos_tui.storage.phone_migration import migrate_mobiles

    migrate_mobiles(db.conn, getattr(db.conn, "phone_region", DEFAULT_PHONE_REGION))


@migrations(name="0016_name_keys_folded")
def _m0016_name_keys_folded(db: sqlite_utils.Database) -> None:
    # Name keys fold width, full case and stroked letters now (name_keys.fold): the keys of the
    # names that are not ASCII are written afresh; ASCII ones read the same.
    name_keys.refold_non_ascii(db.conn)


@migrations(name="0017_items_sku_nocase")
def _m0017_items_sku_nocase(db: sqlite_utils.Database) -> None:
    # SKUs are matched as printed, whatever the case ([lane] sku_case, storage/catalog.py).
    db.conn.execute("CREATE INDEX IF NOT EXISTS items_sku_nocase ON items(sku COLLATE NOCASE)")


class _Connection(sqlite3.Connection):
    """A connection that knows its busy timeout, so ``write`` can wait for the lock itself."""

    busy_timeout_ms = 0
    # The region migration 0015 reads stored mobiles in (``[store] phone_region``).
    phone_region = DEFAULT_PHONE_REGION
    # Inside ``write(db, whole=True)``: writes nested in it join without savepoints.
    whole = False
    # The file, so a fault names it and a full disk is told from an I/O error.
    path: str | None = None


# How long ``write`` sleeps between tries for a write lock another lane holds: from a tenth of a
# millisecond, doubling, to at most 0.5 ms (a lane's write holds the lock for ~0.3 ms).
_FIRST_PAUSE_S = 0.0001
_LONGEST_PAUSE_S = 0.0005


def _configure(conn: sqlite3.Connection, busy_timeout_ms: int) -> None:
    conn.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
    if isinstance(conn, _Connection):
        conn.busy_timeout_ms = int(busy_timeout_ms)
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA journal_mode = WAL")
    # NORMAL is durable across application crashes in WAL mode; FULL also survives power loss,
    # which a till drawer of cash deserves.
    conn.execute("PRAGMA synchronous = FULL")
    # The customers triggers of migration 0006 call it.
    name_keys.register(conn)


def connect(
    path: Path | str,
    *,
    busy_timeout_ms: int = 5000,
    migrate: bool = True,
    phone_region: str = DEFAULT_PHONE_REGION,
) -> sqlite_utils.Database:
    """Open (creating if needed) the database at ``path`` and bring its schema up to date
    (stored mobiles read in ``phone_region`` when migration 0015 runs)."""
    return wrap(
        open_connection(
            path, busy_timeout_ms=busy_timeout_ms, migrate=migrate, phone_region=phone_region
        )
    )


class LazyDatabase:
    """sqlite-utils' ``Database`` of a connection as a repository sees it, made (``make``)
    only when first needed: a read (``execute``) and the connection itself need none, so a
    lookup from the shell (``pos-tui customers find``) never loads sqlite-utils. Anything
    else (tables, inserts, updates) goes to the real one."""

    def __init__(self, conn: sqlite3.Connection, make: Callable[[], sqlite_utils.Database]):
        self.conn = conn
        self._make = make

    def execute(self, sql: str, parameters: Any = None) -> sqlite3.Cursor:
        # What sqlite-utils' own execute does when no tracer is set (the lane sets none).
        if parameters is None:
            return self.conn.execute(sql)
        return self.conn.execute(sql, parameters)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._make(), name)

    def __getitem__(self, name: str) -> Any:
        return self._make()[name]


def wrap(conn: sqlite3.Connection) -> sqlite_utils.Database:
    """sqlite-utils' ``Database`` over a connection :func:`open_connection` made."""
    import sqlite_utils

    # No sqlite-utils plugins: the till's connection does not change with what else is
    # installed, and the lane does not scan every package's entry points (~12 ms).
    return sqlite_utils.Database(conn, execute_plugins=False)


def open_connection(
    path: Path | str,
    *,
    busy_timeout_ms: int = 5000,
    migrate: bool = True,
    phone_region: str = DEFAULT_PHONE_REGION,
) -> sqlite3.Connection:
    """:func:`connect`'s connection, before sqlite-utils wraps it: what the lane opens at its
    start (``Backend`` wraps it on first use)."""
    if str(path) != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    # A full disk, a read-only file or a lock at the start is a StorageFault naming the file
    # (the CLI says it and exits 2), never SQLite's bare "disk I/O error".
    with translated(str(path)):
        # isolation_level=None: we issue BEGIN ourselves (see ``write``), so nothing commits
        # by surprise.
        conn = sqlite3.connect(
            str(path), isolation_level=None, check_same_thread=False, factory=_Connection
        )
        conn.path = str(path)
        conn.phone_region = phone_region
        try:
            _configure(conn, busy_timeout_ms)
            if migrate and not migrations.up_to_date(conn):
                # Under BEGIN IMMEDIATE, so two lanes starting on a new file migrate it once.
                db = wrap(conn)
                with write(db):
                    migrations.apply(db)
        except BaseException:
            conn.close()
            raise
    return conn


def snapshot(db: sqlite_utils.Database, path: Path | str) -> sqlite_utils.Database:
    """A copy of ``db`` as it stands, written to ``path`` (a new file): read in one read
    transaction, so the lanes go on writing meanwhile and nobody waits for the copy. For work
    that must not change the store nor lock it, such as an import's dry run."""
    with translated(str(path)):
        conn = sqlite3.connect(
            str(path), isolation_level=None, check_same_thread=False, factory=_Connection
        )
        conn.path = str(path)
        try:
            db.conn.backup(conn)
            _configure(conn, 0)
            # A scratch copy: losing it in a crash loses nothing.
            conn.execute("PRAGMA synchronous = OFF")
        except BaseException:
            conn.close()
            raise
    return wrap(conn)


@contextmanager
def translated(path: str | None) -> Iterator[None]:
    """SQLite's faults (locked, full, read-only, I/O) raised as :class:`StorageFault`, and a
    constraint broken inside a write as the domain's :class:`ConstraintRefused` (one already
    translated by a nested write passes as it is)."""
    try:
        yield
    except ConstraintRefused:
        raise
    except sqlite3.IntegrityError as exc:
        raise constraint_refused(exc) from exc
    except sqlite3.OperationalError as exc:
        fault = fault_of(exc, path=path)
        if fault is None or fault is exc:
            raise
        raise fault from exc


@contextmanager
def write(db: sqlite_utils.Database, *, whole: bool = False) -> Iterator[sqlite_utils.Database]:
    """A write transaction that takes the lock up front, so a sale is all-or-nothing. A
    constraint the schema holds, broken inside it, is raised as ``ConstraintRefused``.

    ``whole=True``: the caller lets any error end the whole transaction (a sale's commit), so
    the writes nested in it need no savepoints of their own (two statements each saved).
    """
    conn = db.conn
    if conn.in_transaction and getattr(conn, "whole", False):
        yield db
        return
    with translated(getattr(conn, "path", None)):
        yield from _write(conn, db, whole)


def _write(
    conn: sqlite3.Connection, db: sqlite_utils.Database, whole: bool
) -> Iterator[sqlite_utils.Database]:
    if conn.in_transaction:
        # Nested use joins the outer transaction through a savepoint. One name serves every
        # level (SQLite releases or rolls back the innermost savepoint of a name), so the
        # statements are prepared once, not per call as with a random name.
        conn.execute("SAVEPOINT pos_write")
        try:
            yield db
        except BaseException:
            # An error that ended the whole transaction (a RAISE(ROLLBACK) trigger) took the
            # savepoint with it: then there is nothing left to undo.
            if conn.in_transaction:
                conn.execute("ROLLBACK TO SAVEPOINT pos_write")
                conn.execute("RELEASE SAVEPOINT pos_write")
            raise
        conn.execute("RELEASE SAVEPOINT pos_write")
        return
    _begin_immediate(conn)
    flat = conn if whole and isinstance(conn, _Connection) else None
    if flat is not None:
        flat.whole = True
    try:
        yield db
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    finally:
        if flat is not None:
            flat.whole = False
    try:
        conn.execute("COMMIT")
    except BaseException:
        # A COMMIT that failed (disk full, busy) may leave the transaction open: the next
        # write would join it as a savepoint and never commit, holding every lane's lock.
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise


def change_mark(db: sqlite_utils.Database) -> tuple[int, int]:
    """Where the database stands for this connection: commits by other connections (``PRAGMA
    data_version``, in any process) and rows this connection changed (``total_changes``). Two
    equal marks: nothing in the file changed between them."""
    conn = db.conn
    return int(conn.execute("PRAGMA data_version").fetchone()[0]), conn.total_changes


def _begin_immediate(conn: sqlite3.Connection) -> None:
    """``BEGIN IMMEDIATE``; while another lane holds the write lock, ask again every fraction
    of a millisecond until the busy timeout.

    SQLite's own busy handler sleeps 1, 2, 5, 10, 15 ms... between tries: a lane queued behind
    writes of 0.3 ms waited 8 ms or more whenever it missed the lock twice (the 4-lane p99).
    The handler is switched off for the tries (``busy_timeout = 0``) and back on after, so
    every other statement keeps the configured timeout.
    """
    timeout_ms = getattr(conn, "busy_timeout_ms", 0)
    if not timeout_ms:
        conn.execute("BEGIN IMMEDIATE")
        return
    conn.execute("PRAGMA busy_timeout = 0")
    try:
        deadline = time.monotonic() + timeout_ms / 1000
        pause = _FIRST_PAUSE_S
        while True:
            try:
                conn.execute("BEGIN IMMEDIATE")
                return
            except sqlite3.OperationalError as exc:
                busy = exc.sqlite_errorcode & 0xFF == sqlite3.SQLITE_BUSY
                if not busy or time.monotonic() >= deadline:
                    raise
            time.sleep(pause)
            pause = min(pause * 2, _LONGEST_PAUSE_S)
    finally:
        conn.execute(f"PRAGMA busy_timeout = {timeout_ms}")
