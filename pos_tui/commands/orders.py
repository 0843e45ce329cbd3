"""``pos-tui orders``: a customer's layaways and special, work and back orders from the command
line, as at the lane (Ctrl+T): list, show, open with a deposit, pay, next stage, complete,
cancel. Slips and receipts go to this lane's print queue. Exit codes: pos_tui/commands/counter.py.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import click

from pos_tui.cli import CliState, pass_state
from pos_tui.commands.counter import (
    Staff,
    amount,
    bad_input,
    cash_drawer_now,
    customer_id,
    employee_options,
    guarded,
    refused,
)
from pos_tui.text import plain

if TYPE_CHECKING:
    from pos_tui.services.accounts.order_view import OrderView

TENDERS = ("cash", "card", "account", "points")


@click.group("orders")
def orders() -> None:
    """Customer orders: layaways, special, work and back orders."""


def _tender_options(func: Any) -> Any:
    func = click.option(
        "--tender", default="cash", show_default=True, help="cash, card, account or points."
    )(func)
    func = click.option(
        "--reference", default=None, help="The card's approval code, or the account's PO number."
    )(func)
    return click.option(
        "--customer-pin", default=None, help="The customer's account PIN (account tender)."
    )(func)


def _tender(backend: Any, value: str, options: dict[str, Any], approver: Any) -> Any:
    from pos_tui.services.accounts.order_view import Tender

    kind = str(options.pop("tender")).strip().lower()
    if kind not in TENDERS:
        bad_input(f"A tender is one of {', '.join(TENDERS)}, not {kind!r}")
    return Tender(
        kind=kind,
        amount=amount(value, backend.settings.currency.minor_unit),
        reference=options.pop("reference"),
        pin=options.pop("customer_pin"),
        approver=approver,
    )


def _order(service: Any, number: str) -> Any:
    from pos_tui.services.accounts.order_view import OrderError

    try:
        return service.by_number(number)
    except OrderError as exc:
        bad_input(exc.message)


def _line(view: OrderView) -> str:
    o = view.order
    closed = f"  closed {o.closed_at[:10]}" if o.closed_at else ""
    return (
        f"{plain(o.number):<11} {o.order_type:<8} {o.stage or '-'!s:<12} "
        f"{o.status:<10} placed {o.placed_at[:10]}  total {o.total!s:>10}  "
        f"paid {view.paid:>10}  due {view.due:>10}{closed}"
    )


def _done(backend: Any, view: Any) -> None:
    for message in view.messages:
        click.echo(plain(message))
    if view.sale is not None:
        click.echo(f"slip queued on lane {plain(backend.settings.lane.id)}'s printer")
        drawer = cash_drawer_now(backend, view.sale)
        if drawer:
            click.echo(drawer)


@orders.command("list")
@click.argument("account")
@click.option("--pending", is_flag=True, help="Only orders still open.")
@pass_state
def list_orders(state: CliState, account: str, pending: bool) -> None:
    """The customer's orders, newest first."""
    from pos_tui.services.accounts.order_view import OrderReader

    b = state.backend()
    try:
        cid = customer_id(b, account)
        views = OrderReader(b).for_customer(cid)
        views = [v for v in views if not pending or v.order.status == "pending"]
        for view in views:
            click.echo(_line(view))
        click.echo(f"{len(views)} orders")
    finally:
        b.close()


@orders.command("show")
@click.argument("number")
@pass_state
def show(state: CliState, number: str) -> None:
    """One order, its items and its journal records."""
    from pos_tui.services.accounts.order_view import OrderReader

    b = state.backend()
    try:
        service = OrderReader(b)
        view = _order(service, number)
        click.echo(_line(view))
        if view.order.description:
            click.echo(f"  {plain(view.order.description)}")
        for line in service.lines(view.order.id):
            click.echo(
                f"  item  {plain(line['sku']):<12} x {line['quantity']:<6} {line['total']:>10}"
            )
        for r in view.records:
            click.echo(f"  {r.committed_at[:16]}  {r.kind:<14} {r.total!s:>10}")
    finally:
        b.close()


@orders.command("open")
@click.argument("account")
@click.option(
    "--type",
    "order_type",
    required=True,
    help="layaway, special, work or back.",
)
@click.option(
    "--item", "items", multiple=True, required=True, help="SKU or barcode, QTY*SKU for more."
)
@click.option("--description", default=None, help="What, for when.")
@click.option("--deposit", default=None, help="The deposit taken now (none: 0).")
@_tender_options
@employee_options
@pass_state
def open_order(
    state: CliState,
    account: str,
    order_type: str,
    items: tuple[str, ...],
    description: str | None,
    deposit: str | None,
    **options: Any,
) -> None:
    """Open an order for the customer with ACCOUNT from items, priced as at the lane."""
    from pos_tui.services.accounts.order_view import ORDER_TYPES
    from pos_tui.services.accounts.orders import OrderService
    from pos_tui.services.checkout.sale import Checkout

    b = state.backend()
    try:
        if order_type not in ORDER_TYPES:
            bad_input(f"An order is one of {', '.join(ORDER_TYPES)}, not {order_type!r}")
        cid = customer_id(b, account)
        staff = Staff(b, options, f"deposit on a {order_type} order")
        tender = _tender(b, deposit, options, staff.approver) if deposit else None
        co = Checkout(b, staff.employee)
        try:
            _ring_up(co, cid, items)
            view = guarded(
                lambda: OrderService(b, staff.employee).open_from_checkout(
                    co, order_type, tender, description=description
                )
            )
        finally:
            if co.open_sale_id is not None:  # no order was made: the open sale goes (audited)
                co.cancel()
        _done(b, view)
    finally:
        b.close()


def _ring_up(co: Any, cid: int, items: tuple[str, ...]) -> None:
    """The order's items on a sale for the customer, as scanned at the lane (``2*APPLE``)."""
    from pos_tui.services.checkout.errors import CheckoutError

    try:
        co.attach_customer(cid)
    except CheckoutError as exc:
        refused(exc.message)
    for item in items:
        qty, _, code = item.rpartition("*")
        try:
            co.add_item(code.strip(), qty.strip() or "1")
        except CheckoutError as exc:
            bad_input(f"--item {item}: {exc.message}")


@orders.command("pay")
@click.argument("number")
@click.argument("value", metavar="AMOUNT")
@_tender_options
@employee_options
@pass_state
def pay(state: CliState, number: str, value: str, **options: Any) -> None:
    """Take a payment on order NUMBER (cash over what is due: the rest is change)."""
    from pos_tui.services.accounts.orders import OrderService

    b = state.backend()
    try:
        staff = Staff(b, options, f"payment on {number}")
        service = OrderService(b, staff.employee)
        view = _order(service, number)
        tender = _tender(b, value, options, staff.approver)
        _done(b, guarded(lambda: service.pay(view.order.id, tender)))
    finally:
        b.close()


@orders.command("complete")
@click.argument("number")
@click.argument("value", metavar="[AMOUNT]", required=False)
@_tender_options
@employee_options
@pass_state
def complete(state: CliState, number: str, value: str | None, **options: Any) -> None:
    """Hand the goods over: the sale paid by the deposits and AMOUNT, what is still due."""
    from pos_tui.services.accounts.orders import OrderService

    b = state.backend()
    try:
        staff = Staff(b, options, f"complete {number}")
        service = OrderService(b, staff.employee)
        view = _order(service, number)
        final = _tender(b, value, options, staff.approver) if value else None
        _done(b, guarded(lambda: service.complete(view.order.id, final)))
    finally:
        b.close()


@orders.command("advance")
@click.argument("number")
@employee_options
@pass_state
def advance(state: CliState, number: str, **options: Any) -> None:
    """Move order NUMBER to its next stage (ordered, arrived, in progress, ready...)."""
    _change(state, number, options, "advance")


@orders.command("cancel")
@click.argument("number")
@employee_options
@pass_state
def cancel(state: CliState, number: str, **options: Any) -> None:
    """Cancel order NUMBER: its payments refunded where they came from, or kept (store option)."""
    _change(state, number, options, "cancel")


def _change(state: CliState, number: str, options: dict[str, Any], what: str) -> None:
    from pos_tui.services.accounts.orders import OrderService

    b = state.backend()
    try:
        staff = Staff(b, options, f"{what} {number}")
        service = OrderService(b, staff.employee)
        view = _order(service, number)
        _done(b, guarded(lambda: getattr(service, what)(view.order.id)))
    finally:
        b.close()
