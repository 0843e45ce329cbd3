"""The back office customer list: search, filters, sort and keyset paging.

A page is found by the sort key of the last row of the page before it, never by skipping rows,
so it stays instant however deep the manager pages. ``CustomerListService.page`` runs on the
database thread; its result is a plain snapshot for the screen.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from pos_tui import phones
from pos_tui.engine.money import ZERO, to_decimal
from pos_tui.services.customers import fields as cf
from pos_tui.services.customers.names import display_name
from pos_tui.services.customers.pictures import read_picture
from pos_tui.services.customers.service import CustomerService
from pos_tui.services.runtime.backend import Backend
from pos_tui.storage.customers import CustomerRow
from pos_tui.storage.reports import SORT_KEYS, CustomerListing, CustomerQuery, ReportRepository
from pos_tui.storage.rows import Row
from pos_tui.text import fold_email, plain

PAGE_SIZE = 50
SORTS: tuple[tuple[str, str], ...] = (
    ("name", "Name"),
    ("account", "Account number"),
    ("mobile", "Mobile"),
    ("newest", "Created"),
)


@dataclass(frozen=True)
class ListFilters:
    """The list's filters as the manager sets them (None: any)."""

    text: str = ""
    active: bool | None = True
    card_type_id: int | None = None
    customer_type_id: int | None = None
    location_group_id: int | None = None
    credit_hold: bool | None = None
    birthday_this_week: bool = False
    sort: str = "name"
    descending: bool = False


@dataclass(frozen=True)
class ListRow:
    """One customer as the list shows them."""

    id: int
    name: str
    account_number: str
    mobile: str
    card_number: str
    card_type: str
    active: bool
    credit_hold: bool
    points: Decimal
    owed: Decimal
    sort_key: tuple[Any, ...]


@dataclass(frozen=True)
class CustomerPage:
    rows: list[ListRow]
    total: int
    first_number: int  # 1-based position of the first row in the whole list
    has_next: bool
    milliseconds: float
    starts_after: tuple[Any, ...] | None = None


@dataclass(frozen=True)
class Choices:
    """The filter lists: (id, name) of card types, customer types and location groups."""

    card_types: list[tuple[int, str]] = field(default_factory=list)
    customer_types: list[tuple[int, str]] = field(default_factory=list)
    location_groups: list[tuple[int, str]] = field(default_factory=list)


def week_of(today: date) -> tuple[date, date]:
    """Monday to Sunday of the week holding ``today``."""
    monday = today - timedelta(days=today.weekday())
    return monday, monday + timedelta(days=6)


def birthday_days(today: date) -> tuple[str, ...]:
    """'MM-DD' of every day of this week (a birthday on 29 Feb counts on 28 Feb too)."""
    monday, _ = week_of(today)
    days = [monday + timedelta(days=i) for i in range(7)]
    out = [d.strftime("%m-%d") for d in days]
    if "02-28" in out and "02-29" not in out:
        out.append("02-29")
    return tuple(out)


class CustomerListService:
    """Pages of customers for the back office list (database thread)."""

    def __init__(self, backend: Backend) -> None:
        self.b = backend
        self.reports = ReportRepository(backend.db)

    def prepare(self) -> None:
        """Make sure the sort indexes exist (once per database; instant when they do)."""

    def choices(self) -> Choices:
        return Choices(
            card_types=list(self.reports.names("card_types").items()),
            customer_types=list(self.reports.names("customer_types").items()),
            location_groups=list(self.reports.names("location_groups").items()),
        )

    def query(self, filters: ListFilters) -> CustomerQuery:
        if filters.sort not in SORT_KEYS:
            raise ValueError(f"unknown sort {filters.sort!r}")
        text = cf.search_text(filters.text)
        mobile = phones.maybe_e164(text, self.b.settings.store.phone_region) or ""
        return CustomerQuery(
            text=text,
            mobile=mobile,
            email=email if "@" in (email := fold_email(text)) else "",
            active=filters.active,
            card_type_id=filters.card_type_id,
            customer_type_id=filters.customer_type_id,
            location_group_id=filters.location_group_id,
            credit_hold=filters.credit_hold,
            birthdays=birthday_days(self.b.now().date()) if filters.birthday_this_week else (),
            sort=filters.sort,
            descending=filters.descending,
        )

    def page(
        self,
        filters: ListFilters,
        *,
        after: tuple[Any, ...] | None = None,
        first_number: int = 1,
        size: int = PAGE_SIZE,
        with_total: bool = True,
        total: int = -1,
    ) -> CustomerPage:
        """The page after sort key ``after``; ``first_number`` is only carried for display."""
        started = time.perf_counter()
        q = self.query(filters)
        rows = self.reports.customer_page(q, after=after, limit=size + 1)
        has_next = len(rows) > size
        rows = rows[:size]
        if with_total:
            total = self.reports.customer_count(q)
        balances = self.reports.customer_balances([r.id for r in rows])
        out = [_list_row(r, balances[r.id]) for r in rows]
        elapsed = (time.perf_counter() - started) * 1000
        return CustomerPage(out, total, first_number, has_next, elapsed, after)

    def by_account(self, account_number: str) -> CustomerRow | None:
        """A customer (active or not) by account number: the form's link customer field."""
        return self.b.customers.by_account(account_number.strip(), active_only=False)

    def count_all(self, *, include_inactive: bool) -> int:
        """How many customers an export writes (for its progress bar)."""
        return self.reports.all_customer_count(include_inactive=include_inactive)

    def account_of(self, customer_id: int) -> str:
        row = self.reports.customer_names([customer_id]).get(customer_id)
        return "" if row is None else row.account_number


def _list_row(row: CustomerListing, balances: tuple[list[str], list[str]]) -> ListRow:
    points = sum((to_decimal(p, "points") for p in balances[0]), ZERO)
    owed = sum((to_decimal(a, "amount") for a in balances[1]), ZERO)
    return ListRow(
        id=row.id,
        name=display_name(row),
        account_number=row.account_number,
        mobile=row.mobile or "",
        card_number=row.card_number or "",
        card_type=row.card_type_name or "",
        active=bool(row.active),
        credit_hold=bool(row.credit_hold),
        points=points,
        owed=owed,
        sort_key=row.sort_key,
    )


# -- the customer form -------------------------------------------------------------------------
# Reference tables the form offers as drop-downs and lists.
FORM_REFS = (
    "customer_types",
    "card_types",
    "price_lists",
    "locations",
    "location_groups",
    "teams",
    "taxes",
)
# What a new customer's form starts with: the schema's defaults, as the form's text.
NEW_CUSTOMER = {
    "active": "1", "price_level": "0", "auto_discount_percent": "0", "credit_limit": "0",
    "grace_period_days": "0", "service_charge_percent": "0", "ar_account_type": "open_item",
    "grace_period_type": "none", "billing_address": "main", "circular_address": "main",
    "bill_delivery": "print", "send_email": "1", "send_sms": "1", "privacy_show_other_info": "1",
    "privacy_show_crm_points": "1", "statement_print": "1", "allow_payment": "1",
}  # fmt: skip


@dataclass(frozen=True)
class FormData:
    """Everything the customer form needs, loaded in one go on the database thread."""

    customer_id: int | None
    values: dict[str, str]
    addresses: list[Row]
    contacts: list[Row]
    discounts: list[Row]
    team_ids: list[int]
    exempt_tax_ids: list[int]
    refs: dict[str, list[tuple[int, str]]]
    pictures: dict[int, str]  # slot -> "image/png, 1234 bytes"
    points: Decimal = ZERO
    owed: Decimal = ZERO
    name: str = ""
    photos: dict[int, bytes] = field(default_factory=dict)  # slot -> the stored image


def form_text(value: Any, *, multiline: bool = False) -> str:
    """A stored customer value as the form's text. A control character stored before entry
    refused them shows as a visible escape (``\x1b``; saving the field keeps that visible
    text); ``multiline`` keeps line breaks (the remarks' text areas)."""
    return plain(value, multiline=multiline)


def load_form(backend: Backend, customer_id: int | None) -> FormData:
    """The form's data: a stored customer, or the blank new customer (database thread)."""
    reports = ReportRepository(backend.db)
    refs = {table: list(reports.names(table).items()) for table in FORM_REFS}
    if customer_id is None:
        values = {
            f.name: NEW_CUSTOMER.get(f.name, "0" if f.kind == "flag" else "") for f in cf.FIELDS
        }
        defaults = CustomerService(backend).new_customer_defaults()
        values.update({name: str(flag) for name, flag in defaults.items()})
        return FormData(None, values, [], [], [], [], [], refs, {})
    details = CustomerService(backend).details(customer_id)
    if details is None:
        raise cf.FieldError("id", f"No customer with id {customer_id}")
    stored = details.row.columns()
    values = {f.name: form_text(stored.get(f.name), multiline=f.multiline) for f in cf.FIELDS}
    link = details.row.link_customer_id
    values["link_customer_id"] = CustomerListService(backend).account_of(int(link)) if link else ""
    pictures, photos = {}, {}
    for slot in (1, 2):
        picture = backend.customers.picture(customer_id, slot)
        if picture is not None:
            pictures[slot] = f"{picture.media_type}, {len(picture.data)} bytes"
            photos[slot] = bytes(picture.data)
    return FormData(
        customer_id,
        values,
        # The form edits child rows as column maps (money as its stored text).
        [a.columns() for a in details.addresses],
        [c.columns() for c in details.contacts],
        [d.columns() for d in details.transaction_discounts],
        details.team_ids,
        details.exempt_tax_ids,
        refs,
        pictures,
        details.points_balance,
        details.receivable_balance,
        details.name,
        photos,
    )


def type_defaults(backend: Backend, customer_type_id: int) -> dict[str, str]:
    """A customer type's defaults as the form's text (flags "1"/"0")."""
    row = backend.catalog.get("customer_types", customer_type_id)
    if row is None:
        return {}
    out: dict[str, str] = {}
    for name, value in json.loads(row["defaults"]).items():
        spec = cf.BY_NAME.get(name)
        if spec is None:
            continue
        if spec.kind == "flag":
            out[name] = "1" if cf.coerce(spec, value) else "0"
        else:
            out[name] = form_text(value)
    return out


# Fields whose column is NOT NULL: an emptied number means zero, an emptied choice is kept.
_NUMBER_KINDS = ("decimal", "percent", "int")


@dataclass
class FormPayload:
    """What the form saves: fields (all on create, the changed ones on update) and children
    (None: unchanged). ``pictures`` maps a slot to a file to load, or None to remove it."""

    fields: dict[str, str]
    addresses: list[dict[str, Any]] | None = None
    contacts: list[dict[str, Any]] | None = None
    discounts: list[dict[str, Any]] | None = None
    team_ids: list[int] | None = None
    exempt_tax_ids: list[int] | None = None
    pin: str | None = None
    opening_points: str | None = None
    pictures: dict[int, str | None] = field(default_factory=dict)


def save_form(
    backend: Backend, customer_id: int | None, payload: FormPayload, *, employee_id: int | None
) -> int:
    """Create or update a customer from the form (database thread); returns the id.

    Raises FieldError naming the field, so the form shows the message next to it.
    """
    service = CustomerService(backend)
    data: dict[str, Any] = {}
    for name, text in payload.fields.items():
        spec = cf.BY_NAME[name]
        if name == "link_customer_id":
            if text.strip():
                linked = backend.customers.by_account(text.strip(), active_only=False)
                if linked is None:
                    raise cf.FieldError(name, f"No customer with account number {text.strip()}")
                data[name] = linked.id
            elif customer_id is not None:
                data[name] = None
            continue
        if text.strip() == "" and spec.kind == "choice":
            continue
        if text.strip() == "" and spec.kind in _NUMBER_KINDS:
            text = "0"
        if text == "" and customer_id is None:
            continue
        data[name] = text
    pictures = {
        slot: (read_picture(slot, path) if path else None)
        for slot, path in payload.pictures.items()
    }
    children: dict[str, Any] = {
        "addresses": payload.addresses,
        "contacts": payload.contacts,
        "transaction_discounts": payload.discounts,
        "team_ids": payload.team_ids,
        "exempt_tax_ids": payload.exempt_tax_ids,
        "pin": payload.pin or None,
    }
    if customer_id is None:
        customer_id = service.create(
            data,
            **children,
            opening_points=payload.opening_points or None,
            employee_id=employee_id,
        )
    else:
        service.update(customer_id, data, **children, employee_id=employee_id)
    for slot, picture in pictures.items():
        if picture is None:
            service.set_picture(customer_id, slot, None, employee_id=employee_id)
        else:
            service.set_picture(customer_id, slot, picture[0], picture[1], employee_id=employee_id)
    return customer_id


def set_active(backend: Backend, customer_id: int, active: bool, *, employee_id: int | None) -> str:
    """Activate or deactivate from the list; returns the customer's name for the notice."""
    service = CustomerService(backend)
    service.set_active(customer_id, active, employee_id=employee_id)
    row = backend.customers.get(customer_id)
    return display_name(row) if row else str(customer_id)
