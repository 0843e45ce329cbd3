"""The checkout: one entry always ready for a barcode or SKU, the cart, totals and customer."""

from __future__ import annotations

from decimal import Decimal

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Input, Label

from pos_tui.screens.checkout_till import TillFlows
from pos_tui.screens.dialogs import ChoiceScreen, Field, PromptScreen
from pos_tui.screens.entry import parse_entry
from pos_tui.screens.keys import CHECKOUT_KEYS
from pos_tui.screens.lane import MessageLine
from pos_tui.services.checkout.entry_codes import add_code
from pos_tui.services.checkout.past_sales import last_sale_id
from pos_tui.services.checkout.sale import Checkout, Committed
from pos_tui.services.checkout.sale_view import (
    OpenSale,
    SaleView,
    left_sales,
    snapshot,
    void_left_sale,
)
from pos_tui.services.staff.auth import AuthService
from pos_tui.widgets.cart_table import CartTable
from pos_tui.widgets.customer_panel import CustomerPanel
from pos_tui.widgets.entry import EntryInput
from pos_tui.widgets.fmt import money, quantity
from pos_tui.widgets.key_legend import KeyLegend
from pos_tui.widgets.sale_banner import SaleBanner
from pos_tui.widgets.totals import TotalsPanel


class CheckoutScreen(TillFlows):
    """Ring up a sale from the keyboard. Every key has a binding id (``checkout.*``,
    ``lane.*``) that ``[keymap]`` in the config can rebind."""

    DEFAULT_CSS = """
    CheckoutScreen #entry-row { height: 3; }
    CheckoutScreen #pending-qty { width: auto; height: 3; content-align: center middle; padding: 0 1; }
    CheckoutScreen #pending-qty.-empty { display: none; }
    CheckoutScreen #entry { width: 1fr; }
    CheckoutScreen #checkout-body { height: 1fr; }
    CheckoutScreen #cart-column { width: 1fr; }
    CheckoutScreen #side { width: 30%; min-width: 30; max-width: 44; }
    CheckoutScreen CustomerPanel { height: 1fr; }
    /* Small terminals (80x24 over SSH): the entry on one line, the cart across the width
       (item names of 40 characters), the totals and the whole customer status in a band
       under it, every key in the legend (docs/lane.md, "80x24"). */
    CheckoutScreen.-small #entry-row { height: 1; }
    CheckoutScreen.-small #pending-qty { height: 1; }
    CheckoutScreen.-small #checkout-body { layout: vertical; }
    CheckoutScreen.-small #cart-column { width: 100%; height: 1fr; }
    CheckoutScreen.-small #side {
        layout: horizontal; width: 100%; min-width: 0; max-width: 100%; height: 7;
    }
    CheckoutScreen.-small TotalsPanel {
        width: 24; border: none; border-right: vkey $secondary; padding: 0 1 0 0;
    }
    CheckoutScreen.-small CustomerPanel { width: 1fr; height: 100%; border: none; }
    """
    # Below either size the checkout takes the small layout: the side column would leave the
    # cart fewer than 24 columns of item name, or the customer panel too few rows.
    SMALL_WIDTH = 100
    SMALL_HEIGHT = 30
    BINDINGS = CHECKOUT_KEYS

    def __init__(self, co: Checkout) -> None:
        """``co`` is built on the database thread (the sign-in screen does it); the screen
        keeps it for the whole shift of its cashier: each commit starts the next sale on it."""
        super().__init__()
        self.co = co
        self.view: SaleView | None = None
        self.pending_quantity: str | None = None

    # -- layout --------------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield self.lane_bar()
        with Horizontal(id="entry-row"):
            yield Label("", id="pending-qty", classes="-empty")
            yield EntryInput(placeholder="Scan or type barcode / SKU (3*SKU for 3)", id="entry")
        yield MessageLine("F2 customer · F5 pay · F1 every key", id="message")
        with Horizontal(id="checkout-body"):
            with Vertical(id="cart-column"):
                yield SaleBanner(id="banner")
                yield CartTable(id="cart")
            with Vertical(id="side"):
                yield TotalsPanel(id="totals")
                yield CustomerPanel(id="customer")
        yield KeyLegend(id="keys")

    def on_resize(self) -> None:
        small = self.size.width < self.SMALL_WIDTH or self.size.height < self.SMALL_HEIGHT
        if small != self.has_class("-small"):
            self.set_class(small, "-small")
            self.query_one("#entry", Input).compact = small

    def on_mount(self) -> None:
        self.focus_entry()
        self.run_worker(self._start(), group="sale-ops")

    def on_screen_resume(self) -> None:
        self.focus_entry()

    def focus_entry(self) -> None:
        self.query_one("#entry", Input).focus()

    # -- showing the sale ----------------------------------------------------------------------
    def show(self, view: SaleView, *, select_last: bool = False) -> None:
        self.view = view
        self.cart.show(view.priced.lines, select_last=select_last)
        title = "Return" if view.is_return else "Sale"
        if self.cart.border_title != title:  # setting it repaints the whole cart
            self.cart.border_title = title
        if not view.empty:
            self.query_one(SaleBanner).hide()
        self.query_one(TotalsPanel).show(
            view.priced.totals,
            points_to_earn=view.points_to_earn,
            paid=view.paid,
            remaining=view.remaining,
            is_return=view.is_return,
        )
        self.query_one(CustomerPanel).show(view.customer, today=view.today)
        self.pos.pole.sale_shown(view.empty)

    def shown(self, view: SaleView) -> None:
        self.show(view)

    def shown_new_line(self, view: SaleView) -> None:
        self.show(view, select_last=True)
        line = view.priced.lines[-1] if view.priced.lines else None
        if line is not None:
            self.hint(f"{line.description} × {quantity(line.quantity)} = {money(line.total)}")
            each = money(line.unit_price)
            count = quantity(line.quantity)
            self.pos.pole.item(line.description, each if count == "1" else f"{count} x {each}")

    async def refresh_sale(self) -> None:
        ok, view = await self.attempt(snapshot, self.co)
        if ok and view is not None:
            self.show(view)

    async def _start(self) -> None:
        await self.refresh_sale()
        if not await self.ensure_shift():
            return  # the float is asked first; sales left open are offered once it is open
        await self._offer_left_sales()

    async def _offer_left_sales(self) -> None:
        ok, left = await self.attempt(left_sales, self.pos.backend, self.pos_employee(), self.co)
        if ok and left:
            self._offer_left(left)

    def _offer_left(self, left: list[OpenSale]) -> None:
        first = left[0]
        message = (
            f"A sale was left open (started {first.started_at.replace('T', ' ')}): "
            f"{first.lines} line(s), total {money(first.total)}. Resume it or void it."
        )

        def chosen(choice: str | None) -> None:
            if choice == "resume":
                self.run_worker(self._resume_open(first.open_sale_id), group="sale-ops")
            elif choice == "void":
                self.run_worker(self._void_left(first, left[1:]), group="sale-ops")

        self.app.push_screen(
            ChoiceScreen(
                "SALE LEFT IN PROGRESS",
                message,
                [("resume", "Resume the sale"), ("void", "Void the sale")],
                required=True,
            ),
            chosen,
        )

    async def _void_left(self, sale: OpenSale, rest: list[OpenSale]) -> None:
        ok, notices = await self.attempt(
            void_left_sale, self.pos.backend, self.pos_employee(), sale.open_sale_id
        )
        if ok:
            self.pos.say("The sale left open was voided", title="Sale")
            self.tell(notices or ())
        if rest:
            self._offer_left(rest)

    async def _resume_open(self, open_sale_id: int) -> None:
        ok, co = await self.attempt(
            Checkout.resume, self.pos.backend, self.pos_employee(), open_sale_id
        )
        if ok and co is not None:
            self.co = co
            await self.refresh_sale()
            self.pos.say("Sale resumed", title="Sale")

    # -- ringing up ----------------------------------------------------------------------------
    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id != "entry":
            return
        event.stop()
        text = event.value.strip()
        event.input.value = ""
        if not text:
            # Enter on an empty entry after a full disk or a lock: the change that failed.
            self.retry_failed()
            return
        self.retry_action = None  # a new change: the one that failed is not tried again
        qty, code = parse_entry(text, self.pending_quantity)
        self._set_pending(None)
        self.add_item(code, qty)

    def add_item(self, code: str, qty: str = "1") -> None:
        """Add the item, or attach the customer whose loyalty card the code is (typed,
        scanned or swiped: services/checkout/entry_codes.py)."""
        co = self.co
        entered: list[str] = []

        def op(_approver: object) -> object:
            kind, priced = add_code(co, code, qty)
            entered.append(kind)
            return priced

        def done(view: SaleView) -> None:
            if entered and entered[-1] == "customer":
                self._attached(view)
            else:
                self.shown_new_line(view)

        self.guarded(co, op, reason=f"add {code}", done=done)

    def on_lane_screen_scanned(self, message: TillFlows.Scanned) -> None:
        qty = self.pending_quantity or "1"
        self._set_pending(None)
        self.add_item(message.code, qty)

    def _set_pending(self, qty: str | None) -> None:
        self.pending_quantity = qty
        label = self.query_one("#pending-qty", Label)
        text = f"QTY {qty} ×" if qty else ""
        if label.content != text:  # every scan clears it: no layout pass when it was empty
            label.update(text)
        label.set_class(qty is None, "-empty")

    def action_cursor(self, step: int) -> None:
        table = self.cart
        if table.row_count:
            table.move_cursor(row=max(0, min(table.cursor_row + step, table.row_count - 1)))

    # -- paying --------------------------------------------------------------------------------
    def action_pay(self) -> None:
        from pos_tui.screens.tender import TenderScreen

        if self.view is None or self.view.empty:
            if self.last_sale_id is not None:
                self.preview(self.last_sale_id)  # after a commit: the receipt on screen
                return
            self.refuse("Nothing to pay: scan an item first")
            return
        self.app.push_screen(TenderScreen(self.co, self.view), self.paid)

    def paid(self, committed: Committed | None) -> None:
        if committed is None:
            self.run_worker(self.refresh_sale(), group="sale-ops")
            return
        self.completed(committed)

    def completed(self, committed: Committed) -> None:
        """After a commit: tell the app (printing hooks), show the change and the next sale
        (the commit cleared the cart; a return from the sales list leaves the sale as it was)."""
        self.pos.sale_committed(committed)
        sale = committed.sale
        self.query_one(SaleBanner).show_sale(
            sale_number=sale.sale_number,
            kind=sale.kind,
            total=abs(Decimal(str(sale.total))),
            change=committed.change,
            note=f"Card upgraded: {committed.upgrade}" if committed.upgrade else "",
        )
        self.last_sale_id = sale.id
        if sale.kind == "return":
            done = f"Return {sale.sale_number} complete · refunded {money(abs(sale.total))}"
        else:
            done = f"Sale {sale.sale_number} complete · change {money(committed.change)}"
        self.hint(f"{done} · F5 receipt preview")
        self.run_worker(self.refresh_sale(), group="sale-ops")
        self.focus_entry()

    # -- hold, recall, sales -------------------------------------------------------------------
    def action_suspend(self) -> None:
        if self.view is None or self.view.empty:
            self.refuse("Nothing to hold")
            return
        if self.view.tenders:  # said before a label is typed for nothing
            self.refuse("Remove the tenders before holding the sale (F9 on the pay screen)")
            return
        co = self.co

        def entered(values: dict[str, str] | None) -> None:
            if values is not None:
                self.run_worker(self._suspend(co, values["label"] or None), group="sale-ops")

        self.app.push_screen(
            PromptScreen("Hold this sale", [Field("label", "Label (e.g. blue jacket)")]), entered
        )

    async def _suspend(self, co: Checkout, label: str | None) -> None:
        def again() -> None:
            self.run_worker(self._suspend(co, label), group="sale-ops")

        ok, held = await self.attempt(co.suspend, label, retry=again)
        if ok:
            self.pos.say(f"Sale held (#{held}); Ctrl+G recalls it", title="Held")
            await self.refresh_sale()

    def action_resume(self) -> None:
        from pos_tui.screens.held import HeldSalesScreen

        if self.view is not None and not self.view.empty:
            self.refuse("Finish, hold or void the current sale first")
            return
        self.app.push_screen(HeldSalesScreen(), self._recall)

    def _recall(self, open_sale_id: int | None) -> None:
        if open_sale_id is not None:
            self.run_worker(self._resume_open(open_sale_id), group="sale-ops")

    def action_sales(self) -> None:
        from pos_tui.screens.sales_list import SalesListScreen

        def back(committed: Committed | None) -> None:
            if committed is not None:
                self.completed(committed)

        self.app.push_screen(SalesListScreen(), back)

    def action_orders(self) -> None:
        from pos_tui.screens.orders import OrdersScreen

        customer = self.view.customer if self.view is not None else None
        if customer is None:
            self.refuse("Orders belong to a customer: attach one first (F2)")
            return

        def back(_converted: bool | None) -> None:
            # An order opened from the sale has cleared its cart (OrderService).
            self.run_worker(self.refresh_sale(), group="sale-ops")

        self.app.push_screen(OrdersScreen(self.co, int(customer.row.id), customer.name), back)

    def action_reprint_last(self) -> None:
        self.run_worker(self._reprint_last(), group="sale-ops")

    async def _reprint_last(self) -> None:
        ok, last = await self.attempt(last_sale_id, self.pos.backend)
        if ok and last is None:
            self.refuse("No sale on this lane yet")
        elif ok and last is not None:
            self.pos.reprint(last)

    def action_no_sale(self) -> None:
        from pos_tui.screens.no_sale import no_sale

        no_sale(self, sale_open=self.view is not None and not self.view.empty)

    def action_price_lookup(self) -> None:
        self._look_up("Price lookup")

    def action_item_search(self) -> None:
        self._look_up("Find item")

    def _look_up(self, title: str) -> None:
        """F3 and Ctrl+F: items as you type, priced for this customer; Enter adds one."""
        from pos_tui.screens.price_lookup import PriceLookupScreen

        def chosen(sku: str | None) -> None:
            if sku is not None:
                qty = self.pending_quantity or "1"
                self._set_pending(None)
                self.add_item(sku, qty)
            self.focus_entry()

        screen = PriceLookupScreen(self.co, initial=self._entry_text(), title=title)
        self.app.push_screen(screen, chosen)

    # -- lock and sign out ---------------------------------------------------------------------
    def action_takeover(self) -> None:
        from pos_tui.screens.takeover import toggle

        toggle(self)

    def action_lock(self) -> None:
        from pos_tui.screens.sign_in import SignInScreen
        from pos_tui.screens.takeover import refused_while_taken_over

        if refused_while_taken_over(self, "lock"):
            return
        employee = self.pos.employee
        self.app.push_screen(SignInScreen(locked_by=employee.number if employee else None))

    def action_sign_out(self) -> None:
        from pos_tui.screens.takeover import refused_while_taken_over

        if refused_while_taken_over(self, "sign out"):
            return
        self.run_worker(self._sign_out(), group="sale-ops")

    async def _sign_out(self) -> None:
        from pos_tui.screens.sign_in import SignInScreen

        if self.view is not None and not self.view.empty:
            self.pos.say("The sale stays open: it is offered at the next sign-in", title="Sale")
        employee = self.pos.employee
        if employee is not None:
            await self.attempt(AuthService(self.pos.backend).sign_out, employee)
        self.pos.signed_out()
        self.app.switch_screen(SignInScreen())

    # -- command palette -----------------------------------------------------------------------
    def palette(self) -> list[tuple[str, str, str]]:
        """(title, help, action) for the command palette."""
        return [
            ("Pay", "Take payment for the sale (F5)", "pay"),
            ("Find customer", "Search and attach a customer (F2)", "customer"),
            ("Enrol customer", "Quick enrol with name and mobile (Ctrl+N)", "enrol"),
            ("Drop customer", "Detach the customer from the sale (Ctrl+B)", "detach_customer"),
            ("Price lookup", "The price this customer pays; Enter adds (F3)", "price_lookup"),
            ("Find item", "Find an item by name as you type and add it (Ctrl+F)", "item_search"),
            ("Sale discount", "Discount the whole sale (F8)", "sale_discount"),
            ("Hold sale", "Suspend the sale with a label (Ctrl+O)", "suspend"),
            ("Held sales", "Resume a held sale (Ctrl+G)", "resume"),
            ("Sales and returns", "Past sales: reprint or return (Ctrl+L)", "sales"),
            ("Orders", "The customer's orders and cash withdrawal (Ctrl+T)", "orders"),
            ("Reprint last receipt", "Queue a reprint of the last sale (Ctrl+R)", "reprint_last"),
            ("Void sale", "Drop the whole sale (Ctrl+Y)", "void_sale"),
            ("No sale", "Open the cash drawer with no sale (Ctrl+D)", "no_sale"),
            ("Shift and cash", "X report, paid in/out, drop, account payment, Z (Ctrl+S)", "till"),
            (
                "Supervisor takeover",
                "A supervisor acts for a refund or void, then hands back (Ctrl+E)",
                "takeover",
            ),
            ("Lock lane", "Lock until the cashier or a supervisor signs in (F10)", "lock"),
            ("Sign out", "Sign out of the lane (F12)", "sign_out"),
        ]

    def run_palette(self, action: str) -> None:
        getattr(self, f"action_{action}")()
