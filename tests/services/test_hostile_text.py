"""Hostile text: stored and read back exactly when it is only text; refused at entry, naming
the field, when it holds a control character; and never acting as markup or terminal control
when it is shown (data stored before the refusal, or by another program)."""

from __future__ import annotations

import pytest

from pos_tui.services.customers import fields as cf
from pos_tui.services.customers.fields import FieldError
from pos_tui.services.customers.service import CustomerService
from pos_tui.services.runtime.backend import Backend
from pos_tui.text import first_control, plain

HOSTILE = [
    "[bold red]Bob[/bold red]",
    "[link=http://evil]x[/link]",
    "Robert'); DROP TABLE customers;--",
    '" OR 1=1 -- %_\\',
    "x" * 10_000,
    "emoji 🧾 é ü € ₹ 漢字 \u200f rtl mark",
]
CONTROLS = [
    ("\x1b[2J", "U+001B (ESC)"),
    ("\x1b]0;title\x07", "U+001B (ESC)"),
    ("nul\x00byte", "U+0000 (NUL)"),
    ("bell\x07", "U+0007 (BEL)"),
    ("csi\x9b31m", "U+009B"),
    ("del\x7f", "U+007F (DEL)"),
    ("tab\tname", "U+0009"),
    ("two\nlines", "U+000A (LF)"),
    ("\u202eevil", "U+202E (RIGHT-TO-LEFT OVERRIDE)"),
    ("sep\u2028x", "U+2028 (LINE SEPARATOR)"),
]
MULTILINE = ("remarks", "pos_remarks")
TEXT_FIELDS = [f.name for f in cf.FIELDS if f.kind == "text" and f.name not in MULTILINE]


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
        assert details.row.columns()[column] == text
    assert details.addresses[0].line_1 == text and details.contacts[0].name == text
    assert "customers" in backend.db.table_names()


@pytest.mark.parametrize(("text", "named"), CONTROLS)
def test_control_characters_are_refused_in_names_naming_field_and_character(
    backend: Backend, text: str, named: str
) -> None:
    with pytest.raises(FieldError) as info:
        CustomerService(backend).create({"first_name": "Bob", "last_name": text})
    assert info.value.field == "last_name"
    assert info.value.message.startswith(f"Last name holds a control character {named}")
    assert backend.customers.count() == 0


@pytest.mark.parametrize("field", TEXT_FIELDS)
def test_every_single_line_text_field_refuses_escape(backend: Backend, field: str) -> None:
    data = {"first_name": "Bob", field: "A\x1b[2JB"}
    with pytest.raises(FieldError) as info:
        CustomerService(backend).create(data)
    assert info.value.field == field and "U+001B (ESC)" in info.value.message


def test_updates_refuse_control_characters_too(backend: Backend) -> None:
    svc = CustomerService(backend)
    cid = svc.create({"first_name": "Bob"})
    with pytest.raises(FieldError) as info:
        svc.update(cid, {"company_name": "Acme\x1b[2J"})
    assert info.value.field == "company_name"
    row = backend.customers.get(cid)
    assert row is not None and row.company_name is None


@pytest.mark.parametrize(
    ("children", "field"),
    [
        ({"addresses": [{"address_type": "main", "line_1": "x\x1bq"}]}, "line_1"),
        ({"addresses": [{"address_type": "main", "email": "a@b.c\n"}]}, "email"),
        ({"contacts": [{"name": "Kid\x00"}]}, "name"),
        ({"contacts": [{"name": "Kid", "phone": "1\x07"}]}, "phone"),
        (
            {"transaction_discounts": [{"description": "Staff\x9b", "percent": "5"}]},
            "description",
        ),
    ],
)
def test_addresses_contacts_and_discounts_refuse_control_characters(
    backend: Backend, children: dict[str, list[dict[str, str]]], field: str
) -> None:
    with pytest.raises(FieldError) as info:
        CustomerService(backend).create({"first_name": "Bob"}, **children)  # type: ignore[arg-type]
    assert info.value.field == field and "control character" in info.value.message
    assert backend.customers.count() == 0


def test_remarks_keep_line_breaks_and_refuse_other_controls(backend: Backend) -> None:
    svc = CustomerService(backend)
    cid = svc.create(
        {"first_name": "Bob", "remarks": "call first\r\nback door", "pos_remarks": "a\nb"}
    )
    row = backend.customers.get(cid)
    assert row is not None
    assert (row.remarks, row.pos_remarks) == ("call first\nback door", "a\nb")
    with pytest.raises(FieldError) as info:
        svc.update(cid, {"remarks": "line\rreturn"})
    assert info.value.field == "remarks" and "U+000D (CR)" in info.value.message


def test_plain_makes_control_bytes_visible_and_keeps_markup_literal() -> None:
    assert plain("[red]x[/red]") == "[red]x[/red]"
    shown = plain("\x1b[31mred\x00\x9b")
    assert "\x1b" not in shown and "\x00" not in shown and "\x9b" not in shown
    assert shown == "\\x1b[31mred\\x00\\x9b"
    assert plain(None) == ""
    assert plain("rtl\u202eevil sep\u2028 bad\udcff") == "rtl\\u202eevil sep\\u2028 bad\\udcff"
    assert plain("tab\tstays") == "tab\tstays"


def test_plain_multiline_keeps_line_breaks_only() -> None:
    assert plain("a\nb", multiline=True) == "a\nb"
    assert plain("a\r\nb", multiline=True) == "a\nb"
    assert plain("a\rb\x1b", multiline=True) == "a\\x0db\\x1b"
    assert plain("a\nb") == "a\\x0ab"
    assert first_control("a\nb", newlines=True) is None
    assert first_control("a\nb\x07", newlines=True) == "\x07"
