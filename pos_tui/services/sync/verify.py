"""Head office checks each lane's journal as it arrives, with the lane's own verification code
(:class:`pos_tui.storage.journal.LaneWalk`, the steps ``pos-tui journal verify`` takes): each
sale's seal by its version, every link to the previous sale, no number missing.
``pos-tui hq verify`` runs it once or, with ``--follow``, on every push."""

from __future__ import annotations

from dataclasses import dataclass, field

import psycopg

from pos_tui.storage import journal
from pos_tui.storage.hq import office


@dataclass
class ChainReport:
    checked: int = 0
    breaks: list[str] = field(default_factory=list)
    heads: dict[tuple[str, str], tuple[int, str]] = field(default_factory=dict)


def verify_chains(conn: psycopg.Connection) -> ChainReport:
    """Check every lane's chain from where the last check stopped; record heads and breaks."""
    report = ChainReport()
    for origin, lane_id in office.chains(conn):
        head = office.chain_head(conn, origin, lane_id)
        # Head office has the sales, not a lane's re-seal records: each seal is checked by its
        # version and each link, from the last verified head on.
        walk = journal.LaneWalk(lane_id, {})
        if head is not None:
            walk.expected_number = head.sale_number + 1
            walk.prev = walk.original_prev = head.hash
        number, seal = (head.sale_number, head.hash) if head else (0, journal.GENESIS)
        for batch in office.sales_after(conn, origin, lane_id, number):
            broken = None
            for sale in batch:
                broken = walk.step(sale["record"], sale["children"])
                if broken is not None:
                    office.record_break(conn, origin, lane_id, broken.sale_number, broken.reason)
                    report.breaks.append(
                        f"lane {lane_id} ({origin}) sale {broken.sale_number}: {broken.reason}"
                    )
                    break
                number, seal = sale["sale_number"], sale["record"]["hash"]
                report.checked += 1
            if broken is not None:
                break
        if number:
            office.record_head(conn, office.ChainHead(origin, lane_id, number, seal))
            report.heads[(origin, lane_id)] = (number, seal)
    return report
