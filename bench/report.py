"""The results table, printed after a run and written into README.md and docs/bench.md.

Both come from the JSON a run writes (``bench/results.json``), so what the docs show is what a
run measured: ``scripts/bench`` rewrites the blocks between ``<!-- bench:table MODE -->`` and
``<!-- /bench -->`` after a run of every figure, and ``scripts/bench --write-docs`` does it
from the committed results. ``tests/bench/test_report.py`` checks that the README's block is
exactly what the committed ``bench/results.json`` gives, so a hand edit fails.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path
from typing import Any

from bench.core import fmt_value

REPO = Path(__file__).resolve().parent.parent
RESULTS = {"quick": REPO / "bench" / "results.json", "full": REPO / "bench" / "results-full.json"}
PARTIAL = REPO / "bench" / "results-partial.json"  # --only runs (git-ignored)
DOCS = (REPO / "README.md", REPO / "docs" / "bench.md")
HEAD = ["figure", "stat", "ours", "floor", "ratio ± spread", "rounds", "goal", "result"]
NEAR = "*"
BLOCK = re.compile(r"(<!-- bench:table (\w+) -->\n)(.*?)(<!-- /bench -->)", re.DOTALL)


def _number(value: Any) -> float | None:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value) if value == value else None
    return None


def _ratio(figure: dict[str, Any]) -> str:
    ratio = _number(figure.get("ratio"))
    if ratio is None:
        return "-"
    spread = _number(figure.get("ratio_spread"))
    digits = 2 if ratio < 100 else 0
    text = f"{ratio:.{digits}f}x"
    if spread is not None and (figure.get("rounds", 1) > 1 or figure.get("metric") == "value"):
        text += f" ±{spread:.{digits}f}"
    return text


def _result(figure: dict[str, Any]) -> str:
    result = str(figure.get("result", "-"))
    return result + NEAR if figure.get("near_goal") and result in ("PASS", "MISS") else result


def row(figure: dict[str, Any]) -> list[str]:
    """The cells of one figure's row, from its JSON (``Figure.as_json``)."""
    if not figure.get("measured", True):
        return [figure["title"], "-", "-", "-", "-", "-", figure["goal"], "NOT RUN"]
    metric, unit = figure["metric"], figure["unit"]
    ours = fmt_value(_number(figure["ours"].get(metric)), unit)
    abs_value, abs_unit = _number(figure.get("abs_value")), figure.get("abs_unit")
    if abs_value is not None and abs_unit:
        ours += f" ({abs_value:.3g} {abs_unit})"
    return [
        figure["title"],
        metric,
        ours,
        fmt_value(_number(figure["floor"].get(metric)), unit),
        _ratio(figure),
        str(figure.get("rounds") or "-"),
        figure["goal"],
        _result(figure),
    ]


def table(figures: Iterable[dict[str, Any]]) -> str:
    rows = [row(f) for f in figures]
    widths = [max(len(r[i]) for r in [HEAD, *rows]) for i in range(len(HEAD))]

    def line(cells: list[str]) -> str:
        return "| " + " | ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)) + " |"

    sep = "| " + " | ".join("-" * w for w in widths) + " |"
    return "\n".join([line(HEAD), sep, *(line(r) for r in rows)])


def legend(figures: Iterable[dict[str, Any]]) -> str:
    near = any(f.get("near_goal") for f in figures)
    text = (
        "ratio: the median of the rounds' ratios, ± half its interval (distribution-free,"
        ' docs/bench.md "Rounds and spread"); rounds: how many were measured.'
    )
    if near:
        text += f" {NEAR}: the goal lies inside the interval, within this machine's noise of it."
    return text


def _machine(machine: dict[str, Any]) -> str:
    parts = [f"{machine.get('cpu_count', '?')} cores"]
    if machine.get("cpu_model"):
        parts[0] += f" ({machine['cpu_model']})"
    if machine.get("mem_total_kb"):
        parts.append(f"{machine['mem_total_kb'] / 1024 / 1024:.1f} GB")
    for key, label in (("python", "Python"), ("sqlite", "SQLite"), ("textual", "Textual")):
        if machine.get(key):
            parts.append(f"{label} {machine[key]}")
    return ", ".join(parts)


def _duration(seconds: float) -> str:
    return f"{seconds:,.0f} s" + (f" ({seconds / 60:.0f} min)" if seconds >= 120 else "")


def _load(results: dict[str, Any]) -> str:
    load = results.get("load_average") or {}
    start, end = _number(load.get("start")), _number(load.get("end"))
    if start is None or end is None:
        return ""
    return f", load average {start:.1f} at the start and {end:.1f} at the end"


def block(results: dict[str, Any]) -> str:
    """The Markdown a docs block holds for one run's results."""
    figures = list(results["figures"].values())
    when = datetime.fromisoformat(results["generated_at"]).strftime("%Y-%m-%d %H:%M UTC")
    command = "scripts/bench --full" if results["mode"] == "full" else "scripts/bench"
    counts = {r: sum(f.get("result") == r for f in figures) for r in ("PASS", "MISS", "NOT RUN")}
    summary = f"{len(figures)} rows: {counts['PASS']} pass, {counts['MISS']} miss"
    if counts["NOT RUN"]:
        summary += f", {counts['NOT RUN']} not run"
    return (
        f"`{command}` of {when}, {_duration(results['seconds'])}; {_machine(results['machine'])}"
        f"{_load(results)}."
        f" {summary}. Generated from `bench/{RESULTS[results['mode']].name}` by the bench;"
        " do not edit by hand.\n\n"
        f"{table(figures)}\n\n{legend(figures)}\n"
    )


def missing_block(mode: str) -> str:
    command = "scripts/bench --full" if mode == "full" else "scripts/bench"
    return (
        f"No `bench/{RESULTS[mode].name}` is committed yet: `{command}` writes it and this table.\n"
    )


def load(mode: str, results_paths: dict[str, Path] | None = None) -> dict[str, Any] | None:
    path = (results_paths or RESULTS)[mode]
    if not path.exists():
        return None
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def render(text: str, results_paths: dict[str, Path] | None = None) -> str:
    """``text`` with every ``bench:table MODE`` block regenerated from that mode's results."""

    def replace(match: re.Match[str]) -> str:
        mode = match.group(2)
        if mode not in RESULTS:
            raise ValueError(f"unknown bench table {mode!r}; known: {', '.join(RESULTS)}")
        results = load(mode, results_paths)
        body = block(results) if results is not None else missing_block(mode)
        return f"{match.group(1)}{body}{match.group(4)}"

    return BLOCK.sub(replace, text)


def write_docs(
    docs: Iterable[Path] = DOCS, results_paths: dict[str, Path] | None = None
) -> list[Path]:
    """Regenerate the blocks in ``docs``; the files that changed."""
    changed = []
    for path in docs:
        text = path.read_text(encoding="utf-8")
        new = render(text, results_paths)
        if new != text:
            path.write_text(new, encoding="utf-8")
            changed.append(path)
    return changed
