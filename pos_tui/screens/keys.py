"""The checkout's keys in one table: key, action, footer label, binding id, what it does.

Every binding has an id, so ``[keymap]`` in the config rebinds it (``"checkout.pay" = "f11"``).
The entry input keeps letters and digits, so the lane uses F-keys and Ctrl+letters that the
input does not claim; arrows move the cart cursor while the entry keeps focus.
"""

from __future__ import annotations

from textual.binding import Binding, BindingType

# (key, action, footer label, id, help text, shown in the footer)
# fmt: off
_CHECKOUT: tuple[tuple[str, str, str, str, str, bool], ...] = (
    ("f1", "app.help", "Help", "app.help", "Every key of this screen", True),
    ("f2", "customer", "Customer", "checkout.customer", "Find a customer as you type and attach them", True),
    ("f3", "price_lookup", "Price", "checkout.price_lookup", "The price this customer would pay for an item, and why; Enter adds it", True),
    ("ctrl+f", "item_search", "Find item", "checkout.item_search", "Find an item by name, SKU or barcode as you type; Enter adds it", False),
    ("f4", "quantity", "Qty", "checkout.quantity", "A number in the entry: quantity for the next item; empty entry: change the selected line's quantity", True),
    ("f5", "pay", "Pay", "checkout.pay", "Take payment: cash, card, account, points, split; on an empty sale, preview the last receipt", True),
    ("f6", "line_discount", "Disc", "checkout.line_discount", "Discount the selected line (10% or 10.00)", True),
    ("f7", "price_override", "Price chg", "checkout.price_override", "New unit price for the selected line", True),
    ("f8", "sale_discount", "Sale disc", "checkout.sale_discount", "Discount the whole sale (10% or 10.00)", True),
    ("f9", "void_line", "Void line", "checkout.void_line", "Remove the selected line", True),
    ("f10", "lock", "Lock", "lane.lock", "Lock the lane: the same cashier or a supervisor unlocks", True),
    ("f11", "back_office", "Back office", "lane.back_office", "Back office: customers, card types, items (supervisor or manager)", True),
    ("f12", "sign_out", "Sign out", "lane.sign_out", "Sign out (an open sale is offered at the next sign-in)", True),
    ("ctrl+n", "enrol", "Enrol", "checkout.enrol", "Quick enrol a new customer (name and mobile) onto the sale", True),
    ("ctrl+b", "detach_customer", "Drop cust", "checkout.detach_customer", "Take the customer off the sale", True),
    ("ctrl+o", "suspend", "Hold", "checkout.suspend", "Hold (suspend) the sale with a label", True),
    ("ctrl+g", "resume", "Held", "checkout.resume", "Resume a held sale (from any lane)", True),
    ("ctrl+l", "sales", "Sales", "checkout.sales", "Past sales: find by number, reprint, return", True),
    ("ctrl+r", "reprint_last", "Reprint", "checkout.reprint_last", "Reprint the last receipt of this lane", True),
    ("ctrl+t", "orders", "Orders", "checkout.orders", "The customer's orders (layaway, special, work, back): new from the sale, pay, complete, cancel; cash withdrawal", True),
    ("ctrl+y", "void_sale", "Void sale", "checkout.void_sale", "Void the whole sale", True),
    ("ctrl+d", "no_sale", "No sale", "lane.no_sale", "Open the cash drawer with no sale (a supervisor, or their PIN; audited)", False),
    ("ctrl+s", "till", "Shift", "checkout.till", "Shift and cash: X report, paid in/out, cash drop, payment on account, count and close (Z)", True),
    ("ctrl+e", "takeover", "Takeover", "lane.takeover", "A supervisor takes the lane over (own number and PIN) for a refund or void; again: hand it back to the cashier and the sale", False),
    ("up", "cursor(-1)", "Line up", "checkout.cursor_up", "Select the previous line", False),
    ("down", "cursor(1)", "Line down", "checkout.cursor_down", "Select the next line", False),
)
# fmt: on


def default_key(binding_id: str) -> str | None:
    """The checkout's shipped key for a binding id (before ``[keymap]``)."""
    return next((key for key, _a, _l, bid, _t, _s in _CHECKOUT if bid == binding_id), None)


CHECKOUT_KEYS: list[BindingType] = [
    Binding(key, action, label, show=show, id=bid, tooltip=tip, priority=key.startswith("ctrl+"))
    for key, action, label, bid, tip, show in _CHECKOUT
]
