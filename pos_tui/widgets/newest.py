"""Search as you type without a fixed delay: only the newest query's answer reaches the screen.

Every key starts its query at once (no debounce). The screens run each query in an exclusive
worker, so a newer key cancels the older worker: a query still queued for the database thread
is dropped before it runs (``asyncio.wrap_future`` cancels the queued future), one already
running finishes there and its worker is gone. This counter is the second half: each query
takes a generation when it starts and may show its answer only while it is still the newest,
so an older answer arriving late (a worker that was not cancelled in time, a path outside the
exclusive group) is dropped and never replaces a newer one.
"""

from __future__ import annotations


class Newest:
    """A generation counter: ``start()`` for each query, ``is_newest(gen)`` before showing."""

    def __init__(self) -> None:
        self._generation = 0

    def start(self) -> int:
        """A new query begins; every older one is now stale."""
        self._generation += 1
        return self._generation

    def is_newest(self, generation: int) -> bool:
        return generation == self._generation
