"""One open database with its repositories, the lane's settings and its clock."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property
from typing import TYPE_CHECKING

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


@dataclass
class Backend:
    """The repositories are made on first use: the sign-in screen needs none of them but the
    catalog's employees, and the lane's start does not load the other storage modules (nor
    the engine models they bring). Each is made once: ``cached_property`` keeps it on the
    instance (a repository holds no state a second copy made in a race could lose but the
    customers' cached ledger sums, which it rebuilds)."""

    db: sqlite_utils.Database
    settings: Settings
    now: Callable[[], datetime] = system_now

    @cached_property
    def customers(self) -> CustomerRepository:
        from pos_tui.storage.customers import CustomerRepository

        return CustomerRepository(self.db)

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
        self.db.conn.close()


def open_backend(settings: Settings, *, now: Callable[[], datetime] = system_now) -> Backend:
    from pos_tui.storage.db import connect

    db = connect(
        settings.database_path(),
        busy_timeout_ms=settings.database.busy_timeout_ms,
        phone_region=settings.store.phone_region,
    )
    return Backend(db=db, settings=settings, now=now)
