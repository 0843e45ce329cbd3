"""An e-mailed copy of a receipt, for a customer who opted in (``send_email`` on and an
e-mail address), through the store's SMTP server (``[smtp]``, shared with the statements).
The text is the receipt as the paper shows it; a failure is said and changes nothing."""

from __future__ import annotations

from pos_tui.services.accounts.mail import MailError, SmtpMailer, message, recipient
from pos_tui.services.checkout.errors import CheckoutError
from pos_tui.services.checkout.preview import receipt_preview
from pos_tui.services.checkout.receipts import sale_reference
from pos_tui.services.customers.names import display_name
from pos_tui.services.runtime.backend import Backend
from pos_tui.services.staff.auth import Employee
from pos_tui.text import plain


def email_receipt(backend: Backend, sale_id: int, employee: Employee) -> str:
    """Send the receipt of ``sale_id`` to its customer; what to tell the cashier."""
    b = backend
    sale = b.journal.get(sale_id)
    if sale is None:
        raise CheckoutError(f"There is no sale {sale_id}")
    customer = b.customers.get(int(sale["customer_id"])) if sale["customer_id"] else None
    if customer is None:
        raise CheckoutError("This sale has no customer to e-mail the receipt to")
    name = plain(display_name(customer))
    if not customer.send_email or not customer.email:
        raise CheckoutError(f"{name} has not opted in to e-mailed receipts (or has no e-mail)")
    store = b.settings.receipt.header[0] if b.settings.receipt.header else "pos-tui"
    sender = b.settings.smtp.sender or f"receipts@{b.settings.lane.store_id.lower()}.invalid"
    reference = sale_reference(sale)
    try:
        to = recipient(customer.email)
        msg = message(
            sender=sender,
            to=to,
            subject=f"Receipt {reference} · {plain(store)}",
            body=f"Dear {name},\n\nyour receipt is below.\n\n"
            + plain(receipt_preview(b, sale_id), multiline=True)
            + "\n",
            at=b.now().astimezone(),
        )
        with SmtpMailer(b.settings.smtp) as mailer:
            mailer.send(msg)
    except MailError as exc:
        raise CheckoutError(f"The receipt was not e-mailed: {exc.message}") from None
    b.store.audit(
        at=b.timestamp(),
        entity="sale",
        entity_id=sale_id,
        action="receipt_emailed",
        changes={"reference": reference},
        employee_id=employee.id,
        lane_id=b.settings.lane.id,
    )
    return f"Receipt {reference} e-mailed to {to}"
