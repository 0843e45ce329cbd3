"""A customer's name as people read it (one rule for the lane, the back office and paper)."""

from __future__ import annotations

from typing import Any


def display_name(row: dict[str, Any]) -> str:
    """How a customer is named on screen, on paper and in messages."""
    if row.get("is_company") and row.get("company_name"):
        return str(row["company_name"])
    parts = [row.get("salutation"), row.get("first_name"), row.get("last_name")]
    name = " ".join(str(p) for p in parts if p)
    return name or str(row.get("company_name") or row.get("account_number") or "?")
