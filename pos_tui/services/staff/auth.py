"""Signing in, and a supervisor's PIN for what a cashier may not do alone."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import NoReturn

from pos_tui.engine.errors import Refused
from pos_tui.services.runtime.backend import Backend
from pos_tui.services.staff.lockout import (
    Lock,
    PinLocked,
    PinLockout,
    Subject,
    decoy_check,
    locked_text,
)
from pos_tui.storage.catalog import EmployeeRow

ROLE_RANK = {"cashier": 1, "supervisor": 2, "manager": 3}


class AuthError(Refused):
    pass


# One message for every refusal: do not tell a stranger which employee numbers exist.
WRONG = "Unknown employee number or wrong PIN"


class AuthLocked(AuthError):
    """Too many wrong PINs: the employee (or, for unknown numbers, the lane) must wait, or a
    supervisor clears ``lock``. The words are the same whichever it is."""

    def __init__(self, lock: Lock, seconds: int) -> None:
        self.lock = lock
        self.seconds = seconds
        super().__init__(locked_text(lock, seconds))


@dataclass(frozen=True)
class Employee:
    id: int
    number: str
    name: str
    role: str
    max_discount_percent: Decimal

    def at_least(self, role: str) -> bool:
        return ROLE_RANK[self.role] >= ROLE_RANK[role]


class AuthService:
    def __init__(self, backend: Backend) -> None:
        self.b = backend

    def sign_in(self, number: str, pin: str, *, where: str = "sign_in") -> Employee:
        """The employee whose number and PIN these are. Refused (:class:`AuthError`) for an
        unknown number or a wrong PIN, and (:class:`AuthLocked`) while locked out.

        The number typed is never written anywhere unless it is an employee's: a PIN typed
        into the number field must not reach the audit log."""
        number = number.strip()
        lockout = PinLockout(self.b)
        lane = Subject.lane(self.b.settings.lane.id)
        row = self.b.catalog.employee_by_number(number) if number else None
        if row is None:
            self._refuse_if_locked(lockout, lane, where)
            decoy_check(pin)
            lock = lockout.failed(
                lane, where=where, action="sign_in_failed", reason="unknown employee"
            )
            self._raise(lock)
        employee = _employee(row)
        subject = Subject.employee(employee.id)
        try:
            right = lockout.check(
                subject,
                pin,
                row.pin_hash,
                where=where,
                employee_id=employee.id,
                failed_action="sign_in_failed",
            )
        except PinLocked as exc:
            raise AuthLocked(exc.lock, exc.seconds) from None
        if not right:
            # While the lane is locked for unknown numbers a wrong PIN reads the same.
            self._raise(lockout.current(subject), lockout.current(lane))
        lockout.succeeded(lane)
        self._audit(employee.id, "sign_in", {})
        return employee

    def _refuse_if_locked(self, lockout: PinLockout, subject: Subject, where: str) -> None:
        try:
            lockout.refuse_if_locked(subject, where=where)
        except PinLocked as exc:
            raise AuthLocked(exc.lock, exc.seconds) from None

    def _raise(self, *locks: Lock | None) -> NoReturn:
        lock = next((found for found in locks if found is not None), None)
        if lock is not None:
            raise AuthLocked(lock, lock.seconds_left(self.b.now()))
        raise AuthError(WRONG)

    def authorize(
        self, number: str, pin: str, *, role: str, reason: str, open_sale_id: int | None = None
    ) -> Employee:
        """A supervisor (or higher) confirms an override; the override is logged, naming the
        open sale it is for (the sale's own audit row of the change names the approver too)."""
        employee = self.sign_in(number, pin, where="approval")
        if not employee.at_least(role):
            raise AuthError(f"{employee.name} is a {employee.role}: a {role} must approve this")
        changes: dict[str, object] = {"reason": reason}
        if open_sale_id is not None:
            changes["open_sale_id"] = open_sale_id
        self._audit(employee.id, "override", changes)
        return employee

    def clear_lock(self, lock: Lock, approver: Employee) -> bool:
        """A supervisor clears a lockout shown at the sign-in screen (audited)."""
        if not approver.at_least("supervisor"):
            raise AuthError(f"{approver.name} is a {approver.role}: a supervisor must clear it")
        return PinLockout(self.b).clear(lock.subject, by=approver)

    def unlock_employee(self, number: str, *, note: str) -> bool:
        """Clear an employee's lockout from the command line (``note`` says who); audited."""
        row = self.b.catalog.employee_by_number(number.strip())
        if row is None:
            raise AuthError(f"No employee number {number.strip()}")
        return PinLockout(self.b).clear(Subject.employee(row.id), by=None, note=note)

    def sign_out(self, employee: Employee) -> None:
        self._audit(employee.id, "sign_out", {})

    def _audit(self, employee_id: int | None, action: str, changes: dict[str, object]) -> None:
        self.b.store.audit(
            at=self.b.timestamp(),
            entity="employee",
            entity_id=employee_id,
            action=action,
            changes=changes,
            employee_id=employee_id,
            lane_id=self.b.settings.lane.id,
        )


def _employee(row: EmployeeRow) -> Employee:
    return Employee(
        id=row.id,
        number=row.number,
        name=row.name,
        role=row.role,
        max_discount_percent=row.max_discount_percent,
    )
