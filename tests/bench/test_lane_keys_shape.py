"""The lane-keys rows (``bench/figures/lane_keys.py``): registered, and their JSON's shape.

Shape only, never a time: the rows themselves run minutes of real app and tmux sessions on the
demo store (``scripts/bench --only lanekeys,lanekeysterm``)."""

from __future__ import annotations

import json

from bench.cli import FIGURES
from bench.figures import lane_keys


def test_both_surfaces_are_registered() -> None:
    assert FIGURES["lanekeys"][0] == "lane_keys:run_pilot"
    assert FIGURES["lanekeysterm"][0] == "lane_keys:run_term"


def test_rows_carry_ratio_goal_and_spread() -> None:
    times = {
        side: {row: [float(10 + n) for n in range(5)] for row in lane_keys.ROWS}
        for side in ("ours", "floor")
    }
    rounds = [{row: 1.0 for row in lane_keys.ROWS}, {row: 1.2 for row in lane_keys.ROWS}]
    for surface, suffix in (("pilot", ""), ("tmux", "_term")):
        firsts = {"ours": [300.0], "floor": [200.0]}
        figures = lane_keys._figures(surface, times, rounds, 100_000, firsts)
        data = json.loads(json.dumps([f.as_json() for f in figures]))
        assert [f["name"] for f in data] == [f"lanekey_{row}{suffix}" for row in lane_keys.ROWS]
        for figure in data:
            assert figure["metric"] == "median" and figure["unit"] == "ms"
            assert figure["result"] in ("PASS", "MISS")
            assert isinstance(figure["ratio"], float)
            assert figure["max_ratio"] == 1.5
            assert figure["extra"]["ratio_spread"] == [1.0, 1.2]
            for side in ("ours", "floor"):
                assert {"n", "median", "p95"} <= set(figure[side])
        by_name = {f["name"]: f for f in data}
        assert by_name[f"lanekey_backoffice{suffix}"]["max_abs"] is None  # ratio only
        assert by_name[f"lanekey_backoffice{suffix}"]["extra"]["first_open_ms"] == firsts
        for row in ("price", "held", "pin"):
            assert by_name[f"lanekey_{row}{suffix}"]["max_abs"] == 100.0
