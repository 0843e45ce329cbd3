"""Erasure reaches head office and every store: a customer enrolled and synced, edited at two
stores (one edit at head office but not marked sent, one queued, one made offline at a store
that has not heard of the erasure), then erased. No personal value is left at head office
(customer, history, audit, flags, events), in the erasing lane's outbox, or at the other
store; the sales, ledgers and balances stay, and the retry of a blanked event is not taken
for a diverged database."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from pos_tui.services.checkout.sale import Checkout
from pos_tui.services.customers.erasure import ErasureService
from pos_tui.services.customers.service import CustomerService
from pos_tui.storage.sync_outbox import OutboxRepository
from tests.catalog import build_store
from tests.services.test_erasure import ADDRESS, CONTACT, SECRETS
from tests.sync.headoffice import HeadOffice, Lane

PHONE = "0416-2223334"
TRIED = "tried.before@example.org"  # at head office, the lane killed before marking it sent
QUEUED = "https://queued.example.org"  # queued at the erasing lane, never tried
LATE = "9877766554"  # made at the other store before the erasure reached it
LATE_REMARK = "Asked for the blue one"


def _hq_text(hq: HeadOffice) -> str:
    """Every row of every table of head office, as text."""
    tables = [
        t
        for (t,) in hq.all(
            "SELECT table_name FROM information_schema.tables "
            "WHERE table_schema = 'hq' AND table_type = 'BASE TABLE'"
        )
    ]
    return "\n".join(
        str(hq.one(f"SELECT coalesce(string_agg(t::text, ' '), '') FROM hq.{t} t")) for t in tables
    ).lower()


def _lane_text(lane: Lane, tables: tuple[str, ...] | None = None) -> str:
    db = lane.backend.db
    if tables is None:
        return "\n".join(db.conn.iterdump()).lower()
    return "\n".join(
        str(row) for t in tables for row in db.execute(f"SELECT * FROM {t}").fetchall()
    ).lower()


def _raise(exc: type[BaseException]) -> Callable[..., Any]:
    def boom(*_: Any, **__: Any) -> Any:
        raise exc

    return boom


def test_an_erasure_blanks_head_office_the_outbox_and_the_other_store(
    make_lane: Callable[..., Lane], hq: HeadOffice, monkeypatch: pytest.MonkeyPatch
) -> None:
    a = make_lane("A1", store_id="SA")
    b = make_lane("B1", store_id="SB")
    store = build_store(a.backend)
    customers = CustomerService(a.backend)
    cid = customers.create(
        {**SECRETS, "card_type_id": store.silver}, addresses=[ADDRESS], contacts=[CONTACT]
    )
    customers.update(cid, {"phone": PHONE})
    co = Checkout(a.backend, store.cashier)
    co.attach_customer(cid)
    co.add_item("APPLE")
    co.add_cash(str(co.remaining()))
    co.commit()
    a.sync()
    b.sync()
    points = a.backend.customers.loyalty_balance(cid)
    row_b = b.backend.customers.by_card(SECRETS["card_number"])
    assert row_b is not None and row_b.last_name == SECRETS["last_name"]
    cid_b = int(row_b.id)
    before = _hq_text(hq)
    assert SECRETS["last_name"].lower() in before and PHONE in before  # the test can see them

    # Offline at B: an edit B will push after the erasure reached head office.
    CustomerService(b.backend).update(cid_b, {"mobile": LATE, "remarks": LATE_REMARK})
    # At A: an edit head office committed while the lane died before marking it sent ...
    customers.update(cid, {"email": TRIED})
    agent = a.agent()
    monkeypatch.setattr(agent.outbox, "mark_sent", _raise(KeyboardInterrupt))
    with pytest.raises(KeyboardInterrupt):
        agent.cycle()
    agent.close()
    assert TRIED in _hq_text(hq)
    # ... and one queued, never tried.
    customers.update(cid, {"website": QUEUED})

    account = str(a.backend.customers.get(cid).account_number)  # type: ignore[union-attr]
    done = ErasureService(a.backend).erase(account, approver=store.supervisor, via="test")
    assert done.audit_rows >= 2
    secrets = [
        *(v.lower() for v in SECRETS.values()),
        ADDRESS["line_1"].lower(),
        CONTACT["name"].lower(),
        CONTACT["mobile"],
        PHONE,
        TRIED,
        QUEUED,
    ]
    outbox = _lane_text(a, ("sync_outbox",))
    assert [s for s in secrets if s in outbox] == [], "the erasing lane's outbox keeps them"
    assert OutboxRepository(a.backend.db).pending_count() > 0

    a.sync()  # the blanked retry is accepted, the erasure applied
    assert OutboxRepository(a.backend.db).get_state("stopped") is None
    b.sync()  # B's late edit arrives after the erasure; B hears of it
    a.sync()
    late = [*secrets, LATE, LATE_REMARK.lower()]
    text = _hq_text(hq)
    assert [s for s in late if s in text] == [], "head office keeps personal values"
    assert hq.one("SELECT erasure->>'erased_at' FROM hq.customers WHERE gid = %s", f"A1:{cid}")
    assert hq.one("SELECT count(*) FROM hq.events WHERE digest = 'erased'") > 0
    # The books stay: the sale, the ledgers, the balance.
    assert hq.one("SELECT count(*) FROM hq.sales WHERE customer_gid = %s", f"A1:{cid}") == 1
    assert hq.one("SELECT points FROM hq.balances WHERE gid = %s", f"A1:{cid}") == points

    # The other store erased them too, its own outbox and audit rows included.
    assert b.backend.db.execute(
        "SELECT via FROM customer_erasures WHERE customer_id = ?", [cid_b]
    ).fetchone() == ("head office",)
    lane_b = _lane_text(b)
    assert [s for s in late if s in lane_b] == [], "the other store keeps personal values"
    assert b.backend.customers.loyalty_balance(cid_b) == points
    for lane in (a, b):
        assert OutboxRepository(lane.backend.db).pending_count() == 0
        assert lane.backend.journal.verify()[1] is None
