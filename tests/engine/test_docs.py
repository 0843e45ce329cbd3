"""The documentation's examples are real: the engine.md example runs and prints what it says."""

from __future__ import annotations

import json
import re
from decimal import Decimal as D
from pathlib import Path

from pos_tui.engine.scenario import quote

DOCS = Path(__file__).resolve().parents[2] / "docs"


def test_engine_md_example_runs_as_documented() -> None:
    text = (DOCS / "engine.md").read_text()
    block = re.findall(r"```python\n(.*?)```", text, re.S)[-1]
    namespace: dict[str, object] = {}
    exec(block, namespace)
    sale = namespace["sale"]
    assert sale.lines[0].unit_price == D("1100.00")  # type: ignore[attr-defined]
    assert sale.totals.discount_total == D("55.00")  # type: ignore[attr-defined]
    assert sale.totals.total == D("1149.50")  # type: ignore[attr-defined]
    assert sale.points.points == D(21)  # type: ignore[attr-defined]
    codes = [r.code for r in sale.explanation]  # type: ignore[attr-defined]
    assert codes == ["PRICE_LEVEL", "CARD_TYPE_DISCOUNT", "TAX", "POINTS_BASE", "POINTS_ROUNDING"]


def test_quote_md_minimal_scenario_prints_what_it_says() -> None:
    text = (DOCS / "quote.md").read_text()
    scenario = re.findall(r"```json\n(.*?)```", text, re.S)[0]
    out = quote(scenario)
    assert out["totals"]["total"] == "20.00"
    assert out["lines"][0]["price_source"] == "regular"
    assert out["explanation"] == [
        {
            "code": "PRICE_REGULAR",
            "description": "Regular price 10.00",
            "amount": "10.00",
            "points": None,
            "line_no": 1,
        }
    ]
    assert json.loads(json.dumps(out)) == out
