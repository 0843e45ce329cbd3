"""Head office sync: N simulated lanes against one PostgreSQL (docs/sync.md).

One lane's journal of ``sync_sales`` real sales (the checkout service, to customers that came
down from head office) is copied to each lane as its own database and origin. Then, with every
lane a process running the real sync agent:

1. ingest: all lanes push their backlog at once; events/s until head office has them all;
2. lag: every lane sells a paced sale every ``sync_interval`` s with its agent pushing at once
   on each commit (as the lane app's worker is woken); lag = head office's clock at the event's
   insert minus the lane's clock at the commit (one machine, one clock). Pulls are left to the
   catch-up figure: fifty lanes pulling each other's backlog on two cores measure the cores;
3. catch-up: one lane, first caught up with everything (untimed), is cut off while every lane
   sells an hour's worth (a sale every 20 s: 180 sales); back online, one cycle pushes its hour
   and pulls the others'.

Floors, in the same run and the same tables: raw ``COPY`` of the same event rows and of the rows
head office derived from them, with triggers off; one-row INSERT and COMMIT latency under the
same load; ``COPY`` of the catching-up lane's rows in and the pulled rows out.
"""

from __future__ import annotations

import multiprocessing as mp
import random
import shutil
import sqlite3
import threading
import time
from pathlib import Path
from typing import Any

from bench.context import Context
from bench.core import Figure, percentile, summarize
from bench.data import NOW

HOUR_SALES = 180  # an hour at a sale every 20 s


def _settings(path: Path, url: str, origin: str, **sync: Any) -> Any:
    from pos_tui.config import load_settings

    return load_settings(
        database={"path": str(path)},
        lane={"id": "T", "store_id": "S1"},
        sync={"url": url, "origin": origin, "interval_seconds": 0.5, **sync},
    )


def _sell(backend: Any, cashier: Any, customers: list[int], rng: random.Random, co: Any) -> None:
    co.attach_customer(rng.choice(customers))
    co.add_item("APPLE", str(rng.randint(1, 3)))
    co.add_item("BAG")
    co.add_cash(str(co.remaining()))
    co.commit()


def _template(root: Path, url_of: Any, sales: int, log: Any) -> Path:
    """A store pushed to head office, and one lane that pulled it and sold ``sales`` sales."""
    from pos_tui.services.checkout.sale import Checkout
    from pos_tui.services.runtime.backend import open_backend
    from pos_tui.services.staff.auth import AuthService
    from pos_tui.services.sync.agent import SyncAgent
    from tests.catalog import build_store, open_shift

    seed = _settings(root / "seed.db", url_of("SEED"), "SEED")
    backend = open_backend(seed, now=lambda: NOW)
    build_store(backend)
    backend.close()
    agent = SyncAgent(seed)
    agent.cycle()
    agent.close()
    path = root / "template.db"
    lane = _settings(path, url_of("T"), "T")
    agent = SyncAgent(lane)
    agent.cycle()  # the store comes down: customers, items, employees
    agent.close()
    backend = open_backend(lane)
    cashier = AuthService(backend).sign_in("101", "1234")
    open_shift(backend, cashier)  # no sale without an open shift on the lane
    customers = [r[0] for r in backend.db.execute("SELECT id FROM customers WHERE ar_enabled = 0")]
    rng = random.Random(7)
    co = Checkout(backend, cashier)
    log(f"   the template lane sells {sales:,} sales")
    for _ in range(sales):
        _sell(backend, cashier, customers, rng, co)
    backend.db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    backend.close()
    return path


def _lane(
    path: str, url: str, origin: str, offline: bool, sizes: dict[str, Any], gate: Any, out: Any
) -> None:
    """One lane process: push the backlog, sell paced with the agent on, then the hour."""
    from pos_tui.services.checkout.sale import Checkout
    from pos_tui.services.runtime.backend import open_backend
    from pos_tui.services.staff.auth import AuthService
    from pos_tui.services.sync.agent import SyncAgent
    from tests.catalog import open_shift

    settings = _settings(Path(path), url, origin, batch_size=sizes["sync_batch"])
    agent = SyncAgent(settings)
    agent.pool().wait(30)
    backend = open_backend(settings)
    cashier = AuthService(backend).sign_in("101", "1234")
    open_shift(backend, cashier)
    customers = [r[0] for r in backend.db.execute("SELECT id FROM customers WHERE ar_enabled = 0")]
    rng = random.Random(origin)
    co = Checkout(backend, cashier)
    result: dict[str, Any] = {"origin": origin}

    gate.wait()  # 1. ingest
    t0 = time.time()
    result["pushed"] = agent.push_only()
    result["ingest_s"] = time.time() - t0
    gate.wait()

    gate.wait()  # 2. lag: a paced sale, pushed at once
    stop, wake = threading.Event(), threading.Event()

    def pusher() -> None:
        while not stop.is_set():
            if wake.wait(0.2):
                wake.clear()
                agent.push_only()

    worker = threading.Thread(target=pusher)
    worker.start()
    commits: dict[int, float] = {}
    deadline = time.time() + sizes["sync_lag_seconds"]
    slot = time.time() + rng.random() * sizes["sync_interval"]
    while time.time() < deadline:
        time.sleep(max(0.0, slot - time.time()))
        slot += sizes["sync_interval"] * (0.75 + rng.random() / 2)
        _sell(backend, cashier, customers, rng, co)
        last = backend.journal.last("T")
        assert last is not None
        number = last.sale_number
        commits[int(number)] = time.time()
        wake.set()
    stop.set()
    worker.join()
    agent.push_only()
    result["commits"] = commits
    if offline:  # caught up with everything before it goes offline (untimed)
        while agent.cycle().pulled:
            pass
    gate.wait()

    gate.wait()  # 3. an hour: the offline lane sells without its agent
    for _ in range(HOUR_SALES):
        _sell(backend, cashier, customers, rng, co)
        if not offline and rng.random() < 0.2:
            agent.push_only()
    if not offline:
        agent.push_only()
    gate.wait()
    if offline:
        queued = agent.outbox.pending_count()
        t0 = time.time()
        done = agent.cycle()
        result["catch_up_s"] = time.time() - t0
        result["catch_up"] = {"pushed": done.pushed, "pulled": done.pulled, "queued": queued}
    backend.close()
    agent.close()
    out.put(result)


def _copy_floor(conn: Any, scratch: str, hq: str) -> dict[str, float]:
    """COPY the events and the rows derived from them into fresh copies of the same tables."""
    tables = ("events", "sales", "points_ledger", "receivable_ledger", "audit")
    dumps: dict[str, bytes] = {}
    for table in tables:
        buf = bytearray()
        with conn.cursor().copy(f"COPY {hq}.{table} TO STDOUT") as copy:
            for chunk in copy:
                buf += chunk
        dumps[table] = bytes(buf)
    conn.execute(f"DROP SCHEMA IF EXISTS {scratch} CASCADE")
    conn.execute(f"CREATE SCHEMA {scratch}")
    for table in tables:
        conn.execute(
            f"CREATE TABLE {scratch}.{table} (LIKE {hq}.{table} INCLUDING DEFAULTS INCLUDING INDEXES)"
        )
    t0 = time.perf_counter()
    with conn.transaction():
        for table in tables:
            with conn.cursor().copy(f"COPY {scratch}.{table} FROM STDIN") as copy:
                copy.write(dumps[table])
    seconds = time.perf_counter() - t0
    conn.execute(f"DROP SCHEMA {scratch} CASCADE")
    return {"seconds": seconds, "bytes": float(sum(len(d) for d in dumps.values()))}


def _insert_latency(url: str, stop: threading.Event, sink: list[float]) -> None:
    """One-row INSERT and COMMIT into a copy of the ledger table, every 50 ms, under load."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("CREATE TABLE IF NOT EXISTS public.floor_points (LIKE hq.points_ledger)")
        n = 0
        while not stop.is_set():
            n += 1
            t0 = time.perf_counter()
            conn.execute(
                "INSERT INTO public.floor_points (origin, seq, local_id, customer_gid, entry_type, "
                "points, created_at, change_xid, change_seq) VALUES ('F', %s, %s, 'X', 'earned', "
                "1, 'x', pg_current_xact_id(), %s)",
                [n, n, n],
            )
            sink.append((time.perf_counter() - t0) * 1000)
            stop.wait(0.05)


def run(ctx: Context) -> list[Figure]:
    import psycopg

    from pos_tui.storage.hq import schema
    from pos_tui.storage.hq.cluster import Cluster

    sizes = ctx.sizes
    lanes, sales = sizes["sync_lanes"], sizes["sync_sales"]
    root = ctx.tmp("sync")
    cluster = Cluster.create()
    try:
        with psycopg.connect(cluster.url(), autocommit=True) as conn:
            schema.ensure_database(conn, "bench")
        url = cluster.url("bench")
        with psycopg.connect(url, autocommit=True) as conn:
            schema.migrate(conn)
            origins = ["SEED", "T", *[f"L{n:02d}" for n in range(1, lanes + 1)]]
            for origin in origins:
                schema.add_lane(conn, origin)

        def url_of(origin: str) -> str:
            return cluster.url("bench", schema.default_role(origin))

        template = _template(root, url_of, sales, ctx.log)
        paths = []
        for origin in origins[2:]:
            path = root / f"{origin}.db"
            shutil.copy(template, path)
            db = sqlite3.connect(path)
            db.execute("UPDATE sync_state SET value = ? WHERE key = 'origin'", [origin])
            db.commit()
            db.close()
            paths.append((origin, path))
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute("CHECKPOINT")
        mpx = mp.get_context("spawn")
        gate = mpx.Barrier(lanes + 1, timeout=900)
        out = mpx.Queue()
        procs = [
            mpx.Process(
                target=_lane,
                args=(str(p), url_of(o), o, i == lanes - 1, sizes, gate, out),
            )
            for i, (o, p) in enumerate(paths)
        ]
        ctx.log(f"   starting {lanes} lane processes")
        for p in procs:
            p.start()
        gate.wait()
        t0 = time.perf_counter()
        ctx.log(f"   1. ingest: {lanes} lanes push {sales:,} sales each")
        gate.wait()
        ingest_s = time.perf_counter() - t0
        with psycopg.connect(url, autocommit=True) as conn:
            events = _count(conn, "SELECT count(*) FROM hq.events")
            floor = _copy_floor(conn, "floor", "hq")
        latency: list[float] = []
        stop = threading.Event()
        probe = threading.Thread(target=_insert_latency, args=(url, stop, latency))
        probe.start()
        ctx.log(
            f"   2. lag: a sale every {sizes['sync_interval']} s per lane, "
            f"{sizes['sync_lag_seconds']} s"
        )
        gate.wait()
        gate.wait()
        stop.set()
        probe.join()
        ctx.log(f"   3. catch-up: one lane offline while every lane sells {HOUR_SALES} sales")
        gate.wait()
        gate.wait()
        results = [out.get(timeout=1800) for _ in procs]
        for p in procs:
            p.join(60)
        with psycopg.connect(url, autocommit=True) as conn:
            received = {
                (o, int(n)): t.timestamp()
                for o, n, t in conn.execute(
                    "SELECT origin, payload->'record'->>'sale_number', received_at FROM hq.events "
                    "WHERE kind = 'sale'"
                )
            }
            offline = next(r for r in results if "catch_up_s" in r)
            moved = offline["catch_up"]["pushed"] + offline["catch_up"]["pulled"]
            catch_floor = _catch_up_floor(
                conn,
                offline["origin"],
                offline["catch_up"]["pushed"],
                offline["catch_up"]["pulled"],
            )
            flags = _count(conn, "SELECT count(*) FROM hq.flags")
    finally:
        cluster.destroy()

    lags = [
        (received[(r["origin"], n)] - t) * 1000
        for r in results
        for n, t in r["commits"].items()
        if (r["origin"], n) in received
    ]
    missing = sum(len(r["commits"]) for r in results) - len(lags)
    ours_rate = events / ingest_s
    floor_rate = events / floor["seconds"]
    common = {"lanes": lanes, "sales_per_lane": sales, "events": events}
    return [
        Figure(
            name="sync_ingest",
            title=f"{lanes} lanes x {sales:,} sales to PostgreSQL: ingest",
            metric="seconds",
            unit="s",
            ours={"seconds": ingest_s, "events_per_s": ours_rate},
            floor={"seconds": floor["seconds"], "events_per_s": floor_rate},
            goal="information",
            informational=True,
            abs_value=ours_rate,
            abs_unit="events/s",
            sizes=common,
            extra={
                "events_per_s": {"ours": round(ours_rate), "floor": round(floor_rate)},
                "flags": flags,
            },
            notes=[
                "ours: every lane's agent pushing at once (batches of "
                f"{sizes['sync_batch']}, ON CONFLICT DO NOTHING, applied by the trigger)",
                "floor: COPY of the same event rows and the rows derived from them into copies "
                "of the same tables, no triggers, one transaction",
            ],
        ),
        Figure(
            name="sync_lag",
            title=f"{lanes} lanes selling: sync lag p50 / p99",
            metric="p99",
            unit="ms",
            ours=summarize(lags),
            floor=summarize(latency),
            goal="information",
            informational=True,
            sizes={**common, "sale_interval_s": sizes["sync_interval"], "missing": missing},
            extra={"p50_ms": {"ours": percentile(lags, 50), "floor": percentile(latency, 50)}},
            notes=[
                "commit at the lane to the event's insert at head office (its clock_timestamp)",
                "floor: one-row INSERT and COMMIT into a copy of the ledger table, same load",
            ],
        ),
        Figure(
            name="sync_catch_up",
            title="catch-up after 1 hour offline",
            metric="seconds",
            unit="s",
            ours={"seconds": offline["catch_up_s"]},
            floor={"seconds": catch_floor},
            goal="information",
            informational=True,
            sizes={**common, "hour_sales_per_lane": HOUR_SALES, **offline["catch_up"]},
            extra={"rows_moved": moved},
            notes=[
                f"the lane pushes its {HOUR_SALES} sales and pulls the other lanes' hour",
                "floor: COPY of the same events in and of the pulled rows out",
            ],
        ),
    ]


def _catch_up_floor(conn: Any, origin: str, pushed: int, pulled: int) -> float:
    """COPY the catching-up lane's events into a copy of the table, and the ledger rows the
    others posted in that hour out: the raw cost of moving the same rows."""
    conn.execute("DROP TABLE IF EXISTS public.floor_events")
    conn.execute("CREATE TABLE public.floor_events (LIKE hq.events INCLUDING DEFAULTS)")
    buf = bytearray()
    sql = (
        f"COPY (SELECT * FROM hq.events WHERE origin = '{origin}' ORDER BY seq DESC "
        f"LIMIT {int(pushed)}) TO STDOUT"
    )
    with conn.cursor().copy(sql) as copy:
        for chunk in copy:
            buf += chunk
    t0 = time.perf_counter()
    with conn.transaction(), conn.cursor().copy("COPY public.floor_events FROM STDIN") as copy:
        copy.write(bytes(buf))
    out = 0
    rows = (
        f"COPY (SELECT * FROM hq.points_ledger WHERE origin <> '{origin}' ORDER BY change_seq "
        f"DESC LIMIT {int(pulled)}) TO STDOUT"
    )
    with conn.cursor().copy(rows) as copy:
        for chunk in copy:
            out += len(chunk)
    return time.perf_counter() - t0


def _count(conn: Any, sql: str) -> int:
    row = conn.execute(sql).fetchone()
    assert row is not None, sql
    return int(row[0])
