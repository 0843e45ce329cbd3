"""One open database with its repositories, the lane's settings and its clock."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable
from datetime import datetime
from functools import cached_property
from typing import TYPE_CHECKING, cast

from pos_tui.config import Settings

if TYPE_CHECKING:
    import sqlite_utils

    from pos_tui.storage.catalog import CatalogRepository
    from pos_tui.storage.customers import CustomerRepository
    from pos_tui.storage.drawer import DrawerRepository
    from pos_tui.storage.journal import JournalRepository
    from pos_tui.storage.lane_state import OpenSaleRepository, PrintQueueRepository
    from pos_tui.storage.ledgers import LedgerRepository
    from pos_tui.storage.returns import ReturnsRepository
    from pos_tui.storage.shifts import ShiftRepository
    from pos_tui.storage.store import StoreRepository


def system_now() -> datetime:
    return datetime.now().replace(microsecond=0)


class Backend:
    """The database (``db``, sqlite-utils' ``Database``), the settings and the clock.

    Made on first use, so the lane's sign-in screen shows without them: ``db`` over the
    connection :func:`open_backend` opened (sqlite-utils is loaded by the first query, not by
    the start), and each repository (the sign-in needs none but the catalog's employees; the
    others' modules bring the engine models). A repository is made once: ``cached_property``
    keeps it on the instance (none holds state a second copy made in a race could lose but
    the customers' cached ledger sums, which it rebuilds)."""

    def __init__(
        self,
        *,
        settings: Settings,
        db: sqlite_utils.Database | None = None,
        conn: sqlite3.Connection | None = None,
        now: Callable[[], datetime] = system_now,
    ) -> None:
        if (db is None) == (conn is None):
            raise TypeError("Backend takes a db or a conn")
        self.settings = settings
        self.now = now
        self._db = db
        self._conn = db.conn if db is not None else conn
        self._wrapping = threading.Lock()

    @property
    def conn(self) -> sqlite3.Connection:
        assert self._conn is not None
        return self._conn

    @property
    def db(self) -> sqlite_utils.Database:
        if self._db is None:
            from pos_tui.storage.db import wrap

            with self._wrapping:  # the UI and the database thread may ask at once
                if self._db is None:
                    self._db = wrap(self.conn)
        return self._db

    @cached_property
    def customers(self) -> CustomerRepository:
        from pos_tui.storage.customers import CustomerRepository
        from pos_tui.storage.db import LazyDatabase

        # Its reads run on the connection: a lookup loads sqlite-utils only if it writes.
        db = self._db if self._db is not None else LazyDatabase(self.conn, lambda: self.db)
        return CustomerRepository(cast("sqlite_utils.Database", db))

    @cached_property
    def catalog(self) -> CatalogRepository:
        from pos_tui.storage.catalog import CatalogRepository

        return CatalogRepository(self.db)

    @cached_property
    def ledgers(self) -> LedgerRepository:
        from pos_tui.storage.ledgers import LedgerRepository

        return LedgerRepository(self.db)

    @cached_property
    def journal(self) -> JournalRepository:
        from pos_tui.storage.journal import JournalRepository

        return JournalRepository(self.db)

    @cached_property
    def returns(self) -> ReturnsRepository:
        from pos_tui.storage.returns import ReturnsRepository

        return ReturnsRepository(self.db)

    @cached_property
    def store(self) -> StoreRepository:
        from pos_tui.storage.store import StoreRepository

        return StoreRepository(self.db)

    @cached_property
    def open_sales(self) -> OpenSaleRepository:
        from pos_tui.storage.lane_state import OpenSaleRepository

        return OpenSaleRepository(self.db)

    @cached_property
    def print_jobs(self) -> PrintQueueRepository:
        from pos_tui.storage.lane_state import PrintQueueRepository

        return PrintQueueRepository(self.db)

    @cached_property
    def drawer(self) -> DrawerRepository:
        from pos_tui.storage.drawer import DrawerRepository

        return DrawerRepository(self.db)

    @cached_property
    def shifts(self) -> ShiftRepository:
        from pos_tui.storage.shifts import ShiftRepository

        return ShiftRepository(self.db)

    def timestamp(self) -> str:
        return self.now().isoformat(timespec="seconds")

    def close(self) -> None:
        self.conn.close()


def open_backend(settings: Settings, *, now: Callable[[], datetime] = system_now) -> Backend:
    from pos_tui.storage.db import open_connection

    conn = open_connection(
        settings.database_path(),
        busy_timeout_ms=settings.database.busy_timeout_ms,
        phone_region=settings.store.phone_region,
    )
    return Backend(settings=settings, now=now, conn=conn)
