"""Deterministic demo data: a whole store with customers, loyalty, receivables and past sales.

``DemoGenerator(backend, seed=S, now=T).run(customers=N, sales=M)`` fills a database with
reference data (locations, teams, taxes, item groups, ~300 items, price lists, card and customer
types), three employees with fixed credentials (:data:`DEMO_EMPLOYEES`), N customers, M past
sales in the hash-chained journal with their loyalty and receivable entries, and customer orders
for a few percent of the customers.

Everything is drawn from one ``random.Random(seed)`` and every date from the base moment ``now``:
the same seed and moment give the same database, row for row, hash for hash (PIN hashes use a
salt drawn from the same generator, so they repeat too).

The steps, each in its own module, run in this order (the order of the random draws):

- :mod:`.reference` (with :mod:`.card_types` and the word lists in :mod:`.products`);
- :mod:`.customers` (with :mod:`.customer_details` and the word lists in :mod:`.names`);
- :mod:`.sales` (with :mod:`.baskets` and :mod:`.points`);
- :mod:`.orders`.

:mod:`.generator` runs them in one transaction; :mod:`.context` holds what they share.
"""

from __future__ import annotations

from pos_tui.demo.context import ProgressFn, money
from pos_tui.demo.credentials import (
    DEMO_CUSTOMER_PIN,
    DEMO_EMPLOYEES,
    MAX_CUSTOMER_PINS,
    DemoEmployee,
    seeded_pin_hash,
)
from pos_tui.demo.generator import (
    DEFAULT_SALES,
    DEFAULT_SEED,
    DemoError,
    DemoGenerator,
    DemoResult,
)
from pos_tui.demo.numbering import ean13_check_digit

__all__ = [
    "DEFAULT_SALES",
    "DEFAULT_SEED",
    "DEMO_CUSTOMER_PIN",
    "DEMO_EMPLOYEES",
    "MAX_CUSTOMER_PINS",
    "DemoEmployee",
    "DemoError",
    "DemoGenerator",
    "DemoResult",
    "ProgressFn",
    "ean13_check_digit",
    "money",
    "seeded_pin_hash",
]
