"""Part ``fuzz``: every input surface's hypothesis target, run for a number of examples each.

The registry joins two sources:

- ``tests/fuzz_targets.py`` (``TARGETS`` and ``fuzz_context``), the hostile-input targets:
  customer fields, CSV rows, searches, scan lines, card answers, printer status bytes; taken
  whenever that module is there;
- the targets here: ``quote_json`` and ``quote_mutated`` (``pos-tui quote`` on JSON-ish text
  and on damaged example scenarios, with tests/engine/test_quote_hostile.py's strategies and
  its check: exit 0 or one line and exit 2), and ``lane_entry`` (what a scanner or the cashier
  types at the checkout, through a real Checkout on a real store: refused in words or added,
  and the cart in memory always the one saved).

A target whose promise breaks raises hypothesis's shrunk example: counted as a crash.
"""

from __future__ import annotations

import json
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import seed as hypothesis_seed
from hypothesis import strategies as st

from pos_tui.screens.entry import parse_entry
from pos_tui.services.checkout.sale import Checkout, CheckoutError
from pos_tui.services.staff.auth import AuthService
from reliability.figures import PartResult
from reliability.store import CASHIER, build_store, open_lane


@dataclass(frozen=True)
class Target:
    strategy: st.SearchStrategy[Any]
    check: Callable[[Any, Any], None]
    context: Callable[[], AbstractContextManager[Any]]


@contextmanager
def _nothing() -> Iterator[None]:
    yield None


# -- pos-tui quote ------------------------------------------------------------------------------


def _quote_targets() -> dict[str, Target]:
    from tests.engine import test_quote_hostile as quote

    def text(_ctx: None, value: str | bytes) -> None:
        quote.check(quote.run(value))

    def mutated(_ctx: None, data: st.DataObject) -> None:
        doc = quote._mutate(data.draw(st.sampled_from(quote.DOCS)), data)
        quote.check(quote.run(json.dumps(doc)))

    texts = st.one_of(quote.JSONISH.map(json.dumps), st.text(max_size=200), st.binary(max_size=100))
    return {
        "quote_json": Target(texts, text, _nothing),
        "quote_mutated": Target(st.data(), mutated, _nothing),
    }


# -- the lane's entry line ----------------------------------------------------------------------

_CODES = ["STAP-0001", "STAP-0002", "8901234567890", "stap-0001", " STAP-0003 "]
ENTRY = st.one_of(
    st.text(max_size=40),
    st.sampled_from(_CODES),
    st.builds(
        lambda q, code: f"{q}*{code}",
        st.one_of(
            st.integers(min_value=-(2**70), max_value=2**70).map(str),
            st.decimals(allow_nan=True, allow_infinity=True).map(str),
            st.sampled_from(["1E+999999", "0", "0.00001", "9999", "10000", "1e3", "NaN"]),
        ),
        st.one_of(st.sampled_from(_CODES), st.text(max_size=12)),
    ),
)


@dataclass
class _Lane:
    checkout: Checkout


@contextmanager
def _lane() -> Iterator[_Lane]:
    with tempfile.TemporaryDirectory(prefix="pos-tui-fuzz-") as folder:
        db = Path(folder) / "fuzz.db"
        build_store(db, customers=5, seed=3)
        backend = open_lane(db, "F1")
        try:
            employee = AuthService(backend).sign_in(*CASHIER)
            yield _Lane(Checkout(backend, employee))
        finally:
            backend.close()


def _entry(lane: _Lane, text: str) -> None:
    co = lane.checkout
    lines = len(co.cart.lines)
    qty, code = parse_entry(text)
    try:
        co.add_item(code, qty)
    except CheckoutError as exc:
        assert exc.message and "\n" not in exc.message, exc.message
        assert len(co.cart.lines) == lines, "a refused entry added a line"
    saved = co.b.open_sales.get(co.open_sale_id) if co.open_sale_id else None
    assert (json.loads(saved.state) if saved else None) in (None, co.cart.to_json())
    if len(co.cart.lines) > 20:
        co.cancel()


def registry() -> dict[str, Target]:
    targets: dict[str, Target] = {}
    try:
        from tests import fuzz_targets
    except ImportError:
        pass
    else:
        for name, target in fuzz_targets.TARGETS.items():
            targets[name] = Target(target.strategy, target.check, fuzz_targets.fuzz_context)
    targets.update(_quote_targets())
    targets["lane_entry"] = Target(ENTRY, _entry, _lane)
    return targets


def run_target(target: Target, examples: int, seed: int) -> tuple[int, str | None]:
    """(inputs tried, the broken promise or None)."""
    tried = 0
    with target.context() as ctx:

        @settings(
            max_examples=examples,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        @given(target.strategy)
        def examples_of(value: Any) -> None:
            nonlocal tried
            tried += 1
            target.check(ctx, value)

        try:
            hypothesis_seed(seed)(examples_of)()
        except Exception as exc:
            return tried, f"{type(exc).__name__}: {exc}"[:500]
    return tried, None


def run(scratch: Path, sizes: dict[str, Any], seed: int) -> PartResult:
    result = PartResult("fuzz")
    started = time.monotonic()
    per_target: dict[str, int] = {}
    for name, target in registry().items():
        tried, broken = run_target(target, sizes["examples"], seed)
        per_target[name] = tried
        result.inputs_tried += tried
        if broken is not None:
            result.crashes += 1
            result.problem(f"{name}: {broken}")
    result.details["targets"] = per_target
    result.seconds = time.monotonic() - started
    return result
