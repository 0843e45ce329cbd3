"""A customer's name as people read it (one rule for the lane, the back office and paper)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol


class Named(Protocol):
    """What a name is made of: a customer row, a list row or a name row has these."""

    @property
    def account_number(self) -> str: ...
    @property
    def salutation(self) -> str | None: ...
    @property
    def first_name(self) -> str | None: ...
    @property
    def last_name(self) -> str | None: ...
    @property
    def is_company(self) -> int: ...
    @property
    def company_name(self) -> str | None: ...


def display_name(customer: Named | Mapping[str, Any]) -> str:
    """How a customer is named on screen, on paper and in messages (a customer row, or the
    columns of one that a report or a sync event carries)."""
    if isinstance(customer, Mapping):
        row = customer
    else:
        row = {k: getattr(customer, k) for k in _NAME_COLUMNS}
    if row.get("is_company") and row.get("company_name"):
        return str(row["company_name"])
    parts = [row.get("salutation"), row.get("first_name"), row.get("last_name")]
    name = " ".join(str(p) for p in parts if p)
    return name or str(row.get("company_name") or row.get("account_number") or "?")


_NAME_COLUMNS = (
    "account_number",
    "salutation",
    "first_name",
    "last_name",
    "is_company",
    "company_name",
)
