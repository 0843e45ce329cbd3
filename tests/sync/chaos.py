"""Lanes and agents as real processes for the fault tests.

``python -m tests.sync.chaos sell SETTINGS_JSON SEED [COUNT]``: a lane selling (random items,
customers, points redeemed, account charges, enrolments and edits) until killed or COUNT sales.

``python -m tests.sync.chaos forker SETTINGS_JSON``: a process that has imported everything
once and forks a lane (``sell SEED``) or an agent (``agent``) child per command on stdin,
printing the child's pid; ``kill PID`` SIGKILLs and reaps it, printing ``dead``. Forking a
warm process makes hundreds of kill -9 at random points cheap.
"""

from __future__ import annotations

import contextlib
import json
import os
import random
import signal
import sys
import time
from decimal import Decimal
from typing import Any

from pos_tui.config import Settings, load_settings
from pos_tui.services.checkout.errors import CheckoutError
from pos_tui.services.checkout.sale import Checkout
from pos_tui.services.customers.fields import FieldError
from pos_tui.services.customers.service import CustomerService
from pos_tui.services.runtime.backend import open_backend
from pos_tui.services.staff.auth import AuthService, Employee
from pos_tui.services.sync.agent import SyncAgent
from tests.helpers import ready_to_sell

SKUS = ("APPLE", "BAG")


def settings_from(text: str) -> Settings:
    return load_settings(**json.loads(text))


def sell(settings: Settings, seed: int, count: int | None, employee: Employee | None = None) -> int:
    """Sell until ``count`` sales (or forever); returns the sales committed."""
    rng = random.Random(seed)
    backend = open_backend(settings)
    try:
        ready_to_sell(backend)  # no sale without the lane's shift open (once per lane)
        cashier = employee or AuthService(backend).sign_in("101", "1234")
        svc = CustomerService(backend)
        done = 0
        while count is None or done < count:
            ids = [r[0] for r in backend.db.execute("SELECT id FROM customers WHERE active = 1")]
            roll = rng.random()
            if roll < 0.05:
                n = rng.randrange(10**6)
                # A mobile already taken is refused, as at a real lane.
                with contextlib.suppress(FieldError):
                    svc.create({"first_name": f"New{n}", "mobile": f"97{n:08d}"})
                continue
            if roll < 0.10 and ids:
                with contextlib.suppress(FieldError):
                    svc.update(rng.choice(ids), {"remarks": f"note {rng.randrange(1000)}"})
                continue
            co = Checkout(backend, cashier)
            customer = rng.choice(ids) if ids and rng.random() < 0.8 else None
            try:
                if customer is not None:
                    co.attach_customer(customer)
                co.add_item(rng.choice(SKUS), str(rng.randint(1, 3)))
                if customer is not None and rng.random() < 0.2:
                    balance = backend.customers.loyalty_balance(customer)
                    if balance >= 4:
                        co.add_points(str(min(int(balance) // 4 * 2, 4)))
                if customer is not None and rng.random() < 0.1:
                    row = backend.customers.get(customer)
                    if row and row.allow_charge and row.ar_enabled:
                        co.add_account("5", pin="4321", reference=f"PO{rng.randrange(999)}")
                remaining = co.remaining()
                if remaining > 0:
                    co.add_cash(str(remaining + Decimal(rng.choice((0, 0, 5)))))
                co.commit()
                done += 1
            except CheckoutError:
                co.cancel()
        return done
    finally:
        backend.close()


def agent_loop(settings: Settings, seed: int = 0) -> None:
    agent = SyncAgent(settings)
    # A slow disk after PostgreSQL's commit: widens the worst moment to die in, so random
    # kills land there often (the fault test counts them).
    rng = random.Random(seed)
    mark_sent = agent.outbox.mark_sent

    def slow_mark_sent(up_to: int, at: str) -> int:
        time.sleep(rng.uniform(0, 0.02))
        return mark_sent(up_to, at)

    agent.outbox.mark_sent = slow_mark_sent  # type: ignore[method-assign]
    while True:
        try:
            agent.cycle()
        except Exception as exc:  # head office down: try again, as the worker does
            print(f"agent: {exc}", file=sys.stderr)


def forker(settings: Settings) -> None:
    # Everything an agent needs is imported before forking, so a child's time goes to syncing.
    import psycopg  # noqa: F401
    import psycopg_pool  # noqa: F401

    from pos_tui.storage import sync_apply, sync_events  # noqa: F401
    from pos_tui.storage.hq import lane_io  # noqa: F401

    backend = open_backend(settings)
    cashier = AuthService(backend).sign_in("101", "1234")
    backend.close()
    for line in sys.stdin:
        words = line.split()
        if not words:
            continue
        if words[0] == "kill":
            pid = int(words[1])
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
            status = os.waitpid(pid, 0)[1]
            print(f"dead {status}", flush=True)
            continue
        pid = os.fork()
        if pid == 0:
            try:
                if words[0] == "agent":
                    agent_loop(settings, int(words[1]) if len(words) > 1 else 0)
                else:
                    sell(settings, int(words[1]), None, cashier)
            finally:
                os._exit(0)
        print(pid, flush=True)


def main(argv: list[str]) -> None:
    role, config = argv[0], settings_from(argv[1])
    if role == "sell":
        count = int(argv[3]) if len(argv) > 3 else None
        print(sell(config, int(argv[2]), count), flush=True)
    elif role == "forker":
        forker(config)
    else:
        raise SystemExit(f"unknown role {role}")


def config_json(settings: Settings, **extra: Any) -> str:
    data = settings.model_dump()
    for key, value in extra.items():
        data.setdefault(key, {}).update(value)
    return json.dumps(data, default=str)


if __name__ == "__main__":
    main(sys.argv[1:])
