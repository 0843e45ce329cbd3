"""A change to the cart happens everywhere or nowhere: the in-memory cart, the open sale row and
its audit rows.

The database part is one write transaction (:func:`saved`); the memory part is the checkout's
last saved cart, put back whenever an operation fails half-way (:func:`atomic`): an engine
refusal, a locked database, a full disk or a bug. So after every failure the cart on screen, the
cart in memory and the open sale in the database are the same.
"""

from __future__ import annotations

import functools
import logging
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Concatenate, ParamSpec, Protocol, TypeVar

import sqlite_utils

from pos_tui.services.checkout.errors import CheckoutError
from pos_tui.storage.db import write
from pos_tui.storage.errors import fault_of

log = logging.getLogger(__name__)

P = ParamSpec("P")
R = TypeVar("R")


class Restorable(Protocol):
    def _restore(self) -> None: ...


S = TypeVar("S", bound=Restorable)


def atomic(method: Callable[Concatenate[S, P], R]) -> Callable[Concatenate[S, P], R]:
    """Any exception out of ``method`` first puts the cart back as it was last saved."""

    @functools.wraps(method)
    def run(self: S, *args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return method(self, *args, **kwargs)
        except BaseException:
            self._restore()
            raise

    return run


@contextmanager
def saved(db: sqlite_utils.Database, *, failed: str, whole: bool = False) -> Iterator[None]:
    """One write transaction; a database error becomes a refusal the cashier reads. A fault of
    the storage (a lock held past the busy timeout, a full disk, read-only, I/O) says so in
    the lane's words ("disk full: the sale is kept, free space and press Enter") and may be
    retried as it is; any other (a constraint) says ``failed``. The caller restores its cart."""
    try:
        with write(db, whole=whole):
            yield
    except sqlite3.Error as exc:
        fault = fault_of(exc)
        log.warning("%s: %s", failed, fault.detail if fault else exc)
        if fault is not None:
            raise CheckoutError(
                fault.at_sale, code=f"STORAGE_{fault.kind.upper()}", retry=True
            ) from exc
        raise CheckoutError(
            f"{failed}: {exc}. Nothing changed: try again", code="NOT_SAVED"
        ) from exc
