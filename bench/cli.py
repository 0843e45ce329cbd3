"""``scripts/bench [--full] [--only NAME[,NAME]] [--out bench/results.json]``."""

from __future__ import annotations

import argparse
import importlib
import json
import os
import shutil
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench import report
from bench.context import FULL, QUICK, Context
from bench.core import (
    NARROW,
    Figure,
    RoundPolicy,
    machine_info,
    run_in_rounds,
    unmeasured,
)

# name -> (module:function, what it measures, its goal). The lane figures drive the real app.
FIGURES: dict[str, tuple[str, str, str]] = {
    "lookup": ("lookup:run_exact", "customer by mobile / card / account", "p99 <= 3x, < 1 ms"),
    "search": ("lookup:run_search", "name search as you type", "p95 <= 2x, < 30 ms"),
    "commit": ("commit:run", "commit one 20-line sale", "median <= 2.5x"),
    "engine": (
        "engine:run",
        "price a 100-line basket; one line added to it",
        "< 1 ms per 10 lines; <= 0.5x full",
    ),
    "receipt": ("receipt:run", "receipt bytes, 50-line sale", "<= 2x"),
    "lanes": ("lanes:run", "4 lanes on one database", "p99 <= 1.5x single lane"),
    "import": ("importing:run", "demo data and CSV import", "<= 2x sqlite-utils insert"),
    "typing": (
        "as_you_type:run_pilot",
        "F2 name / mobile, last key to results (Pilot)",
        "median <= 1.5x, < 100 ms",
    ),
    "typingterm": (
        "as_you_type:run_term",
        "F2 name / mobile, last key to results (tmux)",
        "median <= 1.5x, < 100 ms",
    ),
    "lanekeys": (
        "lane_keys:run_pilot",
        "F3 price, Ctrl+G held, account PIN, back office: key to screen (Pilot)",
        "median <= 1.5x, < 100 ms (back office: <= 1.5x)",
    ),
    "lanekeysterm": (
        "lane_keys:run_term",
        "F3 price, Ctrl+G held, account PIN, back office: key to screen (tmux)",
        "median <= 1.5x, < 100 ms (back office: <= 1.5x)",
    ),
    "scan": ("lane_ui:run_scan", "scan to screen, 22- and 500-line carts", "median <= 1.3x"),
    "coldstart": ("coldstart:run", "cold start to the sign-in screen", "<= 1.3x, RSS <= 1.3x"),
    "cli": ("cli_lookup:run", "pos-tui customers find MOBILE, a process", "<= 3x python -c"),
    "termbytes": ("lane_ui:run_termbytes", "terminal bytes per scanned item", "<= 2x"),
    "sshbytes": ("kiosk:run_bytes", "SSH bytes per scanned item, kiosk", "<= 2x"),
    "sshlink": ("kiosk:run_link", "scan to screen over slow SSH links", "every scan < 1 s"),
    "growth": (
        "growth:run",
        "RSS growth: searches, scans, back-office forms",
        "growth <= 10 MB",
    ),
    "sync": ("sync:run", "lanes against one PostgreSQL head office", "information"),
}


def _isolate_environment(scratch: Path) -> None:
    """Never read a developer's config or write to their data dir."""
    for key in list(os.environ):
        if key.startswith("POS_TUI_"):
            del os.environ[key]
    os.environ["POS_TUI_CONFIG_DIR"] = str(scratch / "config")
    os.environ["POS_TUI_DATA_DIR"] = str(scratch / "data")


def _resolve(spec: str) -> Callable[[Context], list[Figure]]:
    module, func = spec.split(":")
    fn: Callable[[Context], list[Figure]] = getattr(
        importlib.import_module(f"bench.figures.{module}"), func
    )
    return fn


def table(figures: list[Figure]) -> str:
    return report.table(f.as_json() for f in figures)


# Rounds per mode (docs/bench.md, "Rounds and spread"): at least 3, more while a row's interval
# holds its goal and is wider than ±10% of its median, up to the cap or the module's budget.
POLICIES: dict[str, RoundPolicy] = {
    "quick": RoundPolicy(min_rounds=3, max_rounds=5, budget_s=120.0),
    "full": RoundPolicy(min_rounds=3, max_rounds=7, budget_s=600.0),
}


def _rounds(name: str, spec: str, ctx: Context, policy: RoundPolicy) -> list[Figure]:
    fn = _resolve(spec)

    def one_round(k: int) -> list[Figure]:
        # Each round gets a scratch directory of its own, removed after it.
        scratch = ctx.scratch / f"{name}-round{k + 1}"
        try:
            return fn(Context(mode=ctx.mode, sizes=ctx.sizes, scratch=scratch, log=ctx.log))
        finally:
            shutil.rmtree(scratch, ignore_errors=True)

    return run_in_rounds(one_round, policy, log=ctx.log)


def _load_average() -> float | None:
    try:
        return round(os.getloadavg()[0], 2)
    except OSError:
        return None


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="scripts/bench",
        description="Each pos-tui figure measured beside its floor in the same run.",
    )
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--quick", action="store_true", help="smaller sizes (the default)")
    mode.add_argument("--full", action="store_true", help="the issue's sizes (1,000,000 customers)")
    parser.add_argument("--only", help="comma-separated figures: " + ",".join(FIGURES))
    parser.add_argument(
        "--out",
        type=Path,
        help="JSON output (default bench/results.json, --full bench/results-full.json, --only"
        " bench/results-partial.json; a run of every figure to the default also rewrites the"
        " README and docs/bench.md tables)",
    )
    parser.add_argument("--list", action="store_true", help="list the figures and exit")
    parser.add_argument(
        "--rounds",
        type=int,
        help="run every figure exactly this many rounds (default: until its spread is known)",
    )
    parser.add_argument(
        "--write-docs",
        action="store_true",
        help="only regenerate the README and docs/bench.md tables from bench/results*.json",
    )
    return parser


def _write_docs() -> None:
    for path in report.write_docs():
        print(f"rewrote {path.relative_to(report.REPO)}")


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if args.write_docs:
        _write_docs()
        return 0

    if args.list:
        for name, (_spec, what, goal) in FIGURES.items():
            print(f"{name:<10} {what} ({goal})")
        return 0
    names = list(FIGURES)
    if args.only:
        names = [n.strip() for n in args.only.split(",") if n.strip()]
        unknown = [n for n in names if n not in FIGURES]
        if unknown:
            parser.error(f"unknown figure(s) {', '.join(unknown)}; known: {', '.join(FIGURES)}")
    mode_name = "full" if args.full else "quick"
    sizes = dict(FULL if args.full else QUICK)
    policy = POLICIES[mode_name]
    if args.rounds:
        policy = RoundPolicy(min_rounds=args.rounds, max_rounds=args.rounds, budget_s=1e9)
    # A partial run never overwrites the committed results the docs are generated from.
    out = args.out or (report.PARTIAL if args.only else report.RESULTS[mode_name])
    load_start = _load_average()

    scratch = Path(tempfile.mkdtemp(prefix="pos-tui-bench-"))
    _isolate_environment(scratch)

    def log(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    ctx = Context(mode=mode_name, sizes=sizes, scratch=scratch, log=log)
    started = time.perf_counter()
    figures: list[Figure] = []
    timings: dict[str, float] = {}
    try:
        for name in names:
            spec, what, goal = FIGURES[name]
            log(f"== {name}: {what}")
            t0 = time.perf_counter()
            try:
                figures += _rounds(name, spec, ctx, policy)
            except Exception as exc:
                traceback.print_exc()
                figures.append(unmeasured(name, what, goal, f"{type(exc).__name__}: {exc}"))
            timings[name] = round(time.perf_counter() - t0, 1)
            log(f"   {timings[name]:.1f} s")
    finally:
        shutil.rmtree(scratch, ignore_errors=True)

    print(table(figures))
    result: dict[str, Any] = {
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "mode": mode_name,
        "machine": machine_info(),
        "load_average": {"start": load_start, "end": _load_average()},
        "rounds": {
            "min": policy.min_rounds,
            "max": policy.max_rounds,
            "budget_s": policy.budget_s,
            "narrow": NARROW,
        },
        "sizes": sizes,
        "seconds": round(time.perf_counter() - started, 1),
        "figure_seconds": timings,
        "figures": {f.name: f.as_json() for f in figures},
    }
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2, default=str) + "\n", encoding="utf-8")
    passed = sum(f.result == "PASS" for f in figures)
    missed = sum(f.result == "MISS" for f in figures)
    print(report.legend(f.as_json() for f in figures))
    print(f"\n{len(figures)} rows: {passed} pass, {missed} miss; written to {out}")
    # The docs show a run of every figure, written where the docs read it: never a partial run.
    if not args.only and out.resolve() == report.RESULTS[mode_name].resolve():
        _write_docs()
    return 0
