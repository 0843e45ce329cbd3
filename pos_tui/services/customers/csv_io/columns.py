"""The CSV columns import and export share: references by code, lists, address parts, balances.

Also :class:`CsvFileError` (the file or mapping cannot be used at all) and the progress callback.
"""

from __future__ import annotations

from collections.abc import Callable

from pos_tui.engine.errors import Refused
from pos_tui.services.customers import fields as cf

# Columns for references, by code (or name) instead of database ids: column -> (id field,
# table, the column matched first, the column also accepted).
REF_COLUMNS: dict[str, tuple[str, str, str, str]] = {
    "customer_type": ("customer_type_id", "customer_types", "code", "name"),
    "card_type": ("card_type_id", "card_types", "code", "name"),
    "price_list": ("price_list_id", "price_lists", "code", "name"),
    "home_location": ("home_location_id", "locations", "code", "name"),
    "location_group": ("location_group_id", "location_groups", "code", "name"),
    "limit_to_location": ("limit_to_location_id", "locations", "code", "name"),
}
LINK_COLUMN = "link_customer"  # the referring customer's account number
LIST_COLUMNS = {"teams": "teams", "exempt_taxes": "taxes"}  # codes separated by ";"
# The receivable balance brought from another system: amount, the day it stood, a reference.
OPENING_BALANCE_COLUMNS = ("opening_balance", "opening_balance_date", "opening_balance_reference")
EXTRA_TARGETS = ("opening_points", "pin", *OPENING_BALANCE_COLUMNS)
READ_ONLY_COLUMNS = ("points_balance", "receivable_balance")
EXPORT_ADDRESS_TYPES = ("main", "alternate")
ADDRESS_COLUMN_FIELDS = tuple(f for f in cf.ADDRESS_FIELDS if f != "address_type")
IGNORE = "ignore"

ProgressFn = Callable[[int], None]
"""Told how many more rows are done."""


class CsvFileError(Refused):
    """The file or the mapping cannot be used at all (exit code 2)."""


def valid_targets() -> set[str]:
    targets = {f.name for f in cf.FIELDS} | set(REF_COLUMNS) | set(LIST_COLUMNS)
    targets |= {LINK_COLUMN, *EXTRA_TARGETS}
    targets |= {f"{kind}.{part}" for kind in cf.ADDRESS_TYPES for part in ADDRESS_COLUMN_FIELDS}
    return targets
