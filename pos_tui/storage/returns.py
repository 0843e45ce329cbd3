"""What the returns of a sale gave back so far, read from the journal in one place.

Returns are stored negated (money back is negative, points reversed are negative); these sums
are positive: what went back to the customer.
"""

from __future__ import annotations

from decimal import Decimal

import sqlite_utils

from pos_tui.engine.money import ZERO, to_decimal
from pos_tui.engine.refund_models import GivenBack

# The reference of a return's points tender that settles points short out of the refund (the
# customer no longer held the points the return takes back): not points given back.
POINTS_SHORT_REFERENCE = "points short"


class ReturnsRepository:
    def __init__(self, db: sqlite_utils.Database) -> None:
        self.db = db

    def given_back(self, sale_id: int) -> GivenBack:
        """Everything the committed returns of ``sale_id`` gave back: units per original line,
        (taxable, amount) per tax code, (money, points) per tender kind, the money total, the
        customer's points reversed and the link's referral points (decimal text summed as
        ``Decimal``, never as SQL floats)."""
        ret = "SELECT id FROM sales WHERE original_sale_id = ? AND kind = 'return'"
        quantities: dict[int, Decimal] = {}
        for line_no, qty in self.db.execute(
            "SELECT original_line_no, quantity FROM sale_lines "
            f"WHERE sale_id IN ({ret}) AND original_line_no IS NOT NULL",
            [sale_id],
        ).fetchall():
            quantities[line_no] = quantities.get(line_no, ZERO) + abs(to_decimal(qty))
        taxes: dict[str, tuple[Decimal, Decimal]] = {}
        for code, taxable, amount in self.db.execute(
            f"SELECT tax_code, taxable, amount FROM sale_taxes WHERE sale_id IN ({ret})",
            [sale_id],
        ).fetchall():
            before = taxes.get(code, (ZERO, ZERO))
            taxes[code] = (before[0] - to_decimal(taxable), before[1] - to_decimal(amount))
        tenders: dict[str, tuple[Decimal, Decimal]] = {}
        for kind, amount, points, reference in self.db.execute(
            f"SELECT kind, amount, points, reference FROM sale_tenders WHERE sale_id IN ({ret})",
            [sale_id],
        ).fetchall():
            value = to_decimal(amount)
            if value >= 0 or reference == POINTS_SHORT_REFERENCE:
                continue
            before = tenders.get(kind, (ZERO, ZERO))
            tenders[kind] = (before[0] - value, before[1] + to_decimal(points or 0))
        total = points_back = referral = ZERO
        for row in self.db.execute(
            "SELECT total, points_earned, referral_points FROM sales "
            "WHERE original_sale_id = ? AND kind = 'return'",
            [sale_id],
        ).fetchall():
            total -= to_decimal(row[0])
            points_back -= to_decimal(row[1])
            referral -= to_decimal(row[2])
        return GivenBack(quantities, taxes, tenders, total, points_back, referral)
