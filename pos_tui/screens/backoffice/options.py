"""Store options: FusionRetail's Customer Master "Option" dialog (Alt+O) and the engine's
policy choices, grouped under headings in one scrolling form laid out from
``services/backoffice/store_options.OPTIONS``. Supervisors may look; a manager saves (Ctrl+S)."""

from __future__ import annotations

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Footer, Static

from pos_tui.engine.errors import Refused
from pos_tui.screens.backoffice.base import BackOfficePage, StatusLine
from pos_tui.screens.service_calls import error_text
from pos_tui.services.backoffice.store_options import (
    BY_KEY,
    GROUPS,
    OPTIONS,
    SAVE_ROLE,
    YES,
    StoreOption,
    StoreOptionsService,
)
from pos_tui.services.customers.fields import FieldError
from pos_tui.widgets.backoffice.fields import FieldRow, choice_options, rows_by_name, values_of
from pos_tui.widgets.safe import safe


def option_row(option: StoreOption, value: str) -> FieldRow:
    """The editor of one option; yes/no is a checkbox ("1"/"0"), a choice a drop-down."""
    if option.kind == "bool":
        return FieldRow(option.key, option.label, "flag", value="1" if value == YES else "0")
    if option.kind == "choice":
        return FieldRow(
            option.key,
            option.label,
            "choice",
            value=value,
            choices=choice_options(option.choices),
            allow_blank=False,
        )
    return FieldRow(option.key, option.label, option.kind, value=value, max_length=12)


class StoreOptionsScreen(BackOfficePage[None]):
    """Every store option under its group's heading; the focused option's help below."""

    TITLE_TEXT = "Store options"
    DEFAULT_CSS = """
    StoreOptionsScreen #options { height: 1fr; padding: 0 1; }
    StoreOptionsScreen .options-group { text-style: bold; color: $accent; padding: 1 0 0 0; }
    StoreOptionsScreen .options-group.-first { padding: 0; }
    StoreOptionsScreen #option-help { height: 3; padding: 0 1; color: $text-muted; }
    """
    BINDINGS = [
        Binding("escape", "back", "Back", id="backoffice.back"),
        Binding("ctrl+s", "save", "Save", id="backoffice.save", priority=True),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._loaded: dict[str, str] = {}

    @property
    def may_save(self) -> bool:
        return self.employee is not None and self.employee.at_least(SAVE_ROLE)

    def compose(self) -> ComposeResult:
        yield from self.compose_title()
        yield StatusLine("Loading…", id="options-status")
        yield VerticalScroll(id="options")
        yield Static("", id="option-help")
        yield Footer()

    async def on_mount(self) -> None:
        ok, values = await self.attempt(StoreOptionsService(self.pos.backend).values)
        if not ok or values is None:
            return
        scroll = self.query_one("#options", VerticalScroll)
        widgets: list[Static | FieldRow] = []
        for group in GROUPS:
            options = [o for o in OPTIONS if o.group == group]
            if not options:
                continue
            first = "-first" if not widgets else ""
            widgets.append(Static(Text(group), classes=f"options-group {first}"))
            widgets += [option_row(o, values[o.key]) for o in options]
        await scroll.mount_all(widgets)
        rows = rows_by_name(self)
        self._loaded = values_of(rows)
        if self.may_save:
            self.hint("Ctrl+S saves · Tab moves · Enter opens a drop-down · Escape goes back")
            next(iter(rows.values())).focus_editor()
        else:
            for row in rows.values():
                row.editor.disabled = True
            self.hint("Read only: only a manager may change store options (↑↓ scroll)")
            scroll.focus()

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        row = next((w for w in event.widget.ancestors_with_self if isinstance(w, FieldRow)), None)
        option = BY_KEY.get(row.field_name) if row is not None else None
        if option is not None:
            help_text = f"{option.help} Default: {option.default}. Key: {option.key}"
            self.query_one("#option-help", Static).update(safe(help_text.strip()))

    def changes(self) -> dict[str, str]:
        """The values changed since loading or the last save, by option key."""
        return {k: v for k, v in values_of(rows_by_name(self)).items() if self._loaded.get(k) != v}

    def is_dirty(self) -> bool:
        return bool(self.changes())

    def action_save(self) -> None:
        self.run_worker(self.save(), exclusive=True, group="options-save")

    async def save(self) -> bool:
        rows = rows_by_name(self)
        for row in rows.values():
            row.set_error(None)
        changes = self.changes()
        if not changes:
            self.hint("Nothing changed")
            return True
        service = StoreOptionsService(self.pos.backend)
        try:
            changed = await self.pos.call_service(service.save, changes, self.employee)
        except FieldError as exc:
            wrong = rows.get(exc.field)
            if wrong is not None:
                wrong.set_error(exc.message)
                wrong.scroll_visible()
                wrong.call_after_refresh(wrong.focus_editor)
            self.refuse(exc.message)
            return False
        except Refused as exc:
            self.refuse(f"Not saved: {error_text(exc)}")
            return False
        except Exception as exc:  # a bug: logged and said, the form keeps what was typed
            self.fault(exc, "saving the store options")
            return False
        self._loaded = values_of(rows)
        names = ", ".join(BY_KEY[k].label for k in changed) or "nothing changed"
        self.hint(f"Saved: {names}")
        self.pos.say(f"Store options saved: {names}", title="Back office")
        return True

    async def save_before_leaving(self) -> bool:
        return await self.save()
