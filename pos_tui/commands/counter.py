"""What the commands that take money at the command line share (``pos-tui orders``,
``pos-tui receivable withdraw``): the employee who takes it, the supervisor who lifts a refusal,
amounts checked before anything is touched, and the exit codes.

Exit codes: 0 done; 1 refused by a rule (a payment above the balance, a credit limit, a wrong
PIN), the reason on one line of stderr; 2 input that cannot be acted on (an unknown account or
order, an amount that is not one, an unknown tender), one line ``error: ...`` on stderr.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar

import click

from pos_tui.engine.money import ZERO, NotANumber, TooManyPlaces, parse_money
from pos_tui.text import plain

if TYPE_CHECKING:
    from pos_tui.services.runtime.backend import Backend

EXIT_REFUSED, EXIT_BAD_INPUT = 1, 2
F = TypeVar("F", bound=Callable[..., Any])


def bad_input(message: str) -> NoReturn:
    click.echo(f"error: {plain(message)}", err=True)
    raise SystemExit(EXIT_BAD_INPUT)


def refused(message: str) -> NoReturn:
    click.echo(f"refused: {plain(message)}", err=True)
    raise SystemExit(EXIT_REFUSED)


def amount(text: str, minor_unit: int, what: str = "amount") -> Decimal:
    """A positive amount in the currency's minor unit, or exit 2 saying why."""
    try:
        value = parse_money(text, what, minor_unit)
    except NotANumber:
        bad_input(f"{text!r} is not an {what}")
    except TooManyPlaces:
        value = ZERO  # refused just below, in the same words
    if value <= 0:
        bad_input(
            f"{text!r} is not an {what}: a positive number with at most {minor_unit} decimals"
        )
    return value


def customer_id(backend: Backend, account: str) -> int:
    row = backend.customers.by_account(account.strip(), active_only=False)
    if row is None:
        bad_input(f"No customer with account number {account.strip()}")
    return row.id


def employee_options(func: F) -> F:
    """``--cashier N`` (the PIN asked for, hidden, unless ``--pin``) and the optional
    ``--supervisor N`` with ``--supervisor-pin`` (asked for when a supervisor is named)."""

    @click.option("--cashier", "cashier", required=True, help="Who takes it: an employee number.")
    @click.option("--pin", default=None, help="The employee's PIN (asked for when not given).")
    @click.option(
        "--supervisor",
        default=None,
        help="A supervisor who lifts a refusal a supervisor may lift (credit limit, hold).",
    )
    @click.option("--supervisor-pin", default=None, help="Asked for when --supervisor is given.")
    @functools.wraps(func)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        return func(*args, **kwargs)

    return wrapped  # type: ignore[return-value]


class Staff:
    """The signed-in employee and the approving supervisor of one command."""

    def __init__(self, backend: Any, options: dict[str, Any], reason: str) -> None:
        from pos_tui.services.staff.auth import AuthError, AuthService

        auth = AuthService(backend)
        number = str(options.pop("cashier"))
        pin = options.pop("pin") or click.prompt("PIN", hide_input=True)
        supervisor = options.pop("supervisor")
        supervisor_pin = options.pop("supervisor_pin")
        try:
            self.employee = auth.sign_in(number, pin)
            self.approver = None
            if supervisor:
                supervisor_pin = supervisor_pin or click.prompt("Supervisor PIN", hide_input=True)
                self.approver = auth.authorize(
                    str(supervisor), supervisor_pin, role="supervisor", reason=reason
                )
        except AuthError as exc:
            refused(str(exc))


def guarded(call: Callable[[], Any]) -> Any:
    """Run a change; a refusal of the services exits 1 with its message (and, when a
    supervisor may lift it, how)."""
    from pos_tui.services.checkout.errors import CheckoutError

    try:
        return call()
    except CheckoutError as exc:
        hint = " (a supervisor may allow it: --supervisor NUMBER)" if exc.override_allowed else ""
        refused(exc.message + hint)


def cash_drawer_now(backend: Any, record: Mapping[str, Any] | None) -> str | None:
    """Open this machine's cash drawer now for a journal record that took in or handed out
    cash (its print job says so): a kick belongs to its moment, and printing never opens the
    drawer. What happened, for the operator; None when no cash changed hands."""
    if record is None or not backend.print_jobs.cash_tendered(int(record["id"])):
        return None
    from pos_tui.hardware.config_values import HardwareConfigError
    from pos_tui.services.checkout.drawer import DrawerService
    from pos_tui.services.runtime.devices import build_devices

    try:
        drawer = build_devices(backend.settings).cash_drawer
    except (HardwareConfigError, ValueError) as exc:
        return f"cash drawer not opened: device configuration: {plain(str(exc))}"
    employee = record.get("employee_id")
    result = DrawerService(backend, drawer).for_sale(
        int(record["id"]), int(employee) if employee else None, if_cash=True
    )
    if result is None:
        return "no cash drawer configured here: open it with No sale (Ctrl+D) at the lane"
    if result.opened:
        return "cash drawer opened"
    return f"cash drawer did not open: {plain(result.message)} (No sale at the lane opens it)"
