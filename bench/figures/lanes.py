"""Four lanes selling at once on one database file, beside one lane alone."""

from __future__ import annotations

import multiprocessing as mp
import time
from pathlib import Path
from typing import Any

from bench.context import Context
from bench.core import Figure, percentile, summarize
from bench.data import open_backend, small_store


def _lane(
    path: str, lane_id: str, lines: int, seconds: float, interval: float, start: Any, out: Any
) -> None:
    """One lane process: ring up and commit sales until the time is up; commit times in ms.

    ``interval`` > 0 paces the lane to one sale per interval (a cashier, not a loop), with a
    random phase so lanes do not march in step; 0 runs flat out.
    """
    import random

    from bench.figures.commit import ring_up
    from pos_tui.services.staff.auth import AuthService
    from tests.catalog import open_shift

    backend = open_backend(Path(path), lane_id=lane_id)
    cashier = AuthService(backend).sign_in("101", "1234")
    open_shift(backend, cashier)  # no sale without an open shift on the lane
    anna = backend.customers.by_card("4000001")
    assert anna is not None

    class _Store:
        pass

    store = _Store()
    store.cashier = cashier  # type: ignore[attr-defined]
    store.anna = anna.id  # type: ignore[attr-defined]
    commits: list[float] = []
    ring_ms: list[float] = []
    lane = ring_up(backend, store, lines)
    lane.commit()  # warm-up
    rng = random.Random(lane_id)
    start.wait()
    began = time.perf_counter()
    deadline = began + seconds
    slot = began + (rng.random() * interval)
    while time.perf_counter() < deadline:
        if interval:
            time.sleep(max(0.0, slot - time.perf_counter()))
            slot += interval * (0.75 + rng.random() / 2)
        t0 = time.perf_counter()
        ring_up(backend, store, lines, lane)
        t1 = time.perf_counter()
        lane.commit()
        t2 = time.perf_counter()
        ring_ms.append((t1 - t0) * 1000)
        commits.append((t2 - t1) * 1000)
    backend.close()
    out.put((lane_id, commits, ring_ms))


def _round(path: Path, lanes: int, lines: int, seconds: float, interval: float) -> dict[str, Any]:
    ctx = mp.get_context("spawn")
    start = ctx.Barrier(lanes + 1)
    out = ctx.Queue()
    procs = [
        ctx.Process(
            target=_lane,
            args=(str(path), f"B{k + 1}", lines, seconds, interval, start, out),
        )
        for k in range(lanes)
    ]
    for p in procs:
        p.start()
    # A lane that dies before the start (an error while it sets up) breaks the barrier instead
    # of leaving this process waiting for it for ever; the figure is then NOT RUN.
    start.wait(timeout=120)
    results = [out.get(timeout=seconds + 120) for _ in procs]
    for p in procs:
        p.join()
    commits = [ms for _lane_id, c, _r in results for ms in c]
    ring = [ms for _lane_id, _c, r in results for ms in r]
    return {"commits": commits, "ring_ms": ring, "sales": len(commits), "seconds": seconds}


def run(ctx: Context) -> list[Figure]:
    path = ctx.tmp("lanes") / "pos.db"
    backend, _store = small_store(path)
    backend.close()
    lanes, seconds = ctx.sizes["lanes"], ctx.sizes["lanes_seconds"]
    lines = ctx.sizes["commit_lines"]
    interval = ctx.sizes["lanes_interval"]
    single: list[dict[str, Any]] = []
    many: list[dict[str, Any]] = []
    for r in range(ctx.sizes["lanes_rounds"]):
        order = [(1, single), (lanes, many)]
        for count, sink in order if r % 2 == 0 else order[::-1]:
            ctx.log(f"   round {r + 1}: {count} lane(s), a sale every {interval:.2f} s each")
            sink.append(_round(path, count, lines, seconds, interval))
    # Flat out (no pacing): what the file sustains when the lanes' CPUs are the limit.
    flat_single = [_round(path, 1, lines, seconds / 2, 0.0)]
    flat_many = [_round(path, lanes, lines, seconds / 2, 0.0)]

    def pooled(rounds: list[dict[str, Any]]) -> dict[str, float]:
        commits = [ms for r in rounds for ms in r["commits"]]
        stats = summarize(commits)
        stats["sales_per_s"] = sum(r["sales"] for r in rounds) / sum(r["seconds"] for r in rounds)
        stats["ring_up_ms_median"] = percentile([ms for r in rounds for ms in r["ring_ms"]], 50)
        return stats

    ours, floor = pooled(many), pooled(single)
    flat_ours, flat_floor = pooled(flat_many), pooled(flat_single)
    return [
        Figure(
            name="lanes",
            title=f"{lanes} lanes on one database: p99 commit",
            metric="p99",
            unit="ms",
            ours=ours,
            floor=floor,
            goal="p99 <= 1.5x single lane",
            max_ratio=1.5,
            sizes={
                "lanes": lanes,
                "seconds": seconds,
                "rounds": ctx.sizes["lanes_rounds"],
                "sale_interval_s": interval,
            },
            extra={
                "sales_per_s": {
                    "lanes": round(ours["sales_per_s"], 1),
                    "single": round(floor["sales_per_s"], 1),
                },
            },
            notes=[
                "each lane rings up 20 lines (each line saves the open sale: a write) and commits,"
                f" paced to a sale every {interval:.2f} s per lane",
            ],
        ),
        Figure(
            name="lanes_flat_out",
            title=f"{lanes} lanes flat out: sales/s (all lanes)",
            metric="sales_per_s",
            unit="sales/s",
            ours=flat_ours,
            floor=flat_floor,
            goal="information",
            informational=True,
            extra={"p99_commit_ms": {"lanes": flat_ours["p99"], "single": flat_floor["p99"]}},
            notes=["no pacing: on a 2-core machine the lanes' own CPU is the limit"],
        ),
    ]
