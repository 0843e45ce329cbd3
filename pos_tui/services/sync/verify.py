"""Head office checks each lane's journal as it arrives, with the lane's own verification code
(:func:`pos_tui.storage.journal.sale_hash`): every seal recomputed from the sale's rows, every
link to the previous sale, no number missing. ``pos-tui hq verify`` runs it once or, with
``--follow``, on every push."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import psycopg

from pos_tui.storage import journal
from pos_tui.storage.hq import office


@dataclass
class ChainReport:
    checked: int = 0
    breaks: list[str] = field(default_factory=list)
    heads: dict[tuple[str, str], tuple[int, str]] = field(default_factory=dict)


def seal_of(record: dict[str, Any], children: dict[str, list[dict[str, Any]]]) -> str:
    """The seal the lane's journal module computes for a sale as head office holds it."""
    return journal.sale_hash(record["prev_hash"], record, children)


def verify_chains(conn: psycopg.Connection) -> ChainReport:
    """Check every lane's chain from where the last check stopped; record heads and breaks."""
    report = ChainReport()
    for origin, lane_id in office.chains(conn):
        head = office.chain_head(conn, origin, lane_id)
        number, prev = (head.sale_number, head.hash) if head else (0, journal.GENESIS)
        broken = False
        for batch in office.sales_after(conn, origin, lane_id, number):
            for sale in batch:
                record, children = sale["record"], sale["children"]
                reason = None
                if sale["sale_number"] != number + 1:
                    reason = f"sale {number + 1} is missing"
                elif record["prev_hash"] != prev:
                    reason = "does not follow the previous sale"
                elif seal_of(record, children) != record["hash"]:
                    reason = "contents do not match the seal"
                if reason:
                    where = number + 1 if reason.endswith("missing") else sale["sale_number"]
                    office.record_break(conn, origin, lane_id, where, reason)
                    report.breaks.append(f"lane {lane_id} ({origin}) sale {where}: {reason}")
                    broken = True
                    break
                number, prev = sale["sale_number"], record["hash"]
                report.checked += 1
            if broken:
                break
        if number:
            office.record_head(conn, office.ChainHead(origin, lane_id, number, prev))
            report.heads[(origin, lane_id)] = (number, prev)
    return report
