"""Who is signed in at the lane, and a supervisor's takeover."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pos_tui.app_parts.base import LaneAppBase

if TYPE_CHECKING:
    from pos_tui.services.staff.auth import Employee


class SignedIn(LaneAppBase):
    def signed_in(self, employee: Employee) -> None:
        self.employee = employee

    def signed_out(self) -> None:
        self.employee = None
        self.taken_over_from = None

    def who(self) -> str:
        if self.employee is None:
            return "signed out"
        cashier = self.taken_over_from
        if cashier is not None:  # short enough for 80 columns with the clock
            return f"TAKEOVER {self.employee.name} for {cashier.name}"
        return f"{self.employee.name} ({self.employee.role})"

    def take_over(self, supervisor: Employee) -> None:
        if self.taken_over_from is None:
            self.taken_over_from = self.employee
        self.employee = supervisor

    def hand_back(self) -> None:
        if self.taken_over_from is not None:
            self.employee, self.taken_over_from = self.taken_over_from, None
