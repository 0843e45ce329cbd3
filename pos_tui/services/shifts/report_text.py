"""X and Z reports and the till's slips as text: on screen and on the receipt printer.

A report is built from its data (an X's figures now, a Z's as sealed in the journal), so a
reprinted Z says exactly what the first one did, marked as a copy. Lines are a label and an
amount, short enough for 32 columns (58 mm paper); the printer driver wraps anything longer.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from pos_tui.engine.money import ZERO
from pos_tui.hardware.receipt_text import (
    Blank,
    Block,
    Columns,
    Cut,
    ReceiptDocument,
    Rule,
    TextLine,
)
from pos_tui.services.customers.names import display_name
from pos_tui.services.runtime.backend import Backend
from pos_tui.storage.rows import Row
from pos_tui.storage.shifts import Shift

COPY = "*** COPY ***"
TENDERS = {
    "cash": "Cash",
    "card": "Card",
    "account": "On account",
    "points": "Points",
    "deposit": "Paid on order",
}
SLIP_TITLES = {
    "paid_in": "PAID IN",
    "paid_out": "PAID OUT",
    "cash_drop": "CASH DROP",
    "account_payment": "PAYMENT ON ACCOUNT",
    "drawer_open": "NO SALE",
}
# A report line: (label, value) or a heading (label, None); ("", None) is a rule.
Line = tuple[str, str | None]


def _m(value: object) -> str:
    return f"{Decimal(str(value)):.2f}" if value is not None else ""


def _when(at: object) -> str:
    return str(at or "").replace("T", " ")[:16]


def report_lines(data: Mapping[str, Any]) -> list[Line]:
    """Every figure of an X or Z report, in the order it is read."""
    f = data["figures"]
    kind = data["report"]
    title = f"Z REPORT {data['z_number']}" if kind == "Z" else "X REPORT (shift open)"
    lines: list[Line] = [
        (title, None),
        ("Lane / store", f"{data['lane_id']} / {data['store_id']}"),
        ("Shift", str(data["shift_id"])),
        ("Opened", f"{_when(data['opened_at'])} {data['opened_by']}"),
        ("Closed" if kind == "Z" else "Taken", f"{_when(data['at'])} {data['by']}"),
        ("", None),
        ("Sales", f"{f['sales']}  {_m(f['sales_total'])}"),
        ("Returns", f"{f['returns']}  {_m(f['returns_total'])}"),
        ("Net sales", _m(f["net_sales"])),
        ("Customers", str(f["customers"])),
        ("Voided sales / lines", f"{f['voided_sales']} / {f['voided_lines']}"),
    ]
    lines += [("Discounts", None), *_named(f["discounts"])] if f["discounts"] else []
    lines += [("Tax by code", None), *_named(f["taxes"])] if f["taxes"] else []
    lines += [("Tenders", None), *_named(f["tenders"], TENDERS)]
    lines += [
        ("Points issued", str(f["points_issued"])),
        ("Points redeemed", str(f["points_redeemed"])),
        ("Account charges", _m(f["account_charges"])),
        ("Account payments", _m(f["account_payments"])),
        ("Paid in", _m(f["paid_in"])),
        ("Paid out", _m(f["paid_out"])),
        ("Cash drops", _m(f["drops"])),
        ("Order payments", _m(f.get("order_payments", "0"))),
        ("Withdrawals", _m(f.get("withdrawals", "0"))),
        ("No sale (drawer)", str(f["drawer_opens"])),
        ("", None),
        ("Opening float", _m(f["opening_float"])),
        ("Change given", _m(f["change_given"])),
        ("Expected cash", _m(f["expected_cash"])),
    ]
    if kind == "Z":
        lines += _count_lines(data)
    lines += _cashier_lines(f["cashiers"])
    return lines


def _named(values: Mapping[str, str], names: Mapping[str, str] | None = None) -> list[Line]:
    return [(f"  {(names or {}).get(k, k)}", _m(v)) for k, v in values.items()] or [("  none", "")]


def _count_lines(data: Mapping[str, Any]) -> list[Line]:
    lines: list[Line] = [("Counted cash", _m(data["counted"]))]
    for denomination, pieces in data.get("counted_pieces", {}).items():
        value = Decimal(denomination) * int(pieces)
        lines.append((f"  {pieces} x {denomination}", _m(value)))
    over_short = Decimal(data["over_short"])
    word = "Over" if over_short > 0 else "Short" if over_short < 0 else "Over/short"
    lines.append((word, _m(abs(over_short))))
    if data.get("approved_by"):
        lines.append(("Approved by", str(data["approved_by"])))
    lines += [
        ("", None),
        ("Z number", str(data["z_number"])),
        ("Grand total", _m(data["grand_total"])),
    ]
    return lines


def _cashier_lines(cashiers: Mapping[str, Mapping[str, Any]]) -> list[Line]:
    lines: list[Line] = [("", None), ("By cashier", None)]
    for c in cashiers.values():
        lines += [
            (f"  {c['name']}", None),
            ("    Sales", f"{c['sales']}  {_m(c['sales_total'])}"),
            ("    Returns", f"{c['returns']}  {_m(c['returns_total'])}"),
            ("    Cash", _m(c["cash"])),
        ]
    return lines


def as_text(lines: list[Line], width: int) -> str:
    """The report as plain text ``width`` columns wide (the screen shows this)."""
    out: list[str] = []
    for label, value in lines:
        if not label and value is None:
            out.append("-" * width)
        elif value is None:
            out.append(label[:width])
        else:
            room = max(width - len(value) - 1, 1)
            out.append(f"{label[:room]:<{room}} {value}"[:width])
    return "\n".join(out)


def document(settings_header: list[str], lines: list[Line], *, copy: bool) -> ReceiptDocument:
    blocks: list[Block] = [TextLine(h, align="center") for h in settings_header]
    if copy:
        blocks.append(TextLine(COPY, align="center", bold=True))
    for label, value in lines:
        if not label and value is None:
            blocks.append(Rule())
        elif value is None:
            blocks.append(TextLine(label.strip(), bold=not label.startswith(" ")))
        else:
            blocks.append(Columns(label, value))
    blocks += [Blank(), Cut()]
    return ReceiptDocument(tuple(blocks), title=lines[0][0] if lines else "report")


def report_document(backend: Backend, data: Mapping[str, Any], *, copy: bool) -> ReceiptDocument:
    return document(list(backend.settings.receipt.header), report_lines(data), copy=copy)


def float_document(backend: Backend, shift: Shift) -> ReceiptDocument:
    lines: list[Line] = [
        ("OPENING FLOAT", None),
        ("Lane / store", f"{shift.lane_id} / {shift.store_id}"),
        ("Shift", str(shift.id)),
        ("Opened", _when(shift.opened_at)),
        ("Float", _m(shift.opening_float)),
    ]
    return document(list(backend.settings.receipt.header), lines, copy=False)


def slip_document(backend: Backend, sale: Row, *, copy: bool) -> ReceiptDocument:
    """The slip of a record that is not a sale: paid in/out, a drop, a payment on account, a
    drawer opened, or a Z report (its whole report)."""
    import json

    details = json.loads(sale["explanation"] or "{}")
    if sale["kind"] == "z_report":
        return report_document(backend, details, copy=copy)
    employee = backend.catalog.employee(int(sale["employee_id"])) if sale["employee_id"] else None
    ref = f"{sale['lane_id']}-{int(sale['sale_number']):06d}"
    lines: list[Line] = [
        (SLIP_TITLES.get(str(sale["kind"]), str(sale["kind"]).upper()), None),
        ("Record", ref),
        ("Time", _when(sale["committed_at"])),
        ("Cashier", employee.name if employee else "-"),
        ("", None),
    ]
    if details.get("reason"):
        lines.append(("Reason", f"{details['reason']} {details.get('reason_label') or ''}".strip()))
    if sale["reference"]:
        lines.append(("Reference", str(sale["reference"])))
    lines.append(("Amount", _m(abs(Decimal(sale["total"])))))
    if sale["kind"] == "account_payment":
        lines += _payment_lines(backend, sale)
    return document(list(backend.settings.receipt.header), lines, copy=copy)


def _payment_lines(backend: Backend, sale: Row) -> list[Line]:
    lines: list[Line] = []
    for t in backend.journal.children(int(sale["id"]))["tenders"]:
        lines.append((f"  {TENDERS.get(t['kind'], t['kind'])}", _m(t["amount"])))
        if Decimal(t["change_given"]):
            lines.append(("  Change", _m(t["change_given"])))
    customer = backend.customers.get(int(sale["customer_id"]))
    if customer is not None:
        balance = _balance_after(backend, int(sale["customer_id"]), int(sale["id"]))
        lines += [
            ("", None),
            ("Customer", display_name(customer)),
            ("Account", str(customer.account_number or "")),
            ("New balance", _m(balance)),
        ]
    return lines


def _balance_after(backend: Backend, customer_id: int, sale_id: int) -> Decimal:
    """The balance right after this payment (a reprint says what the first slip said)."""
    entries = backend.ledgers.receivable_entries(customer_id)
    last = max((e.id for e in entries if e.sale_id == sale_id), default=None)
    return sum(
        (e.amount for e in entries if last is None or e.id <= last),
        ZERO,
    )
