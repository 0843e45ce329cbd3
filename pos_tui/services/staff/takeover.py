"""A supervisor takes the lane over briefly (a refund, a void) and hands it back.

The cashier stays signed in and their sale stays on the lane: while the supervisor has it, what
is done to the sale (and any return started) is done as the supervisor, so the audit log and
the journal name who did it. Both ends are audited with both employees (``takeover_start``,
``takeover_end``), entity ``employee`` and the cashier's id, so the cashier's trail shows who
had their lane and when.
"""

from __future__ import annotations

from pos_tui.services.checkout.sale import Checkout
from pos_tui.services.runtime.backend import Backend
from pos_tui.services.staff.auth import AuthError, AuthService, Employee


def take_over(backend: Backend, co: Checkout, cashier: Employee, number: str, pin: str) -> Employee:
    """The supervisor's own number and PIN (lockouts apply as at sign-in); the sale on ``co``
    is theirs until :func:`hand_back`. Database thread."""
    supervisor = AuthService(backend).sign_in(number, pin, where="takeover")
    if not supervisor.at_least("supervisor"):
        raise AuthError(f"{supervisor.name} is a {supervisor.role}: a supervisor takes over")
    if supervisor.id == cashier.id:
        raise AuthError(f"{supervisor.name} already has the lane")
    co.employee = supervisor
    _audit(backend, "takeover_start", cashier, supervisor, co.open_sale_id)
    return supervisor


def hand_back(backend: Backend, co: Checkout, cashier: Employee, supervisor: Employee) -> None:
    """The lane and the sale on ``co`` back to the cashier who had them. Database thread."""
    co.employee = cashier
    _audit(backend, "takeover_end", cashier, supervisor, co.open_sale_id)


def _audit(
    backend: Backend,
    action: str,
    cashier: Employee,
    supervisor: Employee,
    open_sale_id: int | None,
) -> None:
    changes: dict[str, object] = {"cashier": cashier.id, "supervisor": supervisor.id}
    if open_sale_id is not None:
        changes["open_sale_id"] = open_sale_id
    backend.store.audit(
        at=backend.timestamp(),
        entity="employee",
        entity_id=cashier.id,
        action=action,
        changes=changes,
        employee_id=supervisor.id,
        lane_id=backend.settings.lane.id,
    )
