"""A closed statement as text lines of any width (40 columns and up; 32 on 58 mm paper), the
same for the receipt printer, a report printer's file and the e-mail.

Everything comes from the stored statement and the ledger entries it bills; the customer's name
and billing address are read when it is rendered, so a statement of an erased customer prints
no personal data.
"""

from __future__ import annotations

from pos_tui.services.customers.history import ENTRY_LABELS
from pos_tui.services.customers.names import display_name
from pos_tui.services.runtime.backend import Backend
from pos_tui.storage.accounts import StatementRepository
from pos_tui.storage.customers import CustomerRow
from pos_tui.text import plain


def pair(left: str, right: str, width: int) -> str:
    """``left`` and ``right`` on one line of ``width``; the left part is cut to fit."""
    room = max(width - len(right) - 1, 1)
    return f"{left[:room]:<{room}} {right}"


def billing_address(backend: Backend, customer: CustomerRow) -> list[str]:
    """The address the customer's bills go to (main or alternate, FusionRetail), as lines."""
    addresses = backend.customers.addresses(customer.id)
    which = customer.billing_address or "main"
    chosen = next((a for a in addresses if a.address_type == which), None)
    chosen = chosen or next((a for a in addresses if a.address_type == "main"), None)
    if chosen is None:
        return []
    street = " ".join(
        str(getattr(chosen, k)) for k in ("street_number", "street_name") if getattr(chosen, k)
    )
    lines = [
        street,
        *(str(getattr(chosen, k) or "") for k in ("line_1", "line_2", "line_3", "line_4")),
    ]
    place = " ".join(
        str(getattr(chosen, k)) for k in ("city", "state", "postal_code") if getattr(chosen, k)
    )
    return [x for x in [*lines, place, str(chosen.country or "")] if x.strip()]


def statement_lines(backend: Backend, statement_id: int, width: int) -> list[str]:
    """The statement, line by line, at most ``width`` characters each; data made inert."""
    repo = StatementRepository(backend.db)
    st = repo.get(statement_id)
    if st is None:
        raise KeyError(f"no statement {statement_id}")
    customer = backend.customers.get(st.customer_id)
    rule = "-" * width
    out = [
        "STATEMENT OF ACCOUNT".center(width).rstrip(),
        pair("Statement date", st.statement_date, width),
        pair("Account", plain(customer.account_number if customer else ""), width),
    ]
    out.append(plain(display_name(customer)) if customer else "")
    out += [plain(line) for line in billing_address(backend, customer)] if customer else []
    out += [rule, pair("Balance brought forward", str(st.opening_balance), width)]
    entries = repo.entries(statement_id)
    for e in entries:
        label = ENTRY_LABELS.get(e.entry_type, e.entry_type)
        left = f"{e.posted_at[:10]} {label}"
        if e.reference:
            left += f" {plain(e.reference)}"
        out.append(pair(left, str(e.amount), width))
        if e.due_date and e.amount > 0:
            out.append(f"{'':11}due {e.due_date}"[:width])
    if not entries:
        out.append("No entries in this period.")
    closing = st.closing_balance
    out += [
        rule,
        pair("Charges", str(st.charges), width),
        pair("Payments and credits", str(st.credits), width),
        pair("BALANCE DUE" if closing >= 0 else "IN CREDIT", str(abs(closing)), width),
    ]
    if closing > 0 and st.due_date:
        out.append(f"Please pay {closing} by {st.due_date}"[:width])
    if customer:
        limit = customer.credit_limit
        if limit > 0:
            out.append(pair("Available credit", str(limit - closing), width))
        if customer.credit_hold:
            out.append("CREDIT HOLD: charges need clearance."[:width])
        percent = customer.service_charge_percent
        if percent > 0:
            out.append(f"Past-due items carry {percent} % a year."[:width])
    return out
