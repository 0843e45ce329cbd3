"""Receipt bytes of a 50-line sale: our renderer beside python-escpos writing the same text."""

from __future__ import annotations

import time
from decimal import Decimal
from typing import Any

from bench.context import Context
from bench.core import Figure, interleave, summarize
from bench.data import small_store

CODES = ("APPLE", "BAG", "RUM")


def committed_sale(backend: Any, store: Any, lines: int) -> int:
    """A committed sale of ``lines`` lines for Anna (points), paid in cash."""
    from pos_tui.services.checkout.sale import Checkout

    checkout = Checkout(backend, store.cashier)
    checkout.attach_customer(store.anna)
    for n in range(lines):
        checkout.add_item(CODES[n % len(CODES)], Decimal(n % 3 + 1))
    checkout.add_cash(checkout.remaining())
    return int(checkout.commit().sale.id)


def plain_text(document: Any, columns: int, codec: str) -> str:
    """The text our renderer prints, without any printer command (no barcode, no styles)."""
    from pos_tui.hardware.receipt_text import (
        Blank,
        Columns,
        Rule,
        TextLine,
        rule,
        two_columns,
        wrap,
    )
    from pos_tui.hardware.text_safety import to_code_page_text

    out: list[str] = []
    for block in document.blocks:
        if isinstance(block, TextLine):
            width = columns // 2 if block.double else columns
            out += wrap(to_code_page_text(block.text, codec), width)
        elif isinstance(block, Columns):
            left = to_code_page_text(block.left, codec)
            right = to_code_page_text(block.right, codec)
            out += two_columns(left, right, columns)
        elif isinstance(block, Rule):
            out.append(rule(to_code_page_text(block.char, codec)[:1], columns))
        elif isinstance(block, Blank):
            out += [""] * max(1, block.lines)
    return "".join(line + "\n" for line in out)


def run(ctx: Context) -> list[Figure]:
    from escpos.printer import Dummy

    from pos_tui.hardware.printer import CODE_PAGE_CODECS, render_to_bytes
    from pos_tui.hardware.receipt_text import columns_for_paper
    from pos_tui.services.checkout.receipts import build_receipt

    n_lines = ctx.sizes["receipt_lines"]
    backend, store = small_store(ctx.tmp("receipt") / "pos.db")
    sale_id = committed_sale(backend, store, n_lines)
    paper = int(backend.settings.receipt.paper.removesuffix("mm"))
    code_page = "CP858"
    document = build_receipt(backend, sale_id)
    ours_bytes = render_to_bytes(document, paper_width_mm=paper, code_page=code_page)
    text = plain_text(document, columns_for_paper(paper), CODE_PAGE_CODECS[code_page])

    def floor_bytes() -> bytes:
        dummy = Dummy()
        dummy.text(text)
        dummy.cut()
        return bytes(dummy.output)

    floor_out = floor_bytes()

    def ours(_i: int) -> None:
        render_to_bytes(build_receipt(backend, sale_id), paper_width_mm=paper, code_page=code_page)

    def floor(_i: int) -> None:
        floor_bytes()

    started = time.perf_counter()
    ours_ms, floor_ms = interleave(ours, floor, n=20, warmup=2)
    backend.close()
    ours_t, floor_t = summarize(ours_ms), summarize(floor_ms)
    return [
        Figure(
            name="receipt",
            title=f"receipt bytes for a {n_lines}-line sale",
            metric="value",
            unit="bytes",
            ours={"value": float(len(ours_bytes))},
            floor={"value": float(len(floor_out))},
            goal="<= 2x floor",
            max_ratio=2.0,
            sizes={"lines": n_lines, "paper_mm": paper, "code_page": code_page},
            extra={
                "text_lines": text.count("\n"),
                "ours_render_ms_median": round(ours_t["median"], 3),
                "floor_render_ms_median": round(floor_t["median"], 3),
                "timing_seconds": round(time.perf_counter() - started, 2),
            },
            notes=["our bytes include the styles, code page and the sale's CODE128 barcode"],
        )
    ]
