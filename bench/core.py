"""Timing, statistics and the figure record shared by every benchmark figure."""

from __future__ import annotations

import gc
import os
import platform
import sqlite3
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
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
    """One row of the table: our path beside its floor, the ratio and the goal."""

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
    ratio: float = float("nan")
    passed: bool = False
    measured: bool = True

    def __post_init__(self) -> None:
        self.evaluate()

    def evaluate(self) -> None:
        if not self.measured:
            self.passed = False
            return
        ours, floor = self.ours.get(self.metric), self.floor.get(self.metric)
        self.ratio = ours / floor if ours is not None and floor else float("nan")
        ok = True
        if self.max_ratio is not None:
            ok = ok and self.ratio <= self.max_ratio
        if self.max_abs is not None:
            value = self.abs_value if self.abs_value is not None else ours
            ok = ok and value is not None and value < self.max_abs
        self.passed = bool(ok)

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
