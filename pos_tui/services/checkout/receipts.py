"""A committed sale as a receipt document, built from the journal (never from the screen).

Receipts, second copies and reprints are all rendered from the stored sale, so a reprint a month
later says what the first receipt said (points and account balances as they stood right after
the sale), plus the label that it is a reprint.

The layout is written to fit 32 columns (58 mm paper) as well as 48 (80 mm): two-part lines
keep both parts short, and the printer driver wraps anything longer. Money arrives as the
journal's text; the only arithmetic here is a line's quantity times its unit price.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from pos_tui.config import Settings
from pos_tui.engine.money import ZERO
from pos_tui.hardware.receipt_text import (
    Barcode,
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
from pos_tui.storage.customers import CustomerRow
from pos_tui.storage.returns import POINTS_SHORT_REFERENCE

RECEIPT_KINDS = ("receipt", "copy", "reprint")
STORE_COPY = "STORE COPY (1 of 2)"
CUSTOMER_COPY = "CUSTOMER COPY (2 of 2)"
REPRINT = "*** REPRINT ***"
# A receipt that did not print at its sale (printer off, paper out, the lane cut off mid-job).
LATE_COPY = "*** LATE COPY ***"
TEST_PAGE = "TEST PAGE"
TENDER_NAMES = {
    "cash": "Cash",
    "card": "Card",
    "account": "On account",
    "points": "Points",
    "deposit": "Paid on order",
}
# The code page sample of the test page: accents every code page has, the euro sign (CP858) and
# the rupee sign, which no printer code page has (printed as "Rs.").
CODE_PAGE_SAMPLE = "é ü € ₹"


def sale_reference(sale: dict[str, Any]) -> str:
    """What the receipt's barcode carries and the returns screen accepts: LANE-NUMBER."""
    return f"{sale['lane_id']}-{int(sale['sale_number']):06d}"


def build_receipt(
    backend: Backend, sale_id: int, kind: str = "receipt", *, late: bool = False
) -> ReceiptDocument:
    """The receipt of a committed sale. `kind`: receipt | copy (the customer's second copy) |
    reprint. `late`: labelled LATE COPY with the time it printed (its first attempt failed or
    was cut off). Raises KeyError for an unknown sale or kind."""
    if kind not in RECEIPT_KINDS:
        raise KeyError(f"not a receipt kind: {kind!r}")
    sale = backend.journal.get(sale_id)
    if sale is None:
        raise KeyError(f"no sale {sale_id}")
    if sale["kind"] not in ("sale", "return"):
        return _record_slip(backend, sale, kind)
    children = backend.journal.children(sale_id)
    settings = backend.settings
    customer = (
        backend.customers.get(int(sale["customer_id"])) if sale["customer_id"] is not None else None
    )
    is_return = sale["kind"] == "return"
    reference = sale_reference(sale)

    blocks: list[Block] = _header(settings)
    if kind == "copy":
        blocks.append(TextLine(CUSTOMER_COPY, align="center", bold=True))
    elif kind == "reprint":
        blocks.append(TextLine(REPRINT, align="center", bold=True))
        blocks.append(TextLine(f"Reprinted {_when(backend.timestamp())}", align="center"))
    elif customer is not None and customer.second_receipt:
        blocks.append(TextLine(STORE_COPY, align="center", bold=True))
    if late:
        blocks.append(TextLine(LATE_COPY, align="center", bold=True))
        blocks.append(Columns("Printed late", _when(backend.timestamp())))
    if is_return:
        blocks.append(TextLine("RETURN", align="center", bold=True, double=True))

    employee = backend.catalog.employee(int(sale["employee_id"])) if sale["employee_id"] else None
    blocks += [
        Rule(),
        Columns(f"Sale {reference}", _when(sale["committed_at"])),
        TextLine(f"Store {sale['store_id']}  Lane {sale['lane_id']}"),
        TextLine(f"Cashier: {employee.name if employee else '-'}"),
    ]
    if sale["original_sale_id"]:
        original = backend.journal.get(int(sale["original_sale_id"]))
        if original is not None:
            blocks.append(TextLine(f"Return of sale {sale_reference(original)}"))
    blocks.append(Rule())
    blocks += _line_blocks(settings, children, is_return)
    blocks += _total_blocks(settings, sale, children)
    blocks += _tender_blocks(children, is_return)
    if customer is not None:
        blocks += _customer_blocks(backend, sale, customer, children)
    blocks += [Blank(), Barcode(reference, symbology="CODE128")]
    blocks += [TextLine(line, align="center") for line in settings.receipt.footer]
    blocks.append(Cut())
    return ReceiptDocument(tuple(blocks), title=f"{kind} {reference}")


def _record_slip(backend: Backend, sale: dict[str, Any], kind: str) -> ReceiptDocument:
    """The slip of a journal record that is not a sale: the till's (paid in/out, drops,
    payments on account, drawer, Z) or an order's and a withdrawal's."""
    from pos_tui.services.accounts.printouts import slip
    from pos_tui.services.shifts.report_text import SLIP_TITLES, slip_document

    if sale["kind"] in SLIP_TITLES or sale["kind"] == "z_report":
        return slip_document(backend, sale, copy=kind != "receipt")
    return slip(backend, sale, kind)


def build_test_page(settings: Settings, printer: str = "", at: str = "") -> ReceiptDocument:
    """The `pos-tui devices test printer` page: header, code page sample, columns, a barcode."""
    symbol = settings.currency.symbol
    blocks: list[Block] = [
        *_header(settings),
        TextLine(TEST_PAGE, align="center", bold=True, double=True),
        Rule(),
        TextLine(f"Store {settings.lane.store_id}  Lane {settings.lane.id}"),
    ]
    if printer:
        blocks.append(TextLine(f"Printer: {printer}"))
    if at:
        blocks.append(TextLine(f"Printed {_when(at)}"))
    blocks += [
        Rule(),
        TextLine(f"Code page: {CODE_PAGE_SAMPLE}"),
        Columns("Item name", "1.00"),
        Columns("TOTAL", f"{symbol}1.00", bold=True),
        Rule("="),
        Blank(),
        Barcode(f"TEST-{settings.lane.id}", symbology="CODE128"),
        TextLine("End of test page", align="center"),
        Cut(),
    ]
    return ReceiptDocument(tuple(blocks), title="test page")


# -- parts -------------------------------------------------------------------------------------


def _header(settings: Settings) -> list[Block]:
    return [
        TextLine(line, align="center", bold=i == 0)
        for i, line in enumerate(settings.receipt.header)
    ]


def _line_blocks(
    settings: Settings, children: dict[str, list[dict[str, Any]]], is_return: bool
) -> list[Block]:
    minor = Decimal(1).scaleb(-settings.currency.minor_unit)
    by_line: dict[int, list[dict[str, Any]]] = {}
    for discount in children["discounts"]:
        if discount["line_no"] is not None:
            by_line.setdefault(int(discount["line_no"]), []).append(discount)
    blocks: list[Block] = []
    for line in children["lines"]:
        qty = Decimal(line["quantity"])
        # The line at its price before discounts and tax, so the lines add up to the subtotal.
        gross = (qty * Decimal(line["unit_price"])).quantize(minor)
        blocks.append(Columns(line["description"], str(gross)))
        source = "" if is_return else _price_source(str(line["price_source"]))
        if qty != 1 or source:
            detail = f"  {qty} x {line['unit_price']}"
            blocks.append(TextLine(f"{detail} ({source})" if source else detail))
        for discount in by_line.get(int(line["line_no"]), []):
            blocks.append(Columns(f"  {discount['description']}", _neg(discount["amount"])))
    blocks.append(Rule())
    return blocks


def _price_source(source: str) -> str:
    """Why a line is not at its regular price, in words; "" for the regular price."""
    if source == "regular":
        return ""
    if source == "override":
        return "price changed"
    if source == "promo":
        return "offer price"
    if source.startswith("level_"):
        return f"price level {source.removeprefix('level_')}"
    if source.startswith("price_list"):
        code = source.partition(":")[2]
        return f"price list {code}".strip()
    return source


def _total_blocks(
    settings: Settings, sale: dict[str, Any], children: dict[str, list[dict[str, Any]]]
) -> list[Block]:
    blocks: list[Block] = [Columns("Subtotal", sale["subtotal"])]
    for discount in children["discounts"]:
        if discount["line_no"] is None:
            blocks.append(Columns(discount["description"], _neg(discount["amount"])))
    for tax in children["taxes"]:
        blocks.append(Columns(f"Tax {tax['tax_code']} on {tax['taxable']}", tax["amount"]))
    blocks.append(Columns("TOTAL", f"{settings.currency.symbol}{sale['total']}", bold=True))
    if sale["kind"] == "sale" and Decimal(sale["discount_total"]) > 0:
        blocks.append(Columns("You saved", sale["discount_total"]))
    blocks.append(Rule())
    return blocks


def _tender_blocks(children: dict[str, list[dict[str, Any]]], is_return: bool) -> list[Block]:
    blocks: list[Block] = []
    for tender in children["tenders"]:
        name = TENDER_NAMES.get(str(tender["kind"]), str(tender["kind"]))
        short = is_return and tender["reference"] == POINTS_SHORT_REFERENCE
        if short:
            # Points the customer no longer held, bought back out of the refund.
            name = "Points short"
        elif is_return:
            name += " refund"
        if tender["points"]:
            name += f" ({_points(Decimal(tender['points']))} pts)"
        if tender["reference"] and not short:
            name += f" {tender['reference']}"
        blocks.append(Columns(name, tender["amount"]))
        if Decimal(tender["change_given"]):
            blocks.append(Columns("Change", tender["change_given"], bold=True))
    return blocks


def _customer_blocks(
    backend: Backend,
    sale: dict[str, Any],
    customer: CustomerRow,
    children: dict[str, list[dict[str, Any]]],
) -> list[Block]:
    customer_id, sale_id = customer.id, int(sale["id"])
    blocks: list[Block] = [
        Rule(),
        TextLine(f"Customer: {display_name(customer)}"),
        TextLine(f"Customer no. {customer.account_number}"),
    ]
    points = backend.ledgers.points_entries(customer_id)
    if customer.privacy_show_crm_points and (customer.card_type_id is not None or points):
        earned, used = Decimal(sale["points_earned"]), Decimal(sale["points_used"])
        if earned:
            label = "Points reversed" if sale["kind"] == "return" else "Points earned"
            blocks.append(Columns(label, _points(earned)))
        if used > 0:
            blocks.append(Columns("Points used", _points(-used)))
        elif used < 0:
            blocks.append(Columns("Points given back", _points(-used)))
        balance = _balance_after([(e.id, e.sale_id, e.points) for e in points], sale_id)
        blocks.append(Columns("Points balance", _points(balance)))
    receivable = backend.ledgers.receivable_entries(customer_id)
    charges = [e for e in receivable if e.sale_id == sale_id]
    if charges:
        owed = _balance_after([(e.id, e.sale_id, e.amount) for e in receivable], sale_id)
        blocks.append(Columns("Account balance", str(owed), bold=True))
        due = next((e.due_date for e in charges if e.due_date), None)
        if due:
            blocks.append(Columns("Payment due", str(due)))
    if sale["reference"]:
        label = customer.required_reference_label or "Reference"
        blocks.append(TextLine(f"{label}: {sale['reference']}"))
    if any(t["kind"] == "account" and Decimal(t["amount"]) > 0 for t in children["tenders"]):
        blocks += [Blank(), TextLine("Signature: " + "_" * 20)]
    return blocks


def _balance_after(entries: list[tuple[int, int | None, Decimal]], sale_id: int) -> Decimal:
    """A ledger's balance as it stood right after this sale, so a reprint shows the same figure
    (``entries``: each ledger row's id, sale id and amount or points)."""
    last = max((i for i, sale, _ in entries if sale == sale_id), default=None)
    return sum((value for i, _, value in entries if last is None or i <= last), ZERO)


def _when(iso: str) -> str:
    """2026-11-24T10:30:00 -> 2026-11-24 10:30 (short enough for 32 columns beside the sale)."""
    return str(iso)[:16].replace("T", " ")


def _neg(amount: str) -> str:
    return amount[1:] if amount.startswith("-") else f"-{amount}"


def _points(value: Decimal) -> str:
    if value == 0:
        return "0"
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text
