"""The back office menu: the entry point, refused to anyone below a supervisor."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Footer, OptionList, Static
from textual.widgets.option_list import Option

from pos_tui.screens.backoffice.base import REQUIRED_ROLE, BackOfficePage

# (option id, label, key); the key opens the entry directly.
ENTRIES: tuple[tuple[str, str, str], ...] = (
    ("customers", "Customers", "1"),
    ("card_types", "Card types", "2"),
    ("customer_types", "Customer types", "3"),
    ("items", "Items and price levels", "4"),
    ("item_subgroups", "Sub-groups", "5"),
    ("teams", "Teams", "6"),
    ("locations", "Locations", "7"),
    ("location_groups", "Location groups", "8"),
    ("import_export", "Import / export customers", "9"),
    ("taxes", "Taxes", "t"),
    ("tax_classes", "Tax classes", "c"),
    ("price_lists", "Price lists", "p"),
    ("options", "Store options", "o"),
    ("statements", "Statement run", "s"),
    ("sync_flags", "Head office flags", "h"),
    ("shifts", "Shifts and Z reports", "z"),
)


class BackOfficeScreen(BackOfficePage[None]):
    """Choose what to manage; Escape returns to the lane."""

    TITLE_TEXT = "Menu"
    DEFAULT_CSS = """
    BackOfficeScreen > Vertical { width: 60; max-width: 100%; height: auto; margin: 1 2; }
    BackOfficeScreen OptionList { height: auto; max-height: 18; border: round $accent; }
    BackOfficeScreen #backoffice-help { color: $text-muted; padding: 1 1 0 1; }
    """
    BINDINGS = [
        Binding("escape", "back", "Back", id="backoffice.back"),
        *(
            Binding(key, f"open('{entry}')", label, id=f"backoffice.menu_{entry}", show=False)
            for entry, label, key in ENTRIES
        ),
    ]

    def compose(self) -> ComposeResult:
        yield from self.compose_title()
        with Vertical():
            yield OptionList(
                *(Option(Text(f"{key}  {label}"), id=entry) for entry, label, key in ENTRIES),
                id="backoffice-menu",
            )
            yield Static(
                "↑↓ and Enter, or the key in front. Escape goes back to the lane.",
                id="backoffice-help",
            )
        yield Footer()

    def on_mount(self) -> None:
        employee = self.employee
        if employee is None or not employee.at_least(REQUIRED_ROLE):
            who = employee.name if employee else "Nobody"
            self.pos.say(
                f"{who} may not open the back office: a supervisor or manager must sign in",
                title="Back office",
                severity="error",
            )
            self.call_later(self._leave)
            return
        self.query_one(OptionList).focus()

    def _leave(self) -> None:
        self.dismiss(None)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id:
            self.action_open(event.option.id)

    def action_open(self, entry: str) -> None:
        self.app.push_screen(screen_for(entry))


def screen_for(entry: str) -> Screen[None]:
    """The screen of a menu entry."""
    from pos_tui.screens.backoffice.catalog import CatalogListScreen
    from pos_tui.screens.backoffice.customer_list import CustomerListScreen
    from pos_tui.screens.backoffice.import_export import ImportExportScreen
    from pos_tui.screens.backoffice.options import StoreOptionsScreen
    from pos_tui.screens.backoffice.price_lists import PriceListListScreen
    from pos_tui.screens.backoffice.sync_flags import SyncFlagsScreen

    if entry == "customers":
        return CustomerListScreen()
    if entry == "import_export":
        return ImportExportScreen()
    if entry == "price_lists":
        return PriceListListScreen()
    if entry == "options":
        return StoreOptionsScreen()
    if entry == "statements":
        from pos_tui.screens.backoffice.statements import StatementRunScreen

        return StatementRunScreen()
    if entry == "sync_flags":
        return SyncFlagsScreen()
    if entry == "shifts":
        from pos_tui.screens.backoffice.shifts import ShiftsScreen

        return ShiftsScreen()
    return CatalogListScreen(entry)
