"""The engine's incremental pricer gives exactly what ``price_sale`` gives, whatever it priced
before (the checkout's own invariant is tests/services/test_incremental_pricing.py)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal as D
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from bench.figures.engine import everything
from pos_tui.engine import SalePricer, price_sale, to_jsonable
from pos_tui.engine.models import BasketLine, ManualDiscount

ARGS = everything()
LINES = ARGS["basket"].lines

# One sale's arguments: which lines (and a changed quantity or discount on some), with or
# without the customer and their card, on which day, with which settings.
sales = st.fixed_dictionaries(
    {
        "lines": st.lists(st.integers(0, len(LINES) - 1), max_size=12, unique=True),
        "quantity": st.sampled_from((None, D(1), D("2.5"))),
        "discount": st.sampled_from((None, ManualDiscount(D(10), percent=D(3)))),
        "customer": st.booleans(),
        "day": st.integers(0, 9),
        "line_rounding": st.booleans(),
    }
)


def _arguments(drawn: dict[str, Any]) -> dict[str, Any]:
    lines = []
    for n, index in enumerate(drawn["lines"]):
        line: BasketLine = LINES[index]
        if n % 3 == 1 and drawn["quantity"] is not None:
            line = dataclasses.replace(line, quantity=drawn["quantity"])
        if n % 3 == 2:
            line = dataclasses.replace(line, manual_discount=drawn["discount"])
        lines.append(line)
    args = {**ARGS, "basket": dataclasses.replace(ARGS["basket"], lines=tuple(lines))}
    args["moment"] = ARGS["moment"] + dt.timedelta(days=drawn["day"])
    if drawn["line_rounding"]:
        args["settings"] = dataclasses.replace(ARGS["settings"], tax_rounding="line")
    if not drawn["customer"]:
        args.update(customer=None, card_type=None, price_list=None, account=None)
        args.update(redemption=None, charge=None)
    return args


def _price(price: Any, args: dict[str, Any]) -> Any:
    positional = [args[k] for k in ("basket", "customer", "card_type", "settings", "moment")]
    named = {k: v for k, v in args.items() if k not in ("basket", "customer", "card_type")}
    named.pop("settings")
    named.pop("moment")
    return price(*positional, **named)


@given(st.lists(sales, min_size=1, max_size=6))
def test_a_used_pricer_prices_every_sale_as_price_sale_does(drawn: list[dict[str, Any]]) -> None:
    pricer = SalePricer()
    for one in drawn:
        args = _arguments(one)
        full = _price(price_sale, args)
        again = _price(pricer.price, args)
        assert again == full
        assert to_jsonable(again) == to_jsonable(full)


def test_the_every_rule_sale_priced_again_after_a_line_more() -> None:
    pricer = SalePricer()
    fewer = {**ARGS, "basket": dataclasses.replace(ARGS["basket"], lines=LINES[:-1])}
    assert _price(pricer.price, fewer) == _price(price_sale, fewer)
    assert _price(pricer.price, ARGS) == _price(price_sale, ARGS)
    assert _price(pricer.price, ARGS) == _price(price_sale, ARGS)  # nothing changed


def test_an_explanation_s_rules_render_as_every_other_dataclass() -> None:
    """``to_jsonable`` renders a list of rules directly (a sale's explanation, every commit):
    the same values as its generic dataclass path, field for field."""
    import dataclasses as dc

    rules = _price(price_sale, ARGS).explanation
    generic = [{f.name: to_jsonable(getattr(r, f.name)) for f in dc.fields(r)} for r in rules]
    assert to_jsonable(list(rules)) == generic
    assert to_jsonable(rules) == generic
