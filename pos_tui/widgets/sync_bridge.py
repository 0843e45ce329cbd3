"""The lane app's head office sync: the agent cycles on its own thread (with its own SQLite
connection and PostgreSQL pool), and each status reaches the UI thread for the top bar.

The thread never touches the screen; the status goes through ``App.call_from_thread``. A
committed sale wakes it (``kick``), so "queued" drops back to 0 within a second when online.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from textual.app import App

from pos_tui.config import Settings
from pos_tui.services.sync.agent import SyncAgent, SyncStatus, run_forever

log = logging.getLogger(__name__)


class SyncBridge:
    def __init__(
        self, app: App[Any], settings: Settings, shown: Callable[[SyncStatus], None], now: Any
    ) -> None:
        self.app = app
        self.settings = settings
        self.shown = shown
        self.now = now
        self.stop_event = threading.Event()
        self.wake = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="pos-sync", daemon=True)
        self._thread.start()

    def kick(self) -> None:
        self.wake.set()

    def stop(self) -> None:
        self.stop_event.set()
        self.wake.set()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def _run(self) -> None:
        try:
            agent = SyncAgent(self.settings, now=self.now)
        except Exception as exc:  # not configured right, psycopg missing: say so, sell on
            log.warning("sync not started: %s", exc)
            self._show(
                SyncStatus(
                    configured=True,
                    online=False,
                    queued=0,
                    last_sync=None,
                    error=str(exc),
                    stopped=True,
                )
            )
            return
        try:
            self._show(agent.status())
            run_forever(agent, stop=self.stop_event, wake=self.wake, on_status=self._show)
        finally:
            agent.close()

    def _show(self, status: SyncStatus) -> None:
        if self.stop_event.is_set():
            return
        try:
            self.app.call_from_thread(self.shown, status)
        except Exception:  # the app is closing
            log.debug("sync status dropped")
