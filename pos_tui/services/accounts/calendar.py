"""The statement a charge is billed on, once statement runs have closed periods.

The engine says a charge is billed on the store's first statement day on or after it
(``engine.statement_date_for``); a statement run closes the period up to its date for good, so
a charge posted after the run of its statement day is billed on the next one
(``engine.statement_date_after``). Every due date of a charge with grace from the statement date
is worked out here: at the lane, at commit, in subscription and order postings.
"""

from __future__ import annotations

import datetime as dt

from pos_tui import engine
from pos_tui.services.runtime.backend import Backend
from pos_tui.storage.accounts import StatementRepository


def closed_through(backend: Backend) -> dt.date | None:
    """The date of the last statement run (None: no statements yet)."""
    last = StatementRepository(backend.db).last_run()
    return dt.date.fromisoformat(last.statement_date) if last else None


def statement_for_charge(backend: Backend, posted: dt.date, settings: engine.Settings) -> dt.date:
    return engine.statement_date_after(posted, settings, closed_through(backend))


def charge_due_date(
    backend: Backend, customer: engine.Customer, posted: dt.date, settings: engine.Settings
) -> engine.DueDate:
    """When a charge posted on ``posted`` falls due; ValueError for terms the engine cannot read."""
    statement = None
    if customer.grace_period_type == "statement_date":
        statement = statement_for_charge(backend, posted, settings)
    return engine.due_date(customer, posted, settings, statement_date=statement)
