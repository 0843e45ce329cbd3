"""Head office's flags for a supervisor: overdrafts found once every lane's events met, unique
fields taken at two stores, journal chain breaks (docs/sync.md). They are resolved at head
office (``pos-tui hq resolve``); the lane shows what it last pulled."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Footer

from pos_tui.screens.backoffice.base import BackOfficePage, StatusLine
from pos_tui.services.sync.flags import flag_lines
from pos_tui.widgets.safe import safe


class SyncFlagsScreen(BackOfficePage[None]):
    TITLE_TEXT = "Head office flags"
    DEFAULT_CSS = "SyncFlagsScreen #flags { height: 1fr; }"
    BINDINGS = [
        Binding("escape", "back", "Back", id="backoffice.back"),
        Binding("f5", "open_or_all", "Open/all", id="backoffice.flags_toggle"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.show_all = False

    def compose(self) -> ComposeResult:
        yield from self.compose_title()
        yield StatusLine("", id="flags-status")
        table: DataTable[Text] = DataTable(id="flags", cursor_type="row", zebra_stripes=True)
        table.add_column("Flag", width=200)
        yield table
        yield Footer()

    async def on_mount(self) -> None:
        await self.refresh_view()

    async def refresh_view(self) -> None:
        ok, lines = await self.attempt(flag_lines, self.pos.backend, open_only=not self.show_all)
        if not ok or lines is None:
            return
        table = self.query_one("#flags", DataTable)
        table.clear()
        for line in lines:
            table.add_row(safe(line))
        which = "all" if self.show_all else "open"
        self.hint(
            f"{len(lines)} {which} flags from head office · F5 {'open only' if self.show_all else 'all'}"
            if lines
            else f"No {which} flags from head office"
        )
        table.focus()

    async def action_open_or_all(self) -> None:
        self.show_all = not self.show_all
        await self.refresh_view()
