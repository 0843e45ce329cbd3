"""Create and edit a customer: every field of the three manuals, checked as it is typed and
again by the customer service on save; a refusal shows next to its field (and its tab opens).

Ctrl+S saves. Escape asks first when something is not saved. F2-F6 open the customer's
history, loyalty, account, orders and audit trail.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Checkbox, Footer, Input, Select, Static, TabbedContent, TextArea

from pos_tui import phones
from pos_tui.engine.errors import Refused
from pos_tui.engine.money import NotANumber, to_decimal
from pos_tui.screens.backoffice.base import BackOfficePage, StatusLine
from pos_tui.screens.backoffice.form_layout import (
    ADDRESS_PARTS,
    ADDRESS_TYPE,
    CustomerFormBody,
    address_values,
    initial_values,
    tab_of,
)
from pos_tui.screens.backoffice.records import RecordList
from pos_tui.screens.service_calls import error_text
from pos_tui.services.backoffice import customer_list as cl
from pos_tui.services.backoffice.customer_list import form_text
from pos_tui.services.customers import fields as cf
from pos_tui.services.customers.pictures import read_picture
from pos_tui.widgets.backoffice.fields import FieldRow, rows_by_name, values_of
from pos_tui.widgets.photo import PhotoView
from pos_tui.widgets.safe import safe

# Service error fields that have no row of their own: the tab to open instead.
ERROR_TABS = {
    "addresses": "tab-addresses",
    "address_type": "tab-addresses",
    "contacts": "tab-contacts",
    "transaction_discounts": "tab-settings",
    "picture": "tab-pictures",
}
TAB_ORDER = ("tab-basic", "tab-addresses", "tab-contacts", "tab-settings", "tab-card",
             "tab-receivable", "tab-personal", "tab-other", "tab-pictures")  # fmt: skip


def check_value(name: str, text: str, *, region: str = phones.DEFAULT_REGION) -> str | None:
    """The message for a value that cannot be right whatever else the form holds (a mobile
    read in the store's phone ``region``)."""
    spec = cf.BY_NAME.get(name)
    try:
        if spec is not None and text.strip():
            cf.coerce(spec, text)
            if name == "mobile":
                cf.normalize_mobile(text, region)
            elif name == "email":
                cf.normalize_email(text)
            elif name == "card_number":
                cf.check_card_number(text, allow_hex=True)
        elif name == "opening_points" and text.strip():
            to_decimal(text, "Opening points")
    except cf.FieldError as exc:
        return exc.message
    except NotANumber:
        return "Opening points must be a number"
    return None


def _ids(text: str) -> list[int]:
    return [int(x) for x in text.split(",") if x.strip()]


class CustomerFormScreen(BackOfficePage[None]):
    """The customer master form (``customer_id`` None: a new customer)."""

    TITLE_TEXT = "Customer"
    DEFAULT_CSS = """
    CustomerFormScreen #form-loading { padding: 1 2; }
    """
    BINDINGS = [
        Binding("escape", "back", "Back", id="backoffice.back"),
        Binding("ctrl+s", "save", "Save", id="backoffice.save", priority=True),
        Binding("f9", "tab(-1)", "Prev tab", id="backoffice.tab_previous", priority=True),
        Binding("f10", "tab(1)", "Next tab", id="backoffice.tab_next", priority=True),
        Binding("f2", "view('history')", "History", id="backoffice.history"),
        Binding("f3", "view('loyalty')", "Loyalty", id="backoffice.loyalty"),
        Binding("f4", "view('account')", "Account", id="backoffice.account"),
        Binding("f5", "view('orders')", "Orders", id="backoffice.orders"),
        Binding("f6", "view('audit')", "Audit", id="backoffice.audit"),
    ]

    @property
    def _region(self) -> str:
        return self.pos.backend.settings.store.phone_region

    def __init__(self, customer_id: int | None) -> None:
        super().__init__()
        self.customer_id = customer_id
        self.data: cl.FormData | None = None
        self._loaded: dict[str, str] = {}
        self.values: dict[str, str] = {}  # every field's text, for rows not mounted yet
        self._auto: dict[str, str] = {}  # values the customer type filled in
        # Every address by type; the tab edits one type at a time (``_address_kind``).
        self.address_book: dict[str, dict[str, str]] = {}
        self._address_kind = "main"
        self._photos: dict[int, bytes] = {}  # pictures loaded from a file, not saved yet

    def compose(self) -> ComposeResult:
        yield from self.compose_title()
        yield StatusLine("", id="form-status")
        yield Static("Loading…", id="form-loading")
        yield Footer()

    async def on_mount(self) -> None:
        await self.load()

    async def load(self, *, tab: str = "tab-basic") -> None:
        ok, data = await self.attempt(cl.load_form, self.pos.backend, self.customer_id)
        if not ok or data is None:
            return
        self.data = data
        self.values = initial_values(data)
        self.address_book = address_values(data)
        self._address_kind = "main"
        self._photos = {}
        for old in self.query(CustomerFormBody):
            await old.remove()
        self.query_one("#form-loading").display = False
        await self.mount(CustomerFormBody(data, self.values, tab), before=self.query_one(Footer))
        self._loaded = self.snapshot()
        self._auto = {}
        self.set_subtitle(data.name if data.customer_id else "new customer")
        rows = self.rows()
        first = rows.get("first_name") or next(iter(rows.values()), None)
        if first is not None:
            first.focus_editor()

    @property
    def body(self) -> CustomerFormBody:
        return self.query_one(CustomerFormBody)

    async def on_tabbed_content_tab_activated(self, event: TabbedContent.TabActivated) -> None:
        if event.tabbed_content.id == "form-tabs" and event.pane.id:
            await self.body.fill(event.pane.id, self.current())

    async def field(self, name: str) -> FieldRow:
        """The row of a field, its tab shown (and mounted) first."""
        tab = tab_of(name)
        self.query_one("#form-tabs", TabbedContent).active = tab
        await self.body.fill(tab, self.current())
        return self.rows()[name]

    # -- values --------------------------------------------------------------------------------
    def rows(self) -> dict[str, FieldRow]:
        """The rows mounted so far (tabs not shown yet have none)."""
        return rows_by_name(self)

    def records(self) -> dict[str, RecordList]:
        return {r.list_name: r for r in self.query(RecordList)}

    def current(self) -> dict[str, str]:
        """Every value of the form: the mounted rows, else what was loaded or filled in."""
        return {**self.values, **values_of(self.rows())}

    def set_value(self, name: str, text: str) -> None:
        row = self.rows().get(name)
        if row is not None:
            row.value = text
        self.values[name] = text

    def _flush_address(self) -> None:
        """Keep what the address rows show in the address book."""
        values = self.current()
        shown = {p: values[f"address.{p}"] for p in ADDRESS_PARTS}
        if any(v.strip() for v in shown.values()) or self._address_kind in self.address_book:
            self.address_book[self._address_kind] = shown

    def show_address(self, kind: str) -> None:
        """Edit the address of another type (the book keeps the one shown before)."""
        self._flush_address()
        self._address_kind = kind
        if self.current()[ADDRESS_TYPE] != kind:
            self.set_value(ADDRESS_TYPE, kind)
        shown = self.address_book.get(kind, {})
        for part in ADDRESS_PARTS:
            self.set_value(f"address.{part}", shown.get(part, ""))

    def snapshot(self) -> dict[str, str]:
        self._flush_address()
        values = {k: v for k, v in self.current().items() if not k.startswith("address")}
        values["addresses"] = json.dumps(
            {k: v for k, v in self.address_book.items() if any(x.strip() for x in v.values())},
            sort_keys=True,
        )
        for name, records in self.records().items():
            if records.changed:
                values["records." + name] = json.dumps(records.records, sort_keys=True)
        return values

    def is_dirty(self) -> bool:
        return bool(self.query(CustomerFormBody)) and self.snapshot() != self._loaded

    def on_input_changed(self, event: Input.Changed) -> None:
        row = next((a for a in event.input.ancestors if isinstance(a, FieldRow)), None)
        # A late echo of a value already judged (e.g. set just before saving) keeps its message.
        if row is not None and event.value != row.error_value:
            row.set_error(check_value(row.field_name, event.value, region=self._region))

    def on_text_area_changed(self, event: TextArea.Changed) -> None:
        row = next((a for a in event.text_area.ancestors if isinstance(a, FieldRow)), None)
        if row is not None and event.text_area.text != row.error_value:
            row.set_error(check_value(row.field_name, event.text_area.text, region=self._region))

    async def on_select_changed(self, event: Select.Changed) -> None:
        row = next((a for a in event.select.ancestors if isinstance(a, FieldRow)), None)
        if row is not None and row.field_name == ADDRESS_TYPE and event.value is not Select.NULL:
            if str(event.value) != self._address_kind:
                self.show_address(str(event.value))
            return
        if row is None or row.field_name != "customer_type_id" or self.customer_id is not None:
            return
        if event.value is Select.NULL:
            return
        ok, defaults = await self.attempt(cl.type_defaults, self.pos.backend, int(str(event.value)))
        if not ok or not defaults:
            return
        values = self.current()
        for name, text in defaults.items():
            if name not in values or name == "customer_type_id":
                continue
            if values[name] in (self._auto.get(name), self._loaded.get(name)):
                self.set_value(name, text)
                self._auto[name] = text
        self.hint(f"Filled {len(defaults)} defaults of the customer type")

    # -- pictures ------------------------------------------------------------------------------
    def on_input_submitted(self, event: Input.Submitted) -> None:
        row = next((a for a in event.input.ancestors if isinstance(a, FieldRow)), None)
        if row is not None and row.field_name in ("picture_1", "picture_2"):
            event.stop()
            slot = int(row.field_name[-1])
            self.run_worker(self.load_picture(slot, event.value), group=f"picture-{slot}")

    def on_checkbox_changed(self, event: Checkbox.Changed) -> None:
        row = next((a for a in event.checkbox.ancestors if isinstance(a, FieldRow)), None)
        if row is not None and row.field_name in ("picture_1_remove", "picture_2_remove"):
            self.show_picture(int(row.field_name[8]))

    def show_picture(self, slot: int) -> None:
        """The picture the form would save in a slot: a new one, the stored one, or none."""
        found = self.query(f"#photo-{slot}")
        if not found or self.data is None:
            return
        view = found.first(PhotoView)
        if self.current().get(f"picture_{slot}_remove") == "1":
            view.say(f"Picture {slot} is removed when the form is saved (Ctrl+S)")
        else:
            view.show(self._photos.get(slot) or self.data.photos.get(slot))

    async def load_picture(self, slot: int, path: str) -> None:
        """Read and check the file off the UI thread and show it; the service reads it again
        on save, so what is stored is what the file holds then."""
        row = self.rows()[f"picture_{slot}"]
        self._photos.pop(slot, None)
        if not path.strip():
            row.set_error(None)
            self.show_picture(slot)
            return
        try:
            data, media_type = await asyncio.to_thread(read_picture, slot, path)
        except cf.FieldError as exc:
            row.set_error(exc.message)
            self.show_picture(slot)
            self.refuse(exc.message)
            return
        row.set_error(None)
        self._photos[slot] = data
        self.show_picture(slot)
        note = f"Picture {slot}: {media_type}, {len(data)} bytes from the file, saved with Ctrl+S"
        self.query_one(f"#picture-{slot}-note", Static).update(safe(note))
        self.hint(f"Picture {slot} loaded: Ctrl+S saves it")

    # -- saving --------------------------------------------------------------------------------
    def payload(self) -> cl.FormPayload:
        snapshot = self.snapshot()
        values = self.current()
        creating = self.customer_id is None
        main = {f.name: values[f.name] for f in cf.FIELDS}
        fields = main if creating else {k: v for k, v in main.items() if v != self._loaded.get(k)}
        out = cl.FormPayload(fields=fields, pin=values.get("pin") or None)
        if creating:
            out.opening_points = values.get("opening_points") or None
        if creating or snapshot["addresses"] != self._loaded.get("addresses"):
            out.addresses = self._addresses()
        records = self.records()
        if "contacts" in records and (creating or records["contacts"].changed):
            out.contacts = [
                {**r, "may_charge": r.get("may_charge") or "yes"}
                for r in records["contacts"].records
            ]
        if "discounts" in records and (creating or records["discounts"].changed):
            out.discounts = [dict(r) for r in records["discounts"].records]
        for name in ("team_ids", "exempt_tax_ids"):
            if creating or values[name] != self._loaded.get(name):
                setattr(out, name, _ids(values[name]))
        for slot in (1, 2):
            if values.get(f"picture_{slot}_remove") == "1":
                out.pictures[slot] = None
            elif values.get(f"picture_{slot}", "").strip():
                out.pictures[slot] = values[f"picture_{slot}"].strip()
        return out

    def _addresses(self) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        seen: set[str] = set()
        for kind in cf.ADDRESS_TYPES:
            parts = self.address_book.get(kind, {})
            if any(v.strip() for v in parts.values()):
                out.append({"address_type": kind, **parts})
        # Further addresses of a type the form shows once are kept as stored.
        for address in self.data.addresses if self.data else []:
            kind = str(address["address_type"])
            if kind in seen:
                out.append({k: form_text(address[k]) for k in cf.ADDRESS_FIELDS})
            seen.add(kind)
        return out

    def action_save(self) -> None:
        self.run_worker(self.save(), group="customer-save", exclusive=True)

    async def save(self) -> bool:
        if not self.query(CustomerFormBody):
            return False
        for row in self.rows().values():
            row.set_error(None)
        changed = {n: v for n, v in self.current().items() if v != self._loaded.get(n)}
        wrong = [
            (n, m) for n, v in changed.items() if (m := check_value(n, v, region=self._region))
        ]
        if wrong:
            await self.show_error(*wrong[0])
            return False
        try:
            customer_id = await self.pos.call_service(
                cl.save_form,
                self.pos.backend,
                self.customer_id,
                self.payload(),
                employee_id=self.employee_id,
            )
        except cf.FieldError as exc:
            await self.show_error(exc.field, exc.message)
            return False
        except Refused as exc:
            self.refuse(f"Not saved: {error_text(exc)}")
            return False
        except Exception as exc:  # a bug: logged and said, the form keeps what was typed
            self.fault(exc, "saving the customer")
            return False
        created = self.customer_id is None
        self.customer_id = customer_id
        tab = self.query_one("#form-tabs", TabbedContent).active
        await self.load(tab=tab)
        name = self.data.name if self.data else str(customer_id)
        self.hint(f"{'Created' if created else 'Saved'} {name}")
        self.pos.say(f"{'Created' if created else 'Saved'} {name}", title="Customer")
        return True

    async def save_before_leaving(self) -> bool:
        return await self.save()

    async def show_error(self, field: str, message: str) -> None:
        """The message next to its field, with the field's tab opened and focused."""
        name = field if field in self.values else f"{field}_1"
        if name in self.values:
            row = await self.field(name)
            row.set_error(message)
            row.call_after_refresh(row.focus_editor)
        elif field in ERROR_TABS:
            self.query_one("#form-tabs", TabbedContent).active = ERROR_TABS[field]
        self.refuse(message)

    # -- moving about --------------------------------------------------------------------------
    async def action_tab(self, step: int) -> None:
        if not self.query(CustomerFormBody):
            return
        tabs = self.query_one("#form-tabs", TabbedContent)
        index = TAB_ORDER.index(tabs.active) if tabs.active in TAB_ORDER else 0
        tabs.active = TAB_ORDER[(index + step) % len(TAB_ORDER)]
        await self.body.fill(tabs.active, self.current())
        pane = tabs.get_pane(tabs.active)
        first = next(iter(pane.query(FieldRow)), None)
        if first is not None:
            first.focus_editor()
        elif pane.query(RecordList):
            pane.query(RecordList).first().query_one("DataTable").focus()

    def action_view(self, which: str) -> None:
        from pos_tui.screens.backoffice.customer_views import view_screen

        if self.customer_id is None:
            self.refuse("Save the new customer first")
            return
        customer_id = self.customer_id

        async def back(_: object) -> None:
            if not self.is_dirty():
                await self.load(tab=self.query_one("#form-tabs", TabbedContent).active)

        self.app.push_screen(view_screen(which, customer_id), back)
