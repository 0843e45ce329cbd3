"""Cash moved without a sale: paid in, paid out (each with a reason code and a reference),
cash drops to the safe, and the drawer opened with no sale. Each is a journal record of the
open shift (its cash tender signed: negative when money leaves the drawer), written with its
slip and the drawer kick in one transaction."""

from __future__ import annotations

import json
from decimal import Decimal

from pos_tui.engine.money import ZERO
from pos_tui.services.checkout.atomic import saved
from pos_tui.services.checkout.errors import CheckoutError
from pos_tui.services.runtime.backend import Backend
from pos_tui.services.shifts.counts import money
from pos_tui.services.shifts.gate import open_shift
from pos_tui.services.staff.auth import Employee
from pos_tui.storage.journal import SaleRow
from pos_tui.storage.shifts import Shift

# Kind -> (what the cashier reads, sign of the cash it moves).
MOVES = {
    "paid_in": ("Paid in", 1),
    "paid_out": ("Paid out", -1),
    "cash_drop": ("Cash drop", -1),
}
MAX_REFERENCE = 60


class CashService:
    def __init__(self, backend: Backend, employee: Employee) -> None:
        self.b = backend
        self.employee = employee

    def reasons(self, kind: str) -> dict[str, str]:
        cfg = self.b.settings.shifts
        if kind == "paid_in":
            return dict(cfg.paid_in_reasons)
        if kind == "paid_out":
            return dict(cfg.paid_out_reasons)
        return {}

    def move(
        self, kind: str, amount: str | Decimal, *, reason: str | None = None, reference: str = ""
    ) -> SaleRow:
        """Paid in, paid out or a cash drop. Money out is refused beyond the cash expected in
        the drawer; paid in and out need a configured reason code."""
        if kind not in MOVES:
            raise CheckoutError(f"Not a cash movement: {kind!r}")
        what, sign = MOVES[kind]
        value = money(self.b.settings, amount, what)
        if value == 0:
            raise CheckoutError(f"{what}: give an amount more than zero")
        reasons = self.reasons(kind)
        if kind != "cash_drop" and (reason or "") not in reasons:
            listed = ", ".join(reasons) or "none configured ([shifts])"
            raise CheckoutError(f"{what}: choose a reason code ({listed})")
        reference = " ".join((reference or "").split())
        if len(reference) > MAX_REFERENCE:
            raise CheckoutError(f"The reference is over {MAX_REFERENCE} characters")
        details: dict[str, object] = {"reason": reason, "reason_label": reasons.get(reason or "")}
        return self._record(kind, sign * value, reference or None, details)

    def drawer_opened(self, why: str, details: dict[str, object] | None = None) -> SaleRow:
        """A drawer event with no money moved (no sale): a journal record of the shift (the X
        and Z count them), written by the no-sale in the transaction of its request. No slip:
        the drawer's own record is the paper trail."""
        return self._record("drawer_open", ZERO, why, details or {}, slip=False)

    def _record(
        self,
        kind: str,
        signed: Decimal,
        reference: str | None,
        details: dict[str, object],
        *,
        slip: bool = True,
    ) -> SaleRow:
        b, lane = self.b, self.b.settings.lane
        at = b.timestamp()
        with saved(b.db, failed=f"The {kind.replace('_', ' ')} was not recorded"):
            shift = open_shift(b)
            if signed < 0:
                self._cash_for(shift, -signed)
            tenders = (
                [{"seq": 1, "kind": "cash", "amount": str(signed), "change_given": "0"}]
                if signed
                else []
            )
            row = b.journal.append(
                {
                    "lane_id": lane.id,
                    "store_id": lane.store_id,
                    "kind": kind,
                    "employee_id": self.employee.id,
                    "committed_at": at,
                    "subtotal": str(signed),
                    "discount_total": "0",
                    "tax_total": "0",
                    "total": str(signed),
                    "reference": reference,
                    "explanation": json.dumps(
                        {"shift_id": shift.id, **details}, ensure_ascii=False, sort_keys=True
                    ),
                },
                {"tenders": tenders},
            )
            if slip:
                b.print_jobs.add(
                    lane_id=lane.id,
                    kind="receipt",
                    document={"sale_id": row.id},
                    at=at,
                    sale_id=row.id,
                    open_drawer=True,
                )
        return row

    def _cash_for(self, shift: Shift, out: Decimal) -> None:
        from pos_tui.services.shifts.service import ShiftService

        expected = ShiftService(self.b).figures(shift).expected_cash
        if out > expected:
            raise CheckoutError(
                f"Only {expected} cash is expected in the drawer: {out} cannot be taken out"
            )
