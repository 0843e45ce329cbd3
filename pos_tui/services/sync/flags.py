"""Head office's flags, in words for a supervisor at the lane (back office and CLI)."""

from __future__ import annotations

import json
from typing import Any

from pos_tui.services.customers.names import display_name
from pos_tui.services.runtime.backend import Backend

_WHAT = {
    "points_overdraft": "points overdrawn",
    "credit_overdraft": "credit limit overdrawn",
    "unique_conflict": "taken at two stores",
    "chain_break": "journal chain broken",
    "event_gap": "events missing",
}


def describe(backend: Backend, row: dict[str, Any]) -> str:
    """``#12 points overdrawn: Anna Smith (1001): used -80 at B1 sale B1-3, balance -60``."""
    detail = json.loads(row["detail"]) if isinstance(row["detail"], str) else row["detail"]
    who = ""
    if row.get("customer_id"):
        customer = backend.customers.get(int(row["customer_id"]))
        if customer:
            who = f"{display_name(customer)} ({customer.account_number}): "
    elif row.get("customer_gid"):
        who = f"customer {row['customer_gid']}: "
    kind = row["kind"]
    origin = row.get("origin") or "-"
    if kind == "points_overdraft":
        text = f"used {detail.get('points')} at {origin} sale {detail.get('sale') or '-'}, balance {detail.get('balance')}"
    elif kind == "credit_overdraft":
        text = (
            f"charged {detail.get('amount')} at {origin} sale {detail.get('sale') or '-'}, "
            f"owes {detail.get('balance')} over the limit {detail.get('credit_limit')}"
        )
    elif kind == "unique_conflict":
        text = (
            f"{detail.get('field')} {detail.get('value')} from {origin} is held by "
            f"{detail.get('holder') or 'another customer'}"
        )
        if detail.get("given"):
            text += f"; given {detail['given']}"
    elif kind == "chain_break":
        text = (
            f"lane {detail.get('lane_id')} sale {detail.get('sale_number')}: {detail.get('reason')}"
        )
    else:
        text = f"from {origin}: {json.dumps(detail, sort_keys=True)}"
    state = f" [resolved: {row['resolution']}]" if row.get("resolved_at") else ""
    return f"#{row['id']} {_WHAT.get(kind, kind)}: {who}{text}{state}"


def flag_lines(backend: Backend, *, open_only: bool = True) -> list[str]:
    """Every flag head office sent down, in words, newest last."""
    from pos_tui.storage.sync_outbox import OutboxRepository

    return [
        describe(backend, row) for row in OutboxRepository(backend.db).flags(open_only=open_only)
    ]
