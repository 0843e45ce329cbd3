"""The offline policy (docs/sync.md): while the lane cannot reach head office, a customer may
redeem at most ``[sync] offline_redeem_share`` of the points this lane last knew, and charge
at most ``offline_charge_share`` of the credit it last knew was available. What still
overdraws once every lane's events meet is kept and flagged at head office, never dropped."""

from __future__ import annotations

from decimal import ROUND_FLOOR, Decimal

from pos_tui.engine.money import ZERO
from pos_tui.services.checkout.errors import CheckoutError
from pos_tui.services.runtime.backend import Backend
from pos_tui.storage.sync_outbox import OutboxRepository


def offline(backend: Backend) -> bool:
    """Sync is configured and the last sync is older than ``offline_after_seconds``."""
    from pos_tui.services.sync.agent import read_status

    if not backend.settings.sync.url:
        return False
    return not read_status(OutboxRepository(backend.db), backend.settings, backend.now()).online


def check_redemption(backend: Backend, customer_id: int, points: Decimal) -> None:
    """Refuse redeeming ``points`` (all on this sale) over the offline share."""
    if not offline(backend):
        return
    share = backend.settings.sync.offline_redeem_share
    balance = backend.customers.loyalty_balance(customer_id)
    allowed = max((balance * share).to_integral_value(ROUND_FLOOR), ZERO)
    if points > allowed:
        raise CheckoutError(
            f"Offline: at most {allowed} of the {balance.normalize():f} points can be redeemed "
            "until the lane reaches head office",
            code="OFFLINE_REDEMPTION_LIMIT",
        )


def check_charge(backend: Backend, customer_id: int, amount: Decimal) -> None:
    """Refuse charging ``amount`` (all on this sale) over the offline share of the credit."""
    if amount <= 0 or not offline(backend):
        return
    row = backend.customers.get(customer_id)
    if row is None:
        return
    limit = Decimal(row.credit_limit or "0")
    if limit <= 0:
        return
    share = backend.settings.sync.offline_charge_share
    available = limit - backend.customers.receivable_balance(customer_id)
    allowed = max((available * share).quantize(Decimal("0.01"), ROUND_FLOOR), ZERO)
    if amount > allowed:
        raise CheckoutError(
            f"Offline: at most {allowed} can be charged to this account until the lane "
            "reaches head office",
            code="OFFLINE_CHARGE_LIMIT",
        )
