"""A customer's loyalty points and credit account: adjustments with a reason, payments on
account, the credit hold and the statement (preview and print)."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Footer, Label

from pos_tui.engine.errors import Refused
from pos_tui.screens.backoffice.base import StatusLine
from pos_tui.screens.backoffice.customer_views import CustomerPage, TextScreen
from pos_tui.screens.dialogs import Field, PromptScreen
from pos_tui.screens.host import host_of
from pos_tui.screens.service_calls import error_text
from pos_tui.services.accounts.receivable import ReceivableService
from pos_tui.services.customers.history import (
    ENTRY_LABELS,
    AccountView,
    HistoryService,
    LoyaltyView,
    account_and_pin,
)
from pos_tui.services.customers.service import CustomerService
from pos_tui.services.staff.lockout import clear_customer_lock
from pos_tui.widgets.safe import safe


class LoyaltyScreen(CustomerPage):
    """Points earned, used, adjusted and unused; every entry; card type upgrades applied."""

    TITLE_TEXT = "Loyalty"
    DEFAULT_CSS = """
    LoyaltyScreen #points { height: 1fr; }
    LoyaltyScreen #upgrades { height: auto; max-height: 6; }
    LoyaltyScreen .section { text-style: bold; margin: 0 1; }
    """
    BINDINGS = [
        Binding("escape", "back", "Back", id="backoffice.back"),
        Binding("f7", "adjust", "Adjust points", id="backoffice.adjust_points"),
    ]

    def compose(self) -> ComposeResult:
        yield from self.compose_title()
        yield StatusLine("", id="loyalty-summary")
        table: DataTable[Text] = DataTable(id="points", cursor_type="row", zebra_stripes=True)
        for label in ("Date", "Entry", "Points", "Reason", "Employee", "Sale"):
            table.add_column(label)
        yield table
        yield Label("Card type upgrades", classes="section")
        upgrades: DataTable[Text] = DataTable(id="upgrades", cursor_type="row")
        for label in ("Date", "From", "To", "Rule", "Employee"):
            upgrades.add_column(label)
        yield upgrades
        yield Footer()

    async def refresh_view(self) -> None:
        ok, view = await self.attempt(HistoryService(self.pos.backend).loyalty, self.customer_id)
        if not ok or view is None:
            return
        self.view: LoyaltyView = view
        s = view.summary
        self.hint(
            f"{view.card_type or 'No card type'} · opening {s['opening']} · earned {s['earned']} "
            f"· used {s['used']} · adjusted {s['adjusted']} · unused {s['unused']}"
        )
        table = self.query_one("#points", DataTable)
        table.clear()
        for e in view.entries:
            cells = (str(e.created_at)[:10], e.entry_type, e.points, e.reason or "", e.employee_name or "", e.sale_id or "")  # fmt: skip
            table.add_row(*(safe(c) for c in cells))
        upgrades = self.query_one("#upgrades", DataTable)
        upgrades.clear()
        for u in view.upgrades:
            upgrades.add_row(*(safe(c) for c in (u.at[:10], u.from_name, u.to_name, u.rule, u.employee)))  # fmt: skip
        if not view.upgrades:
            upgrades.add_row(safe("none"), safe(""), safe(""), safe(""), safe(""))
        table.focus()

    def action_adjust(self) -> None:
        fields = [
            Field("points", "Points (negative takes points away)", restrict=r"[0-9.\-]*"),
            Field("reason", "Reason (required)"),
        ]

        async def done(values: dict[str, str] | None) -> None:
            if values is None:
                return
            service = CustomerService(self.pos.backend)
            ok, _ = await self.attempt(
                service.adjust_points,
                self.customer_id,
                values["points"],
                values["reason"],
                employee_id=self.employee_id,
            )
            if ok:
                self.pos.say(f"Adjusted {values['points']} points", title="Loyalty")
                await self.refresh_view()

        self.app.push_screen(PromptScreen("Adjust points", fields), done)


class StatementScreen(TextScreen):
    """The statement as it prints; P prints through ``app.print_statement`` when present."""

    BINDINGS = [
        Binding("escape", "close", "Close", id="backoffice.close"),
        Binding("p", "print", "Print", id="backoffice.print_statement"),
    ]

    def __init__(self, customer_id: int, text: str, *, prints: bool) -> None:
        super().__init__("Statement preview", text)
        self.customer_id = customer_id
        self.prints = prints

    def action_print(self) -> None:
        self.run_worker(self._print(), group="statement-print")

    async def _print(self) -> None:
        """The customer's last closed statement, printed again through the lane's print queue."""
        from pos_tui.services.accounts.statements import queue_last_statement

        pos = host_of(self)
        note = "" if self.prints else " (this customer does not take printed statements)"
        try:
            message = await pos.call_service(queue_last_statement, pos.backend, self.customer_id)
        except Refused as exc:
            message = f"The statement was not queued: {error_text(exc)}"
        except Exception as exc:  # a bug: the app's one error handler logs and says it
            pos.report_error(exc, where="back office: queueing the statement")
            return
        pos.kick_printing()
        pos.say(message + note, title="Statement")


class AccountScreen(CustomerPage):
    """The credit account: charges, payments, adjustments and service charges."""

    TITLE_TEXT = "Credit account"
    DEFAULT_CSS = "AccountScreen #entries { height: 1fr; }"
    BINDINGS = [
        Binding("escape", "back", "Back", id="backoffice.back"),
        Binding("f7", "payment", "Take payment", id="backoffice.take_payment"),
        Binding("f8", "hold", "Credit hold", id="backoffice.credit_hold"),
        Binding("f9", "statement", "Statement", id="backoffice.statement"),
        Binding("f10", "clear_pin_lock", "Clear PIN lock", id="backoffice.clear_pin_lock"),
    ]

    def compose(self) -> ComposeResult:
        yield from self.compose_title()
        yield StatusLine("", id="account-summary")
        table: DataTable[Text] = DataTable(id="entries", cursor_type="row", zebra_stripes=True)
        for label in ("Date", "Entry", "Reference", "Amount", "Balance", "Due", "Note"):
            table.add_column(label)
        yield table
        yield Footer()

    async def refresh_view(self) -> None:
        ok, found = await self.attempt(account_and_pin, self.pos.backend, self.customer_id)
        if not ok or found is None:
            return
        view, pin = found
        self.view: AccountView = view
        row = view.customer
        flags = [
            "HOLD" if row.credit_hold else "no hold",
            "account on" if row.ar_enabled else "no account",
            "may pay" if row.allow_payment else "may not pay",
        ]
        if pin.describe():
            flags.append(f"{pin.describe()} (F10 clears)")
        self.set_subtitle(view.name)
        self.hint(
            f"Owes {view.balance} · limit {view.credit_limit} · available {view.available} · "
            + " · ".join(flags)
        )
        table = self.query_one("#entries", DataTable)
        table.clear()
        for entry, running in view.entries:
            cells = (entry.posted_at[:10], ENTRY_LABELS.get(entry.entry_type, entry.entry_type), entry.reference or "", entry.amount, running, entry.due_date or "", entry.note or "")  # fmt: skip
            table.add_row(*(safe(c) for c in cells))
        table.focus()

    def action_payment(self) -> None:
        view = getattr(self, "view", None)
        if view is None:
            return
        label = view.customer.required_reference_label or "Reference"
        required = " (required)" if view.customer.required_reference else " (optional)"
        fields = [
            Field("amount", f"Amount (owes {view.balance})", restrict=r"[0-9.]*"),
            Field("reference", f"{label}{required}"),
        ]

        async def done(values: dict[str, str] | None) -> None:
            if values is None:
                return
            service = ReceivableService(self.pos.backend)
            ok, balance = await self.attempt(
                service.take_payment,
                self.customer_id,
                values["amount"],
                reference=values["reference"],
                employee_id=self.employee_id,
            )
            if ok:
                self.pos.say(f"Payment {values['amount']} taken · owes {balance}", title="Account")
                await self.refresh_view()

        self.app.push_screen(PromptScreen(f"Payment on account: {view.name}", fields), done)

    async def action_hold(self) -> None:
        view = getattr(self, "view", None)
        if view is None:
            return
        on = not view.customer.credit_hold
        service = HistoryService(self.pos.backend)
        ok, _ = await self.attempt(service.set_credit_hold, self.customer_id, on, employee_id=self.employee_id)  # fmt: skip
        if ok:
            self.pos.say(f"Credit hold {'on' if on else 'off'} for {view.name}", title="Account")
            await self.refresh_view()

    async def action_clear_pin_lock(self) -> None:
        """A supervisor clears the account PIN's lockout (wrong PINs at the lane); audited."""
        view = getattr(self, "view", None)
        ok, cleared = await self.attempt(
            clear_customer_lock, self.pos.backend, self.customer_id, by=self.employee
        )
        if not ok:
            return
        name = view.name if view is not None else "this customer"
        if cleared:
            self.pos.say(f"PIN lockout cleared for {name}", title="Account")
        else:
            self.pos.say(f"{name} has no wrong PINs to clear", title="Account")
        await self.refresh_view()

    async def action_statement(self) -> None:
        ok, text = await self.attempt(HistoryService(self.pos.backend).statement, self.customer_id)
        view = getattr(self, "view", None)
        if ok and text is not None:
            prints = bool(view.customer.statement_print) if view else True
            self.app.push_screen(StatementScreen(self.customer_id, text, prints=prints))
