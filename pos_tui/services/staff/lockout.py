"""PIN lockout: wrong PINs in a row make an employee, a customer account or a lane wait.

After ``[lockout] max_failures`` wrong PINs in a row the subject is locked for
``first_delay_seconds``; each further wrong PIN (once the wait is over) locks it ``multiplier``
times longer, up to ``max_delay_seconds``. A right PIN forgets the failures; a supervisor may
clear a lockout. The state lives in the database (``pin_lockouts``), so a lockout holds on every
lane process of the store, and time is the backend's clock.

A locked subject is refused before any PIN is checked: no PIN is tried while locked, and the
answer takes no longer for a right PIN than a wrong one. Every wrong PIN, every lockout, every
refusal while locked and every clear writes an audit row, in the same transaction as the
count, and none of them carries the PIN, its hash or the number that was typed.
"""

from __future__ import annotations

import getpass
import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from typing import TYPE_CHECKING

from pos_tui.config import LockoutConfig
from pos_tui.engine.errors import Refused
from pos_tui.services.runtime.backend import Backend
from pos_tui.services.staff.pins import PinError, hash_pin, needs_rehash, verify_pin
from pos_tui.storage.db import write
from pos_tui.storage.lockouts import LockoutRepository

if TYPE_CHECKING:
    from pos_tui.services.staff.auth import Employee


@dataclass(frozen=True)
class Subject:
    """Who is locked: ``kind`` and ``key`` in ``pin_lockouts``; ``entity``/``entity_id`` in
    the audit log."""

    kind: str
    key: str
    entity_id: int | None = None

    @classmethod
    def employee(cls, employee_id: int) -> Subject:
        return cls("employee", str(employee_id), employee_id)

    @classmethod
    def customer(cls, customer_id: int) -> Subject:
        return cls("customer", str(customer_id), customer_id)

    @classmethod
    def lane(cls, lane_id: str) -> Subject:
        """Unknown employee numbers typed at a lane (the number may be a PIN: never kept)."""
        return cls("lane", lane_id)

    @property
    def entity(self) -> str:
        return self.kind

    @property
    def locked_words(self) -> str:
        what = "Account PIN locked" if self.kind == "customer" else "Locked"
        return f"{what} after too many wrong PINs"


@dataclass(frozen=True)
class Lock:
    subject: Subject
    until: datetime
    failures: int

    def seconds_left(self, now: datetime) -> int:
        return max(0, math.ceil((self.until - now).total_seconds()))


class PinLocked(Refused, ValueError):
    """Refused: the subject is locked. ``str()`` tells the wait, for whoever reads it."""

    def __init__(self, lock: Lock, now: datetime) -> None:
        self.lock = lock
        self.seconds = lock.seconds_left(now)
        super().__init__(locked_text(lock, self.seconds))


def locked_text(lock: Lock, seconds: int) -> str:
    return f"{lock.subject.locked_words}: try again in {wait_text(seconds)}"


def wait_text(seconds: int) -> str:
    """28 s, 4 min 10 s, 1 h 5 min: the wait as a cashier reads it."""
    if seconds < 60:
        return f"{seconds} s"
    if seconds < 3600:
        minutes, rest = divmod(seconds, 60)
        return f"{minutes} min {rest} s" if rest else f"{minutes} min"
    hours, rest = divmod(seconds, 3600)
    return f"{hours} h {rest // 60} min" if rest // 60 else f"{hours} h"


def delay_after(failures: int, policy: LockoutConfig) -> int:
    """Seconds to wait after ``failures`` wrong PINs in a row (0: none)."""
    if failures < policy.max_failures:
        return 0
    delay, cap = policy.first_delay_seconds, policy.max_delay_seconds
    for _ in range(failures - policy.max_failures):
        if delay >= cap or policy.multiplier == 1:
            break
        delay *= policy.multiplier
    return min(delay, cap)


@cache
def _decoy_hash() -> str:
    """A hash no PIN is checked against for real: an unknown employee number costs the same
    scrypt as a known one, so the time taken does not tell which numbers exist."""
    return hash_pin("00000000")


def decoy_check(pin: str) -> None:
    verify_pin(pin or "0000", _decoy_hash())


def command_line_note() -> str:
    """Who cleared a lockout from the command line, for the audit row."""
    try:
        user = getpass.getuser()
    except (KeyError, OSError):
        user = "unknown user"
    return f"command line ({user})"


def check_customer_pin(
    backend: Backend,
    customer_id: int,
    pin: str,
    stored_hash: str | None,
    *,
    where: str,
    employee_id: int | None = None,
) -> bool:
    """A customer's account PIN, with the lockout: raises :class:`PinLocked` while locked
    (before checking) and when this wrong PIN locks the account."""
    lockout = PinLockout(backend)
    subject = Subject.customer(customer_id)
    if lockout.check(subject, pin, stored_hash, where=where, employee_id=employee_id):
        return True
    lock = lockout.current(subject)
    if lock is not None:
        raise PinLocked(lock, backend.now())
    return False


@dataclass(frozen=True)
class PinState:
    """What the back office shows of an account PIN: wrong PINs in a row, the wait left."""

    failures: int
    seconds_left: int

    def describe(self) -> str:
        if self.seconds_left:
            return f"PIN locked, {wait_text(self.seconds_left)} left"
        if self.failures:
            return f"{self.failures} wrong PIN{'s' if self.failures != 1 else ''} in a row"
        return ""


def customer_pin_state(backend: Backend, customer_id: int) -> PinState:
    lockout = PinLockout(backend)
    subject = Subject.customer(customer_id)
    lock = lockout.current(subject)
    return PinState(lockout.failures(subject), lock.seconds_left(backend.now()) if lock else 0)


def clear_customer_lock(
    backend: Backend, customer_id: int, *, by: Employee | None, note: str = ""
) -> bool:
    """A supervisor (back office) or the command line (``note`` says who) clears a customer's
    PIN lockout; audited. False: nothing to clear."""
    if by is not None and not by.at_least("supervisor"):
        raise Refused(f"{by.name} is a {by.role}: a supervisor must clear a PIN lockout")
    return PinLockout(backend).clear(Subject.customer(customer_id), by=by, note=note)


class PinLockout:
    def __init__(self, backend: Backend) -> None:
        self.b = backend
        self.repo = LockoutRepository(backend.db)
        self.policy = backend.settings.lockout

    # -- reading ---------------------------------------------------------------------------
    def current(self, subject: Subject) -> Lock | None:
        """The subject's lockout if it is locked now."""
        row = self.repo.get(subject.kind, subject.key)
        if row is None or not row.locked_until:
            return None
        until = datetime.fromisoformat(row.locked_until)
        if until <= self.b.now():
            return None
        return Lock(subject, until, row.failures)

    def failures(self, subject: Subject) -> int:
        row = self.repo.get(subject.kind, subject.key)
        return row.failures if row else 0

    # -- checking --------------------------------------------------------------------------
    def refuse_if_locked(
        self, subject: Subject, *, where: str, employee_id: int | None = None
    ) -> None:
        """Raise :class:`PinLocked` (and audit the try) when the subject is locked."""
        lock = self.current(subject)
        if lock is None:
            return
        now = self.b.now()
        self._audit(
            subject,
            "pin_refused_locked",
            {"where": where, "seconds_left": lock.seconds_left(now)},
            employee_id,
        )
        raise PinLocked(lock, now)

    def check(
        self,
        subject: Subject,
        pin: str,
        stored_hash: str | None,
        *,
        where: str,
        employee_id: int | None = None,
        failed_action: str = "pin_failed",
    ) -> bool:
        """Refuse if locked; else check the PIN: a right one forgets the failures, a wrong one
        counts (and may lock: the caller reads :meth:`current`)."""
        self.refuse_if_locked(subject, where=where, employee_id=employee_id)
        if verify_pin(pin, stored_hash):
            self.succeeded(subject)
            if stored_hash and needs_rehash(stored_hash):
                self._rehash(subject, pin, stored_hash)
            return True
        self.failed(subject, where=where, employee_id=employee_id, action=failed_action)
        return False

    def _rehash(self, subject: Subject, pin: str, stored_hash: str) -> None:
        """A right PIN whose hash has older parameters (pins.py) is stored again at today's
        cost, once; a PIN that today's rules would refuse keeps its hash until it is changed."""
        if subject.entity_id is None:
            return
        try:
            new_hash = hash_pin(pin)
        except PinError:
            return
        self.repo.replace_pin_hash(subject.kind, subject.entity_id, stored_hash, new_hash)

    def failed(
        self,
        subject: Subject,
        *,
        where: str,
        employee_id: int | None = None,
        action: str = "pin_failed",
        reason: str = "wrong PIN",
    ) -> Lock | None:
        """Count a wrong PIN (audited); the lockout it starts, if any."""
        now = self.b.now()
        at = now.isoformat(timespec="seconds")
        with write(self.b.db):
            failures = self.repo.add_failure(subject.kind, subject.key, at=at)
            changes: dict[str, object] = {"where": where, "reason": reason, "failures": failures}
            self._audit(subject, action, changes, employee_id)
            delay = delay_after(failures, self.policy)
            if not delay:
                return None
            until = now + timedelta(seconds=delay)
            self.repo.lock_until(subject.kind, subject.key, until.isoformat(timespec="seconds"))
            self._audit(
                subject,
                "pin_locked",
                {
                    "where": where,
                    "failures": failures,
                    "seconds": delay,
                    "until": until.isoformat(timespec="seconds"),
                },
                employee_id,
            )
        return Lock(subject, until, failures)

    def succeeded(self, subject: Subject) -> None:
        if self.repo.get(subject.kind, subject.key) is not None:
            self.repo.clear(subject.kind, subject.key)

    # -- clearing --------------------------------------------------------------------------
    def clear(self, subject: Subject, *, by: Employee | None, note: str = "") -> bool:
        """A supervisor (or the command line, ``note`` says who) forgets the failures; audited.
        False: there was nothing to clear."""
        with write(self.b.db):
            row = self.repo.get(subject.kind, subject.key)
            if row is None:
                return False
            self.repo.clear(subject.kind, subject.key)
            changes: dict[str, object] = {
                "failures": row.failures,
                "was_locked_until": row.locked_until or "",
                "by": by.name if by is not None else note,
            }
            self._audit(subject, "pin_lock_cleared", changes, by.id if by is not None else None)
        return True

    def _audit(
        self, subject: Subject, action: str, changes: dict[str, object], employee_id: int | None
    ) -> None:
        self.b.store.audit(
            at=self.b.timestamp(),
            entity=subject.entity,
            entity_id=subject.entity_id,
            action=action,
            changes=changes,
            employee_id=employee_id,
            lane_id=self.b.settings.lane.id,
        )
