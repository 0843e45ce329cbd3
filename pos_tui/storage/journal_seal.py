"""How a journal record is sealed: the serialisation of a sale and its rows that its hash covers.

Each sale's seal is sha256 over its hashed body, and the body holds the previous sale's seal, so
the lane's sales form one chain. ``sales.hash_version`` says which serialisation a seal used.

Version 2 (every sale written since migration 0007) has one canonical form, the same at write and
at verify: a fixed list of fields per table; integers as JSON numbers and every other value as
the exact text stored (amounts as fixed-point decimal text, never an exponent); children sorted
by their natural keys (lines by line_no, discounts by (line_no, kind, description, amount), taxes
by tax_code, tenders by seq); JSON with sorted keys, no spaces, UTF-8; and ``"v": 2`` in the
body. :func:`normalise` makes a row what it will read back as before it is sealed and stored.

Version 1 (before 0007) hashed the children in the order the caller listed them, which for taxes
is the engine's (by first use: GST5 before GST12), while verification reads them sorted: such a
sale "changed after commit" though nothing did. It is kept to verify the sales sealed that way;
:func:`v1_tax_order` finds the order a v1 seal was taken in.

Adding a column to a journal table? Add it to a new version's field lists (v3), never to v2's:
the v2 seals already written do not cover it.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from pos_tui.engine.money import NotANumber, to_decimal

GENESIS = "0" * 64
CURRENT_VERSION = 2

# The sale's fields the seal covers: every column but its id, prev_hash, hash and hash_version.
SALE_FIELDS = (
    "lane_id",
    "store_id",
    "sale_number",
    "kind",
    "original_sale_id",
    "customer_id",
    "employee_id",
    "committed_at",
    "subtotal",
    "discount_total",
    "tax_total",
    "total",
    "points_earned",
    "points_base",
    "referral_customer_id",
    "referral_points",
    "points_used",
    "reference",
    "explanation",
)
# Each kind of child row: its table, and the fields the seal covers (every column but id and
# sale_id; v1 covered exactly these, the columns the tables had).
CHILD_TABLES = {
    "lines": "sale_lines",
    "discounts": "sale_discounts",
    "taxes": "sale_taxes",
    "tenders": "sale_tenders",
}
CHILD_FIELDS: dict[str, tuple[str, ...]] = {
    "lines": (
        "line_no",
        "item_id",
        "sku",
        "description",
        "quantity",
        "unit_price",
        "price_source",
        "discount",
        "tax",
        "total",
        "original_line_no",
    ),
    "discounts": ("line_no", "kind", "description", "amount"),
    "taxes": ("tax_code", "taxable", "amount"),
    "tenders": ("seq", "kind", "amount", "reference", "points", "change_given"),
}
INTEGER_FIELDS = frozenset(
    {
        "sale_number",
        "original_sale_id",
        "customer_id",
        "employee_id",
        "referral_customer_id",
        "line_no",
        "item_id",
        "original_line_no",
        "seq",
    }
)
DECIMAL_FIELDS = frozenset(
    {
        "subtotal",
        "discount_total",
        "tax_total",
        "total",
        "points_earned",
        "points_base",
        "referral_points",
        "points_used",
        "quantity",
        "unit_price",
        "discount",
        "tax",
        "amount",
        "taxable",
        "points",
        "change_given",
    }
)


def _discount_key(row: Mapping[str, Any]) -> tuple[Any, ...]:
    line_no = row.get("line_no")
    # Sale-level discounts (no line) first, then by line.
    return (line_no is not None, line_no or 0, row["kind"], row["description"], row["amount"])


# The natural key of each kind of child: the canonical order of v2. Lines, taxes and tenders are
# unique on it (primary keys); two discounts equal on it are equal rows, so the order is total.
CHILD_ORDER: dict[str, Callable[[Mapping[str, Any]], Any]] = {
    "lines": lambda r: r["line_no"],
    "discounts": _discount_key,
    "taxes": lambda r: r["tax_code"],
    "tenders": lambda r: r["seq"],
}


# Fixed-point decimal text as ``format(Decimal(text), "f")`` gives it back: no exponent, no
# leading zeros, no sign but a minus, no spaces.
_FIXED = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?")
#: Whether text is fixed-point decimal text already (what normalise keeps as it is).
fixed_point = _FIXED.fullmatch


def normalise(field: str, value: Any, where: str) -> Any:
    """``value`` as the journal stores (and reads back) it: integers as ``int``, amounts as
    fixed-point decimal text, other text as given, NULL as None. Anything else is refused, so
    what is sealed is exactly what is stored."""
    kind = type(value)
    if value is None:
        return None
    if field in DECIMAL_FIELDS:
        if kind is str and _FIXED.fullmatch(value):
            return value  # the common case (the checkout hands over str(Decimal)): as is
        if kind in (Decimal, str, int):
            try:
                return format(to_decimal(value, f"{where}.{field}"), "f")
            except NotANumber:
                pass
        raise ValueError(f"{where}.{field}: a decimal amount is needed, not {value!r}")
    if field in INTEGER_FIELDS:
        if kind is int:
            return value
        raise ValueError(f"{where}.{field}: an integer is needed, not {value!r}")
    if kind is str:
        return value
    raise ValueError(f"{where}.{field}: text is needed, not {value!r}")


def _digest(body: dict[str, Any], **dumps: Any) -> str:
    text = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"), **dumps)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


# The canonical JSON of v2: sorted keys, no spaces, UTF-8, no NaN. A value's text is the same
# alone as inside a larger body, so a body can be written in parts (SealParts).
# One encoder for every part (json.dumps with options builds a new encoder per call).
_dumps = json.JSONEncoder(
    sort_keys=True, ensure_ascii=False, separators=(",", ":"), allow_nan=False
).encode


@dataclass(frozen=True, slots=True)
class SealParts:
    """A sale's v2 body written ahead, but for what is known only under the write lock (the
    previous seal, the sale's number and time): each kind of child rows as canonical JSON, and
    each sale field's value as it stood (``sale``) with its JSON (``sale_texts``)."""

    children: dict[str, str]
    sale: dict[str, Any]
    sale_texts: dict[str, str]


def seal_parts(sale: Mapping[str, Any], children: Mapping[str, list[Any]]) -> SealParts:
    """The parts of :func:`seal_v2`'s body that ``sale`` and ``children`` already fix."""
    texts = {}
    for kind, fields in CHILD_FIELDS.items():
        covered = _COVERED[kind]
        rows = [
            # A row of exactly the covered fields (the journal's completed rows) as it is.
            row if row.keys() == covered else {k: row.get(k) for k in fields}
            for row in children.get(kind, [])
        ]
        texts[kind] = _dumps(sorted(rows, key=CHILD_ORDER[kind]))
    values = {k: sale.get(k) for k in SALE_FIELDS}
    return SealParts(texts, values, {k: _dumps(v) for k, v in values.items()})


def seal_from_parts(prev_hash: str, sale: Mapping[str, Any], parts: SealParts) -> str:
    """:func:`seal_v2` of ``sale`` with the children ``parts`` were made from: only the sale
    fields that changed since (the number, the time) are written again."""
    fields = []
    for k, key_text in _SALE_KEYS:
        value = sale.get(k)
        known = parts.sale[k]
        text = parts.sale_texts[k] if value is known or value == known else _dumps(value)
        fields.append(key_text + text)
    pieces = {
        **parts.children,
        "prev": _dumps(prev_hash),
        "sale": "{" + ",".join(fields) + "}",
        "v": "2",
    }
    body = "{" + ",".join(f"{_dumps(k)}:{pieces[k]}" for k in sorted(pieces)) + "}"
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


# Each kind's covered fields as a set, to tell a row holding exactly them.
_COVERED = {kind: frozenset(fields) for kind, fields in CHILD_FIELDS.items()}

# The sale's fields in canonical (sorted) order, each with its key's JSON and the colon.
_SALE_KEYS = tuple((k, _dumps(k) + ":") for k in sorted(SALE_FIELDS))


def seal_v2(prev_hash: str, sale: Mapping[str, Any], children: Mapping[str, list[Any]]) -> str:
    """The canonical seal: the same for the rows as written and as read back, in any order.

    sha256 of the canonical JSON (:data:`_dumps`) of ``{"v": 2, "prev": ..., "sale": {every
    field of SALE_FIELDS}, "lines" | "discounts" | "taxes" | "tenders": [rows with their
    CHILD_FIELDS, in CHILD_ORDER]}``; no value that is not plain JSON (a float, a Decimal: a
    bug, not text). Written in parts (:func:`seal_parts`), the same text."""
    return seal_from_parts(prev_hash, sale, seal_parts(sale, children))


def seal_v1(prev_hash: str, sale: Mapping[str, Any], children: Mapping[str, list[Any]]) -> str:
    """The seal before 0007: children in the order given (kept to verify those sales)."""
    body = {
        "prev": prev_hash,
        "sale": {k: sale.get(k) for k in SALE_FIELDS},
        **{
            kind: [{k: v for k, v in row.items() if k not in ("sale_id", "id")} for row in rows]
            for kind, rows in sorted(children.items())
        },
    }
    return _digest(body, default=str)


SEALS: dict[int, Callable[[str, Mapping[str, Any], Mapping[str, list[Any]]], str]] = {
    1: seal_v1,
    2: seal_v2,
}

# A v1 seal taken over more tax rows than this is not searched for its order (8! = 40320
# hashes, half a second); a sale has one tax row per tax code it used.
MAX_V1_TAX_ROWS = 8


def v1_tax_order(
    sale: Mapping[str, Any], children: Mapping[str, list[Any]]
) -> tuple[str, ...] | None:
    """The order of tax codes the v1 seal of ``sale`` was taken in: ``()`` for the order read
    (sorted), the codes for another order (the engine's), None when no order gives the seal.

    Only taxes can differ: lines were given by line number, discounts are read in the order they
    were given and tenders by their sequence, which is the order they were given in too."""
    prev, expected = sale["prev_hash"], sale["hash"]
    if seal_v1(prev, sale, children) == expected:
        return ()
    taxes = list(children.get("taxes", []))
    if not 1 < len(taxes) <= MAX_V1_TAX_ROWS:
        return None
    for order in itertools.permutations(taxes):
        if list(order) != taxes and seal_v1(prev, sale, {**children, "taxes": list(order)}) == (
            expected
        ):
            return tuple(t["tax_code"] for t in order)
    return None


def in_tax_order(children: Mapping[str, list[Any]], order: Iterable[str]) -> dict[str, list[Any]]:
    """``children`` with the taxes in the given order of codes (a recorded v1 order)."""
    by_code = {t["tax_code"]: t for t in children.get("taxes", [])}
    codes = list(order)
    if sorted(codes) != sorted(by_code):
        raise KeyError("the recorded tax codes are not the sale's")
    return {**children, "taxes": [by_code[c] for c in codes]}
