"""The customer list: search as you type, filters, sort, and keyset paging.

Each change starts at once (no debounce) one exclusive worker that asks the database thread
for the first page; a newer change cancels it, and a generation counter drops an older page
that arrives late (``pos_tui/widgets/newest.py``), so only the newest query's page is shown;
Page Down asks for the page after the last row shown (by its sort key), Page Up goes back to
the page before, so paging stays instant at any depth and any size of store.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import Checkbox, DataTable, Footer, Input, Select
from textual.worker import Worker

from pos_tui.screens.backoffice.base import BackOfficePage, StatusLine
from pos_tui.services.backoffice import customer_list as cl
from pos_tui.widgets.newest import Newest
from pos_tui.widgets.safe import safe

ANY = "any"
# Filter id -> (label, the filter field it sets).
TRI = {ANY: None, "yes": True, "no": False}


class CustomerListScreen(BackOfficePage[None]):
    """Find customers; Enter edits, Ctrl+N creates, F2-F6 open their history and accounts."""

    TITLE_TEXT = "Customers"
    DEFAULT_CSS = """
    CustomerListScreen .bar { height: 1; margin: 0 1; }
    CustomerListScreen #search { width: 1fr; }
    CustomerListScreen .bar Select { width: 1fr; margin-right: 1; }
    CustomerListScreen #f-sort { width: 24; }
    CustomerListScreen #f-birthday { border: none; height: 1; padding: 0; width: auto; }
    CustomerListScreen #f-birthday:focus { background: $accent 40%; }
    CustomerListScreen #customers { height: 1fr; }
    """
    BINDINGS = [
        Binding("escape", "back", "Back", id="backoffice.back"),
        Binding("ctrl+n", "new", "New", id="backoffice.customer_new", priority=True),
        Binding("enter", "edit", "Edit", id="backoffice.customer_edit"),
        Binding("pagedown", "page(1)", "Next page", id="backoffice.page_next", priority=True),
        Binding("pageup", "page(-1)", "Prev page", id="backoffice.page_previous", priority=True),
        Binding("f2", "view('history')", "History", id="backoffice.history"),
        Binding("f3", "view('loyalty')", "Loyalty", id="backoffice.loyalty"),
        Binding("f4", "view('account')", "Account", id="backoffice.account"),
        Binding("f5", "view('orders')", "Orders", id="backoffice.orders"),
        Binding("f6", "view('audit')", "Audit", id="backoffice.audit"),
        Binding("f7", "reverse", "Reverse sort", id="backoffice.reverse_sort"),
        Binding("f8", "toggle_active", "(De)activate", id="backoffice.toggle_active"),
        Binding("f9", "erase", "Erase", id="backoffice.customer_erase"),
        Binding("down", "cursor(1)", "Down", id="backoffice.cursor_down", show=False),
        Binding("up", "cursor(-1)", "Up", id="backoffice.cursor_up", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.filters = cl.ListFilters()
        self.page: cl.CustomerPage | None = None
        self._previous: list[tuple[Any, ...] | None] = []  # page starts before this one
        self._newest = Newest()

    def compose(self) -> ComposeResult:
        yield from self.compose_title()
        with Horizontal(classes="bar"):
            yield Input(
                placeholder="Search: name, mobile, card, account, email", id="search", compact=True
            )
            yield Select(
                [(label, key) for key, label in cl.SORTS], value="name", allow_blank=False,
                compact=True, id="f-sort",
            )  # fmt: skip
        with Horizontal(classes="bar"):
            yield self._tri("f-active", "Active", "yes")
            yield Select([], prompt="Any card type", compact=True, id="f-card-type")
            yield Select([], prompt="Any customer type", compact=True, id="f-customer-type")
        with Horizontal(classes="bar"):
            yield Select([], prompt="Any location group", compact=True, id="f-location-group")
            yield self._tri("f-credit-hold", "Credit hold", ANY)
            yield Checkbox("Birthday this week", id="f-birthday")
        yield StatusLine("Loading…", id="list-status")
        table: DataTable[Text] = DataTable(id="customers", cursor_type="row", zebra_stripes=True)
        yield table
        yield Footer()

    @staticmethod
    def _tri(widget_id: str, label: str, value: str) -> Select[str]:
        options = [(f"{label}: any", ANY), (f"{label}: yes", "yes"), (f"{label}: no", "no")]
        return Select(options, value=value, allow_blank=False, compact=True, id=widget_id)

    async def on_mount(self) -> None:
        table = self.query_one("#customers", DataTable)
        # Mobile sized to what the page holds (an E.164 number is up to 16 characters, one
        # the migration kept as typed up to 40): a number is never cut.
        for label, width in (
            ("Name", 22), ("Account", 8), ("Mobile", None), ("Card type", 9),
            ("Points", 8), ("Owes", 9), ("", 6),
        ):  # fmt: skip
            table.add_column(label, width=width)
        self.query_one("#search", Input).focus()
        service = cl.CustomerListService(self.pos.backend)
        await self.attempt(service.prepare)
        ok, choices = await self.attempt(service.choices)
        if ok and choices is not None:
            for widget_id, pairs in (
                ("#f-card-type", choices.card_types),
                ("#f-customer-type", choices.customer_types),
                ("#f-location-group", choices.location_groups),
            ):
                select: Select[str] = self.query_one(widget_id, Select)
                select.set_options([(safe(name), str(key)) for key, name in pairs])
        self.reload()

    # -- filters -------------------------------------------------------------------------------
    def _read_filters(self) -> cl.ListFilters:
        def ref(widget_id: str) -> int | None:
            value = self.query_one(widget_id, Select).value
            return None if value is Select.NULL else int(str(value))

        def tri(widget_id: str) -> bool | None:
            return TRI[str(self.query_one(widget_id, Select).value)]

        return cl.ListFilters(
            text=self.query_one("#search", Input).value,
            active=tri("#f-active"),
            card_type_id=ref("#f-card-type"),
            customer_type_id=ref("#f-customer-type"),
            location_group_id=ref("#f-location-group"),
            credit_hold=tri("#f-credit-hold"),
            birthday_this_week=self.query_one("#f-birthday", Checkbox).value,
            sort=str(self.query_one("#f-sort", Select).value),
            descending=self.filters.descending,
        )

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        self.reload()

    def on_select_changed(self, event: Select.Changed) -> None:
        event.stop()
        if self.is_mounted and self.page is not None:
            self.reload()

    def on_checkbox_changed(self, event: Checkbox.Changed) -> None:
        event.stop()
        self.reload()

    def action_reverse(self) -> None:
        self.filters = replace(self.filters, descending=not self.filters.descending)
        self.reload()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """Enter in the search opens the selected customer (the first, unless the cursor was
        moved with the arrows), searching at once if the list is not yet what was typed."""
        event.stop()
        self.run_worker(self._open_found(), group="customer-list-enter")

    async def _open_found(self) -> None:
        if self._read_filters() != self.filters or self.page is None:
            await self._load(None, 1, keep_total=False).wait()
        if self.selected_id() is None:
            self.hint("No customer matches: nothing to open")
            return
        self.action_edit()

    # -- loading -------------------------------------------------------------------------------
    def reload(self) -> None:
        self._previous = []
        self._load(None, 1, keep_total=False)

    def _load(self, after: tuple[Any, ...] | None, first: int, *, keep_total: bool) -> Worker[None]:
        """Ask for a page now; every older request is cancelled or its page dropped."""
        return self._load_page(after, first, keep_total, self._newest.start())

    @work(exclusive=True, group="customer-list")
    async def _load_page(
        self, after: tuple[Any, ...] | None, first: int, keep_total: bool, generation: int
    ) -> None:
        filters = self._read_filters()
        service = cl.CustomerListService(self.pos.backend)
        total = self.page.total if (keep_total and self.page) else -1
        ok, page = await self.attempt(
            service.page, filters, after=after, first_number=first,
            with_total=not keep_total, total=total,
        )  # fmt: skip
        if ok and page is not None and self._newest.is_newest(generation):
            self.filters = filters  # what the page on screen was asked with
            self._show(page)

    def _show(self, page: cl.CustomerPage) -> None:
        self.page = page
        table = self.query_one("#customers", DataTable)
        table.clear()
        for row in page.rows:
            status = ("" if row.active else "off") + (" hold" if row.credit_hold else "")
            cells = (
                row.name,
                row.account_number,
                row.mobile,
                row.card_type,
                row.points,
                row.owed,
                status,
            )
            table.add_row(*(safe(c) for c in cells), key=str(row.id))
        if not page.rows:
            self.hint("No customer matches")
            return
        last = page.first_number + len(page.rows) - 1
        order = "descending" if self.filters.descending else "ascending"
        self.hint(
            f"{page.first_number:,}-{last:,} of {page.total:,} · {order} · "
            f"{page.milliseconds:.0f} ms · PgDn/PgUp pages"
        )

    def action_page(self, step: int) -> None:
        page = self.page
        if page is None:
            return
        if step > 0 and page.has_next and page.rows:
            self._previous.append(page.starts_after)
            after = page.rows[-1].sort_key
            self._load(after, page.first_number + len(page.rows), keep_total=True)
        elif step < 0 and self._previous:
            before = self._previous.pop()
            first = max(1, page.first_number - cl.PAGE_SIZE)
            self._load(before, first, keep_total=True)

    # -- choosing ------------------------------------------------------------------------------
    def selected_id(self) -> int | None:
        table = self.query_one("#customers", DataTable)
        if self.page is None or not self.page.rows or table.row_count == 0:
            return None
        return self.page.rows[min(table.cursor_row, len(self.page.rows) - 1)].id

    def action_cursor(self, step: int) -> None:
        table = self.query_one("#customers", DataTable)
        if table.row_count:
            table.move_cursor(row=max(0, min(table.cursor_row + step, table.row_count - 1)))

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_edit()

    def _open(self, screen: Any) -> None:
        def back(_: object) -> None:
            self._load(self.page.starts_after if self.page else None,
                       self.page.first_number if self.page else 1, keep_total=False)  # fmt: skip

        self.app.push_screen(screen, back)

    def action_new(self) -> None:
        from pos_tui.screens.backoffice.customer_form import CustomerFormScreen

        self._open(CustomerFormScreen(None))

    def action_edit(self) -> None:
        from pos_tui.screens.backoffice.customer_form import CustomerFormScreen

        customer_id = self.selected_id()
        if customer_id is not None:
            self._open(CustomerFormScreen(customer_id))

    def action_view(self, which: str) -> None:
        from pos_tui.screens.backoffice.customer_views import view_screen

        customer_id = self.selected_id()
        if customer_id is None:
            self.refuse("Choose a customer first")
            return
        self._open(view_screen(which, customer_id))

    async def action_toggle_active(self) -> None:
        customer_id = self.selected_id()
        if customer_id is None or self.page is None:
            return
        row = next(r for r in self.page.rows if r.id == customer_id)
        ok, name = await self.attempt(
            cl.set_active,
            self.pos.backend,
            customer_id,
            not row.active,
            employee_id=self.employee_id,
        )
        if ok:
            self.pos.say(
                f"{name} is now {'inactive' if row.active else 'active'}", title="Customer"
            )
            self._load(self.page.starts_after, self.page.first_number, keep_total=False)

    def action_erase(self) -> None:
        """Erase the chosen customer's personal data on their request (asks first)."""
        from pos_tui.screens.dialogs import ChoiceScreen
        from pos_tui.services.customers.erasure import ErasureService

        customer_id = self.selected_id()
        if customer_id is None or self.page is None:
            self.refuse("Choose a customer first")
            return
        row = next(r for r in self.page.rows if r.id == customer_id)
        employee = self.employee
        if employee is None or not employee.at_least("supervisor"):
            self.refuse("Erasing a customer needs a supervisor")
            return

        async def chosen(choice: str | None) -> None:
            if choice != "erase" or self.page is None:
                return
            service = ErasureService(self.pos.backend)
            ok, done = await self.attempt(
                service.erase, row.account_number, approver=employee, via="back office"
            )
            if ok and done is not None:
                self.pos.say(
                    f"Customer {done.account_number} erased: {len(done.fields)} fields, "
                    f"{sum(done.removed.values())} addresses, contacts and pictures removed",
                    title="Customer",
                )
                self._load(self.page.starts_after, self.page.first_number, keep_total=False)

        self.app.push_screen(
            ChoiceScreen(
                "Erase customer",
                f"Erase {row.name} (account {row.account_number}) for good? Names, addresses, "
                "contacts, phones, e-mail, birthday, pictures and the card go; their sales, "
                "ledgers and the journal stay.",
                [("keep", "Keep the customer"), ("erase", "Erase the personal data")],
            ),
            chosen,
        )
