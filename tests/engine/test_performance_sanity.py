"""Timing sanity, not a timed assertion: a 100-line basket with every rule switched on.

The basket is the one `scripts/bench` prices (its "engine" figure), so this test also proves
that the benchmarked basket really exercises every rule.

Run ``pytest tests/engine/test_performance_sanity.py -s`` to see the time per line; the
assertions only check that everything was applied, so a slow CI machine never fails it.
"""

from __future__ import annotations

import time

from bench.figures.engine import everything, price_everything


def test_a_100_line_basket_with_every_rule() -> None:
    args = everything()
    rounds = 20
    start = time.perf_counter()
    for _ in range(rounds):
        sale = price_everything(args)
    per_line_ms = (time.perf_counter() - start) / rounds / 100 * 1000
    print(f"\nprice_sale: {per_line_ms:.4f} ms per line (100-line basket, every rule on)")
    assert len(sale.lines) == 100
    kinds = {d.kind for d in sale.discounts}
    assert kinds == {
        "manual_line",
        "customer_auto",
        "card_type",
        "transaction_auto",
        "manual_transaction",
    }
    assert sale.points is not None and sale.points.extra_points > 0 and sale.points.multiplier > 1
    assert sale.referral is not None and sale.redemption is not None
    assert sale.charge is not None and sale.charge.allowed
    assert {p.price_source for p in sale.lines} >= {"promo", "level_2", "regular", "price_list:VIP"}
