"""Done when (issue 19): two stores with two lanes each against one PostgreSQL sell online and
offline and converge exactly. Store S1's lanes A1 and A2 share one SQLite file (one agent);
store S2's lanes B1 and B2 have a file each and reach head office through a port that is cut
for a while. Every lane is its own process, selling to, redeeming for and editing the same
customers as the others."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable

from pos_tui.storage.hq.cluster import Cluster, free_port
from tests.catalog import build_store
from tests.sync.headoffice import HeadOffice, Lane, wait_for
from tests.sync.test_faults import agent_process, forwarder, processes


def seller(settings_json: str, seed: int, count: int) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "tests.sync.chaos", "sell", settings_json, str(seed), str(count)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def finish(procs: list[subprocess.Popen[str]]) -> int:
    sold = 0
    for p in procs:
        out, err = p.communicate(timeout=600)
        assert p.returncode == 0, err
        sold += int(out.strip())
    return sold


def _json(settings: object) -> str:
    from tests.sync.chaos import config_json

    return config_json(settings)  # type: ignore[arg-type]


def test_two_stores_two_lanes_each_sell_online_and_offline_and_converge(
    make_lane: Callable[..., Lane], hq: HeadOffice, pg_cluster: Cluster
) -> None:
    from tests.sync.convergence import assert_converged

    port = free_port()
    with forwarder(port, pg_cluster.port) as cut:
        s1 = make_lane("S1", store_id="S1", lane_id="A1")
        b1 = make_lane("B1", store_id="S2", port=port, connect_timeout_seconds=1)
        b2 = make_lane("B2", store_id="S2", port=port, connect_timeout_seconds=1)
        build_store(s1.backend)
        for lane in (s1, b1, b2):
            lane.sync()
        lanes = {
            "A1": _json(s1.settings),
            "A2": _json(s1.as_lane("A2")),
            "B1": _json(b1.settings),
            "B2": _json(b2.settings),
        }
        with processes(agent_process(s1), agent_process(b1), agent_process(b2)):
            # Online: every lane sells.
            sold = finish([seller(cfg, i, 8) for i, cfg in enumerate(lanes.values())])
            wait_for(lambda: _all_sent([s1, b1, b2]), "every lane to be synced")
            # Store S2 cut off: all four lanes sell on, to the same customers.
            cut("blackhole")
            sold += finish([seller(cfg, 10 + i, 8) for i, cfg in enumerate(lanes.values())])
            assert not _all_sent([b1, b2]), "store S2 sold offline"
            cut("open")
            wait_for(lambda: _all_sent([s1, b1, b2]), "store S2 to catch up", timeout_s=180)
        facts = assert_converged(hq, [s1, b1, b2])
    assert facts["sales"] == sold
    lanes_at_hq = {r[0] for r in hq.all("SELECT DISTINCT lane_id FROM hq.sales")}
    assert lanes_at_hq == {"A1", "A2", "B1", "B2"}
    print(json.dumps({"sold": sold, **facts}))


def _all_sent(lanes: list[Lane]) -> bool:
    return all(
        lane.backend.db.execute(
            "SELECT count(*) FROM sync_outbox WHERE sent_at IS NULL"
        ).fetchone()[0]
        == 0
        for lane in lanes
    )
