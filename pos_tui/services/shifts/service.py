"""Open a shift with a float, move cash, read an X report, count and close with a sealed Z.

Every step is one write transaction with its audit row: a crash or SIGKILL at any point
leaves the shift open (nothing of the close written) or closed with its Z sealed in the
journal, never half. The Z record carries the shift's figures, the count, the running Z
number of the lane and the grand total that never resets; ``pos-tui journal verify`` checks
them against the records the shift spans (:mod:`pos_tui.storage.journal_z`).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from pos_tui.services.checkout.atomic import saved
from pos_tui.services.checkout.errors import CheckoutError
from pos_tui.services.runtime.backend import Backend
from pos_tui.services.shifts import settings as options
from pos_tui.services.shifts.counts import Count
from pos_tui.services.shifts.figures import Figures, shift_figures
from pos_tui.services.shifts.gate import open_shift
from pos_tui.services.staff.auth import Employee
from pos_tui.storage.journal import SaleRow
from pos_tui.storage.shifts import Shift

VOID_ACTIONS = ("void_sale", "void_line")


@dataclass(frozen=True)
class ShiftState:
    """What the next sign-in is told: the open shift, or the last Z of the lane."""

    open: Shift | None
    last_closed: Shift | None

    def describe(self) -> str:
        if self.open is not None:
            s = self.open
            return f"Shift {s.id} is open on lane {s.lane_id} since {_when(s.opened_at)}"
        if self.last_closed is not None:
            s = self.last_closed
            return f"Last shift {s.id} closed {_when(s.closed_at)}: no shift is open"
        return "No shift is open on this lane"


@dataclass(frozen=True)
class Report:
    """An X or Z report: its figures as JSON (what a Z seals) and where it stands."""

    kind: str  # "X" | "Z"
    data: dict[str, Any]
    sale_id: int | None = None


class ShiftService:
    def __init__(self, backend: Backend) -> None:
        self.b = backend

    # -- state ---------------------------------------------------------------------------------
    def state(self, lane_id: str | None = None) -> ShiftState:
        lane = lane_id or self.b.settings.lane.id
        return ShiftState(self.b.shifts.open_for(lane), self.b.shifts.last_closed(lane))

    # -- opening -------------------------------------------------------------------------------
    def open(self, employee: Employee, count: Count, *, slip: bool = True) -> Shift:
        """Open this lane's shift with ``count`` as its float; the drawer opens for it with the
        float slip (``slip=False``: a store set up with a shift open, as the demo is)."""
        b, lane = self.b, self.b.settings.lane
        at = b.timestamp()
        with saved(b.db, failed="The shift was not opened"):
            current = b.shifts.open_for(lane.id)
            if current is not None:
                raise CheckoutError(
                    f"Shift {current.id} is already open on lane {lane.id} "
                    f"(since {_when(current.opened_at)})",
                    code="SHIFT_OPEN",
                )
            counts = count.as_json()
            shift_id = b.shifts.open(
                {
                    "lane_id": lane.id,
                    "store_id": lane.store_id,
                    "opened_at": at,
                    "opened_by": employee.id,
                    "opening_float": str(count.total),
                    "float_counts": json.dumps(counts) if counts else None,
                    "after_sale_number": b.shifts.last_sale_number(lane.id),
                }
            )
            b.store.audit(
                at=at,
                entity="shift",
                entity_id=shift_id,
                action="shift_open",
                changes={"float": str(count.total), "counts": counts},
                employee_id=employee.id,
                lane_id=lane.id,
            )
            if slip:
                b.print_jobs.add(
                    lane_id=lane.id,
                    kind="report",
                    document={"report": "float", "shift_id": shift_id},
                    at=at,
                    open_drawer=True,
                )
        row = b.shifts.get(shift_id)
        assert row is not None
        return row

    # -- figures -------------------------------------------------------------------------------
    def figures(self, shift: Shift, upto: int | None = None) -> Figures:
        b = self.b
        records = b.shifts.records(shift.lane_id, shift.after_sale_number, upto)
        kids = b.journal.children_of([r.id for r in records])
        actions = b.shifts.audit_actions(shift.lane_id, shift.opened_at, VOID_ACTIONS)
        return shift_figures(
            shift.opening_float,
            ((r, kids[r.id]) for r in records),
            names=b.shifts.employee_names(),
            audit_actions=actions,
        )

    def x_report(self, employee: Employee, *, print_it: bool = False) -> Report:
        """The open shift's figures now; changes nothing (a printed X is only a print job)."""
        b = self.b
        shift = open_shift(b)
        figures = self.figures(shift)
        data = self._header(shift, employee, "X") | {"figures": figures.as_json()}
        if print_it:
            b.print_jobs.add(
                lane_id=b.settings.lane.id,
                kind="report",
                document={"report": "X", "data": data},
                at=b.timestamp(),
            )
        return Report("X", data)

    def expected_cash(self) -> Decimal:
        return self.figures(open_shift(self.b)).expected_cash

    def _header(self, shift: Shift, employee: Employee, kind: str) -> dict[str, Any]:
        names = self.b.shifts.employee_names()
        return {
            "report": kind,
            "shift_id": shift.id,
            "lane_id": shift.lane_id,
            "store_id": shift.store_id,
            "opened_at": shift.opened_at,
            "opened_by": names.get(shift.opened_by, ""),
            "at": self.b.timestamp(),
            "by": employee.name,
            "after_sale_number": shift.after_sale_number,
        }

    # -- closing -------------------------------------------------------------------------------
    def close(
        self,
        employee: Employee,
        count: Count,
        *,
        approver: Employee | None = None,
        shift_id: int | None = None,
        back_office: bool = False,
    ) -> Report:
        """Count and close a shift with its Z report sealed in the journal.

        Refused naming what is in the way: the shift already closed, a sale open or held on the
        lane, another lane's shift (a supervisor in the back office only), or a count over or
        short by more than the tolerance without a supervisor's approval."""
        b = self.b
        with saved(b.db, failed="The shift was not closed"):
            shift = self._closable(employee, shift_id, back_office)
            self._nothing_open(shift.lane_id)
            figures = self.figures(shift)
            over_short = count.total - figures.expected_cash
            approved = self._approve(over_short, approver)
            data = self._z_data(shift, employee, figures, count, over_short, approved)
            z = self._seal(shift, employee, data)
            self._audit_close(shift, employee, data, approved, back_office)
        return Report("Z", data, z.id)

    def _closable(self, employee: Employee, shift_id: int | None, back_office: bool) -> Shift:
        b, lane = self.b, self.b.settings.lane.id
        if shift_id is None:
            shift = b.shifts.open_for(lane)
            if shift is None:
                last = b.shifts.last_closed(lane)
                if last is not None:
                    raise CheckoutError(
                        f"Shift {last.id} is already closed ({_when(last.closed_at)}): "
                        f"no shift is open on lane {lane}",
                        code="SHIFT_CLOSED",
                    )
                open_shift(b)  # raises: none open
            assert shift is not None
            return shift
        found = b.shifts.get(shift_id)
        if found is None:
            raise CheckoutError(f"There is no shift {shift_id}")
        if found.status != "open":
            raise CheckoutError(
                f"Shift {shift_id} is already closed ({_when(found.closed_at)})",
                code="SHIFT_CLOSED",
            )
        if found.lane_id != lane and not (back_office and employee.at_least("supervisor")):
            raise CheckoutError(
                f"Shift {shift_id} belongs to lane {found.lane_id}: only a supervisor closes "
                "another lane's shift, from the back office",
                code="OTHER_LANE",
            )
        return found

    def _nothing_open(self, lane_id: str) -> None:
        names = self.b.shifts.employee_names()
        for status, how in (("in_progress", "is open"), ("suspended", "is held")):
            for row in self.b.open_sales.for_lane(lane_id, status):
                state = json.loads(row.state)
                if not state.get("lines") and not state.get("tenders"):
                    continue  # a cart emptied line by line: nothing is in the way
                who = names.get(row.employee_id or 0, "")
                label = f" '{row.label}'" if row.label else ""
                raise CheckoutError(
                    f"Sale #{row.id}{label} {how} on lane {lane_id}"
                    + (f" ({who})" if who else "")
                    + ": finish, recall or void it before closing the shift",
                    code="SALE_OPEN",
                )

    def _approve(self, over_short: Decimal, approver: Employee | None) -> Employee | None:
        tolerance = options.tolerance(self.b)
        if abs(over_short) <= tolerance:
            return None
        if approver is not None and approver.at_least("supervisor"):
            return approver
        if options.blind_close(self.b):
            message = (
                "The count does not agree with the till beyond the tolerance: "
                "count again, or a supervisor approves it"
            )
        else:
            word = "over" if over_short > 0 else "short"
            message = (
                f"The till is {word} by {abs(over_short)} (tolerance {tolerance}): "
                "count again, or a supervisor approves it"
            )
        raise CheckoutError(message, code="OVER_SHORT", override_allowed=True)

    def _z_data(
        self,
        shift: Shift,
        employee: Employee,
        figures: Figures,
        count: Count,
        over_short: Decimal,
        approved: Employee | None,
    ) -> dict[str, Any]:
        previous = self.b.shifts.z_records(shift.lane_id)
        last = json.loads(previous[-1].explanation) if previous else {}
        number = int(last.get("z_number", 0)) + 1
        before = Decimal(last.get("grand_total", "0"))
        return self._header(shift, employee, "Z") | {
            "z_number": number,
            "previous_grand_total": str(before),
            "grand_total": str(before + figures.sales_total),
            "figures": figures.as_json(),
            "counted": str(count.total),
            "counted_pieces": count.pieces,
            "over_short": str(over_short),
            "blind": options.blind_close(self.b),
            "approved_by": approved.name if approved else None,
        }

    def _seal(self, shift: Shift, employee: Employee, data: dict[str, Any]) -> SaleRow:
        b = self.b
        at = str(data["at"])
        z = b.journal.append(
            {
                "lane_id": shift.lane_id,
                "store_id": shift.store_id,
                "kind": "z_report",
                "employee_id": employee.id,
                "committed_at": at,
                "subtotal": "0",
                "discount_total": "0",
                "tax_total": "0",
                "total": "0",
                "reference": f"Z {data['z_number']}",
                "explanation": json.dumps(data, ensure_ascii=False, sort_keys=True),
            },
            {},
        )
        b.shifts.close(shift.id, closed_at=at, closed_by=employee.id, z_sale_id=z.id)
        b.print_jobs.add(
            lane_id=b.settings.lane.id,
            kind="receipt",
            document={"sale_id": z.id},
            at=at,
            sale_id=z.id,
        )
        return z

    def _audit_close(
        self,
        shift: Shift,
        employee: Employee,
        data: Mapping[str, Any],
        approved: Employee | None,
        back_office: bool,
    ) -> None:
        changes: dict[str, Any] = {
            "z_number": data["z_number"],
            "counted": data["counted"],
            "expected": data["figures"]["expected_cash"],
            "over_short": data["over_short"],
        }
        if approved is not None:
            changes["approved_by"] = approved.id
        if shift.lane_id != self.b.settings.lane.id:
            changes["closed_from_lane"] = self.b.settings.lane.id
        self.b.store.audit(
            at=str(data["at"]),
            entity="shift",
            entity_id=shift.id,
            action="shift_close_back_office" if back_office else "shift_close",
            changes=changes,
            employee_id=employee.id,
            lane_id=shift.lane_id,
        )

    # -- Z reports -----------------------------------------------------------------------------
    def z_report(self, sale_id: int) -> Report:
        sale = self.b.journal.get(sale_id)
        if sale is None or sale.kind != "z_report":
            raise CheckoutError(f"Record {sale_id} is not a Z report")
        return Report("Z", json.loads(sale.explanation), sale_id)

    def reprint(self, sale_id: int) -> int:
        """Queue a copy of a Z report (marked as a copy)."""
        self.z_report(sale_id)
        return self.b.print_jobs.add(
            lane_id=self.b.settings.lane.id,
            kind="reprint",
            document={"sale_id": sale_id},
            at=self.b.timestamp(),
            sale_id=sale_id,
        )


def _when(at: object) -> str:
    return str(at or "").replace("T", " ")[:16]
