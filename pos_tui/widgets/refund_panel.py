"""A return's refund at a glance: where it goes back by default, the points it takes back and
what the store's policy does when the customer no longer holds them."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from pos_tui.engine import PricedSale
from pos_tui.services.checkout.returns import RefundPlan
from pos_tui.widgets.fmt import money, points
from pos_tui.widgets.safe import safe
from pos_tui.widgets.tender_table import KIND_LABELS

POLICY_WORDS = {
    "deduct": "points short are kept from the refund at the redemption rate",
    "supervisor": "points below zero need a supervisor",
}


def refund_text(plan: RefundPlan | None, priced: PricedSale | None, *, key: str = "") -> Text:
    """The plan in words; ``key`` names the key that refunds as paid (e.g. "F4")."""
    text = Text()
    if plan is None or priced is None:
        return text
    head = f"As paid ({key})" if key else "As paid"
    text.append(head, style="bold")
    for part in plan.parts:
        text.append(f"\n {KIND_LABELS.get(part.kind, part.kind)} {money(part.amount)}")
        if part.kind == "points":
            text.append(f" ({points(part.points)} pts)")
        if part.references and part.kind in ("card", "account"):
            text.append(" ").append_text(safe(part.references[0]))
    if priced.points is not None and priced.points.points:
        text.append(f"\nPoints reversed {points(-priced.points.points)}")
    if priced.referral is not None and priced.referral.points:
        text.append(f"\nReferral reversed {points(-priced.referral.points)}")
    short = plan.shortfall
    if short is not None:
        line = f"\nPoints short {points(short.short)}"
        if short.value:
            line += f": {money(short.value)} kept"
        elif short.allowed_by is not None:
            line += f": balance to {points(short.balance_after)} (supervisor)"
        else:
            line += ": SUPERVISOR NEEDED (F3)"
        text.append(line, style="bold")
    if priced.points is not None:
        text.append(f"\nPolicy: {POLICY_WORDS.get(plan.policy, plan.policy)}", style="italic")
    return text


class RefundPanel(Static):
    """The plan of :func:`refund_text` in a bordered box."""

    DEFAULT_CSS = """
    RefundPanel { height: auto; border: round $secondary; padding: 0 1; }
    """

    def on_mount(self) -> None:
        self.border_title = "Refund"

    def show(self, plan: RefundPlan | None, priced: PricedSale | None, *, key: str = "") -> None:
        self.display = plan is not None
        self.update(refund_text(plan, priced, key=key))
