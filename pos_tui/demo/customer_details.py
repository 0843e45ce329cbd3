"""The parts of a demo customer drawn apart from the main row: addresses, birthdays and
anniversaries, fresh contact values when a constructed one is taken, opening ledger rows."""

from __future__ import annotations

import unicodedata
from datetime import date, timedelta
from decimal import Decimal

from pos_tui.demo import names
from pos_tui.demo.context import DemoContext
from pos_tui.demo.numbering import format_card_code
from pos_tui.storage.rows import Row


def ascii_word(text: str) -> str:
    """'Müller' -> 'muller', "O'Brien" -> 'obrien': the local part of a demo e-mail."""
    decomposed = unicodedata.normalize("NFKD", text.replace("ß", "ss"))
    return "".join(c for c in decomposed if c.isascii() and c.isalnum()).lower()


def random_mobile(ctx: DemoContext, region: names.Region, lead: str, width: int, pad: int) -> str:
    return f"{region.dial}{lead}{ctx.rng.randrange(10**width):0{pad}d}"


def random_email(ctx: DemoContext, local: str, domain: str) -> str:
    return f"{local}{ctx.rng.randrange(10**9)}@{domain}"


def random_card(ctx: DemoContext, prefix: str, length: int) -> str:
    return f"{prefix}{ctx.rng.randrange(10 ** (length - 2)):0{length - 2}d}"


def random_code(ctx: DemoContext, space: int) -> str:
    return format_card_code(ctx.rng.randrange(space))


def random_birthday(ctx: DemoContext, years_ago: int) -> date:
    year = ctx.today.year - years_ago
    day = ctx.rng.randint(1, 365)
    return date(year, 1, 1) + timedelta(days=day - 1)


def date_near_today(ctx: DemoContext, years_ago: int) -> date:
    """A birthday or anniversary today or within three days of it."""
    shifted = ctx.today + timedelta(days=ctx.rng.randint(-3, 3))
    try:
        return shifted.replace(year=shifted.year - years_ago)
    except ValueError:  # 29 February
        return shifted.replace(year=shifted.year - years_ago, day=28)


def address(
    ctx: DemoContext,
    region: names.Region,
    cid: int,
    kind: str,
    contact: str | None,
    mobile: str | None,
    email: str | None,
    defaults: Row,
) -> Row:
    """A main or alternate address in the customer's region."""
    rng = ctx.rng
    city, state, zip_prefix, zip_len = rng.choice(region.cities)
    postal = zip_prefix + "".join(str(rng.randrange(10)) for _ in range(zip_len - len(zip_prefix)))
    if region.code == "IE":
        postal = f"{zip_prefix}{rng.randrange(10)} {rng.choice('ACDEFHKNPRTVWXY')}{rng.randrange(100, 999)}"
    number = str(rng.randint(1, 250))
    street = rng.choice(region.streets)
    line_1 = f"{street} {number}" if region.code in ("DE", "ES") else f"{number} {street}"
    if region.code == "FR":
        line_1 = f"{number} {street}"
    return {
        **defaults,
        "customer_id": cid,
        "address_type": kind,
        "contact_name": contact,
        "street_number": number,
        "street_name": street,
        "line_1": line_1,
        "line_2": f"Flat {rng.randint(1, 40)}{rng.choice('ABCD')}" if rng.random() < 0.3 else None,
        "line_3": None,
        "line_4": None,
        "locality": None,
        "related_location": None,
        "city": city,
        "state": state,
        "postal_code": postal,
        "country": region.country,
        "phone": None,
        "alt_phone": None,
        "mobile": mobile,
        "fax": None,
        "email": email,
        "website": None,
    }


def points_row(
    cid: int, kind: str, points: Decimal, sale_id: int | None, reason: str | None, at: str
) -> Row:
    return {
        "customer_id": cid,
        "entry_type": kind,
        "points": str(points),
        "sale_id": sale_id,
        "reason": reason,
        "employee_id": None,
        "created_at": at,
    }


def receivable_row(
    cid: int,
    kind: str,
    amount: Decimal,
    sale_id: int | None,
    due: str | None,
    note: str | None,
    at: str,
    reference: str | None = None,
) -> Row:
    return {
        "customer_id": cid,
        "entry_type": kind,
        "amount": str(amount),
        "reference": reference,
        "sale_id": sale_id,
        "due_date": due,
        "note": note,
        "employee_id": None,
        "posted_at": at,
    }
