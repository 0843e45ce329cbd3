"""Signing in, and a supervisor's PIN for what a cashier may not do alone."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from pos_tui.services.runtime.backend import Backend
from pos_tui.services.staff.pins import verify_pin

ROLE_RANK = {"cashier": 1, "supervisor": 2, "manager": 3}


class AuthError(Exception):
    pass


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

    def sign_in(self, number: str, pin: str) -> Employee:
        row = self.b.catalog.employee_by_number(number.strip())
        # One message for both cases: do not tell a stranger which employee numbers exist.
        if row is None or not verify_pin(pin, row["pin_hash"]):
            self._audit(None, "sign_in_failed", {"number": number.strip()})
            raise AuthError("Unknown employee number or wrong PIN")
        employee = _employee(row)
        self._audit(employee.id, "sign_in", {})
        return employee

    def authorize(
        self, number: str, pin: str, *, role: str, reason: str, open_sale_id: int | None = None
    ) -> Employee:
        """A supervisor (or higher) confirms an override; the override is logged, naming the
        open sale it is for (the sale's own audit row of the change names the approver too)."""
        employee = self.sign_in(number, pin)
        if not employee.at_least(role):
            raise AuthError(f"{employee.name} is a {employee.role}: a {role} must approve this")
        changes: dict[str, object] = {"reason": reason}
        if open_sale_id is not None:
            changes["open_sale_id"] = open_sale_id
        self._audit(employee.id, "override", changes)
        return employee

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


def _employee(row: dict[str, object]) -> Employee:
    return Employee(
        id=int(row["id"]),  # type: ignore[call-overload]
        number=str(row["number"]),
        name=str(row["name"]),
        role=str(row["role"]),
        max_discount_percent=Decimal(str(row["max_discount_percent"])),
    )
