"""Rounds and spread (bench/core.py): the interval, the stop rules and the verdict, with figures
built from given numbers; never a time."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from bench.core import Figure, RoundPolicy, combine, median_interval, run_in_rounds

POLICY = RoundPolicy(min_rounds=3, max_rounds=5, budget_s=1000.0)


def figure(ratio: float, *, name: str = "row", goal: float = 2.0, **kw: object) -> Figure:
    defaults: dict[str, object] = {
        "title": name,
        "metric": "median",
        "unit": "ms",
        "ours": {"median": ratio},
        "floor": {"median": 1.0},
        "goal": f"median <= {goal}x floor",
        "max_ratio": goal,
    }
    defaults.update(kw)
    return Figure(name=name, **defaults)  # type: ignore[arg-type]


def rounds_of(ratios: list[float]) -> Callable[[int], list[Figure]]:
    def one_round(k: int) -> list[Figure]:
        return [figure(ratios[k])]

    return one_round


def test_median_interval_is_the_range_for_few_rounds_and_narrows_with_more() -> None:
    assert median_interval([])[2] == 0.0
    assert median_interval([1.5]) == (1.5, 1.5, 0.0)
    assert median_interval([3.0, 1.0, 2.0]) == (1.0, 3.0, 0.75)
    low, high, coverage = median_interval([5.0, 1.0, 4.0, 2.0, 3.0])
    assert (low, high) == (1.0, 5.0) and coverage == pytest.approx(0.9375)
    low, high, coverage = median_interval([float(x) for x in range(1, 9)])
    assert (low, high) == (2.0, 7.0) and coverage == pytest.approx(1 - 2 * 9 / 256)
    low, high, _ = median_interval([float(x) for x in range(1, 21)])
    assert 1.0 < low < 10.5 < high < 20.0


def test_rounds_agreeing_on_one_side_of_the_goal_stop_at_the_minimum() -> None:
    calls: list[int] = []

    def one_round(k: int) -> list[Figure]:
        calls.append(k)
        return [figure([1.0, 1.2, 1.1, 9.0, 9.0][k])]

    (row,) = run_in_rounds(one_round, POLICY)
    assert calls == [0, 1, 2]
    assert row.round_ratios == [1.0, 1.2, 1.1]
    assert row.rounds == 3 and row.ratio == 1.1
    assert (row.ratio_low, row.ratio_high) == (1.0, 1.2)
    assert row.ratio_spread == pytest.approx(0.1)
    assert row.result == "PASS" and not row.near_goal
    # The median round stands for the row: its ours and floor are the table's.
    assert row.ours["median"] == 1.1


def test_one_slow_round_cannot_turn_a_pass_into_a_miss() -> None:
    (row,) = run_in_rounds(rounds_of([1.2, 6.0, 1.3, 1.25, 1.2]), POLICY)
    assert row.result == "PASS"
    assert row.near_goal  # the slow round puts the goal inside the interval: said, not hidden
    assert row.rounds == 5  # it asked for more rounds, up to the cap


def test_a_row_at_its_goal_runs_to_the_cap_and_is_marked_near() -> None:
    (row,) = run_in_rounds(rounds_of([1.7, 2.3, 1.95, 2.05, 2.2, 1.0]), POLICY)
    assert row.rounds == POLICY.max_rounds
    assert row.ratio == 2.05 and row.result == "MISS" and row.near_goal


def test_a_narrow_interval_stops_even_when_it_holds_the_goal() -> None:
    (row,) = run_in_rounds(rounds_of([1.98, 2.02, 2.01, 9.0]), POLICY)
    assert row.rounds == 3 and row.narrow and row.near_goal and row.result == "MISS"


def test_an_absolute_goal_is_decided_on_the_rounds_median_value() -> None:
    def one_round(k: int) -> list[Figure]:
        value = [0.8, 1.3, 0.9][k]
        return [figure(50.0, max_ratio=None, max_abs=1.0, abs_value=value, abs_unit="ms")]

    (row,) = run_in_rounds(one_round, RoundPolicy(min_rounds=3, max_rounds=3))
    assert row.round_values == [0.8, 1.3, 0.9]
    assert row.result == "PASS" and row.near_goal


def test_a_single_value_runs_once_with_spread_zero() -> None:
    calls: list[int] = []

    def one_round(k: int) -> list[Figure]:
        calls.append(k)
        return [
            figure(1.45, metric="value", unit="bytes", ours={"value": 145}, floor={"value": 100})
        ]

    (row,) = run_in_rounds(one_round, POLICY)
    assert calls == [0] and row.rounds == 1 and row.ratio_spread == 0.0 and row.ratio == 1.45


def test_ratios_a_module_measured_in_rounds_itself_are_not_repeated() -> None:
    calls: list[int] = []

    def one_round(k: int) -> list[Figure]:
        calls.append(k)
        return [figure(1.0, extra={"ratio_by_round": [1.1, 1.0, 1.2]})]

    (row,) = run_in_rounds(one_round, POLICY)
    assert calls == [0] and row.rounds == 3 and row.ratio == 1.1


def test_the_budget_stops_rounds_past_the_minimum_but_never_before_it() -> None:
    now = [0.0]

    def one_round(k: int) -> list[Figure]:
        now[0] += 100.0
        return [figure([1.5, 2.5, 1.9, 2.1, 2.0][k])]

    policy = RoundPolicy(min_rounds=3, max_rounds=5, budget_s=250.0)
    (row,) = run_in_rounds(one_round, policy, clock=lambda: now[0])
    assert row.rounds == 3 and now[0] == 300.0


def test_every_row_of_a_module_must_settle_and_rows_keep_their_order() -> None:
    def one_round(k: int) -> list[Figure]:
        return [
            figure([1.0, 1.0, 1.0, 1.0][k], name="steady"),
            figure([1.0, 3.0, 1.5, 2.5][k], name="noisy"),
            figure(9.0, name="info", informational=True, max_ratio=None),
        ]

    rows = run_in_rounds(one_round, RoundPolicy(min_rounds=3, max_rounds=4))
    assert [r.name for r in rows] == ["steady", "noisy", "info"]
    assert [r.rounds for r in rows] == [4, 4, 4]
    assert rows[2].result == "info" and not rows[2].near_goal


def test_a_failed_later_round_keeps_the_rounds_before_it() -> None:
    def one_round(k: int) -> list[Figure]:
        if k == 2:
            raise RuntimeError("lane died")
        return [figure(1.0 + k)]

    (row,) = run_in_rounds(one_round, POLICY)
    assert row.rounds == 2 and row.round_ratios == [1.0, 2.0]
    assert any("round 3 failed (RuntimeError: lane died)" in n for n in row.notes)


def test_a_failed_first_round_is_the_figure_s_error() -> None:
    def one_round(k: int) -> list[Figure]:
        raise RuntimeError("no store")

    with pytest.raises(RuntimeError, match="no store"):
        run_in_rounds(one_round, POLICY)


def test_combine_of_one_plain_round_is_that_figure() -> None:
    row = figure(1.5)
    assert combine([row]) is row
    assert row.rounds == 1 and row.ratio == 1.5 and row.ratio_spread == 0.0


def test_rounds_a_module_gives_itself_count_towards_the_cap_and_the_budget() -> None:
    calls: list[int] = []
    now = [0.0]

    def one_round(k: int) -> list[Figure]:
        calls.append(k)
        now[0] += 100.0
        return [figure(2.0, extra={"ratio_by_round": [1.5, 2.5, 2.0]})]

    (row,) = run_in_rounds(
        one_round, RoundPolicy(min_rounds=3, max_rounds=5, budget_s=150.0), clock=lambda: now[0]
    )
    assert calls == [0]  # 3 rounds measured; a second run would end past the budget
    (row,) = run_in_rounds(one_round, RoundPolicy(min_rounds=3, max_rounds=5, budget_s=1e6))
    assert len(calls) == 3 and row.rounds == 6  # the cap: at least 5 rounds, in whole runs
    assert row.ratio == 2.0 and row.near_goal


def test_an_absolute_goal_s_own_values_say_when_it_is_narrow() -> None:
    def one_round(k: int) -> list[Figure]:
        value, ratio = [0.98, 1.02, 1.0, 5.0][k], [100.0, 300.0, 200.0, 1.0][k]
        return [figure(ratio, max_ratio=None, max_abs=1.0, abs_value=value, abs_unit="ms")]

    (row,) = run_in_rounds(one_round, POLICY)
    # The ratio (information here) is wide, the goal's value is within ±2%: settled at 3.
    assert row.rounds == 3 and row.narrow and row.near_goal and row.result == "MISS"
