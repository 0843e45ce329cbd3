"""Paper for customer accounts: statements on the receipt printer, and the slips of order
payments, cancellations and cash withdrawals (built from the journal, like receipts)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

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
    columns_for_paper,
)
from pos_tui.services.customers.names import display_name
from pos_tui.services.runtime.backend import Backend
from pos_tui.storage.accounts import CustomerOrder, OrderRepository, StatementRepository

# The journal's kinds that print as a slip, and the slip's title.
SLIP_TITLES = {
    "order_payment": "ORDER PAYMENT",
    "order_cancel": "ORDER CANCELLED",
    "withdrawal": "CASH WITHDRAWAL",
}
ORDER_TYPES = {
    "layaway": "Layaway",
    "special": "Special order",
    "work": "Work order",
    "back": "Back order",
}
TENDERS = {"cash": "Cash", "card": "Card", "account": "On account", "points": "Points"}


def paper_columns(backend: Backend) -> int:
    return columns_for_paper(int(backend.settings.receipt.paper.removesuffix("mm")))


def statement_receipt(backend: Backend, document: dict[str, Any]) -> ReceiptDocument:
    """A statement job's paper: the closed statement at the paper's width."""
    from pos_tui.services.accounts.statements import statement_document

    if "statement_id" not in document:
        raise KeyError("a statement job without a statement")
    lines = statement_document(backend, int(document["statement_id"]), paper_columns(backend))
    blocks: list[Block] = [TextLine(line) for line in lines]
    return ReceiptDocument((*blocks, Cut()), title=f"statement {document['statement_id']}")


def describe_statement_job(backend: Backend, document: dict[str, Any]) -> str:
    st = StatementRepository(backend.db).get(int(document.get("statement_id", 0)))
    if st is None:
        return "(no such statement)"
    customer = backend.customers.get(st.customer_id)
    return f"{st.statement_date} account {customer.account_number if customer else '?'}"


def slip(backend: Backend, sale: dict[str, Any], kind: str) -> ReceiptDocument:
    """The slip of an order payment or cancellation, or of a cash withdrawal."""
    from pos_tui.services.checkout.receipts import REPRINT, sale_reference

    sale_id = int(sale["id"])
    children = backend.journal.children(sale_id)
    settings = backend.settings
    reference = sale_reference(sale)
    blocks: list[Block] = [
        TextLine(line, align="center", bold=i == 0)
        for i, line in enumerate(settings.receipt.header)
    ]
    if kind == "reprint":
        blocks.append(TextLine(REPRINT, align="center", bold=True))
    blocks += [
        TextLine(SLIP_TITLES.get(str(sale["kind"]), str(sale["kind"])), align="center", bold=True),
        Rule(),
        Columns(f"Slip {reference}", str(sale["committed_at"])[:16].replace("T", " ")),
        TextLine(f"Store {sale['store_id']}  Lane {sale['lane_id']}"),
    ]
    employee = backend.catalog.employee(int(sale["employee_id"])) if sale["employee_id"] else None
    blocks.append(TextLine(f"Cashier: {employee.name if employee else '-'}"))
    order = OrderRepository(backend.db).order_of_sale(sale_id)
    if order is not None:
        blocks += [
            Rule(),
            Columns(ORDER_TYPES.get(order.order_type, "Order"), order.number),
        ]
        if order.description:
            blocks.append(TextLine(str(order.description)))
        blocks.append(Columns("Order total", str(order.total)))
    blocks.append(Rule())
    for tender in children["tenders"]:
        name = TENDERS.get(str(tender["kind"]), str(tender["kind"]))
        if Decimal(tender["amount"]) < 0:
            name += " given back" if tender["kind"] != "account" else " credit"
        if tender["points"]:
            name += f" ({tender['points']} pts)"
        if tender["reference"]:
            name += f" {tender['reference']}"
        blocks.append(Columns(name, str(abs(Decimal(tender["amount"])))))
        if Decimal(tender["change_given"] or 0):
            blocks.append(Columns("Change", str(tender["change_given"]), bold=True))
    blocks.append(
        Columns("TOTAL", f"{settings.currency.symbol}{abs(Decimal(sale['total']))}", bold=True)
    )
    if order is not None:
        blocks.append(Columns("Still to pay", str(_due_after(backend, order, sale_id))))
    customer = backend.customers.get(int(sale["customer_id"])) if sale["customer_id"] else None
    if customer is not None:
        blocks += [
            Rule(),
            TextLine(f"Customer: {display_name(customer)}"),
            TextLine(f"Customer no. {customer.account_number}"),
        ]
        if sale["kind"] == "withdrawal":
            entries = backend.ledgers.receivable_entries(int(customer.id))
            last = max((e.id for e in entries if e.sale_id == sale_id), default=0)
            owed = sum((e.amount for e in entries if e.id <= last), ZERO)
            blocks.append(Columns("Account balance", str(owed), bold=True))
            blocks += [Blank(), TextLine("Signature: " + "_" * 20)]
    blocks += [Blank(), Barcode(reference, symbology="CODE128")]
    blocks += [TextLine(line, align="center") for line in settings.receipt.footer]
    blocks.append(Cut())
    return ReceiptDocument(tuple(blocks), title=f"{kind} slip {reference}")


def _due_after(backend: Backend, order: CustomerOrder, sale_id: int) -> Decimal:
    """What the order still owed right after this record (a reprint says the same)."""
    if order.status == "cancelled" and any(
        int(r["id"]) == sale_id and r["kind"] == "order_cancel"
        for r in OrderRepository(backend.db).records(order.id)
    ):
        return ZERO
    paid = sum(
        (
            Decimal(r["total"])
            for r in OrderRepository(backend.db).records(order.id)
            if r["kind"] == "order_payment" and int(r["id"]) <= sale_id
        ),
        ZERO,
    )
    return order.total - paid
