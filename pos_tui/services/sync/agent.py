"""The sync agent of one lane database: push the outbox to head office, then pull what changed
there. Used by ``pos-tui sync`` and by the lane app's background worker.

Exactly once: each event carries (origin, seq); head office inserts it with ON CONFLICT DO
NOTHING, and the outbox row is marked sent only after PostgreSQL committed. A crash anywhere
in between sends the same event again (its text is kept from the first try), which head office
skips. A batch pulled is applied with its cursor in one SQLite transaction.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pos_tui.config import Settings
from pos_tui.storage.db import connect
from pos_tui.storage.sync_apply import Applied, Applier
from pos_tui.storage.sync_events import EventReader
from pos_tui.storage.sync_outbox import OutboxRepository

if TYPE_CHECKING:
    import psycopg
    from psycopg_pool import ConnectionPool

log = logging.getLogger(__name__)

# Rows of the feed applied per SQLite transaction.
APPLY_CHUNK = 100

INSTALL_HINT = (
    "head office sync needs psycopg and psycopg-pool: pip install 'pos-tui[hq]' "
    "(scripts/setup installs them)"
)


class SyncError(RuntimeError):
    """Sync cannot run: not configured, the extra is missing, or the origin does not match."""


def _psycopg() -> Any:
    try:
        import psycopg
        import psycopg_pool
    except ImportError as exc:
        raise SyncError(INSTALL_HINT) from exc
    return psycopg, psycopg_pool


@dataclass(frozen=True)
class SyncStatus:
    """What the status bar shows."""

    configured: bool
    online: bool
    queued: int
    last_sync: str | None
    error: str | None = None
    stopped: bool = False

    def line(self) -> str:
        """``online · queued 0 · synced 10:31`` (empty when sync is off)."""
        if not self.configured:
            return ""
        if self.stopped:
            return f"sync stopped · queued {self.queued}"
        when = self.last_sync[11:16] if self.last_sync else "never"
        return f"{'online' if self.online else 'offline'} · queued {self.queued} · synced {when}"


@dataclass(frozen=True)
class CycleResult:
    pushed: int
    pulled: int
    applied: Applied


class SyncAgent:
    """One lane database's link to head office (its own SQLite connection and PG pool)."""

    def __init__(
        self,
        settings: Settings,
        *,
        now: Callable[[], datetime] | None = None,
        db_path: Path | None = None,
    ) -> None:
        cfg = settings.sync
        if not cfg.url:
            raise SyncError("sync is not configured: set [sync] url (docs/sync.md)")
        self.settings = settings
        self.cfg = cfg
        self.now = now or (lambda: datetime.now().replace(microsecond=0))
        self.db = connect(
            db_path or settings.database_path(), busy_timeout_ms=settings.database.busy_timeout_ms
        )
        self.outbox = OutboxRepository(self.db)
        wanted = cfg.origin or settings.lane.id
        self.origin = self.outbox.bind_origin(wanted)
        if self.origin != wanted and cfg.origin:
            raise SyncError(
                f"this database syncs as {self.origin}, the config says {wanted}: "
                "a database keeps the name its events were pushed under"
            )
        self._pool: ConnectionPool | None = None
        self._lock = threading.Lock()

    # -- connections ---------------------------------------------------------------------------
    def pool(self) -> ConnectionPool:
        if self._pool is None:
            _, psycopg_pool = _psycopg()
            timeout = self.cfg.connect_timeout_seconds
            self._pool = psycopg_pool.ConnectionPool(
                self.cfg.url,
                min_size=1,
                max_size=1,
                open=False,
                timeout=timeout,
                reconnect_timeout=0,
                check=psycopg_pool.ConnectionPool.check_connection,
                kwargs={
                    "autocommit": True,
                    "connect_timeout": timeout,
                    # A link that goes quiet (a cut cable, a blocked port) fails in seconds.
                    "keepalives": 1,
                    "keepalives_idle": timeout,
                    "keepalives_interval": 1,
                    "keepalives_count": 3,
                    "tcp_user_timeout": timeout * 2000,
                    "application_name": f"pos-tui sync {self.origin}",
                    "options": f"-c statement_timeout={timeout * 6000}",
                },
            )
            self._pool.open(wait=False)
        return self._pool

    def close(self) -> None:
        if self._pool is not None:
            self._pool.close(timeout=1)
            self._pool = None
        self.db.conn.close()

    # -- the cycle -----------------------------------------------------------------------------
    def cycle(self) -> CycleResult:
        """Push everything queued, then pull everything new; raises when head office cannot
        be reached (the error is recorded for the status bar)."""
        from pos_tui.storage.hq.lane_io import DivergedError

        with self._lock:
            try:
                with self.pool().connection() as conn:
                    pushed = self._push(conn)
                    pulled, applied = self._pull(conn)
            except DivergedError as exc:
                self.outbox.set_state({"last_error": str(exc), "stopped": "1"})
                raise
            except Exception as exc:
                self.outbox.set_state({"last_error": f"{type(exc).__name__}: {exc}"})
                raise
            self.outbox.set_state(
                {"last_sync_at": self.now().isoformat(timespec="seconds"), "last_error": None}
            )
            return CycleResult(pushed, pulled, applied)

    def push_only(self) -> int:
        with self._lock, self.pool().connection() as conn:
            return self._push(conn)

    def _push(self, conn: psycopg.Connection) -> int:
        from pos_tui.storage.hq import lane_io

        total = 0
        reader = EventReader(self.db, self.origin)
        while True:
            rows = self.outbox.pending(self.cfg.batch_size)
            if not rows:
                return total
            fresh = [r for r in rows if r.payload is None]
            if fresh:
                built = reader.events(fresh)
                self.outbox.freeze({e.seq: lane_io.canonical(e.payload) for e in built})
            # The texts as kept (another agent on this file may have kept its own first), for
            # exactly the rows read: a row committed since waits for the next batch.
            texts = self.outbox.payloads([r.seq for r in rows])
            events = [lane_io.OutEvent(r.seq, r.kind, texts[r.seq], r.at, r.blanked) for r in rows]
            lane_io.push(conn, self.origin, events)
            # Only now: PostgreSQL has committed them.
            self.outbox.mark_sent(rows[-1].seq, self.now().isoformat(timespec="seconds"))
            total += len(rows)

    def _pull(self, conn: psycopg.Connection) -> tuple[int, Applied]:
        from pos_tui.storage.hq import lane_io

        total = 0
        applied = Applied()

        def fetch(feed: str, key: str) -> dict[str, Any] | None:
            if feed == "customer":
                return lane_io.fetch_customer(conn, key)
            return lane_io.fetch_master(conn, feed, key)

        while True:
            cursor = self.cursor()
            items = lane_io.pull(conn, self.origin, cursor, self.cfg.batch_size)
            if not items:
                return total, applied
            at = self.now().isoformat(timespec="seconds")
            applier = Applier(self.db, self.origin, fetch, at)
            # Short SQLite transactions, so the lane's own sales never wait long for the lock.
            for start in range(0, len(items), APPLY_CHUNK):
                chunk = items[start : start + APPLY_CHUNK]
                done = applier.apply(chunk, (chunk[-1].xid, chunk[-1].seq))
                for name in ("master", "customers", "ledger", "flags"):
                    setattr(applied, name, getattr(applied, name) + getattr(done, name))
                time.sleep(0)  # let the lane's thread take the lock between chunks
            total += len(items)

    def cursor(self) -> tuple[int, int]:
        state = self.outbox.state()
        return int(state.get("cursor_xid") or 0), int(state.get("cursor_seq") or 0)

    # -- status --------------------------------------------------------------------------------
    def status(self) -> SyncStatus:
        return read_status(self.outbox, self.settings, self.now())


def read_status(outbox: OutboxRepository, settings: Settings, now: datetime) -> SyncStatus:
    state = outbox.state()
    last = state.get("last_sync_at")
    online = False
    if last and not state.get("last_error"):
        try:
            age = (now - datetime.fromisoformat(last)).total_seconds()
        except ValueError:
            age = float("inf")
        online = age <= settings.sync.offline_after_seconds
    return SyncStatus(
        configured=bool(settings.sync.url),
        online=online,
        queued=outbox.pending_count(),
        last_sync=last,
        error=state.get("last_error"),
        stopped=state.get("stopped") == "1",
    )


def run_forever(
    agent: SyncAgent,
    *,
    stop: threading.Event,
    wake: threading.Event | None = None,
    on_status: Callable[[SyncStatus], None] | None = None,
    cycles: int | None = None,
) -> None:
    """Cycle until ``stop`` is set: every ``interval_seconds``, or at once when ``wake`` is set
    (the lane committed a sale). An unreachable head office is retried, with the wait doubling
    to ten intervals; the lane sells on meanwhile."""
    interval = agent.cfg.interval_seconds
    pause = interval
    done = 0
    while not stop.is_set():
        try:
            agent.cycle()
            pause = interval
        except Exception as exc:
            from pos_tui.storage.hq.lane_io import DivergedError

            log.warning("sync: %s", exc)
            if isinstance(exc, DivergedError):
                if on_status:
                    on_status(agent.status())
                return
            pause = min(pause * 2, interval * 10)
        if on_status:
            try:
                on_status(agent.status())
            except Exception:
                log.exception("sync status not shown")
        done += 1
        if cycles is not None and done >= cycles:
            return
        started = time.monotonic()
        if wake is None:
            stop.wait(pause)
        else:
            while not stop.is_set() and time.monotonic() - started < pause:
                if wake.wait(min(0.2, pause)):
                    wake.clear()
                    break
