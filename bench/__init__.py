"""``scripts/bench``: each figure of pos-tui measured beside its floor in the same run.

See ``docs/bench.md`` for the method, the floors and the goals.
"""
