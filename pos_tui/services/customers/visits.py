"""FusionRetail "Track In or Out": when the store option is on, each customer visit at a lane.

A visit comes "in" when the cashier attaches the customer to a sale and goes "out" when that
sale is committed (outcome ``sale``, with the sale), voided (``void``) or held (``hold``), when
the customer is taken off the sale (``detach``), or when another customer is attached in their
place (``replaced``). A lane has at most one visit open. Visits only start while the option is
on; one already open is still closed after the option is turned off.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from pos_tui.services.runtime.backend import Backend
from pos_tui.services.staff.auth import Employee
from pos_tui.storage.db import write
from pos_tui.storage.visits import VisitRepository, VisitWithSale

SETTING_TRACK_IN_OUT = "customers.track_in_out"  # "1": record visits
OUTCOMES = ("sale", "void", "hold", "detach", "replaced")


@dataclass(frozen=True)
class Visit:
    in_at: str
    out_at: str | None
    lane_id: str
    outcome: str | None  # None while the customer is still at the lane
    sale: str | None  # "sale L1-42" / "return L1-43" for a committed sale

    @property
    def minutes(self) -> int | None:
        if self.out_at is None:
            return None
        span = datetime.fromisoformat(self.out_at) - datetime.fromisoformat(self.in_at)
        return int(span.total_seconds() // 60)


class VisitService:
    def __init__(self, backend: Backend) -> None:
        self.b = backend
        self.repo = VisitRepository(backend.db)

    def enabled(self) -> bool:
        return (self.b.store.setting(SETTING_TRACK_IN_OUT, "0") or "0") == "1"

    def arrive(self, customer_id: int, employee: Employee) -> None:
        """The customer is at the lane ("in"); attaching them again keeps the same visit."""
        if not self.enabled():
            return
        lane = self.b.settings.lane.id
        with write(self.b.db):
            current = self.repo.open_on_lane(lane)
            if current is not None:
                if current.customer_id == customer_id:
                    return
                self.repo.finish(current.id, at=self.b.timestamp(), outcome="replaced")
            self.repo.start(
                customer_id=customer_id,
                lane_id=lane,
                employee_id=employee.id,
                at=self.b.timestamp(),
            )

    def leave(self, customer_id: int | None, outcome: str, *, sale_id: int | None = None) -> None:
        """The customer's sale ended ("out"); nothing when no visit of theirs is open here."""
        if customer_id is None:
            return
        if outcome not in OUTCOMES:
            raise ValueError(f"unknown visit outcome {outcome!r}")
        with write(self.b.db):
            current = self.repo.open_on_lane(self.b.settings.lane.id)
            if current is not None and current.customer_id == customer_id:
                self.repo.finish(
                    current.id, at=self.b.timestamp(), outcome=outcome, sale_id=sale_id
                )

    def for_customer(
        self, customer_id: int, start: date | None = None, end: date | None = None
    ) -> list[Visit]:
        """Visits that came in from ``start`` to ``end`` inclusive (either may be open)."""
        rows = self.repo.for_customer(
            customer_id,
            start=start.isoformat() if start else None,
            end=(end + timedelta(days=1)).isoformat() if end else None,
        )
        return [_visit(r) for r in rows]


def _visit(row: VisitWithSale) -> Visit:
    sale = None
    if row.sale_id is not None:
        sale = f"{row.sale_kind} {row.sale_lane_id}-{row.sale_number}"
    return Visit(
        in_at=row.in_at,
        out_at=row.out_at,
        lane_id=row.lane_id,
        outcome=row.outcome,
        sale=sale,
    )
