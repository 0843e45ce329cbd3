"""A real PostgreSQL head office for the sync tests: one cluster per test session (initdb and
pg_ctl in a temp dir, see pos_tui/storage/hq/cluster.py), one database per test, a login role
per lane."""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import psycopg

from pos_tui.config import Settings, load_settings
from pos_tui.services.runtime.backend import Backend, open_backend
from pos_tui.storage.hq import schema
from pos_tui.storage.hq.cluster import Cluster

if TYPE_CHECKING:
    from pos_tui.services.sync.agent import SyncAgent

_numbers = itertools.count(1)


@dataclass
class HeadOffice:
    cluster: Cluster
    name: str
    lanes: dict[str, str] = field(default_factory=dict)

    @classmethod
    def create(cls, cluster: Cluster) -> HeadOffice:
        name = f"hq_{next(_numbers)}"
        with psycopg.connect(cluster.url(), autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
            conn.execute(f"CREATE DATABASE {name}")
        office = cls(cluster, name)
        with office.connect() as conn:
            schema.migrate(conn)
        return office

    @property
    def url(self) -> str:
        return self.cluster.url(self.name)

    def connect(self) -> psycopg.Connection[Any]:
        return psycopg.connect(self.url, autocommit=True)

    def add_lane(self, origin: str, store_id: str = "S1", *, port: int | None = None) -> str:
        """The URL a lane syncs with (its own role; through ``port`` when given: a proxy)."""
        role = f"{self.name}_{origin.lower()}"
        with self.connect() as conn:
            schema.add_lane(conn, origin, role=role, store_id=store_id)
        self.lanes[origin] = role
        return f"postgresql://{role}@127.0.0.1:{port or self.cluster.port}/{self.name}"

    def drop(self) -> None:
        with psycopg.connect(self.cluster.url(), autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {self.name} WITH (FORCE)")
            for role in self.lanes.values():
                conn.execute(f"DROP ROLE IF EXISTS {role}")

    def one(self, sql: str, *params: Any) -> Any:
        with self.connect() as conn:
            row = conn.execute(sql, params).fetchone()
            return row[0] if row else None

    def all(self, sql: str, *params: Any) -> list[tuple[Any, ...]]:
        with self.connect() as conn:
            return list(conn.execute(sql, params).fetchall())


@dataclass
class Lane:
    """A lane: its own SQLite file, settings with its head office URL, a backend, an agent."""

    origin: str
    settings: Settings
    backend: Backend
    path: Path
    now: Any = None

    @classmethod
    def create(
        cls,
        tmp: Path,
        office: HeadOffice,
        origin: str,
        *,
        store_id: str = "S1",
        now: Any = None,
        port: int | None = None,
        lane_id: str | None = None,
        **sync: Any,
    ) -> Lane:
        """``lane_id``: a lane of a store whose lanes share one file (``origin``: the file)."""
        url = office.add_lane(origin, store_id, port=port)
        path = tmp / f"{origin}.db"
        settings = load_settings(
            database={"path": str(path)},
            lane={"id": lane_id or origin, "store_id": store_id},
            sync={"url": url, "origin": origin, "interval_seconds": 0.2, **sync},
        )
        kwargs = {"now": now} if now else {}
        return cls(origin, settings, open_backend(settings, **kwargs), path, now)

    def as_lane(self, lane_id: str) -> Settings:
        """The settings of another lane on this lane's file."""
        return load_settings(
            **{
                **self.settings.model_dump(),
                "lane": {**self.settings.lane.model_dump(), "id": lane_id},
            }
        )

    def agent(self) -> SyncAgent:
        """An agent on the lane's file with the lane's clock."""
        from pos_tui.services.sync.agent import SyncAgent

        return SyncAgent(self.settings, now=self.now)

    def sync(self) -> None:
        agent = self.agent()
        try:
            agent.cycle()
        finally:
            agent.close()
        # The staff may just have come down from head office: the lane opens its shift (no
        # sale without one), as a store set up ready to sell; shifts stay with the store.
        from tests.helpers import ready_to_sell

        ready_to_sell(self.backend)

    def close(self) -> None:
        self.backend.close()


def wait_for(check: Callable[[], Any], what: str, timeout_s: float = 60) -> Any:
    """Poll ``check`` until it returns something truthy (the event waited for); only a hung
    process reaches the generous ``timeout_s``."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        got = check()
        if got:
            return got
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")
