"""Fixtures of the sync tests: a real PostgreSQL cluster for the session, a head office
database per test, and lanes with their own SQLite files."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from pos_tui.storage.hq.cluster import Cluster
from tests.sync.headoffice import HeadOffice, Lane


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[Cluster]:
    cluster = Cluster.create()
    try:
        yield cluster
    finally:
        cluster.destroy()


@pytest.fixture
def hq(pg_cluster: Cluster) -> Iterator[HeadOffice]:
    if pg_cluster.pid() is None:  # a test stopped it
        pg_cluster.start()
    office = HeadOffice.create(pg_cluster)
    try:
        yield office
    finally:
        office.drop()


@pytest.fixture
def make_lane(tmp_path: Path, hq: HeadOffice) -> Iterator[Callable[..., Lane]]:
    lanes: list[Lane] = []

    def make(origin: str, **kwargs: Any) -> Lane:
        lane = Lane.create(tmp_path, hq, origin, **kwargs)
        lanes.append(lane)
        return lane

    yield make
    for lane in lanes:
        lane.close()
