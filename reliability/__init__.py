"""The reliability harness (``scripts/reliability``): the lane's promises of issue 12 tried hard,
bounded in time, with figures.

Parts, each on its own store built by the demo generator:

- ``kills``: lane processes (:mod:`reliability.lane`, the real checkout services) selling on
  one database, SIGKILLed at random moments and started again; then every committed sale must
  be there, whole, the ledgers must match, the journal verify and every sale left open resume.
- ``redeem``: lane processes attaching the same few customers and redeeming their points at
  once: no balance below zero, no point redeemed twice, every balance the sum of its ledger.
- ``disk``: a lane on a real small tmpfs that fills up (the lane's words, the sale kept, Enter
  retrying) and ``pos-tui`` started on it (one line, exit code 2); a lock held past the busy
  timeout, then released.
- ``import``: a CSV import of many rows while a lane process writes: how long the lane waits,
  the longest lock of a batch, and a dry run that takes no lock.
- ``fuzz``: every hypothesis fuzz target of the input surfaces (:mod:`reliability.fuzz`).

``--quick`` (CI, inside ``./scripts/dev test`` through tests/test_reliability_quick.py) runs
each part briefly; ``--long`` is the run whose figures docs/reliability.md shows (>= 1,000
kills). The summary is printed as a table and written as JSON (``--out``).
"""
