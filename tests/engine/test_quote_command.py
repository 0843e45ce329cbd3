"""``pos-tui quote``: the click command on the example files, stdin, and strict errors."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from pos_tui.commands.quote import quote

EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "examples"


def _run(args: list[str], stdin: str | None = None) -> Any:
    return CliRunner().invoke(quote, args, input=stdin)


def _quote_text(text: str) -> dict[str, Any]:
    result = _run(["-"], text)
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert isinstance(out, dict)
    return out


def test_there_are_examples() -> None:
    assert len(sorted(EXAMPLES.glob("quote-*.json"))) >= 3


@pytest.mark.parametrize("path", sorted(EXAMPLES.glob("quote-*.json")), ids=lambda p: p.name)
def test_every_example_prices_and_money_is_strings(path: Path) -> None:
    result = _run([str(path)])
    assert result.exit_code == 0, result.stderr
    out = json.loads(result.stdout)
    assert set(out) >= {
        "lines",
        "discounts",
        "taxes",
        "totals",
        "points",
        "redemption",
        "refusals",
        "explanation",
        "charge",
        "referral",
    }
    assert all(isinstance(v, str) for v in out["totals"].values())
    assert out["explanation"], "every sale is explained"


def test_loyalty_member_example() -> None:
    out = _quote_text((EXAMPLES / "quote-loyalty-member.json").read_text())
    assert [(x["sku"], x["price_source"]) for x in out["lines"]] == [
        ("KETTLE", "level_1"),
        ("TEA", "promo"),
        ("GIFTCARD", "regular"),
    ]
    assert out["totals"]["total"] == "2061.90"
    assert out["totals"]["amount_due"] == "2011.90"
    assert out["points"]["points"] == "52"
    assert [r["code"] for r in out["points"]["rules"]] == [
        "POINTS_BASE",
        "POINTS_BIRTHDAY",
        "POINTS_MULTIPLIER",
        "POINTS_ROUNDING",
    ]
    assert out["referral"]["points"] == "4"
    assert out["redemption"]["points_used"] == "20"
    assert out["redemption"]["currency_value"] == "50.00"
    assert out["refusals"] == []


def test_account_charge_example() -> None:
    out = _quote_text((EXAMPLES / "quote-account-charge.json").read_text())
    assert out["lines"][0]["unit_price"] == "2150.00"  # forced level 2: no promo
    assert out["charge"]["allowed"] is True
    assert [r["code"] for r in out["charge"]["overridden"]] == ["CREDIT_LIMIT"]
    assert [r["code"] for r in out["refusals"]] == ["FORCED_PRICE_LEVEL_NO_DISCOUNT"]


def test_junior_example() -> None:
    out = _quote_text((EXAMPLES / "quote-junior-restricted.json").read_text())
    assert out["refusals"][0]["message"].startswith(
        "Liquor is restricted for Junior Member card holders"
    )
    assert [x["sku"] for x in out["lines"]] == ["COLA", "CHIPS"]
    assert out["refusals"][1]["code"] == "DISCOUNT_NEEDS_SUPERVISOR"
    assert out["totals"]["total"] == "299.25"


def test_compact_output_is_one_line() -> None:
    path = EXAMPLES / "quote-junior-restricted.json"
    result = _run(["--compact", str(path)])
    assert result.exit_code == 0 and result.stdout.count("\n") == 1


MINIMAL: dict[str, Any] = {
    "moment": "2024-05-15T12:00:00",
    "items": [{"id": 1, "sku": "A", "name": "A", "regular_price": "10.00"}],
    "lines": [{"sku": "A", "quantity": 2}],
}


def test_minimal_scenario() -> None:
    out = _quote_text(json.dumps(MINIMAL))
    assert out["totals"]["total"] == "20.00"
    assert out["customer_id"] is None and out["points"] is None


def _error(doc: Any) -> str:
    text = doc if isinstance(doc, str) else json.dumps(doc)
    result = _run(["-"], text)
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    assert result.stderr.startswith("error: ")
    return result.stderr


def _with(**changes: Any) -> dict[str, Any]:
    doc = json.loads(json.dumps(MINIMAL))
    doc.update(changes)
    return doc


def test_bad_json() -> None:
    assert "invalid JSON" in _error("{not json")


@pytest.mark.parametrize(
    ("doc", "path"),
    [
        (_with(colour="red"), "$.colour: unknown field"),
        (_with(lines=[{"sku": "A", "qty": 2}]), "$.lines[0].qty: unknown field"),
        (
            _with(customer={"id": 1, "account_number": "C", "nickname": "x"}),
            "$.customer.nickname: unknown field",
        ),
        (
            _with(
                card_type={
                    "id": 1,
                    "code": "G",
                    "name": "G",
                    "restricted_subgroups": [{"id": 1, "code": "L", "name": "L", "x": 1}],
                }
            ),
            "$.card_type.restricted_subgroups[0].x: unknown field",
        ),
        (_with(settings={"rounding_mode": "ROUND_UP"}), "$.settings.rounding_mode: unknown field"),
        (
            _with(account={"transaction_discounts": [{"description": "d", "pct": "5"}]}),
            "$.account.transaction_discounts[0].pct: unknown field",
        ),
        (
            _with(
                lines=[
                    {
                        "sku": "A",
                        "manual_discount": {
                            "percent": "5",
                            "giver_max_discount_percent": "5",
                            "why": "x",
                        },
                    }
                ]
            ),
            "$.lines[0].manual_discount.why: unknown field",
        ),
        (
            _with(charge={"transaction_type": "charge", "pin": "1234"}),
            "$.charge.pin: unknown field",
        ),
    ],
)
def test_unknown_fields_at_every_level(doc: dict[str, Any], path: str) -> None:
    assert path in _error(doc)


def test_fractional_json_numbers_are_refused_in_money_fields() -> None:
    text = json.dumps(MINIMAL).replace('"10.00"', "10.5")
    message = _error(text)
    assert "$.items[0].regular_price" in message and "string" in message
    assert "$.lines[0].quantity" in _error(_with(lines=[{"sku": "A", "quantity": 1.5}]))


def test_nan_is_refused() -> None:
    assert "NaN" in _error(json.dumps(MINIMAL).replace("2}", "NaN}"))


@pytest.mark.parametrize(
    ("doc", "fragment"),
    [
        ({"lines": []}, "$.moment: required field is missing"),
        (_with(moment="yesterday"), "$.moment"),
        (_with(lines=[{"sku": "B"}]), "$.lines[0].sku: unknown item 'B'"),
        (_with(lines=[{"sku": "A", "quantity": "0"}]), "$.lines[0]"),
        (_with(lines=[{"sku": "A", "quantity": True}]), "$.lines[0].quantity"),
        (
            _with(items=[{"id": "1", "sku": "A", "name": "A", "regular_price": "1"}]),
            "$.items[0].id: expected an integer",
        ),
        (_with(items=[{"id": 1, "sku": "A", "name": "A", "regular_price": "-1"}]), "$.items[0]"),
        (
            _with(
                items=[
                    {"id": 1, "sku": "A", "name": "A", "regular_price": "1", "points_eligible": 1}
                ]
            ),
            "$.items[0].points_eligible: expected true",
        ),
        (
            _with(
                items=[{"id": 1, "sku": "A", "name": "A", "regular_price": "1", "tax_class_id": 4}]
            ),
            "$.items[0].tax_class_id: unknown tax class 4",
        ),
        (
            _with(tax_classes=[{"id": 1, "code": "S", "name": "S", "tax_codes": ["VAT"]}]),
            "$.tax_classes[0].tax_codes[0]: unknown tax 'VAT'",
        ),
        (_with(settings={"tax_rounding": "never"}), "$.settings.tax_rounding"),
        (_with(kind="return"), "$.return_of"),
        (
            _with(
                customer={"id": 1, "account_number": "C", "card_type_id": 3},
                card_type={"id": 1, "code": "G", "name": "G"},
            ),
            "$.customer.card_type_id",
        ),
        (
            _with(price_list={"id": 1, "code": "P", "name": "P", "prices": {"1": "9"}}),
            "$.price_list.id",
        ),
        (_with(items=[MINIMAL["items"][0], MINIMAL["items"][0]]), "$.items[1].sku: duplicate"),
        ([1, 2], "$: expected an object"),
    ],
)
def test_clear_errors_name_the_path(doc: Any, fragment: str) -> None:
    assert fragment in _error(doc)


def test_engine_input_errors_exit_2() -> None:
    # A customer whose price list is given but who is not linked to it is caught by the scenario;
    # a mismatched lane/engine rule surfaces as "error: $: ..." too.
    doc = _with(
        customer={"id": 1, "account_number": "C", "price_list_id": 2},
        price_list={"id": 1, "code": "P", "name": "P"},
    )
    assert "price_list" in _error(doc)


def test_missing_file_is_a_usage_error() -> None:
    result = _run(["/nonexistent/scenario.json"])
    assert result.exit_code == 2
