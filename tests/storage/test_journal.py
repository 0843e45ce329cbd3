"""The hash-chained sales journal and ``pos-tui journal verify``."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from pos_tui.services.runtime.backend import Backend
from pos_tui.storage.journal import GENESIS
from tests.helpers import cli_runner_invoke
from tests.storage.tampering import tamper


def _sale(lane: str, total: str) -> tuple[dict[str, object], dict[str, list[dict[str, object]]]]:
    sale: dict[str, object] = {
        "lane_id": lane,
        "store_id": "S1",
        "kind": "sale",
        "committed_at": "2026-11-24T10:00:00",
        "subtotal": total,
        "discount_total": "0",
        "tax_total": "0",
        "total": total,
    }
    children = {
        "lines": [
            {
                "line_no": 1,
                "sku": "A",
                "description": "Apple",
                "quantity": "1",
                "unit_price": total,
                "price_source": "regular",
                "total": total,
            }
        ],
        "tenders": [{"seq": 1, "kind": "cash", "amount": total}],
    }
    return sale, children


def test_sales_chain_per_lane(backend: Backend) -> None:
    j = backend.journal
    first = j.append(*_sale("L1", "10.00"))
    second = j.append(*_sale("L1", "20.00"))
    other = j.append(*_sale("L2", "5.00"))
    assert (first.sale_number, second.sale_number, other.sale_number) == (1, 2, 1)
    assert first.prev_hash == GENESIS and other.prev_hash == GENESIS
    assert second.prev_hash == first.hash
    assert j.verify() == (3, None)
    assert j.children(second.id).lines[0].description == "Apple"


@pytest.mark.parametrize(
    ("statement", "number", "reason"),
    [
        (
            "UPDATE sales SET total = '1.00' WHERE sale_number = 2 AND lane_id = 'L1'",
            2,
            "contents changed",
        ),
        ("UPDATE sale_lines SET quantity = '9' WHERE sale_id = 1", 1, "contents changed"),
        ("DELETE FROM sales WHERE sale_number = 2 AND lane_id = 'L1'", 2, "missing"),
    ],
)
def test_verify_names_the_first_broken_link(
    backend: Backend, db_path: Path, statement: str, number: int, reason: str
) -> None:
    for total in ("10.00", "20.00", "30.00"):
        backend.journal.append(*_sale("L1", total))
    backend.close()
    tamper(db_path, "PRAGMA foreign_keys = OFF", statement)
    runner = CliRunner()
    result = cli_runner_invoke(runner, ["--db", str(db_path), "journal", "verify"])
    assert result.exit_code == 1
    assert f"lane L1 sale {number}" in result.output and reason in result.output


def test_verify_on_intact_journal_says_so(backend: Backend, db_path: Path) -> None:
    backend.journal.append(*_sale("L1", "1.00"))
    result = cli_runner_invoke(CliRunner(), ["--db", str(db_path), "journal", "verify"])
    assert result.exit_code == 0
    assert "journal intact: 1 sales checked" in result.output
