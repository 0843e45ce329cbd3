"""Head office sync (``[sync] url``): its worker thread, kicked after every commit, and the
state the top bar shows."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pos_tui.app_parts.base import LaneAppBase

if TYPE_CHECKING:
    from pos_tui.services.sync.agent import SyncStatus


class HeadOfficeSync(LaneAppBase):
    def _start_sync(self) -> None:
        """Sync with head office on a worker thread; the top bar shows its state."""
        from pos_tui.widgets.sync_bridge import SyncBridge

        self.sync_line = "connecting · head office"
        self.sync_bridge = SyncBridge(self, self.settings, self.sync_changed, self.backend.now)
        self.after_commit.append(lambda _committed: self._kick_sync())
        self.sync_bridge.start()

    def _kick_sync(self) -> None:
        if self.sync_bridge is not None:
            self.sync_bridge.kick()

    def sync_changed(self, status: SyncStatus) -> None:
        from pos_tui.widgets.lane_bar import LaneBar

        if status.stopped and status.error and not self.sync_line.startswith("sync stopped"):
            self.say(f"Head office sync stopped: {status.error}", title="Sync", severity="error")
        self.sync_line = status.line()
        for bar in self.screen.query(LaneBar):
            bar.set_sync(self.sync_line)
