"""F1: the lane's recent messages, then every key of the screen underneath with its binding id
for ``[keymap]``."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Footer, Static

from pos_tui.screens.notices import Notice, notice_rows
from pos_tui.widgets.errors import ContainErrors
from pos_tui.widgets.key_legend import key_rank


def key_rows(screen: Screen[object]) -> list[tuple[str, str, str]]:
    """(keys, description, binding id) of every active lane binding of ``screen``, F-keys
    first in number order (as the key legend lists them)."""
    app = screen.app
    rows: dict[str, tuple[str, str, str]] = {}
    ranks: dict[str, int] = {}
    for order, active in enumerate(screen.active_bindings.values()):
        binding = active.binding
        # Only the lane's own keys (they all have ids); widget internals like cursor moves in
        # an input are not listed.
        if binding.system or not binding.id:
            continue
        bid = ident = binding.id
        display = app.get_key_display(binding)
        if ident in rows:
            keys, desc, _ = rows[ident]
            rows[ident] = (f"{keys}, {display}", desc, bid)
        else:
            rows[ident] = (display, binding.tooltip or binding.description, bid)
            ranks[ident] = key_rank(binding.key, order)
    return [rows[ident] for ident in sorted(rows, key=ranks.__getitem__)]


class HelpScreen(ContainErrors, ModalScreen[None]):
    """The recent messages (newest first: what a toast or the message line said, so one that
    went by while the cashier typed is still there to read) and a table of keys; any of
    Escape, F1 or q closes it."""

    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > VerticalScroll {
        width: 84; max-width: 100%; height: 90%; border: round $accent; padding: 0 1;
        background: $surface;
    }
    """
    BINDINGS = [
        Binding("escape,f1,q", "close", "Close", id="help.close"),
    ]

    def __init__(
        self, title: str, rows: list[tuple[str, str, str]], notices: list[Notice] | None = None
    ) -> None:
        super().__init__()
        self.title_text = title
        self.rows = rows
        self.notices = notices or []

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            if self.notices:
                yield Static(self._messages(), id="help-messages")
            yield Static(self._keys(), id="help-keys")
        yield Footer()

    def _messages(self) -> Table:
        table = Table(title=Text("Recent messages (newest first)"), expand=True, box=None)
        table.add_column("Time", no_wrap=True)
        table.add_column("From", no_wrap=True)
        table.add_column("Message")
        for row in notice_rows(self.notices):
            table.add_row(*row)
        return table

    def _keys(self) -> Table:
        table = Table(title=Text(f"Keys: {self.title_text}"), expand=True, box=None)
        table.add_column("Key", no_wrap=True, style="bold")
        table.add_column("Does")
        table.add_column(Text("Binding id ([keymap])"), no_wrap=True)
        for keys, desc, bid in self.rows:
            table.add_row(Text(keys), Text(desc), Text(bid))
        return table

    def action_close(self) -> None:
        self.dismiss(None)
