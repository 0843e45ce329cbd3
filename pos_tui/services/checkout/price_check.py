"""The price a customer would pay for an item, and why: the lane's F3 price lookup and its
item search (Ctrl+F).

Each item found is priced by the engine as a one-line basket (quantity 1) for the customer on
the sale, on the same basis as the sale itself (catalog, moment, the customer's level, price
list, card type and automatic discounts), so what the lookup shows is what the line would be
charged when added. Manual discounts of the sale are not part of it: they are the cashier's.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from pos_tui import engine
from pos_tui.engine.pricing import LEVEL_LETTERS
from pos_tui.services.checkout.engine_inputs import find_item_by_code
from pos_tui.services.runtime.backend import Backend
from pos_tui.storage.catalog import ItemRow

if TYPE_CHECKING:
    from pos_tui.services.checkout.sale import Checkout

SEARCH_LIMIT = 30


@dataclass(frozen=True)
class ItemQuote:
    item_id: int
    sku: str
    barcode: str
    name: str
    regular: Decimal
    # What one of it would be charged for this customer (after discounts, with any tax
    # added on top), and the reasons in words ("price level 2 (B) · Birthday 10%").
    pays: Decimal
    reason: str


def find_items(backend: Backend, text: str, *, limit: int = SEARCH_LIMIT) -> list[ItemRow]:
    """Barcode or SKU exactly (SKU case as ``[lane] sku_case`` says), else SKU or name prefix
    (a name word's prefix too: "choc" finds Dark Chocolate)."""
    text = text.strip()
    if not text:
        return []
    exact = find_item_by_code(backend, text)
    if exact is not None:
        return [exact]
    return backend.catalog.search_items(text, limit=limit)


def quote_items(co: Checkout, text: str) -> list[ItemQuote]:
    """The items ``text`` finds, each priced for the sale's customer (database thread)."""
    rows = find_items(co.b, text)
    if not rows:
        return []
    inputs = co.inputs
    customer_id = co.cart.customer_id
    basis = inputs.basis(customer_id, co.b.now())
    customer = account = price_list = card_type = None
    if customer_id is not None:
        customer, account, price_list = inputs.customer(customer_id, basis.customer)
        card_type = inputs.card_type(customer.card_type_id)
    out = []
    for row in rows:
        item = inputs.item(row.id)
        basket = engine.Basket(
            lines=(engine.BasketLine(line_no=1, item=item, quantity=Decimal(1)),), kind="sale"
        )
        priced = engine.price_sale(
            basket,
            customer,
            card_type,
            inputs.settings(),
            basis.moment,
            account=account,
            price_list=price_list,
            tax_classes=inputs.tax_classes_for([item]),
        )
        line = priced.lines[0]
        out.append(
            ItemQuote(
                item_id=item.id,
                sku=row.sku,
                barcode=row.barcode or "",
                name=row.name,
                regular=row.regular_price,
                pays=line.total,
                reason=_reason(line, priced.discounts),
            )
        )
    return out


def _reason(line: engine.PricedLine, discounts: tuple[engine.AppliedDiscount, ...]) -> str:
    source = line.price_source
    if source.startswith("level_"):
        level = int(source.removeprefix("level_"))
        parts = [f"price level {level} ({LEVEL_LETTERS.get(level, level)})"]
    elif source.startswith("price_list"):
        parts = [f"price list {source.partition(':')[2]}".strip()]
    elif source == "promo":
        parts = ["promotion"]
    else:
        parts = ["regular price"]
    parts += [d.description for d in discounts if d.amount and d.line_no in (None, line.line_no)]
    return " · ".join(parts)
