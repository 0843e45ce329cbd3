"""The customer form's tabs, laid out from ``customer_fields.FIELDS``.

Tabs follow how the manuals group the customer master: basic, addresses, contacts, settings,
card & loyalty, receivable, personal, other information and pictures. A field added to FIELDS
appears in its group's tab without touching this module.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widget import Widget
from textual.widgets import Static, TabbedContent, TabPane

from pos_tui.screens.backoffice.records import RecordList
from pos_tui.services.backoffice.customer_list import FormData, form_text
from pos_tui.services.customers import fields as cf
from pos_tui.widgets.backoffice.fields import FieldRow, choice_options, options
from pos_tui.widgets.photo import PhotoView
from pos_tui.widgets.safe import safe

# (tab id, title, FIELDS group) in the manuals' order.
TABS: tuple[tuple[str, str, str], ...] = (
    ("tab-basic", "Basic", "basic"),
    ("tab-addresses", "Addresses", ""),
    ("tab-contacts", "Contacts", ""),
    ("tab-settings", "Settings", "settings"),
    ("tab-card", "Card & loyalty", "card"),
    ("tab-receivable", "Receivable", "receivable"),
    ("tab-personal", "Personal", "personal"),
    ("tab-other", "Other info", "other"),
    ("tab-pictures", "Pictures", ""),
)
ADDRESS_LABELS = {
    "contact_name": "Contact name",
    "street_number": "Street / house / flat no.",
    "street_name": "Street name",
    "line_1": "Address 1 / landmark",
    "line_2": "Address 2 / cross road",
    "line_3": "Address 3 / other",
    "line_4": "Address 4",
    "locality": "Locality",
    "related_location": "Related location",
    "city": "City",
    "state": "State / province",
    "postal_code": "Postal / ZIP code",
    "country": "Country",
    "phone": "Phone",
    "alt_phone": "Alternate phone",
    "mobile": "Mobile",
    "fax": "Fax",
    "email": "Email",
    "website": "Website",
}
ADDRESS_TYPE = "address_type"
ADDRESS_PARTS = tuple(f for f in cf.ADDRESS_FIELDS if f != "address_type")
CONTACT_COLUMNS = [
    ("name", "Name"),
    ("relationship", "Relationship"),
    ("phone", "Phone"),
    ("mobile", "Mobile"),
    ("email", "Email"),
    ("may_charge", "May charge (yes/no)"),
]
DISCOUNT_COLUMNS = [
    ("description", "Description"),
    ("percent", "Percent"),
    ("amount", "Amount"),
    ("min_subtotal", "From subtotal"),
]
PRICE_LEVELS = [("0", "Regular price"), ("1", "Level 1 (A)"), ("2", "Level 2 (B)"), ("3", "Level 3 (C)"), ("4", "Level 4")]  # fmt: skip
LINK_LABEL = "Link (referring) customer: account no."


def field_row(spec: cf.Field, data: FormData, value: str) -> FieldRow:
    """The editor of one customer field."""
    if spec.name == "price_level":
        return FieldRow(spec.name, "Price level", "choice", value=value, choices=PRICE_LEVELS, allow_blank=False)  # fmt: skip
    if spec.name == "link_customer_id":
        return FieldRow(spec.name, LINK_LABEL, "text", value=value, max_length=30)
    if spec.kind == "ref":
        return FieldRow(spec.name, spec.label, "ref", value=value, choices=options(data.refs.get(spec.ref, [])))  # fmt: skip
    if spec.kind == "choice":
        return FieldRow(spec.name, spec.label, "choice", value=value, choices=choice_options(spec.choices))  # fmt: skip
    kind = "multiline" if spec.multiline else spec.kind
    return FieldRow(spec.name, spec.label, kind, value=value, max_length=spec.max_length)


def address_values(data: FormData) -> dict[str, dict[str, str]]:
    """The first address of each type, as text (others of a type are kept as they are)."""
    out: dict[str, dict[str, str]] = {}
    for address in data.addresses:
        kind = str(address["address_type"])
        if kind not in out:
            out[kind] = {p: form_text(address.get(p)) for p in ADDRESS_PARTS}
    return out


def initial_values(data: FormData) -> dict[str, str]:
    """The text of every row of the form, before any is mounted."""
    values = dict(data.values)
    main = address_values(data).get("main", {})
    values[ADDRESS_TYPE] = "main"
    values.update({f"address.{p}": main.get(p, "") for p in ADDRESS_PARTS})
    values["team_ids"] = ",".join(map(str, data.team_ids))
    values["exempt_tax_ids"] = ",".join(map(str, data.exempt_tax_ids))
    values["pin"] = ""
    if data.customer_id is None:
        values["opening_points"] = ""
    for slot in (1, 2):
        values[f"picture_{slot}"] = ""
        values[f"picture_{slot}_remove"] = "0"
    return values


_EXTRA_TABS = {"team_ids": "tab-card", "opening_points": "tab-card", "exempt_tax_ids": "tab-settings", "pin": "tab-receivable"}  # fmt: skip


def tab_of(name: str) -> str:
    """The tab holding the row of a field."""
    if name in cf.BY_NAME:
        group = cf.BY_NAME[name].group
        return next(tab for tab, _, g in TABS if g == group)
    if name.startswith("address"):
        return "tab-addresses"
    if name.startswith("picture"):
        return "tab-pictures"
    return _EXTRA_TABS.get(name, "tab-basic")


def pane_content(tab_id: str, data: FormData, values: dict[str, str]) -> list[Widget]:
    """The widgets of one tab, with the current ``values``."""
    group = next(g for tab, _, g in TABS if tab == tab_id)
    out: list[Widget] = [field_row(f, data, values.get(f.name, "")) for f in cf.FIELDS if group and f.group == group]  # fmt: skip
    if tab_id == "tab-addresses":
        kinds = [(k, k.capitalize()) for k in cf.ADDRESS_TYPES]
        out.append(FieldRow(ADDRESS_TYPE, "Address type (shows one at a time)", "choice", value=values[ADDRESS_TYPE], choices=kinds, allow_blank=False))  # fmt: skip
        out += [FieldRow(f"address.{p}", ADDRESS_LABELS[p], "text", value=values[f"address.{p}"]) for p in ADDRESS_PARTS]  # fmt: skip
    elif tab_id == "tab-contacts":
        out.append(RecordList("contacts", "People who may buy on the account", CONTACT_COLUMNS, data.contacts))  # fmt: skip
    elif tab_id == "tab-settings":
        out.append(FieldRow("exempt_tax_ids", "Exempt from taxes", "refs", value=values["exempt_tax_ids"], choices=options(data.refs["taxes"])))  # fmt: skip
        out.append(RecordList("discounts", "Automatic transaction discounts", DISCOUNT_COLUMNS, data.discounts))  # fmt: skip
    elif tab_id == "tab-card":
        out.append(FieldRow("team_ids", "Teams", "refs", value=values["team_ids"], choices=options(data.refs["teams"])))  # fmt: skip
        if data.customer_id is None:
            out.append(FieldRow("opening_points", "Opening points (may be fractional)", "decimal", value=values["opening_points"]))  # fmt: skip
        else:
            out.append(Static(safe(f"Points balance {data.points} · F3 shows earned/used/adjusted and adjusts"), classes="note"))  # fmt: skip
    elif tab_id == "tab-receivable":
        out.append(FieldRow("pin", "Account PIN (empty: unchanged)", "text", password=True, max_length=12, value=values["pin"]))  # fmt: skip
        if data.customer_id is not None:
            out.append(Static(safe(f"Owes {data.owed} · F4 shows the account, takes a payment, prints a statement"), classes="note"))  # fmt: skip
    elif tab_id == "tab-pictures":
        for slot in (1, 2):
            out.append(Static(safe(f"Picture {slot}: {data.pictures.get(slot, 'none')}"), classes="note", id=f"picture-{slot}-note"))  # fmt: skip
            out.append(PhotoView(data.photos.get(slot), width=32, rows=8, id=f"photo-{slot}"))
            out.append(FieldRow(f"picture_{slot}", f"Picture {slot}: load from file", "text", placeholder="/path/to/photo.jpg, then Enter", value=values[f"picture_{slot}"]))  # fmt: skip
            out.append(FieldRow(f"picture_{slot}_remove", f"Picture {slot}: remove on save", "flag", value=values[f"picture_{slot}_remove"]))  # fmt: skip
    return out


class CustomerFormBody(Widget):
    """The form's tabs; a tab's rows are mounted the first time it is shown (a customer has
    over 100 fields, and mounting them all up front would make opening the form slow)."""

    DEFAULT_CSS = """
    CustomerFormBody { height: 1fr; }
    CustomerFormBody TabbedContent { height: 1fr; }
    CustomerFormBody TabPane { padding: 0 1; height: 1fr; }
    CustomerFormBody VerticalScroll { height: 1fr; }
    CustomerFormBody .note { color: $text-muted; margin-top: 1; }
    """

    def __init__(self, data: FormData, values: dict[str, str], first_tab: str) -> None:
        super().__init__(id="form-body")
        self.data = data
        self.values = values
        self.first_tab = first_tab
        self.filled: set[str] = set()

    def compose(self) -> ComposeResult:
        with TabbedContent(id="form-tabs", initial=self.first_tab):
            for tab_id, title, _ in TABS:
                with TabPane(title, id=tab_id):
                    if tab_id == self.first_tab:
                        self.filled.add(tab_id)
                        yield VerticalScroll(*pane_content(tab_id, self.data, self.values))
                    else:
                        yield VerticalScroll()

    async def fill(self, tab_id: str, values: dict[str, str]) -> None:
        """Mount a tab's rows (once) with the form's current values."""
        if tab_id in self.filled:
            return
        self.filled.add(tab_id)
        pane = self.query_one(f"#{tab_id}", TabPane)
        await pane.query_one(VerticalScroll).mount_all(pane_content(tab_id, self.data, values))


def pane_ids_of(widget: Widget) -> list[str]:
    """The ids of the tab panes holding ``widget``, outermost first."""
    return [a.id for a in reversed(list(widget.ancestors)) if isinstance(a, TabPane) and a.id]
