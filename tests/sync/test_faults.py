"""Faults, with lanes and agents as separate processes: kill -9 of lanes and agents at random
points mid-push, PostgreSQL restarted mid-sync, a lane cut off behind a blocked port selling
offline. After each: zero duplicates, zero lost events, balances equal everywhere, journals
intact (tests/sync/convergence.py).

Quick by default (CI); ``POS_TUI_FAULT_ROUNDS`` sets the kill rounds (``scripts/fault-soak``
runs 2,000)."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from pos_tui.storage.hq.cluster import Cluster, free_port
from tests.catalog import build_store
from tests.sync.chaos import config_json
from tests.sync.convergence import assert_converged
from tests.sync.headoffice import HeadOffice, Lane, wait_for

ROUNDS = int(os.environ.get("POS_TUI_FAULT_ROUNDS", "200"))


class Forker:
    """tests/sync/chaos.py forker: warm children to kill."""

    def __init__(self, lane: Lane, **sync: Any) -> None:
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "tests.sync.chaos",
                "forker",
                config_json(lane.settings, sync=sync),
            ],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )

    def _ask(self, line: str) -> str:
        stdin, stdout = self.proc.stdin, self.proc.stdout
        assert stdin is not None and stdout is not None
        stdin.write(line + "\n")
        stdin.flush()
        answer = stdout.readline()
        assert answer, "the forker died"
        return answer.strip()

    def start(self, role: str) -> int:
        return int(self._ask(role))

    def kill(self, pid: int) -> int:
        answer = self._ask(f"kill {pid}")
        assert answer.startswith("dead")
        return int(answer.split()[1])

    def close(self) -> None:
        if self.proc.stdin:
            self.proc.stdin.close()
        self.proc.wait(30)


def test_kill_9_of_lanes_and_agents_at_random_points_mid_push(
    make_lane: Callable[..., Lane], hq: HeadOffice
) -> None:
    a = make_lane("K1", store_id="SK")
    b = make_lane("K2", store_id="SK")
    store = build_store(a.backend)
    a.sync()
    b.sync()
    # Small pushes, so most kills land inside one; both lanes at once, each with its forker.
    killed: Counter[str] = Counter()

    def rounds(lane: Lane, forker: Forker, seed: int) -> None:
        rng = random.Random(seed)
        for n in range(ROUNDS // 2):
            agent_pid = forker.start(f"agent {seed}{n}")
            lane_pid = forker.start(f"sell {seed}{n}")
            time.sleep(rng.uniform(0.03, 0.3))
            if forker.kill(agent_pid) == signal.SIGKILL:
                killed["agent"] += 1
            if forker.kill(lane_pid) == signal.SIGKILL:
                killed["lane"] += 1
            sent = lane.backend.db.execute(
                "SELECT count(*) FROM sync_outbox WHERE sent_at IS NOT NULL"
            ).fetchone()[0]
            if hq.one("SELECT count(*) FROM hq.events WHERE origin = %s", lane.origin) > sent:
                # Killed after PostgreSQL committed, before the outbox was marked.
                killed["after_commit"] += 1

    forkers = [Forker(a, batch_size=3), Forker(b, batch_size=3)]
    try:
        threads = [
            threading.Thread(target=rounds, args=(lane, f, i + 1))
            for i, (lane, f) in enumerate(zip((a, b), forkers, strict=True))
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    finally:
        for f in forkers:
            f.close()
    assert killed["agent"] + killed["lane"] >= ROUNDS * 2 * 0.95, killed
    assert killed["after_commit"] > 0, "no kill landed in the worst moment"
    facts = assert_converged(hq, [a, b])
    assert facts["sales"] > 0 and facts["events"] > 0
    print(f"kill -9: {dict(killed)}; converged: {facts}")
    del store


def test_postgresql_restarted_mid_sync(
    make_lane: Callable[..., Lane], hq: HeadOffice, pg_cluster: Cluster
) -> None:
    a = make_lane("R1", store_id="SR")
    b = make_lane("R2", store_id="SR")
    build_store(a.backend)
    a.sync()
    b.sync()
    sellers = (sell_process(a, 1), sell_process(b, 2))  # until the restarts are done
    with processes(*sellers, agent_process(a), agent_process(b)):
        rng = random.Random(5)
        for mode in ("immediate", "fast", "immediate"):
            wait_for_events(hq, more_than=hq.one("SELECT count(*) FROM hq.events"))
            time.sleep(rng.uniform(0, 0.3))
            pg_cluster.restart(mode)
        wait_for_events(hq, more_than=hq.one("SELECT count(*) FROM hq.events"))
    facts = assert_converged(hq, [a, b])
    assert facts["sales"] > 0
    print(f"PostgreSQL restarted 3 times mid-sync; converged: {facts}")


def test_a_lane_cut_off_behind_a_blocked_port_sells_offline_and_catches_up(
    make_lane: Callable[..., Lane], hq: HeadOffice, pg_cluster: Cluster
) -> None:
    port = free_port()
    with forwarder(port, pg_cluster.port) as cut:
        a = make_lane("N1", store_id="SN", port=port, connect_timeout_seconds=1)
        b = make_lane("N2", store_id="SM")
        build_store(b.backend)
        b.sync()
        a.sync()
        with processes(agent_process(a), agent_process(b)):
            cut("blackhole")  # the port stops answering: packets go nowhere
            sold = run_sales(a, 11, 15) + run_sales(b, 12, 10)
            wait_for(
                lambda: (
                    a.backend.db.execute(
                        "SELECT value FROM sync_state WHERE key = 'last_error'"
                    ).fetchone()
                    or [None]
                )[0],
                "the cut-off lane to notice",
            )
            queued = a.backend.db.execute(
                "SELECT count(*) FROM sync_outbox WHERE sent_at IS NULL"
            ).fetchone()[0]
            assert queued > 0, "the lane sold offline"
            cut("open")
            wait_for(
                lambda: (
                    a.backend.db.execute(
                        "SELECT count(*) FROM sync_outbox WHERE sent_at IS NULL"
                    ).fetchone()[0]
                    == 0
                ),
                "the lane to catch up",
                timeout_s=120,
            )
        facts = assert_converged(hq, [a, b])
    assert facts["sales"] >= sold
    print(f"cut off with {queued} events queued; converged: {facts}")


# -- processes ---------------------------------------------------------------------------------
def sell_process(lane: Lane, seed: int, count: int | None = None) -> subprocess.Popen[str]:
    args = [sys.executable, "-m", "tests.sync.chaos", "sell", config_json(lane.settings), str(seed)]
    if count is not None:
        args.append(str(count))
    return subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def run_sales(lane: Lane, seed: int, count: int) -> int:
    proc = sell_process(lane, seed, count)
    out, err = proc.communicate(timeout=300)
    assert proc.returncode == 0, err
    return int(out.strip())


def agent_process(lane: Lane) -> subprocess.Popen[str]:
    env = {**os.environ, "POS_TUI_SYNC__INTERVAL_SECONDS": "0.1"}
    return subprocess.Popen(
        [sys.executable, "-m", "pos_tui", "--db", str(lane.path), "sync", "--follow"],
        env={**env, **_lane_env(lane)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        text=True,
    )


def _lane_env(lane: Lane) -> dict[str, str]:
    s = lane.settings
    return {
        "POS_TUI_LANE__ID": s.lane.id,
        "POS_TUI_LANE__STORE_ID": s.lane.store_id,
        "POS_TUI_SYNC__URL": s.sync.url,
        "POS_TUI_SYNC__CONNECT_TIMEOUT_SECONDS": str(s.sync.connect_timeout_seconds),
    }


@contextmanager
def processes(*procs: subprocess.Popen[str]) -> Iterator[None]:
    try:
        yield
    finally:
        for p in procs:
            if p.poll() is None:
                p.terminate()
        for p in procs:
            try:
                p.wait(15)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()


def wait_for_events(hq: HeadOffice, *, more_than: int) -> None:
    def more() -> bool:
        try:
            return int(hq.one("SELECT count(*) FROM hq.events")) > more_than
        except Exception:  # restarting
            return False

    wait_for(more, "new events at head office", timeout_s=120)


@contextmanager
def forwarder(port: int, target: int) -> Iterator[Callable[[str], None]]:
    """A TCP forwarder (socat) in front of PostgreSQL: ``cut("blackhole")`` stops it (SIGSTOP:
    connections and new connects hang, as behind a firewall dropping packets), ``cut("open")``
    lets it run again."""
    proc = subprocess.Popen(
        ["socat", f"TCP-LISTEN:{port},bind=127.0.0.1,reuseaddr,fork", f"TCP:127.0.0.1:{target}"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    wait_for(lambda: _listening(port), "socat to listen")

    def cut(mode: str) -> None:
        os.killpg(proc.pid, signal.SIGSTOP if mode == "blackhole" else signal.SIGCONT)

    try:
        yield cut
    finally:
        os.killpg(proc.pid, signal.SIGCONT)
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(10)


def _listening(port: int) -> bool:
    import socket

    with socket.socket() as s:
        s.settimeout(0.2)
        return s.connect_ex(("127.0.0.1", port)) == 0
