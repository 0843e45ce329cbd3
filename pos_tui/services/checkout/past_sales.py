"""The lane's past sales: the latest, one by number, the last one, and a return against one.

Everything here runs on the database thread (``app.call_service``) and returns plain rows or
snapshots the screens draw.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from pos_tui.services.checkout.returns import ReturnableLine
from pos_tui.services.checkout.sale import Checkout
from pos_tui.services.checkout.sale_view import SaleView, snapshot
from pos_tui.services.customers.names import display_name
from pos_tui.services.runtime.backend import Backend
from pos_tui.services.staff.auth import Employee
from pos_tui.storage.journal import SaleRow, SaleTenderRow


@dataclass(frozen=True, slots=True)
class NamedSale(SaleRow):
    """A past sale with its customer's name, as the sales list shows it."""

    customer_name: str


def recent_sales(backend: Backend, limit: int = 50) -> list[NamedSale]:
    """The lane's latest sales, each with its customer's name."""
    out = []
    for sale in backend.journal.recent(backend.settings.lane.id, limit=limit):
        out.append(_named(backend, sale))
    return out


def sale_by_number(backend: Backend, number: int) -> NamedSale | None:
    sale = backend.journal.by_number(backend.settings.lane.id, number)
    return _named(backend, sale) if sale else None


def last_sale_id(backend: Backend) -> int | None:
    """The id of the lane's last sale or return (what "reprint last" prints), if any."""
    last = backend.journal.last(backend.settings.lane.id)
    return last.id if last is not None else None


def _named(backend: Backend, sale: SaleRow) -> NamedSale:
    row = backend.customers.get(sale.customer_id) if sale.customer_id else None
    columns = {f.name: getattr(sale, f.name) for f in dataclasses.fields(sale)}
    return NamedSale(**columns, customer_name=display_name(row) if row else "")


def open_return(
    backend: Backend, employee: Employee, sale_id: int
) -> tuple[Checkout, list[ReturnableLine], list[SaleTenderRow], SaleView]:
    """Start a return against a sale and read what can go back and how it was paid."""
    co = Checkout.start_return(backend, employee, sale_id)
    tenders = backend.journal.children(sale_id).tenders
    return co, co.returnable(), tenders, snapshot(co)
