"""The checks after every fault test: zero duplicates, zero lost events, every balance at head
office equal to the sum of its ledger and to what every lane shows, every journal intact and
each lane's chain head at head office equal to the lane's own."""

from __future__ import annotations

import json
from collections import Counter
from decimal import Decimal

from pos_tui.services.sync.verify import verify_chains
from pos_tui.storage.journal import JournalRepository
from tests.sync.headoffice import HeadOffice, Lane


def assert_converged(hq: HeadOffice, lanes: list[Lane]) -> dict[str, int]:
    """Sync every lane until nothing moves, then check everything; returns some counts."""
    for _ in range(2):  # a lane's pull may bring what another pushed after it
        for lane in lanes:
            lane.sync()
    facts: Counter[str] = Counter()
    origins = {}
    for lane in lanes:
        db = lane.backend.db
        origin = db.execute("SELECT value FROM sync_state WHERE key = 'origin'").fetchone()[0]
        origins[origin] = lane
        # Zero lost, zero extra: HQ holds exactly this lane's outbox, each once.
        seqs = [r[0] for r in db.execute("SELECT seq FROM sync_outbox ORDER BY seq")]
        assert (
            db.execute("SELECT count(*) FROM sync_outbox WHERE sent_at IS NULL").fetchone()[0] == 0
        )
        at_hq = [
            r[0] for r in hq.all("SELECT seq FROM hq.events WHERE origin = %s ORDER BY seq", origin)
        ]
        assert at_hq == seqs, f"{origin}: events at HQ differ from the outbox"
        assert seqs == list(range(1, len(seqs) + 1)), f"{origin}: outbox numbering has holes"
        facts["events"] += len(seqs)
        # Every sale once, as sealed.
        sales = sorted(
            (r[0], r[1], r[2]) for r in db.execute("SELECT lane_id, sale_number, hash FROM sales")
        )
        hq_sales = sorted(
            (r[0], r[1], r[2])
            for r in hq.all(
                "SELECT lane_id, sale_number, hash FROM hq.sales WHERE origin = %s", origin
            )
        )
        assert sales == hq_sales, f"{origin}: sales differ"
        facts["sales"] += len(sales)
        _, broken = JournalRepository(db).verify()
        assert broken is None, f"{origin}: journal broken at {broken}"
        # This lane's own ledger rows, each once at HQ.
        for table, hq_table, column in (
            ("loyalty_ledger", "hq.points_ledger", "points"),
            ("receivable_ledger", "hq.receivable_ledger", "amount"),
        ):
            mine = sorted(
                (r[0], Decimal(r[1]))
                for r in db.execute(
                    f"SELECT id, {column} FROM {table} WHERE id NOT IN "
                    "(SELECT local_id FROM sync_ids WHERE entity IN ('points', 'receivable') "
                    f"AND entity = ?)",
                    ["points" if table == "loyalty_ledger" else "receivable"],
                )
            )
            theirs = sorted(
                (int(r[0]), Decimal(r[1]))
                for r in hq.all(
                    f"SELECT local_id, {column} FROM {hq_table} WHERE origin = %s", origin
                )
            )
            assert mine == theirs, f"{origin}: {table} differs from HQ"
    # Chains verify at HQ, and each head is the lane's last seal.
    with hq.connect() as conn:
        report = verify_chains(conn)
    assert report.breaks == [], report.breaks
    for (origin, lane_id), (number, seal) in report.heads.items():
        row = (
            origins[origin]
            .backend.db.execute(
                "SELECT sale_number, hash FROM sales WHERE lane_id = ? ORDER BY sale_number DESC LIMIT 1",
                [lane_id],
            )
            .fetchone()
        )
        assert (number, seal) == (row[0], row[1])
    # Balances: HQ's view == the sum of HQ's ledger rows == what every lane shows.
    sums: dict[str, list[Decimal]] = {}
    for gid, points in hq.all("SELECT customer_gid, points FROM hq.points_ledger"):
        sums.setdefault(gid, [Decimal(0), Decimal(0)])[0] += points
    for gid, amount in hq.all("SELECT customer_gid, amount FROM hq.receivable_ledger"):
        sums.setdefault(gid, [Decimal(0), Decimal(0)])[1] += amount
    customers = hq.all(
        "SELECT gid, account_number, card_number, mobile, points, receivable FROM hq.customers JOIN hq.balances USING (gid, account_number)"
    )
    for gid, account, card, mobile, points, receivable in customers:
        expected = sums.get(gid, [Decimal(0), Decimal(0)])
        assert (points, receivable) == tuple(expected), gid
        for lane in lanes:
            local = lane.backend.customers.by_account(account, active_only=False)
            assert local is not None, f"{gid} missing at {lane.origin}"
            assert (local.card_number, local.mobile) == (card, mobile), gid
            cid = int(local.id)
            assert lane.backend.customers.loyalty_balance(cid) == points, (gid, lane.origin)
            assert lane.backend.customers.receivable_balance(cid) == receivable, (gid, lane.origin)
        facts["customers"] += 1
    for lane in lanes:
        n = lane.backend.db.execute("SELECT count(*) FROM customers").fetchone()[0]
        assert n == len(customers), f"{lane.origin} has {n} customers, HQ {len(customers)}"
        dupes = lane.backend.db.execute(
            "SELECT card_number FROM customers WHERE card_number IS NOT NULL "
            "GROUP BY card_number HAVING count(*) > 1"
        ).fetchall()
        assert dupes == []
    return dict(facts)


def assert_erasures_converged(hq: HeadOffice, lanes: list[Lane]) -> int:
    """Every customer erased at any lane is erased at head office and at every lane, and no
    personal value of theirs is left at head office (row, history, events) or at a lane (row,
    audit rows, outbox). Returns how many customers are erased."""
    from pos_tui.storage.accounts import ERASED, PERSONAL_FIELDS
    from pos_tui.storage.sync_events import Names, personal_names

    named = personal_names()
    erased = {
        gid: account
        for gid, account in hq.all(
            "SELECT gid, account_number FROM hq.customers WHERE erasure IS NOT NULL"
        )
    }
    blank = (None, ERASED)
    for gid in erased:
        card, mobile, email, data = hq.all(
            "SELECT card_number, mobile, email, data FROM hq.customers WHERE gid = %s", gid
        )[0]
        assert (card, mobile, email) == (None, None, None), gid
        assert all(data.get(f) is None for f in named), (gid, data)
        history = hq.all(
            "SELECT field, old_value, new_value FROM hq.customer_history "
            "WHERE gid = %s AND field = ANY(%s)",
            gid,
            list(named),
        )
        assert all(old in blank and new in blank for _, old, new in history), (gid, history)
        for (fields,) in hq.all(
            "SELECT payload->'fields' FROM hq.events WHERE kind = 'customer' "
            "AND payload->>'gid' = %s",
            gid,
        ):
            assert all(fields.get(f) is None for f in named), (gid, fields)
    for lane in lanes:
        db = lane.backend.db
        origin = db.execute("SELECT value FROM sync_state WHERE key = 'origin'").fetchone()[0]
        names = Names(db, origin)
        here = {
            names.gid(int(r[0])) for r in db.execute("SELECT customer_id FROM customer_erasures")
        }
        assert here == set(erased), f"{lane.origin}: erased here {here}, at HQ {set(erased)}"
        for gid in erased:
            cid = names.local_customer(gid)
            row = lane.backend.customers.get(int(cid or 0))
            assert row is not None and all(row.columns()[f] is None for f in PERSONAL_FIELDS), gid
            for (changes,) in db.execute(
                "SELECT changes FROM audit_log WHERE entity = 'customer' AND entity_id = ?", [cid]
            ):
                values = json.loads(changes)
                assert all(values.get(f) in blank for f in PERSONAL_FIELDS), (gid, values)
            for (data,) in db.execute(
                "SELECT data FROM sync_outbox WHERE kind = 'customer' AND ref = ? "
                "AND data IS NOT NULL",
                [str(cid)],
            ):
                assert all(json.loads(data).get(f) is None for f in PERSONAL_FIELDS), gid
    return len(erased)
