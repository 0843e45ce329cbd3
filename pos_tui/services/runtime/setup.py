"""Store set-up: the reference rows every store needs, and employees."""

from __future__ import annotations

from pos_tui.engine.errors import Refused
from pos_tui.engine.money import NotANumber, to_decimal
from pos_tui.services.runtime.backend import Backend
from pos_tui.services.staff.pins import PinError, hash_pin
from pos_tui.storage.db import write
from pos_tui.storage.errors import ConstraintRefused

ROLES = ("cashier", "supervisor", "manager")


class StoreSetup:
    def __init__(self, backend: Backend) -> None:
        self.b = backend

    def ensure_basics(self) -> None:
        """The lane's location and its group, so customers can be homed somewhere."""
        cat = self.b.catalog
        code = self.b.settings.lane.location
        with write(self.b.db):
            if cat.by_code("location_groups", "ALL") is None:
                cat.insert("location_groups", {"code": "ALL", "name": "All locations"})
            if cat.by_code("locations", code) is None:
                group = cat.by_code("location_groups", "ALL")
                assert group is not None
                cat.insert(
                    "locations",
                    {"code": code, "name": code.title(), "location_group_id": group["id"]},
                )

    def add_employee(
        self, number: str, name: str, role: str, pin: str, *, max_discount: str = "0"
    ) -> int:
        if role not in ROLES:
            raise Refused(f"role must be one of {', '.join(ROLES)}")
        if not number.strip() or not name.strip():
            raise Refused("an employee needs a number and a name")
        try:
            limit = to_decimal(max_discount, "max discount")
        except NotANumber:
            raise Refused(f"max discount {max_discount!r} is not a number") from None
        if not 0 <= limit <= 100:
            raise Refused("max discount must be between 0 and 100")
        try:
            pin_hash = hash_pin(pin)
        except PinError as exc:
            raise Refused(str(exc)) from None
        try:
            return self.b.catalog.insert_employee(
                {
                    "number": number.strip(),
                    "name": name.strip(),
                    "role": role,
                    "pin_hash": pin_hash,
                    "max_discount_percent": str(limit),
                }
            )
        except ConstraintRefused as exc:
            if exc.kind == "unique" and exc.about(["number"]):
                raise Refused(f"employee number {number} already exists") from None
            raise
