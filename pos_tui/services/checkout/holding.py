"""Which lane has an open sale, said to the cashier: a held sale recalled on two lanes at once
goes to one of them, and the other is told which lane (and who) has it."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from pos_tui.services.checkout.errors import CheckoutError
from pos_tui.services.runtime.backend import Backend
from pos_tui.services.staff.auth import Employee
from pos_tui.storage.lane_state import Holder, OpenSaleTaken

ON_ANOTHER_LANE = "SALE_ON_ANOTHER_LANE"
NO_LONGER_OPEN = "SALE_NO_LONGER_OPEN"


def where(holder: Holder) -> str:
    who = f" ({holder.employee_name})" if holder.employee_name else ""
    return f"lane {holder.lane_id}{who}"


@contextmanager
def this_lanes(open_sale_id: int | None, *, recall: bool = False) -> Iterator[None]:
    """Storage's "another lane has it" and "it is gone" as refusals the cashier reads."""
    try:
        yield
    except OpenSaleTaken as taken:
        h = taken.holder
        if recall:
            message = f"Sale #{h.open_sale_id} is already open on {where(h)}"
        else:
            message = f"Sale #{h.open_sale_id} is now on {where(h)}: this lane cannot change it"
        raise CheckoutError(message, code=ON_ANOTHER_LANE) from None
    except LookupError:
        number = f" #{open_sale_id}" if open_sale_id is not None else ""
        raise CheckoutError(
            f"Sale{number} is no longer open (completed or voided)", code=NO_LONGER_OPEN
        ) from None


def link_open_sale_audit(
    backend: Backend, employee: Employee, open_sale_id: int | None, sale_id: int, at: str
) -> None:
    """Link the audit rows written while the sale was open (overrides, discounts, voided
    lines) to the committed sale: one ``sale`` row naming them, in the commit's transaction.
    Open sale ids are never reused, so the rows of one open sale are its own."""
    if open_sale_id is None:
        return
    rows = backend.store.audit_ids("open_sale", open_sale_id)
    if not rows:
        return
    backend.store.audit(
        at=at,
        entity="sale",
        entity_id=sale_id,
        action="open_sale_closed",
        changes={"open_sale_id": open_sale_id, "audit_ids": rows},
        employee_id=employee.id,
        lane_id=backend.settings.lane.id,
    )
