"""Every hostile-input surface fuzzed briefly (tests/fuzz_targets.py; a reliability run calls
``fuzz_targets.run`` with many more examples)."""

from __future__ import annotations

import pytest

from tests.fuzz_targets import TARGETS, run

# Enough to hit every field kind and the known bad words each run; derandomized, so a run
# is the same every time.
EXAMPLES = {"customer_field": 300, "csv_import": 60, "search": 100}


@pytest.mark.parametrize("name", sorted(TARGETS))
def test_fuzz_target_keeps_its_promise(name: str) -> None:
    run(name, max_examples=EXAMPLES.get(name, 200))
