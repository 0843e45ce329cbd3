"""Migration 0015: customers' mobile numbers rewritten in E.164 (:mod:`pos_tui.phones`).

Numbers stored before were digits with an optional "+", as typed: "9876543210" and
"+919876543210" were two customers' numbers though one person's. Each is read in the store's
phone region (``connect(phone_region=...)``, from ``[store] phone_region``) and stored as E.164.

Nothing is dropped. A number that cannot be read as a phone number, or that would become the
same E.164 number as another customer's (one person enrolled twice), is kept as typed, and an
audit row (``customer``, ``mobile_not_e164``) says which and why, for a person to fix or merge.
``pos-tui customers phones`` lists every mobile still not in E.164 (:func:`not_e164`).
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from datetime import datetime

from pos_tui import phones
from pos_tui.storage.rows import insert

AUDIT_ACTION = "mobile_not_e164"


@dataclass(frozen=True, slots=True)
class MobileNotE164:
    """A customer's mobile still not in E.164, and why (the migration's reason, or none)."""

    customer_id: int
    account_number: str
    mobile: str
    why: str


def migrate_mobiles(conn: sqlite3.Connection, region: str) -> dict[str, int]:
    """Rewrite the mobiles in E.164 inside the caller's transaction; counts by outcome."""
    by_number: dict[str, list[tuple[int, str]]] = {}
    unreadable: list[tuple[int, str, str]] = []
    for row_id, mobile in conn.execute(
        "SELECT id, mobile FROM customers WHERE mobile IS NOT NULL ORDER BY id"
    ):
        try:
            e164 = phones.to_e164(str(mobile), region)
        except phones.PhoneError as exc:
            unreadable.append((int(row_id), str(mobile), f"Mobile number {mobile} {exc}"))
            continue
        by_number.setdefault(e164, []).append((int(row_id), str(mobile)))
    at = datetime.now().isoformat(timespec="seconds")
    counts = {"rewritten": 0, "unreadable": len(unreadable), "shared": 0}
    for e164, holders in by_number.items():
        if len(holders) == 1:
            row_id, typed = holders[0]
            if typed != e164:
                conn.execute("UPDATE customers SET mobile = ? WHERE id = ?", [e164, row_id])
                counts["rewritten"] += 1
            continue
        counts["shared"] += len(holders)
        others = ", ".join(f"customer {i}" for i, _ in holders)
        for row_id, typed in holders:
            _report(conn, at, row_id, typed, f"{typed} is {e164}, as are the mobiles of {others}")
    for row_id, typed, why in unreadable:
        _report(conn, at, row_id, typed, why)
    return counts


def _report(conn: sqlite3.Connection, at: str, row_id: int, typed: str, why: str) -> None:
    insert(
        conn,
        "audit_log",
        {
            "at": at,
            "entity": "customer",
            "entity_id": row_id,
            "action": AUDIT_ACTION,
            "changes": json.dumps({"mobile": typed, "reason": why}, ensure_ascii=False),
        },
    )


def not_e164(conn: sqlite3.Connection) -> list[MobileNotE164]:
    """The customer id, account number, mobile and why of every customer whose mobile is not E.164: those
    the migration kept as typed (with its reason) and any other. Of two customers who shared
    a number, the one already stored in E.164 is not listed; the other's reason names both."""
    reported: dict[int, tuple[str, str]] = {}
    for entity_id, changes in conn.execute(
        "SELECT entity_id, changes FROM audit_log WHERE entity = 'customer' AND action = ?",
        [AUDIT_ACTION],
    ):
        data = json.loads(changes)
        reported[int(entity_id)] = (str(data.get("mobile")), str(data.get("reason", "")))
    marks = ", ".join("?" * len(reported)) or "NULL"
    out: list[MobileNotE164] = []
    for row_id, account, mobile in conn.execute(
        "SELECT id, account_number, mobile FROM customers WHERE mobile IS NOT NULL AND "
        f"(mobile NOT GLOB '+[1-9]*' OR id IN ({marks})) ORDER BY id",
        list(reported),
    ):
        if phones.maybe_e164(str(mobile)) == mobile:
            continue
        why = reported.get(int(row_id), ("", ""))[1]
        out.append(MobileNotE164(int(row_id), str(account), str(mobile), why))
    return out
