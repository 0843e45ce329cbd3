"""The attached customer's orders at the lane (Ctrl+T): open one from the sale with a deposit,
take payments, move it on a stage, complete it (the goods leave) or cancel it; and a cash
withdrawal from the customer's account. Slips print through the lane's print queue."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Footer

from pos_tui.screens.dialogs import ChoiceScreen, Field, PromptScreen
from pos_tui.screens.kept_prompt import with_values
from pos_tui.screens.lane import LaneScreen, MessageLine
from pos_tui.services.accounts.order_view import ORDER_TYPES, STAGES, OrderView, Tender
from pos_tui.services.accounts.orders import OrderService
from pos_tui.services.checkout.errors import CheckoutError
from pos_tui.services.checkout.sale import Checkout
from pos_tui.services.staff.auth import Employee
from pos_tui.widgets.safe import safe

TYPE_NAMES = {
    "layaway": "Layaway",
    "special": "Special order",
    "work": "Work order",
    "back": "Back order",
}


def payment_fields(amount: str) -> list[Field]:
    return [
        Field("amount", "Amount", amount, restrict=r"[0-9.,]*"),
        Field("tender", "Tender: cash, card, account or points", "cash", restrict=r"[a-zA-Z]*"),
        Field("reference", "Card approval / PO number (card, account)"),
        Field("pin", "Customer PIN (account)", password=True, restrict=r"[0-9]*"),
    ]


def tender_of(values: dict[str, str], approver: Employee | None = None) -> Tender:
    return Tender(
        kind=values.get("tender", "cash").strip().lower() or "cash",
        amount=values.get("amount", "0") or "0",
        reference=values.get("reference") or None,
        pin=values.get("pin") or None,
        approver=approver,
    )


class OrdersScreen(LaneScreen[bool]):
    """Dismisses True when the sale on the lane was turned into an order."""

    DEFAULT_CSS = "OrdersScreen #orders { height: 1fr; }"
    BINDINGS = [
        Binding("escape", "back", "Back", id="orders.back"),
        Binding("f2", "new", "New order", id="orders.new"),
        Binding("f5", "pay", "Pay", id="orders.pay"),
        Binding("f6", "complete", "Complete", id="orders.complete"),
        Binding("f7", "stage", "Next stage", id="orders.stage"),
        Binding("f8", "cancel_order", "Cancel order", id="orders.cancel"),
        Binding("f9", "withdraw", "Withdraw cash", id="orders.withdraw"),
    ]

    def __init__(self, co: Checkout, customer_id: int, customer_name: str) -> None:
        super().__init__()
        self.co = co
        self.customer_id = customer_id
        self.customer_name = customer_name
        self.views: list[OrderView] = []
        self.converted = False

    def compose(self) -> ComposeResult:
        yield self.lane_bar()
        yield MessageLine(f"Orders of {self.customer_name}", id="message")
        table: DataTable[Text] = DataTable(id="orders", cursor_type="row", zebra_stripes=True)
        for label in ("Number", "Type", "Stage", "Status", "Placed", "Total", "Paid", "Due"):
            table.add_column(label)
        yield table
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.run_worker(self.reload(), group="orders")

    @property
    def service(self) -> OrderService:
        return OrderService(self.pos.backend, self.pos_employee())

    async def reload(self) -> None:
        ok, views = await self.attempt(self.service.for_customer, self.customer_id)
        if not ok or views is None:
            return
        self.views = views
        table = self.query_one("#orders", DataTable)
        table.clear()
        for v in views:
            o = v.order
            cells = (o.number, TYPE_NAMES.get(o.order_type, o.order_type), str(o.stage or "").replace("_", " "), o.status, o.placed_at[:10], o.total, v.paid, v.due)  # fmt: skip
            table.add_row(*(safe(c) for c in cells))
        table.focus()

    def selected(self) -> OrderView | None:
        table = self.query_one("#orders", DataTable)
        if not self.views or table.row_count == 0:
            self.refuse("No order chosen")
            return None
        return self.views[min(table.cursor_row, len(self.views) - 1)]

    def run_op(
        self,
        op: Callable[[Employee | None], Any],
        reason: str,
        again: Callable[[str], object] | None = None,
    ) -> None:
        """Run a change on the database thread; a refusal a supervisor may lift asks for one.
        ``again`` gets a refusal that stands: the prompt opens again with what was typed."""
        self.run_worker(self._run_op(op, reason, None, again), group="orders")

    async def _run_op(self, op: Callable[[Employee | None], Any], reason: str, approver: Employee | None, again: Callable[[str], object] | None = None) -> None:  # fmt: skip
        from pos_tui.screens.supervisor import SupervisorScreen

        def stands(refusal: str) -> None:
            self.refuse(refusal)
            if again is not None:
                again(refusal)

        try:
            result = await self.pos.call_service(op, approver)
        except CheckoutError as exc:
            refusal = exc.message
            if exc.override_allowed and approver is None:

                def approved(who: Employee | None) -> None:
                    if who is None:
                        stands(f"{refusal} (not approved)")
                    else:
                        self.run_worker(self._run_op(op, reason, who, again), group="orders")

                self.app.push_screen(SupervisorScreen(refusal, reason=reason), approved)
            else:
                stands(refusal)
            return
        for message in getattr(result, "messages", ()):
            self.hint(message)
            self.pos.say(message, title="Orders")
        record = getattr(result, "sale", None)
        if record is not None:  # cash paid in or handed out: the drawer opens now, not at print
            self.pos.open_drawer_for(record, if_cash=True)
        self.pos.kick_printing()
        await self.reload()

    def ask(
        self,
        title: str,
        fields: list[Field],
        change: Callable[[dict[str, str]], tuple[Callable[[Employee | None], Any], str] | None],
        typed: dict[str, str] | None = None,
        said: str = "",
    ) -> None:
        """Ask for ``fields``, then run the ``change`` they give (``run_op``); a refusal that
        stands asks again with what was typed (a PIN cleared) and the refusal said on it."""

        def entered(values: dict[str, str] | None) -> None:
            if values is None:
                return
            secret = {f.name for f in fields if f.password}
            kept = {k: ("" if k in secret else v) for k, v in values.items()}
            made = change(dict(values))
            if made is not None:
                op, reason = made
                self.run_op(op, reason, lambda why: self.ask(title, fields, change, kept, why))

        prompt = PromptScreen(title, with_values(fields, typed), message=said)
        self.app.push_screen(prompt, entered)

    # -- actions -------------------------------------------------------------------------------
    def action_new(self) -> None:
        if not self.co.cart.lines:
            self.refuse("Scan the order's items on the sale first, then Ctrl+T and F2")
            return

        def typed(kind: str | None) -> None:
            if kind is None:
                return

            def paid(values: dict[str, str]) -> tuple[Callable[[Employee | None], Any], str]:
                description = values.pop("description", "") or None

                def op(approver: Employee | None) -> Any:
                    deposit = (
                        tender_of(values, approver)
                        if values.get("amount") not in ("", "0")
                        else None
                    )
                    return self.service.open_from_checkout(
                        self.co, kind, deposit, description=description
                    )

                self.converted = True
                return op, f"deposit on a {kind} order"

            fields = [Field("description", "Description (what, for when)"), *payment_fields("")]
            self.ask(f"{TYPE_NAMES[kind]}: deposit", fields, paid)

        choices = [(k, TYPE_NAMES[k]) for k in ORDER_TYPES]
        self.app.push_screen(
            ChoiceScreen("New order from the sale", f"For {self.customer_name}", choices), typed
        )

    def action_pay(self) -> None:
        view = self.selected()
        if view is None:
            return
        oid = view.order.id

        def entered(values: dict[str, str]) -> tuple[Callable[[Employee | None], Any], str]:
            return (lambda a: self.service.pay(oid, tender_of(values, a))), f"payment on {view.number}"  # fmt: skip

        self.ask(f"Payment on {view.number} ({view.due} due)", payment_fields(str(view.due)), entered)  # fmt: skip

    def action_complete(self) -> None:
        view = self.selected()
        if view is None:
            return
        oid = view.order.id
        if view.due <= 0:
            self.run_op(lambda _a: self.service.complete(oid), f"complete {view.number}")
            return

        def entered(values: dict[str, str]) -> tuple[Callable[[Employee | None], Any], str]:
            return (lambda a: self.service.complete(oid, tender_of(values, a))), f"complete {view.number}"  # fmt: skip

        self.ask(f"Complete {view.number}: {view.due} still due", payment_fields(str(view.due)), entered)  # fmt: skip

    def action_stage(self) -> None:
        view = self.selected()
        if view is not None:
            oid = view.order.id
            self.run_op(lambda _a: self.service.advance(oid), "next stage")

    def action_cancel_order(self) -> None:
        view = self.selected()
        if view is None:
            return
        oid = view.order.id

        def chosen(choice: str | None) -> None:
            if choice == "cancel":
                self.run_op(lambda _a: self.service.cancel(oid), f"cancel {view.number}")

        self.app.push_screen(
            ChoiceScreen(f"Cancel {view.number}?", f"{view.paid} has been paid on it.", [("keep", "Keep the order"), ("cancel", "Cancel the order")]),
            chosen,
        )  # fmt: skip

    def action_withdraw(self) -> None:
        from pos_tui.services.accounts.withdrawals import WithdrawalService

        def entered(values: dict[str, str]) -> tuple[Callable[[Employee | None], Any], str]:
            def op(approver: Employee | None) -> Any:
                service = WithdrawalService(self.pos.backend, self.pos_employee())
                return service.withdraw(self.customer_id, values["amount"], pin=values.get("pin") or None, reference=values.get("reference") or None, approver=approver)  # fmt: skip

            return op, "cash withdrawal"

        fields = [
            Field("amount", "Cash to hand out", restrict=r"[0-9.,]*"),
            Field("pin", "Customer PIN", password=True, restrict=r"[0-9]*"),
            Field("reference", "Reference (if the customer needs one)"),
        ]
        self.ask(f"Cash withdrawal: {self.customer_name}", fields, entered)

    def action_back(self) -> None:
        self.dismiss(self.converted)


__all__ = ["STAGES", "OrdersScreen"]
