"""Card types, customer types, items with their price levels, sub-groups, teams, locations and
location groups: a list, and an edit form laid out from ``catalog_admin.TABLES``."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import DataTable, Footer, Static, TabbedContent, TabPane

from pos_tui.engine.errors import Refused
from pos_tui.screens.backoffice.base import BackOfficePage, StatusLine
from pos_tui.screens.backoffice.form_layout import pane_ids_of
from pos_tui.screens.service_calls import error_text
from pos_tui.services.backoffice.catalog import TABLES, AdminField, CatalogAdmin
from pos_tui.services.customers.fields import FieldError
from pos_tui.widgets.backoffice.fields import (
    FieldRow,
    choice_options,
    options,
    rows_by_name,
    values_of,
)
from pos_tui.widgets.safe import safe

SECTION_TITLES = {
    "main": "Main", "points": "Points", "extras": "B'day & referral", "redeem": "Redeem & restrict",
    "multiplier": "Multiplier", "upgrade": "Upgrade & input", "subscription": "Subscription",
    "prices": "Prices", "basic": "Basic", "settings": "Settings", "card": "Card & loyalty",
    "receivable": "Receivable", "personal": "Personal", "other": "Other",
}  # fmt: skip


class CatalogListScreen(BackOfficePage[None]):
    """The rows of one reference table; Enter edits, Ctrl+N adds."""

    DEFAULT_CSS = "CatalogListScreen #rows { height: 1fr; }"
    BINDINGS = [
        Binding("escape", "back", "Back", id="backoffice.back"),
        Binding("ctrl+n", "new", "New", id="backoffice.catalog_new", priority=True),
        Binding("enter", "edit", "Edit", id="backoffice.catalog_edit"),
    ]

    def __init__(self, table: str) -> None:
        super().__init__()
        self.table = table
        self.spec = TABLES[table]
        self.TITLE_TEXT = self.spec.title
        self.rows: list[dict[str, Any]] = []

    def compose(self) -> ComposeResult:
        yield from self.compose_title()
        yield StatusLine("", id="catalog-status")
        table: DataTable[Text] = DataTable(id="rows", cursor_type="row", zebra_stripes=True)
        for column in self.spec.columns:
            field = next((f for f in self.spec.fields if f.name == column), None)
            table.add_column(field.label.split(" (")[0] if field else column.capitalize())
        yield table
        yield Footer()

    async def on_mount(self) -> None:
        await self.reload()

    async def reload(self) -> None:
        ok, rows = await self.attempt(CatalogAdmin(self.pos.backend).rows, self.table)
        if not ok or rows is None:
            return
        self.rows = rows
        table = self.query_one("#rows", DataTable)
        table.clear()
        for row in rows:
            table.add_row(*(safe("" if row.get(c) is None else row.get(c)) for c in self.spec.columns))  # fmt: skip
        self.hint(f"{len(rows)} rows · Enter edit · Ctrl+N new")
        table.focus()

    def _open(self, row_id: int | None) -> None:
        async def back(_: object) -> None:
            await self.reload()

        self.app.push_screen(CatalogEditScreen(self.table, row_id), back)

    def action_new(self) -> None:
        self._open(None)

    def action_edit(self) -> None:
        table = self.query_one("#rows", DataTable)
        if self.rows and table.row_count:
            self._open(int(self.rows[min(table.cursor_row, len(self.rows) - 1)]["id"]))

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_edit()


class CatalogEditScreen(BackOfficePage[None]):
    """Edit one row; Ctrl+S saves, a refusal shows next to its field."""

    DEFAULT_CSS = """
    CatalogEditScreen TabbedContent { height: 1fr; }
    CatalogEditScreen TabPane { padding: 0 1; }
    CatalogEditScreen VerticalScroll { height: 1fr; }
    """
    BINDINGS = [
        Binding("escape", "back", "Back", id="backoffice.back"),
        Binding("ctrl+s", "save", "Save", id="backoffice.save", priority=True),
        # As in the customer form: the tabs from the keyboard, wherever the focus is.
        Binding("f9", "tab(-1)", "Prev tab", id="backoffice.tab_previous", priority=True),
        Binding("f10", "tab(1)", "Next tab", id="backoffice.tab_next", priority=True),
    ]

    def __init__(self, table: str, row_id: int | None) -> None:
        super().__init__()
        self.table = table
        self.row_id = row_id
        self.spec = TABLES[table]
        self.TITLE_TEXT = self.spec.title
        self._loaded: dict[str, str] = {}

    def compose(self) -> ComposeResult:
        yield from self.compose_title()
        yield StatusLine("", id="edit-status")
        yield Static("Loading…", id="edit-loading")
        yield Footer()

    async def on_mount(self) -> None:
        await self.build()

    async def build(self) -> None:
        """Load the row and lay out its tabs (subclasses add to the form after this)."""
        admin = CatalogAdmin(self.pos.backend)
        ok, values = await self.attempt(admin.load, self.table, self.row_id)
        ok2, refs = await self.attempt(admin.options, self.table)
        if not (ok and ok2) or values is None or refs is None:
            return
        sections: dict[str, list[FieldRow]] = {}
        for f in self.spec.fields:
            sections.setdefault(f.section, []).append(self._row(f, values, refs))
        tabs = TabbedContent(id="edit-tabs")
        self.query_one("#edit-loading").display = False
        await self.mount(tabs, before=self.query_one(Footer))
        for section, rows in sections.items():
            title = SECTION_TITLES.get(section, section.capitalize())
            await tabs.add_pane(TabPane(title, VerticalScroll(*rows), id=f"tab-{section}"))
        self._loaded = values_of(rows_by_name(self))
        self.set_subtitle(values.get("name") or "new")
        next(iter(rows_by_name(self).values())).focus_editor()

    def action_tab(self, step: int) -> None:
        """The previous or next tab, its first field focused."""
        found = self.query("#edit-tabs")
        if not found:
            return  # still loading
        tabs = found.only_one(TabbedContent)
        panes = [pane.id for pane in tabs.query(TabPane) if pane.id]
        if not panes:
            return
        index = panes.index(tabs.active) if tabs.active in panes else 0
        tabs.active = panes[(index + step) % len(panes)]
        first = next(iter(tabs.get_pane(tabs.active).query(FieldRow)), None)
        if first is not None:
            first.call_after_refresh(first.focus_editor)

    @staticmethod
    def _row(
        f: AdminField, values: dict[str, str], refs: dict[str, list[tuple[int, str]]]
    ) -> FieldRow:
        value = values.get(f.name, "")
        if f.kind in ("ref", "refs"):
            return FieldRow(
                f.name, f.label, f.kind, value=value, choices=options(refs.get(f.name, []))
            )
        if f.kind == "choice":
            # A choice with a default has no "(none)": empty would only mean the default.
            return FieldRow(
                f.name,
                f.label,
                "choice",
                value=value,
                choices=choice_options(f.choices),
                allow_blank=not f.initial,
            )
        return FieldRow(f.name, f.label, f.kind, value=value)

    def is_dirty(self) -> bool:
        rows = rows_by_name(self)
        return bool(rows) and values_of(rows) != self._loaded

    def action_save(self) -> None:
        self.run_worker(self.save(), exclusive=True, group="catalog-save")

    async def save(self) -> bool:
        rows = rows_by_name(self)
        for row in rows.values():
            row.set_error(None)
        try:
            row_id = await self.store(values_of(rows))
        except FieldError as exc:
            wrong = rows.get(exc.field)
            if wrong is None:
                self.show_other_error(exc)
            else:
                wrong.set_error(exc.message)
                panes = pane_ids_of(wrong)
                if panes:
                    self.query_one("#edit-tabs", TabbedContent).active = panes[0]
                wrong.call_after_refresh(wrong.focus_editor)
            self.refuse(exc.message)
            return False
        except Refused as exc:
            self.refuse(f"Not saved: {error_text(exc)}")
            return False
        except Exception as exc:  # a bug: logged and said, the form keeps what was typed
            self.fault(exc, "saving the row")
            return False
        self.row_id = row_id
        self._loaded = values_of(rows)
        self.hint(f"Saved {self._loaded.get('name', '')}")
        self.pos.say(
            f"Saved {self._loaded.get('name', '')} in {self.spec.title}", title="Back office"
        )
        return True

    async def store(self, values: dict[str, str]) -> int:
        """Validate and write on the database thread; returns the row id."""
        admin = CatalogAdmin(self.pos.backend)
        return await self.pos.call_service(
            admin.save, self.table, self.row_id, values, employee_id=self.employee_id
        )

    def show_other_error(self, exc: FieldError) -> None:
        """A refusal of something that is not a field row (subclasses show it in place)."""

    async def save_before_leaving(self) -> bool:
        return await self.save()
