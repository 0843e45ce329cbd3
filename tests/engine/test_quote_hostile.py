"""``pos-tui quote`` against hostile input: every bad input exits 2 with one line on stderr that
names the path, never a traceback, and the output stays small.

Regressions first (each of these ended in a traceback, was accepted, or printed 100 MB), then
hypothesis fuzzing of JSON-ish text and of mutated example scenarios through click's CliRunner,
then a few through the real ``pos-tui`` process.
"""

from __future__ import annotations

import copy
import json
import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pos_tui.commands.quote import one_line, quote
from pos_tui.engine.bounds import MAX_AMOUNT, MAX_QUANTITY
from pos_tui.engine.scenario import MAX_DEPTH, MAX_INPUT_CHARS, MAX_LINES, ScenarioError
from pos_tui.engine.scenario import quote as quote_text

EXAMPLES = sorted((Path(__file__).resolve().parents[2] / "docs" / "examples").glob("quote-*.json"))
DOCS = [json.loads(p.read_text()) for p in EXAMPLES]
# Far above any real scenario's output (the examples print 10-20 KB), far below 100 MB.
MAX_OUTPUT = 2_000_000
MINIMAL: dict[str, Any] = {
    "moment": "2024-05-15T12:00:00",
    "items": [{"id": 1, "sku": "A", "name": "A", "regular_price": "10.00"}],
    "lines": [{"sku": "A", "quantity": 2}],
}


def run(stdin: str | bytes) -> Result:
    return CliRunner().invoke(quote, ["-"], input=stdin)


def check(result: Result) -> Result:
    """What every run of quote keeps, whatever its input."""
    assert result.exit_code in (0, 2), (result.exit_code, result.stderr, result.exc_info)
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.stdout + result.stderr
    assert len(result.stdout) < MAX_OUTPUT
    if result.exit_code == 0:
        assert result.stderr == ""
        json.loads(result.stdout)
    else:
        assert result.stdout == ""
        assert result.stderr.startswith("error: $") and result.stderr.endswith("\n")
        assert result.stderr.count("\n") == 1, result.stderr
        assert len(result.stderr) < 400
    return result


def refused(doc: Any) -> str:
    text = doc if isinstance(doc, (str, bytes)) else json.dumps(doc)
    result = check(run(text))
    assert result.exit_code == 2, result.stdout[:200]
    return result.stderr


def with_(path: tuple[Any, ...], value: Any, doc: dict[str, Any] | None = None) -> dict[str, Any]:
    out = copy.deepcopy(MINIMAL if doc is None else doc)
    target: Any = out
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return out


# --- regressions ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "quantity", [10**27, "1000000000000000000000000000", -(10**27), "1e27", "1E+999999"]
)
def test_huge_quantities_are_refused_by_path(quantity: Any) -> None:
    assert "$.lines[0].quantity" in refused(with_(("lines", 0, "quantity"), quantity))


@pytest.mark.parametrize(
    ("quantity", "ok"),
    [("9999", True), (9999, True), ("9999.0001", False), (10000, False), ("0.0001", True),
     ("0.00001", False), ("0", False), ("-1", False)],
)  # fmt: skip
def test_quantity_bounds(quantity: Any, ok: bool) -> None:
    result = check(run(json.dumps(with_(("lines", 0, "quantity"), quantity))))
    assert (result.exit_code == 0) is ok, result.stderr
    if not ok:
        assert result.stderr.startswith("error: $.lines[0].quantity: ")


def test_tiny_exponents_print_nothing_big() -> None:
    """ "1e-99999999" printed 100 MB of zeros; now refused, like every exponent."""
    message = refused(with_(("items", 0, "regular_price"), "1e-99999999"))
    assert message == (
        "error: $.items[0].regular_price: write the number in plain digits, without an exponent\n"
    )


@pytest.mark.parametrize(
    ("price", "ok"),
    [("1000000000", True), ("1000000000.0001", False), ("-1000000000.5", False),
     ("0.0001", True), ("0.00001", False), ("12.50", True), (10**9, True), (10**9 + 1, False),
     ("1,000", False), (" 12 ", True), ("+3", True), ("0x10", False), ("12.", False)],
)  # fmt: skip
def test_amount_bounds(price: Any, ok: bool) -> None:
    result = check(run(json.dumps(with_(("items", 0, "regular_price"), price))))
    assert (result.exit_code == 0) is ok, result.stderr
    if not ok:
        assert result.stderr.startswith("error: $.items[0].regular_price: ")


@pytest.mark.parametrize("depth", [MAX_DEPTH + 1, 1000, 100_000], ids=str)
def test_deep_nesting_is_refused_before_parsing(depth: int) -> None:
    assert "nest deeper than" in refused("[" * depth + "]" * depth)
    assert "nest deeper than" in refused('{"a":' * depth + "1" + "}" * depth)


def test_nesting_inside_strings_does_not_count() -> None:
    doc = with_(("items", 0, "name"), "[" * 400)
    assert check(run(json.dumps(doc))).exit_code == 0


@pytest.mark.parametrize(
    ("text", "path"),
    [
        (
            '{"moment": "2024-05-15T12:00:00", "moment": "2024-05-16T12:00:00", "lines": []}',
            "$.moment",
        ),
        (json.dumps(MINIMAL)[:-1] + ', "lines": []}', "$.lines"),
        (
            json.dumps(MINIMAL).replace(
                '"sku": "A", "quantity": 2', '"sku": "A", "quantity": 2, "sku": "B"'
            ),
            "$.lines[0].sku",
        ),
    ],
)
def test_duplicate_keys_are_refused_with_their_path(text: str, path: str) -> None:
    assert refused(text) == f"error: {path}: the key is given twice; give it once\n"


@pytest.mark.parametrize(
    "number", ["1" * 5000, "1e9999999999999999999999", "-1e-9999999999999999999999", "1" * 41]
)
def test_numbers_too_long_to_read_are_refused_by_path(number: str) -> None:
    text = json.dumps(MINIMAL).replace('"quantity": 2', f'"quantity": {number}')
    assert refused(text).startswith("error: $.lines[0].quantity: ")


def test_large_integers_in_whole_number_fields() -> None:
    assert "$.items[0].id" in refused(with_(("items", 0, "id"), 10**18))
    assert "$.settings.default_terms_days" in refused(with_(("settings",), {"default_terms_days": 10**12}))  # fmt: skip


def test_amounts_within_bounds_that_pass_exact_digits_are_one_line() -> None:
    """Each number is in bounds, the points they earn are not: 10^9 points per 0.0001 of a
    9999 x 10^9 sale."""
    doc = with_(("items", 0, "regular_price"), "1000000000")
    doc["lines"][0]["quantity"] = "9999"
    doc["card_type"] = {"id": 1, "code": "G", "name": "G", "block_sale_value": "0.0001", "points_awarded": "1000000000", "multiplier": "10", "multiplier_weekdays": "wed"}  # fmt: skip
    doc["customer"] = {"id": 1, "account_number": "C", "card_type_id": 1}
    message = refused(doc)
    assert message.startswith("error: $: these amounts are too large to price exactly")


def test_text_that_is_not_utf8_is_refused() -> None:
    assert refused(b'{"moment": "\xff"}') == "error: $: the file is not UTF-8 text (byte 12)\n"


def test_a_byte_order_mark_is_fine() -> None:
    assert check(run(b"\xef\xbb\xbf" + json.dumps(MINIMAL).encode())).exit_code == 0


def test_unpaired_surrogates_are_refused_not_printed() -> None:
    text = json.dumps(MINIMAL).replace('"name": "A"', '"name": "\\ud800"')
    assert refused(text).startswith("error: $.items[0].name: text with an unpaired surrogate")


def test_long_text_is_refused() -> None:
    assert "$.items[0].name: text longer than 500" in refused(with_(("items", 0, "name"), "x" * 501))  # fmt: skip


def test_too_long_a_scenario_is_refused() -> None:
    doc = with_(("items", 0, "name"), "x" * 100)
    doc["items"] = [{**doc["items"][0], "id": i, "sku": f"S{i}"} for i in range(MAX_INPUT_CHARS // 60)]  # fmt: skip
    assert "longer than 1000000 characters" in refused(doc)


def test_too_many_lines_are_refused() -> None:
    assert f"more than {MAX_LINES} lines" in refused(with_(("lines",), [{"sku": "A"}] * (MAX_LINES + 1)))  # fmt: skip


def test_control_characters_in_keys_stay_on_one_line() -> None:
    message = refused(with_(("lines", 0, "x\n\x1b[2J"), 1))
    assert message == 'error: $.lines[0]["x\\n\\u001b[2J"]: unknown field\n'


def test_dates_stay_in_the_calendar() -> None:
    assert "$.moment: must be between 1800-01-01 and 2999-12-31" in refused(with_(("moment",), "9999-12-31T23:59:59"))  # fmt: skip


def test_one_line_escapes_terminal_sequences_and_cuts_long_messages() -> None:
    assert one_line("a\nb\x1b[31m\x9b") == "a\\x0ab\\x1b[31m\\x9b"
    assert len(one_line("x" * 10_000)) == 300


def test_bounds_are_documented() -> None:
    doc = (Path(__file__).resolve().parents[2] / "docs" / "quote.md").read_text()
    for fact in (str(MAX_QUANTITY), "10^9", "4 decimal places", str(MAX_DEPTH), f"{MAX_LINES:,}", "1,000,000", "500 characters", "duplicate"):  # fmt: skip
        assert fact in doc, fact
    assert Decimal(10) ** 9 == MAX_AMOUNT


# --- fuzzing -------------------------------------------------------------------------------

HOSTILE: st.SearchStrategy[object] = st.sampled_from(
    [10**27, -(10**27), 2**70, 10**9, 10**9 + 1, 9999, 10000, 0, -1, 1, 123456789012,
     "1e27", "1e-99999999", "1E+999999", "-0", "0.00001", "99999999999999999999", "NaN",
     "sNaN", "Infinity", "1e999999999999999999", "10000", "9999.9999", "1000000000",
     "1000000000.0001", "0.0001", "-5", "99:99", "23:59", "24:00", "0000-01-01", "9999-12-31",
     "9999-12-31T23:59:59", "2024-05-15T12:00:00+05:30", "", " ", "\ud800", "\x1b[2J",
     "x" * 600, "mon,funday", "ROUND_UP", "sale", "return", "A", True, None, [], {}]
)  # fmt: skip
LEAVES = (
    HOSTILE
    | st.integers()
    | st.text(max_size=30)
    | st.decimals(allow_nan=False, allow_infinity=False, places=6).map(str)
)
JSONISH = st.recursive(
    LEAVES,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(
            st.sampled_from(
                [
                    "moment",
                    "lines",
                    "items",
                    "sku",
                    "quantity",
                    "id",
                    "name",
                    "regular_price",
                    "customer",
                    "card_type",
                    "settings",
                    "x",
                ]
            )
            | st.text(max_size=8),
            inner,
            max_size=4,
        )
    ),
    max_leaves=20,
)
FUZZ = settings(
    max_examples=int(os.environ.get("QUOTE_FUZZ_EXAMPLES", "400")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def _paths(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every path into a document (objects, lists and leaves)."""
    out = [path]
    if isinstance(value, dict):
        for key, inner in value.items():
            out += _paths(inner, (*path, key))
    elif isinstance(value, list):
        for i, inner in enumerate(value):
            out += _paths(inner, (*path, i))
    return out


def _mutate(doc: Any, data: st.DataObject) -> Any:
    doc = copy.deepcopy(doc)
    for _ in range(data.draw(st.integers(1, 3))):
        paths = [p for p in _paths(doc) if p]
        if not paths:
            break
        path = data.draw(st.sampled_from(paths))
        parent: Any = doc
        for key in path[:-1]:
            parent = parent[key]
        action = data.draw(st.sampled_from(["hostile"] * 4 + ["replace", "delete", "add", "repeat"]))  # fmt: skip
        if action == "hostile":
            parent[path[-1]] = data.draw(HOSTILE)
        elif action == "replace":
            parent[path[-1]] = data.draw(JSONISH)
        elif action == "delete":
            del parent[path[-1]]
        elif action == "add" and isinstance(parent, dict):
            parent[data.draw(st.text(max_size=20) | st.sampled_from(["quantity", "multiplier", "price_level", "extra_margin_days", "minor_unit", "points_places", "grace_period_days", "credit_limit", "points_balance", "rate_percent"]))] = data.draw(LEAVES)  # fmt: skip
        elif action == "repeat" and isinstance(parent, list):
            parent.extend([parent[path[-1]]] * data.draw(st.integers(1, 50)))
    return doc


@FUZZ
@given(st.one_of(JSONISH.map(json.dumps), st.text(max_size=200), st.binary(max_size=100)))
def test_fuzz_jsonish_input(text: str | bytes) -> None:
    check(run(text))


@FUZZ
@given(doc=st.sampled_from(DOCS), data=st.data())
def test_fuzz_mutated_examples(doc: dict[str, Any], data: st.DataObject) -> None:
    mutated = _mutate(doc, data)
    check(run(json.dumps(mutated)))
    try:
        quote_text(json.dumps(mutated))
    except ScenarioError:
        pass  # the engine's own entry point raises nothing else either
    except (TypeError, ValueError) as exc:  # an engine rule the inputs break: still exit 2
        assert not isinstance(exc, UnicodeError), exc


@FUZZ
@given(doc=st.sampled_from(DOCS), data=st.data())
def test_fuzz_mutated_example_text(doc: dict[str, Any], data: st.DataObject) -> None:
    """Textual damage: cut short, a key repeated, wrapped in lists, a byte changed."""
    text = json.dumps(doc)
    how = data.draw(st.sampled_from(["cut", "dup", "wrap", "byte"]))
    if how == "cut":
        text = text[: data.draw(st.integers(0, len(text)))]
    elif how == "dup":
        text = text.replace('"sku": ', '"sku": "X", "sku": ', 1)
    elif how == "wrap":
        depth = data.draw(st.integers(1, 60))
        text = "[" * depth + text + "]" * depth
    else:
        at = data.draw(st.integers(0, len(text) - 1))
        text = text[:at] + data.draw(st.sampled_from(["{", "[", '"', "\\", "\x00", "9" * 50, "e99999"])) + text[at + 1 :]  # fmt: skip
    check(run(text))


# --- the real process ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("stdin", "fragment"),
    [
        (json.dumps(with_(("lines", 0, "quantity"), 10**27)).encode(), "$.lines[0].quantity"),
        (b"[" * 100_000 + b"]" * 100_000, "nest deeper than"),
        (json.dumps(with_(("items", 0, "regular_price"), "1e-99999999")).encode(), "exponent"),
        (b'{"moment": "x", "moment": "y"}', "$.moment: the key is given twice"),
        (b'{"moment": "\xff"}', "not UTF-8"),
    ],
    ids=["huge-quantity", "deep-nesting", "tiny-exponent", "duplicate-key", "not-utf8"],
)
def test_the_real_command_refuses_in_one_line(stdin: bytes, fragment: str) -> None:
    exe = Path(sys.executable).parent / "pos-tui"
    done = subprocess.run(
        [str(exe), "quote", "-"], input=stdin, capture_output=True, timeout=120, check=False
    )
    stderr = done.stderr.decode()
    assert done.returncode == 2 and done.stdout == b""
    assert stderr.count("\n") == 1 and fragment in stderr and "Traceback" not in stderr


def test_the_real_command_prices_an_example() -> None:
    exe = Path(sys.executable).parent / "pos-tui"
    done = subprocess.run(
        [str(exe), "quote", str(EXAMPLES[0])], capture_output=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["explanation"]
