"""PIN lockout on a real database: employees (sign-in and supervisor PIN), unknown numbers at a
lane, customer account PINs; shared by every lane on the file, audited without the PIN."""

from __future__ import annotations

import json
import math
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pos_tui.config import LockoutConfig, load_settings
from pos_tui.services.checkout.sale import Checkout, CheckoutError
from pos_tui.services.customers.service import CustomerService
from pos_tui.services.runtime.backend import Backend, open_backend
from pos_tui.services.staff import lockout as lockout_module
from pos_tui.services.staff.auth import AuthError, AuthLocked, AuthService
from pos_tui.services.staff.lockout import (
    PinLocked,
    PinLockout,
    Subject,
    delay_after,
    wait_text,
)
from pos_tui.services.staff.pins import hash_pin, needs_rehash, verify_pin
from pos_tui.storage.db import connect
from tests.catalog import Store, build_store
from tests.conftest import FIXED_NOW, Clock


@pytest.fixture
def store(backend: Backend) -> Store:
    return build_store(backend)


@pytest.fixture
def checks(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every PIN the lockout lets through to the scrypt check."""
    seen: list[str] = []
    real = lockout_module.verify_pin

    def counting(pin: str, stored: str | None) -> bool:
        seen.append(pin)
        return real(pin, stored)

    monkeypatch.setattr(lockout_module, "verify_pin", counting)
    return seen


def audit(backend: Backend, *, entity: str | None = None) -> list[dict[str, object]]:
    sql = "SELECT entity, entity_id, action, changes, employee_id, lane_id FROM audit_log"
    params: list[object] = []
    if entity is not None:
        sql += " WHERE entity = ?"
        params.append(entity)
    cur = backend.db.execute(sql + " ORDER BY id", params)
    names = [d[0] for d in cur.description]
    return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]


def written(backend: Backend) -> str:
    """What the audit and the lockout tables hold (the rest of a dump has random digits:
    the migrations' timestamps)."""
    rows = backend.db.execute("SELECT * FROM audit_log").fetchall()
    rows += backend.db.execute("SELECT * FROM pin_lockouts").fetchall()
    return str(rows)


def actions(backend: Backend, entity: str) -> list[str]:
    return [str(row["action"]) for row in audit(backend, entity=entity)]


def test_the_wait_starts_after_five_and_doubles_to_the_cap() -> None:
    policy = LockoutConfig()
    waits = [delay_after(n, policy) for n in range(1, 14)]
    assert waits == [0, 0, 0, 0, 30, 60, 120, 240, 480, 960, 1920, 3600, 3600]
    flat = LockoutConfig(max_failures=3, first_delay_seconds=10, multiplier=1)
    assert [delay_after(n, flat) for n in (2, 3, 9)] == [0, 10, 10]
    assert [wait_text(s) for s in (28, 60, 250, 3600, 3900)] == [
        "28 s",
        "1 min",
        "4 min 10 s",
        "1 h",
        "1 h 5 min",
    ]


def test_config_sets_the_policy(tmp_path: Path) -> None:
    s = load_settings(lockout={"max_failures": "3", "first_delay_seconds": 10})
    assert (s.lockout.max_failures, s.lockout.first_delay_seconds, s.lockout.multiplier) == (
        3,
        10,
        2,
    )
    bad = tmp_path / "bad.toml"
    bad.write_text("[lockout]\nmax_failures = 0\n")
    with pytest.raises(Exception, match=r"lockout\.max_failures"):
        load_settings(bad)


def test_an_employee_is_locked_out_with_a_growing_wait(
    backend: Backend, store: Store, clock: Clock, checks: list[str]
) -> None:
    auth = AuthService(backend)
    for _ in range(4):
        with pytest.raises(AuthError) as wrong:
            auth.sign_in("101", "9999")
        assert not isinstance(wrong.value, AuthLocked)
        assert str(wrong.value) == "Unknown employee number or wrong PIN"
    with pytest.raises(AuthLocked) as locked:
        auth.sign_in("101", "9999")
    assert locked.value.seconds == 30
    assert str(locked.value) == "Locked after too many wrong PINs: try again in 30 s"

    # Locked: even the right PIN is refused, and no PIN is checked at all.
    checks.clear()
    clock.current += timedelta(seconds=2)
    with pytest.raises(AuthLocked, match="try again in 28 s"):
        auth.sign_in("101", "1234")
    with pytest.raises(AuthLocked):  # the supervisor PIN path is the same lock
        auth.authorize("101", "1234", role="cashier", reason="test")
    assert checks == []

    # After the wait each wrong PIN locks again, twice as long.
    clock.current += timedelta(seconds=28)
    with pytest.raises(AuthLocked) as again:
        auth.sign_in("101", "9999")
    assert again.value.seconds == 60
    clock.current += timedelta(seconds=60)
    assert auth.sign_in("101", "1234").number == "101"
    with pytest.raises(AuthError) as fresh:  # a right PIN forgot the failures
        auth.sign_in("101", "9999")
    assert not isinstance(fresh.value, AuthLocked)

    trail = actions(backend, "employee")
    assert trail.count("sign_in_failed") == 7
    assert trail.count("pin_locked") == 2
    assert trail.count("pin_refused_locked") == 2
    locks = [
        json.loads(str(r["changes"]))
        for r in audit(backend, entity="employee")
        if r["action"] == "pin_locked"
    ]
    assert [(c["seconds"], c["failures"], c["where"]) for c in locks] == [
        (30, 5, "sign_in"),
        (60, 6, "sign_in"),
    ]
    for row in audit(backend):
        assert "9999" not in str(row["changes"]) and "1234" not in str(row["changes"])
        assert "scrypt" not in str(row["changes"])


def test_the_lockout_holds_on_every_lane_of_the_database(
    backend: Backend, store: Store, db_path: Path, clock: Clock
) -> None:
    other = open_backend(
        load_settings(database={"path": str(db_path)}, lane={"id": "L2"}), now=clock
    )
    try:
        for _ in range(5):
            with pytest.raises(AuthError):
                AuthService(backend).authorize("201", "0000", role="supervisor", reason="x")
        with pytest.raises(AuthLocked, match="30 s"):
            AuthService(other).sign_in("201", "2345")
        lanes = {r["lane_id"] for r in audit(other, entity="employee")}
        assert lanes == {"L1", "L2"}
    finally:
        other.close()


def test_unknown_numbers_lock_the_lane_and_are_never_written(
    backend: Backend, store: Store, clock: Clock
) -> None:
    auth = AuthService(backend)
    typed = "738291"  # a PIN typed into the employee number field
    for _ in range(4):
        with pytest.raises(AuthError, match="Unknown employee number or wrong PIN"):
            auth.sign_in(typed, typed)
    with pytest.raises(AuthLocked) as locked:
        auth.sign_in(typed, "5555")
    assert locked.value.lock.subject == Subject.lane("L1")
    # While the lane is locked a wrong PIN of a real employee reads the same: no telling
    # which numbers exist. A right PIN still signs in (and forgets the lane's failures).
    with pytest.raises(AuthLocked, match="Locked after too many wrong PINs"):
        auth.sign_in("101", "0000")
    with pytest.raises(AuthLocked):
        auth.sign_in("4711", "0000")
    assert auth.sign_in("101", "1234").name == "Cass Cashier"
    with pytest.raises(AuthError) as fresh:
        auth.sign_in("4711", "0000")
    assert not isinstance(fresh.value, AuthLocked)
    rows = audit(backend, entity="lane")
    assert [r["action"] for r in rows[:6]] == [
        *["sign_in_failed"] * 5,
        "pin_locked",
    ]
    assert json.loads(str(rows[0]["changes"]))["reason"] == "unknown employee"
    assert all(r["entity_id"] is None for r in rows)
    dump = written(backend)
    assert typed not in dump and "4711" not in dump and "5555" not in dump


def test_a_supervisor_clears_an_employee_lockout_audited(
    backend: Backend, store: Store, clock: Clock
) -> None:
    auth = AuthService(backend)
    for _ in range(5):
        with pytest.raises(AuthError):
            auth.sign_in("101", "9999")
    with pytest.raises(AuthLocked) as locked:
        auth.sign_in("101", "1234")
    with pytest.raises(AuthError, match="a supervisor must clear it"):
        auth.clear_lock(locked.value.lock, store.cashier)
    assert auth.clear_lock(locked.value.lock, store.supervisor)
    assert auth.sign_in("101", "1234").number == "101"
    cleared = [r for r in audit(backend, entity="employee") if r["action"] == "pin_lock_cleared"]
    assert len(cleared) == 1 and cleared[0]["employee_id"] == store.supervisor.id
    assert json.loads(str(cleared[0]["changes"]))["by"] == "Sue Supervisor"
    # From the command line (pos-tui employees unlock): who ran it is the note.
    for _ in range(5):
        with pytest.raises(AuthError):
            auth.sign_in("101", "9999")
    assert auth.unlock_employee("101", note="command line (root)")
    assert not auth.unlock_employee("101", note="command line (root)"), "nothing left"
    with pytest.raises(AuthError, match="No employee number 999"):
        auth.unlock_employee("999", note="x")


def test_a_customer_account_pin_locks_and_every_failure_is_audited(
    backend: Backend, store: Store, clock: Clock, checks: list[str]
) -> None:
    co = Checkout(backend, store.cashier)
    co.attach_customer(store.corp)
    co.add_item("APPLE")
    for _ in range(4):
        with pytest.raises(CheckoutError, match="Wrong customer PIN"):
            co.add_account("105", pin="864297", reference="PO-1")
    with pytest.raises(CheckoutError) as locked:
        co.add_account("105", pin="864297", reference="PO-1")
    assert locked.value.code == "CHARGE_PIN_LOCKED"
    assert locked.value.message == (
        "Account PIN locked after too many wrong PINs: try again in 30 s, "
        "or a supervisor clears it in the back office"
    )
    checks.clear()
    clock.current += timedelta(seconds=10)
    with pytest.raises(CheckoutError, match="try again in 20 s"):
        co.add_account("105", pin="4321", reference="PO-1")
    with pytest.raises(PinLocked):  # every other place that checks the account PIN
        CustomerService(backend).check_pin(store.corp, "4321")
    assert checks == [], "no PIN is checked while the account is locked"
    rows = audit(backend, entity="customer")
    failures = [r for r in rows if r["action"] == "pin_failed"]
    assert len(failures) == 5
    assert {r["entity_id"] for r in failures} == {store.corp}
    assert {r["employee_id"] for r in failures} == {store.cashier.id}
    assert [r["action"] for r in rows].count("pin_locked") == 1
    assert [r["action"] for r in rows].count("pin_refused_locked") == 2
    dump = written(backend)
    assert "864297" not in dump
    assert all("4321" not in str(r["changes"]) for r in rows if str(r["action"]).startswith("pin"))

    # A supervisor clears it (the back office's account screen calls this), audited.
    assert PinLockout(backend).clear(Subject.customer(store.corp), by=store.supervisor)
    co.add_account("105", pin="4321", reference="PO-1")
    assert co.commit().sale.total == Decimal("105.00")
    assert "pin_lock_cleared" in actions(backend, "customer")


def _old_hash(pin: str) -> str:
    """A hash of the parameters PINs were stored with before (scrypt n=2**14)."""
    import base64
    import hashlib

    salt = b"0123456789abcdef"
    digest = hashlib.scrypt(pin.encode(), salt=salt, n=2**14, r=8, p=1, dklen=32)
    b64 = base64.b64encode
    return f"scrypt$16384$8$1${b64(salt).decode()}${b64(digest).decode()}"


def test_an_older_pin_hash_verifies_and_is_stored_again_at_todays_cost(
    backend: Backend, store: Store
) -> None:
    """n=2**14 hashes (before the cost was lowered for the 100 ms Enter) still verify; a right
    PIN replaces them by a hash of today's parameters, a wrong one leaves them."""
    old_customer, old_employee = _old_hash("4321"), _old_hash("1234")
    backend.customers.update(store.corp, {"pin_hash": old_customer})
    backend.db.table("employees").update(store.cashier.id, {"pin_hash": old_employee})

    def stored(table: str, row_id: int) -> str:
        sql = f"SELECT pin_hash FROM {table} WHERE id = ?"
        return str(backend.db.execute(sql, [row_id]).fetchone()[0])

    assert needs_rehash(old_customer) and not needs_rehash(hash_pin("4321"))
    co = Checkout(backend, store.cashier)
    co.attach_customer(store.corp)
    co.add_item("APPLE")
    with pytest.raises(CheckoutError, match="Wrong customer PIN"):
        co.add_account("105", pin="864297", reference="PO-1")
    assert stored("customers", store.corp) == old_customer, "a wrong PIN changes nothing"
    co.add_account("105", pin="4321", reference="PO-1")
    new_customer = stored("customers", store.corp)
    assert new_customer != old_customer and not needs_rehash(new_customer)
    assert verify_pin("4321", new_customer) and not verify_pin("4322", new_customer)
    assert new_customer not in written(backend), "the new hash is written nowhere else"

    AuthService(backend).sign_in("101", "1234")
    new_employee = stored("employees", store.cashier.id)
    assert not needs_rehash(new_employee) and verify_pin("1234", new_employee)
    AuthService(backend).sign_in("101", "1234")  # today's hash: kept as it is
    assert stored("employees", store.cashier.id) == new_employee


# -- the rule as an invariant -------------------------------------------------------------------

RIGHT, WRONG = "24680135", "13579024"
ATTEMPTS = st.lists(
    st.tuples(st.booleans(), st.integers(min_value=0, max_value=200)), min_size=1, max_size=25
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(attempts=ATTEMPTS)
def test_no_pin_is_checked_while_locked_and_waits_follow_the_policy(
    attempts: list[tuple[bool, int]], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Any run of right and wrong PINs, seconds apart: a PIN is checked exactly when the
    subject is not locked; each lockout lasts what the policy says; the audit never holds a
    PIN. (The scrypt check is replaced by a comparison: the rule is the lockout's.)"""
    checked: list[str] = []

    def fast(pin: str, stored: str | None) -> bool:
        checked.append(pin)
        return pin == stored

    monkeypatch.setattr(lockout_module, "verify_pin", fast)
    clock = Clock(FIXED_NOW)
    settings_ = load_settings(database={"path": ":memory:"})
    backend = Backend(db=connect(":memory:"), settings=settings_, now=clock)
    lockout = PinLockout(backend)
    subject = Subject.customer(7)
    policy = settings_.lockout
    failures, until = 0, None
    try:
        for right, pause in attempts:
            clock.current += timedelta(seconds=pause)
            pin = RIGHT if right else WRONG
            before = len(checked)
            try:
                ok = lockout.check(subject, pin, RIGHT, where="test")
            except PinLocked as exc:
                assert until is not None and clock.current < until
                assert exc.seconds == math.ceil((until - clock.current).total_seconds())
                assert len(checked) == before
                continue
            assert until is None or clock.current >= until
            assert checked[before:] == [pin] and ok is right
            if right:
                failures, until = 0, None
            else:
                failures += 1
                wait = delay_after(failures, policy)
                until = clock.current + timedelta(seconds=wait) if wait else until
                lock = lockout.current(subject)
                assert (lock.until if lock else None) == (until if wait else None)
        stored = written(backend)
        assert RIGHT not in stored and WRONG not in stored
    finally:
        backend.close()
