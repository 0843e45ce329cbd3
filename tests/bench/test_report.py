"""The tables the bench writes into README.md and docs/bench.md (bench/report.py): generated
from a results file, never copied by hand. No timing: a fixed results fixture."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench import report

FIXTURE = Path(__file__).parent / "fixtures" / "results-small.json"

EXPECTED = """\
`scripts/bench` of 2026-12-03 18:40 UTC, 312 s (5 min); 2 cores (Example CPU @ 2.0GHz), 8.0 GB, \
Python 3.11.7, SQLite 3.40.1, Textual 8.2.8, load average 3.5 at the start and 6.2 at the end. \
5 rows: 3 pass, 0 miss, 1 not run. Generated from `bench/results.json` by the bench; do not \
edit by hand.

| figure                           | stat        | ours                           | floor   | ratio ± spread | rounds | goal                 | result  |
| -------------------------------- | ----------- | ------------------------------ | ------- | -------------- | ------ | -------------------- | ------- |
| commit one 20-line sale          | median      | 1.30 ms                        | 500 µs  | 2.47x ±0.11    | 5      | median <= 2.5x floor | PASS*   |
| price a 100-line basket          | median      | 3.60 ms (0.36 ms per 10 lines) | 12 µs   | 300x ±10       | 3      | < 1 ms per 10 lines  | PASS    |
| receipt bytes for a 50-line sale | value       | 5,209 B                        | 3,602 B | 1.45x ±0.00    | 1      | <= 2x floor          | PASS    |
| 4 lanes flat out: sales/s        | sales_per_s | 60.0/s                         | 50.0/s  | 1.20x          | 1      | information          | info    |
| lanes against PostgreSQL         | -           | -                              | -       | -              | -      | information          | NOT RUN |

ratio: the median of the rounds' ratios, ± half its interval (distribution-free, docs/bench.md \
"Rounds and spread"); rounds: how many were measured. *: the goal lies inside the interval, \
within this machine's noise of it.
"""


def test_block_from_a_small_results_file() -> None:
    assert report.block(json.loads(FIXTURE.read_text(encoding="utf-8"))) == EXPECTED


def test_blocks_are_replaced_between_markers_and_the_rest_is_kept(tmp_path: Path) -> None:
    doc = tmp_path / "doc.md"
    doc.write_text(
        "# Title\n\nbefore\n<!-- bench:table quick -->\nhand-made table\n<!-- /bench -->\n"
        "between\n<!-- bench:table full -->\nstale\n<!-- /bench -->\nafter\n",
        encoding="utf-8",
    )
    paths = {"quick": FIXTURE, "full": tmp_path / "results-full.json"}
    assert report.write_docs([doc], paths) == [doc]
    text = doc.read_text(encoding="utf-8")
    assert text == (
        "# Title\n\nbefore\n<!-- bench:table quick -->\n"
        + EXPECTED
        + "<!-- /bench -->\nbetween\n<!-- bench:table full -->\n"
        + report.missing_block("full")
        + "<!-- /bench -->\nafter\n"
    )
    assert "No `bench/results-full.json` is committed yet" in text
    # Regenerating again changes nothing.
    assert report.write_docs([doc], paths) == []


def test_an_unknown_table_name_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown bench table 'nightly'"):
        report.render("<!-- bench:table nightly -->\n<!-- /bench -->\n", {"quick": FIXTURE})


@pytest.mark.parametrize("doc", report.DOCS, ids=lambda p: p.name)
def test_docs_tables_are_what_the_committed_results_generate(doc: Path) -> None:
    """A hand edit of a generated table fails here: run `scripts/bench --write-docs`."""
    text = doc.read_text(encoding="utf-8")
    assert "<!-- bench:table quick -->" in text
    assert report.RESULTS["quick"].exists(), "bench/results.json must be committed"
    assert report.render(text) == text, "regenerate with scripts/bench --write-docs"
