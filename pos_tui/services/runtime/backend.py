"""One open database with its repositories, the lane's settings and its clock."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

import sqlite_utils

from pos_tui.config import Settings
from pos_tui.storage.catalog import CatalogRepository
from pos_tui.storage.customers import CustomerRepository
from pos_tui.storage.db import connect
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
    db: sqlite_utils.Database
    settings: Settings
    now: Callable[[], datetime] = system_now
    customers: CustomerRepository = field(init=False)
    catalog: CatalogRepository = field(init=False)
    ledgers: LedgerRepository = field(init=False)
    journal: JournalRepository = field(init=False)
    returns: ReturnsRepository = field(init=False)
    store: StoreRepository = field(init=False)
    open_sales: OpenSaleRepository = field(init=False)
    print_jobs: PrintQueueRepository = field(init=False)
    drawer: DrawerRepository = field(init=False)
    shifts: ShiftRepository = field(init=False)

    def __post_init__(self) -> None:
        self.customers = CustomerRepository(self.db)
        self.catalog = CatalogRepository(self.db)
        self.ledgers = LedgerRepository(self.db)
        self.journal = JournalRepository(self.db)
        self.returns = ReturnsRepository(self.db)
        self.store = StoreRepository(self.db)
        self.open_sales = OpenSaleRepository(self.db)
        self.print_jobs = PrintQueueRepository(self.db)
        self.drawer = DrawerRepository(self.db)
        self.shifts = ShiftRepository(self.db)

    def timestamp(self) -> str:
        return self.now().isoformat(timespec="seconds")

    def close(self) -> None:
        self.db.conn.close()


def open_backend(settings: Settings, *, now: Callable[[], datetime] = system_now) -> Backend:
    db = connect(
        settings.database_path(),
        busy_timeout_ms=settings.database.busy_timeout_ms,
        phone_region=settings.store.phone_region,
    )
    return Backend(db=db, settings=settings, now=now)
