"""The every-rule basket (the one ``scripts/bench`` prices) priced exactly as pinned.

``golden/every_rule_sale.json`` is the full priced sale - every line, amount, rule (in order),
refusal, point and the charge decision - as ``pos-tui quote`` would print it. A change to the
engine that moves any of it fails here. When a change is meant, rewrite the file with
``ENGINE_GOLDEN_UPDATE=1 pytest tests/engine/test_every_rule_sale.py`` and read its diff.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from bench.figures.engine import everything, price_everything
from pos_tui.engine import to_jsonable

GOLDEN = Path(__file__).parent / "golden" / "every_rule_sale.json"
UPDATE = os.environ.get("ENGINE_GOLDEN_UPDATE") == "1"


def render(sale: dict[str, Any]) -> str:
    """JSON with one line per priced line, discount, tax, refusal and rule, so that a change
    shows as a short diff."""
    parts = []
    for key, value in sale.items():
        if isinstance(value, list) and value:
            rows = ",\n".join(f"  {json.dumps(v)}" for v in value)
            parts.append(f" {json.dumps(key)}: [\n{rows}\n ]")
        else:
            parts.append(f" {json.dumps(key)}: {json.dumps(value)}")
    return "{\n" + ",\n".join(parts) + "\n}\n"


def test_the_every_rule_basket_prices_exactly_as_pinned() -> None:
    sale = to_jsonable(price_everything(everything()))
    if UPDATE:
        GOLDEN.write_text(render(sale))
    pinned = json.loads(GOLDEN.read_text())
    # The short answers first, so a failure says where before it shows everything.
    for key in ("totals", "refusals", "discounts", "taxes", "points", "referral"):
        assert sale[key] == pinned[key], key
    for key in ("redemption", "charge"):
        assert sale[key] == pinned[key], key
    assert [r["code"] for r in sale["explanation"]] == [r["code"] for r in pinned["explanation"]]
    assert sale == pinned


def test_the_pinned_file_is_in_its_rendered_form() -> None:
    assert render(json.loads(GOLDEN.read_text())) == GOLDEN.read_text()
