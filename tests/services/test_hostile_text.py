"""Hostile text is stored and read back exactly, and never acts as markup or terminal control."""

from __future__ import annotations

import pytest

from pos_tui.services.customers.service import CustomerService
from pos_tui.services.runtime.backend import Backend
from pos_tui.text import plain

HOSTILE = [
    "[bold red]Bob[/bold red]",
    "[link=http://evil]x[/link]",
    "\x1b[31mred\x1b[0m\x1b]0;title\x07",
    "nul\x00byte\x01\x02\x7f\x9b",
    "Robert'); DROP TABLE customers;--",
    '" OR 1=1 -- %_\\',
    "x" * 10_000,
    "emoji 🧾 é ü € ₹ 漢字 ‮rtl",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_text_round_trips_unchanged(backend: Backend, text: str) -> None:
    svc = CustomerService(backend)
    cid = svc.create(
        {
            "first_name": text,
            "last_name": text,
            "pos_remarks": text,
            "remarks": text,
            "company_name": text,
        },
        addresses=[{"address_type": "main", "line_1": text, "city": text}],
        contacts=[{"name": text}],
    )
    details = svc.details(cid)
    assert details is not None
    for column in ("first_name", "last_name", "pos_remarks", "remarks", "company_name"):
        assert details.row[column] == text
    assert details.addresses[0]["line_1"] == text and details.contacts[0]["name"] == text
    assert "customers" in backend.db.table_names()


def test_plain_makes_control_bytes_visible_and_keeps_markup_literal() -> None:
    assert plain("[red]x[/red]") == "[red]x[/red]"
    shown = plain("\x1b[31mred\x00\x9b")
    assert "\x1b" not in shown and "\x00" not in shown and "\x9b" not in shown
    assert shown == "\\x1b[31mred\\x00\\x9b"
    assert plain(None) == ""
