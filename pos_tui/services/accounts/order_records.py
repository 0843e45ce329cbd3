"""The journal records of customer orders: a payment's or cancellation's record, the sale
that completes an order (with the points it earns), its slip and the order's audit rows; each
linked to its order, inside the caller's write transaction."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from pos_tui import engine
from pos_tui.engine.money import ZERO
from pos_tui.services.accounts.order_view import OrderError
from pos_tui.services.checkout.engine_inputs import EngineInputs
from pos_tui.services.runtime.backend import Backend
from pos_tui.services.shifts.gate import open_shift
from pos_tui.services.staff.auth import Employee
from pos_tui.storage.accounts import CustomerOrder, OrderRepository
from pos_tui.storage.journal import SaleRow
from pos_tui.storage.rows import Row


class OrderJournal:
    """Records of the orders ``employee`` changes."""

    def __init__(self, backend: Backend, employee: Employee, inputs: EngineInputs) -> None:
        self.b = backend
        self.employee = employee
        self.inputs = inputs
        self.repo = OrderRepository(backend.db)

    def completion_sale(
        self, order: CustomerOrder, tenders: list[Row], at: str
    ) -> tuple[SaleRow, Decimal]:
        priced = json.loads(order.priced) if order.priced else None
        if priced is None:
            raise OrderError(
                f"{order.number} has no items to hand over (an order from before pos-tui took orders)"
            )
        cid = order.customer_id
        customer, _, _ = self.inputs.customer(cid)
        card = self.inputs.card_type(customer.card_type_id)
        settings = self.inputs.settings()
        base = Decimal(priced["sale"].get("points_base") or 0)
        points = referral = None
        if card is not None:
            points = engine.earn_points(card, customer, base, self.b.now(), settings)
            referral = engine.referral_points(card, customer, base, settings)
        earned = points.points if points else ZERO
        rules = [engine.to_jsonable(r) for r in (points.rules if points else ())]
        sale_fields = {
            **priced["sale"],
            "kind": "sale",
            "lane_id": self.b.settings.lane.id,
            "store_id": self.b.settings.lane.store_id,
            "employee_id": self.employee.id,
            "points_earned": str(earned),
            "referral_customer_id": referral.link_customer_id if referral else None,
            "referral_points": str(referral.points if referral else ZERO),
            "points_used": "0",
            "explanation": json.dumps(
                [
                    {"code": "ORDER_COMPLETED", "description": f"{order.number} completed"},
                    *rules,
                ],
                ensure_ascii=False,
            ),
        }
        open_shift(self.b)  # no record without an open shift (inside the caller's write)
        sale = self.b.journal.append(
            {**sale_fields, "committed_at": at}, {**priced["children"], "tenders": tenders}
        )
        self.repo.link(order.id, sale.id)
        if earned:
            self.b.ledgers.add_points(
                customer_id=cid,
                entry_type="earned",
                points=earned,
                at=at,
                sale_id=sale.id,
                employee_id=self.employee.id,
            )
        if referral and referral.points:
            self.b.ledgers.add_points(
                customer_id=referral.link_customer_id,
                entry_type="referral",
                points=referral.points,
                at=at,
                sale_id=sale.id,
                reason=f"Referral: sale {sale.id}",
                employee_id=self.employee.id,
            )
        return sale, earned

    def record(
        self,
        order: CustomerOrder,
        kind: str,
        total: Decimal,
        tenders: list[Row],
        explanation: list[Any],
        at: str,
    ) -> SaleRow:
        lane = self.b.settings.lane
        open_shift(self.b)  # no record without an open shift (inside the caller's write)
        sale = self.b.journal.append(
            {
                "lane_id": lane.id,
                "store_id": lane.store_id,
                "kind": kind,
                "customer_id": order.customer_id,
                "employee_id": self.employee.id,
                "committed_at": at,
                "subtotal": str(total),
                "discount_total": "0",
                "tax_total": "0",
                "total": str(total),
                "reference": order.number,
                "explanation": json.dumps(explanation, ensure_ascii=False),
            },
            {"tenders": tenders},
        )
        self.repo.link(order.id, sale.id)
        return sale

    def change_note(self, sale: SaleRow | None) -> str:
        """ ", change 40.00" when the record's cash gave change (said to the cashier)."""
        if sale is None:
            return ""
        tenders = self.b.journal.children(sale.id).tenders
        change = sum((t.change_given for t in tenders), ZERO)
        return f", change {change}" if change else ""

    def slip(self, sale: SaleRow, *, drawer: bool, at: str) -> None:
        self.b.print_jobs.add(
            lane_id=self.b.settings.lane.id,
            kind="receipt",
            document={"sale_id": sale.id},
            at=at,
            sale_id=sale.id,
            open_drawer=drawer,
        )

    def audit(self, order_id: int, action: str, changes: dict[str, Any], at: str) -> None:
        self.b.store.audit(
            at=at,
            entity="customer_order",
            entity_id=order_id,
            action=action,
            changes=changes,
            employee_id=self.employee.id,
            lane_id=self.b.settings.lane.id,
        )
