"""F2 at the lane, the database side: how this store finds the customer for a sale (its method
of input) and what a card or mobile number typed on the num pad matches.

The screens' side (which screen opens, what is attached) is ``screens/customer_step.py``.
"""

from __future__ import annotations

from dataclasses import dataclass

from pos_tui.services.customers.service import CustomerService
from pos_tui.services.runtime.backend import Backend
from pos_tui.services.runtime.lane_devices import customers_for_list, method_of_input
from pos_tui.storage.customers import CustomerRow


@dataclass(frozen=True)
class CustomerStep:
    """How F2 opens: ``method`` is keyboard, list, num_pad or smart_card; ``listed`` the
    customers to choose from when it is ``list``."""

    method: str
    listed: tuple[CustomerRow, ...] = ()


def customer_step(backend: Backend) -> CustomerStep:
    method = method_of_input(backend)
    listed = tuple(customers_for_list(backend)) if method == "list" else ()
    return CustomerStep(method, listed)


@dataclass(frozen=True)
class NumberMatch:
    """A card or mobile number typed: the one customer it names, or ``several`` of them (the
    search shows them), or neither."""

    customer_id: int | None = None
    several: bool = False


def customer_by_number(backend: Backend, number: str) -> NumberMatch:
    """Raises ``FieldError`` for a number that cannot be one (too long)."""
    rows = CustomerService(backend).find(number)
    if len(rows) == 1:
        return NumberMatch(customer_id=rows[0].id)
    return NumberMatch(several=bool(rows))
