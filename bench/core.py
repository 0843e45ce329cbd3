"""Timing, statistics and the figure record shared by every benchmark figure."""

from __future__ import annotations

import gc
import math
import os
import platform
import sqlite3
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, replace
from typing import Any

Stats = dict[str, float]


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0-100) with linear interpolation between closest ranks."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    if len(ordered) == 1:
        return ordered[0]
    pos = (len(ordered) - 1) * q / 100
    lo = int(pos)
    hi = min(lo + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (pos - lo)


def summarize(values: list[float]) -> Stats:
    return {
        "n": len(values),
        "median": statistics.median(values) if values else float("nan"),
        "p95": percentile(values, 95),
        "p99": percentile(values, 99),
        "mean": statistics.fmean(values) if values else float("nan"),
        "min": min(values) if values else float("nan"),
        "max": max(values) if values else float("nan"),
    }


def interleave(
    ours: Callable[[int], object],
    floor: Callable[[int], object],
    *,
    n: int,
    warmup: int,
    prepare_ours: Callable[[int], object] | None = None,
    prepare_floor: Callable[[int], object] | None = None,
) -> tuple[list[float], list[float]]:
    """Time ``ours(i)`` and ``floor(i)`` alternately, in ms; the order flips every round.

    Both sides share the machine's noise: a slow moment lands on both, not on one. The first
    ``warmup`` rounds are run and thrown away (caches, page cache, lazy imports). ``prepare_*``
    run untimed just before their side (e.g. ringing up the cart whose commit is timed).
    """
    ours_ms: list[float] = []
    floor_ms: list[float] = []
    clock = time.perf_counter_ns
    gc_was_enabled = gc.isenabled()
    try:
        for i in range(warmup + n):
            pair: tuple[tuple[Callable[[int], object], Any, list[float]], ...] = (
                (ours, prepare_ours, ours_ms),
                (floor, prepare_floor, floor_ms),
            )
            if i % 2:
                pair = pair[::-1]
            for fn, prepare, sink in pair:
                if prepare is not None:
                    prepare(i)
                gc.collect(0)
                gc.disable()
                start = clock()
                fn(i)
                elapsed = clock() - start
                if gc_was_enabled:
                    gc.enable()
                if i >= warmup:
                    sink.append(elapsed / 1e6)
    finally:
        if gc_was_enabled:
            gc.enable()
    return ours_ms, floor_ms


@dataclass
class Figure:
    """One row of the table: our path beside its floor, the ratio and the goal.

    A figure measured in rounds (docs/bench.md, "Rounds and spread") carries one ratio per
    round in ``round_ratios`` (and, for a goal in absolute units, one value per round in
    ``round_values``): the ratio is then their median, ``ratio_low``..``ratio_high`` its
    interval, and PASS/MISS is decided on the median. A module may fill them in itself (or
    leave ``extra["ratio_by_round"]``, read the same way); otherwise ``scripts/bench`` repeats
    the module and fills them in from each round's figure.
    """

    name: str
    title: str
    metric: str  # which statistic the goal is about: median | p95 | p99 | value
    unit: str  # ms | bytes | MB | sales/s
    ours: Stats
    floor: Stats
    goal: str
    max_ratio: float | None = None  # goal: ours[metric] <= max_ratio * floor[metric]
    max_abs: float | None = None  # goal: ours[metric] < max_abs (in unit, or per abs_unit)
    abs_value: float | None = None  # the figure compared with max_abs when not ours[metric]
    abs_unit: str | None = None
    sizes: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)
    informational: bool = False  # shown for context; no goal, never a MISS
    round_ratios: list[float] | None = None  # one ratio per round, when measured in rounds
    round_values: list[float] | None = None  # one abs_value (or ours[metric]) per round
    ratio: float = float("nan")
    ratio_low: float = float("nan")  # the interval of the median ratio across rounds
    ratio_high: float = float("nan")
    ratio_spread: float = float("nan")  # half the interval's width: the table's "±"
    confidence: float = 0.0  # the interval's coverage (distribution-free, order statistics)
    rounds: int = 0
    near_goal: bool = False  # the interval holds a goal's bound: within the noise of it
    passed: bool = False
    measured: bool = True

    def __post_init__(self) -> None:
        self.evaluate()

    @property
    def single_value(self) -> bool:
        """A count (bytes of a receipt): the same every time, so one round and spread 0."""
        return self.metric == "value"

    @property
    def own_ratio(self) -> float:
        ours, floor = self.ours.get(self.metric), self.floor.get(self.metric)
        return ours / floor if ours is not None and floor else float("nan")

    @property
    def own_value(self) -> float | None:
        return self.abs_value if self.abs_value is not None else self.ours.get(self.metric)

    def ratios(self) -> list[float]:
        """The per-round ratios this figure stands for (its own ratio when not in rounds)."""
        if not self.single_value:
            if self.round_ratios:
                return list(self.round_ratios)
            by_round = self.extra.get("ratio_by_round")
            if isinstance(by_round, list) and by_round and all(_is_number(x) for x in by_round):
                return [float(x) for x in by_round]
        return [self.own_ratio]

    def values(self) -> list[float]:
        if self.round_values and not self.single_value:
            return list(self.round_values)
        value = self.own_value
        return [value] if value is not None else []

    def evaluate(self) -> None:
        if not self.measured:
            self.passed = False
            return
        ratios = [r for r in self.ratios() if r == r]
        self.rounds = len(ratios) or 1
        self.ratio = statistics.median(ratios) if ratios else float("nan")
        self.ratio_low, self.ratio_high, self.confidence = median_interval(ratios)
        self.ratio_spread = (self.ratio_high - self.ratio_low) / 2 if ratios else float("nan")
        ok, near = True, False
        if self.max_ratio is not None:
            ok = ok and self.ratio <= self.max_ratio
            near = near or self.ratio_low <= self.max_ratio < self.ratio_high
        if self.max_abs is not None:
            values = self.values()
            value = statistics.median(values) if values else None
            low, high, _ = median_interval(values)
            ok = ok and value is not None and value < self.max_abs
            near = near or low < self.max_abs <= high
        self.passed = bool(ok)
        self.near_goal = bool(near) and not self.informational

    @property
    def decided(self) -> bool:
        """No goal's bound lies inside the interval: more rounds would not change the verdict."""
        return not self.near_goal

    @property
    def narrow(self) -> bool:
        """Every goal's figure (the ratio, the absolute value) within ±NARROW of its median."""
        spans: list[tuple[float, float, float]] = []
        if self.max_ratio is not None or self.max_abs is None:
            spans.append((self.ratio, self.ratio_low, self.ratio_high))
        if self.max_abs is not None:
            values = self.values()
            if not values:
                return False
            spans.append((statistics.median(values), *median_interval(values)[:2]))
        return all(m == m and (high - low) / 2 <= NARROW * abs(m) for m, low, high in spans)

    def as_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["result"] = self.result
        return data

    @property
    def result(self) -> str:
        if not self.measured:
            return "NOT RUN"
        if self.informational:
            return "info"
        return "PASS" if self.passed else "MISS"


NARROW = 0.10  # an interval within ±10% of the median ratio is narrow enough to stop


def _is_number(x: object) -> bool:
    return isinstance(x, int | float) and not isinstance(x, bool)


def median_interval(values: list[float], confidence: float = 0.90) -> tuple[float, float, float]:
    """A distribution-free interval of the median of ``values`` and its coverage.

    ``[x(j+1), x(k-j)]`` of the k sorted values holds the true median with probability
    ``1 - 2 P(B <= j)``, B ~ Binomial(k, 1/2), whatever the distribution: the narrowest such
    interval with at least ``confidence``, or the whole range when k is too small for it
    (3 rounds: 75%, 5: 94%, 8: [x2, x7] 93%). One value: a zero-width interval.
    """
    xs = sorted(v for v in values if v == v)
    k = len(xs)
    if k == 0:
        return float("nan"), float("nan"), 0.0
    if k == 1:
        return xs[0], xs[0], 0.0

    def coverage(j: int) -> float:
        return 1 - 2 * sum(math.comb(k, i) for i in range(j + 1)) / 2**k

    best = 0
    for j in range(1, (k - 1) // 2 + 1):
        if coverage(j) < confidence:
            break
        best = j
    return xs[best], xs[k - 1 - best], coverage(best)


@dataclass(frozen=True)
class RoundPolicy:
    """How many times ``scripts/bench`` runs a figure module (docs/bench.md)."""

    min_rounds: int = 3
    max_rounds: int = 7
    budget_s: float = 240.0  # no round past min_rounds starts if it would end past this

    def settled(self, figure: Figure) -> bool:
        if not figure.measured or figure.single_value:
            return True
        if figure.informational:
            return figure.rounds >= 1
        return figure.rounds >= self.min_rounds and (figure.decided or figure.narrow)


def combine(per_round: list[Figure]) -> Figure:
    """One figure from the same row measured in several rounds (each round's figure)."""
    measured = [f for f in per_round if f.measured]
    if not measured:
        return per_round[-1]
    ratios = [r for f in measured for r in f.ratios()]
    values = [v for f in measured for v in f.values()]
    middle = statistics.median(r for r in ratios if r == r) if any(r == r for r in ratios) else 0
    representative = min(
        measured, key=lambda f: abs(f.own_ratio - middle) if f.own_ratio == f.own_ratio else 1e300
    )
    if len(measured) == 1 and representative.round_ratios is None:
        return representative
    return replace(representative, round_ratios=ratios, round_values=values or None)


def run_in_rounds(
    run_round: Callable[[int], list[Figure]],
    policy: RoundPolicy,
    *,
    log: Callable[[str], None] = lambda _m: None,
    clock: Callable[[], float] = time.monotonic,
) -> list[Figure]:
    """Run a figure module round after round until every row it returns is settled.

    Rows are matched by name; the order is the first round's. A round that raises after the
    first ends the rounds (the rounds before stand, with a note); the first one's error goes up.
    """
    by_name: dict[str, list[Figure]] = {}
    started = clock()
    done = 0
    failure: str | None = None
    while True:
        try:
            figures = run_round(done)
        except Exception as exc:
            if done == 0:
                raise
            failure = f"round {done + 1} failed ({type(exc).__name__}: {exc}); {done} kept"
            log(f"   {failure}")
            break
        done += 1
        for f in figures:
            by_name.setdefault(f.name, []).append(f)
        combined = {name: combine(rows) for name, rows in by_name.items()}
        # Rounds measured so far: a module that times in rounds itself gives several per run.
        measured = min(
            (f.rounds for f in combined.values() if f.measured and not f.single_value),
            default=done,
        )
        if all(policy.settled(f) for f in combined.values()) or measured >= policy.max_rounds:
            break
        elapsed = clock() - started
        if measured >= policy.min_rounds and elapsed + elapsed / done > policy.budget_s:
            log(f"   stopping after {done} rounds: the next would pass {policy.budget_s:.0f} s")
            break
        if measured < policy.min_rounds:
            log(f"   round {done + 1} ({measured} of at least {policy.min_rounds} measured)")
        else:
            pending = [n for n, f in combined.items() if not policy.settled(f)]
            log(f"   round {done + 1}: {', '.join(pending)} not settled yet")
    combined_rows = [combine(rows) for rows in by_name.values()]
    if failure:
        for row in combined_rows:
            row.notes = [*row.notes, failure]
    return combined_rows


def unmeasured(name: str, title: str, goal: str, why: str) -> Figure:
    return Figure(
        name=name,
        title=title,
        metric="value",
        unit="",
        ours={},
        floor={},
        goal=goal,
        notes=[why],
        measured=False,
    )


def machine_info() -> dict[str, Any]:
    info: dict[str, Any] = {
        "cpu_count": os.cpu_count(),
        "python": sys.version.split()[0],
        "implementation": platform.python_implementation(),
        "sqlite": sqlite3.sqlite_version,
        "platform": platform.platform(),
        "machine": platform.machine(),
    }
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as fh:
            for line in fh:
                if line.startswith("model name"):
                    info["cpu_model"] = line.split(":", 1)[1].strip()
                    break
        with open("/proc/meminfo", encoding="utf-8") as fh:
            info["mem_total_kb"] = int(fh.readline().split()[1])
    except OSError:
        pass
    try:
        import textual

        info["textual"] = textual.__version__
    except (ImportError, AttributeError):
        pass
    return info


def fmt_value(value: float | None, unit: str) -> str:
    if value is None or value != value:  # NaN
        return "-"
    if unit == "ms":
        if value < 1:
            return f"{value * 1000:.0f} µs"
        if value < 100:
            return f"{value:.2f} ms"
        return f"{value:.0f} ms"
    if unit == "s":
        return f"{value:.1f} s"
    if unit == "bytes":
        return f"{value:,.0f} B"
    if unit == "MB":
        return f"{value:.1f} MB"
    if unit == "sales/s":
        return f"{value:.1f}/s"
    return f"{value:.3g}"
