"""Hostile input, fuzzed: hypothesis strategies and one check per input surface.

Every surface that takes text from a person, a file, a card or a port has a *target*: a
strategy drawing hostile values and a check of the promise the surface makes
(docs/reliability.md, "Hostile input"): the value is refused with a message naming the field,
or it is taken and what is stored, shown and sent on holds no control character and stays
within the field's bounds. Nothing else may happen: no traceback, no half-write.

The tests (tests/services/test_hostile_fuzz.py) run each target briefly; a longer run calls
:func:`run` with more examples, e.g. from a reliability harness::

    from tests.fuzz_targets import TARGETS, run
    for name in TARGETS:
        run(name, max_examples=5_000)

Targets open what they need themselves (a temporary database, a fake port) through
:class:`FuzzContext`, so they run anywhere without hardware. The real serial and PC/SC paths
are covered by tests/hardware; here their parsing is fed through the same seams they use.
"""

from __future__ import annotations

import csv
import tempfile
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import seed as hypothesis_seed
from hypothesis import strategies as st

from pos_tui.config import load_settings
from pos_tui.hardware.events import DeviceEvent, LineDropped, Scan
from pos_tui.hardware.line_limits import SCAN_MAX_LENGTH
from pos_tui.hardware.printer_connections import NetworkTarget, is_status_byte, query_status
from pos_tui.hardware.serial_lines import SerialScanner
from pos_tui.hardware.smartcard_profiles import CardReadError, LoyaltyAppProfile, UidProfile
from pos_tui.services.backoffice.customer_list import CustomerListService, ListFilters
from pos_tui.services.customers import fields as cf
from pos_tui.services.customers.csv_io import CustomerImporter
from pos_tui.services.customers.fields import FieldError
from pos_tui.services.customers.service import CustomerService
from pos_tui.services.runtime.backend import Backend, open_backend
from pos_tui.text import first_control, fold_email, plain

NOW = datetime(2026, 11, 24, 10, 30)

# -- strategies -----------------------------------------------------------------------------------

# Characters that have hurt before: controls, DEL, C1, bidi overrides, line separators, lone
# surrogates (undecodable bytes of a command line), markup brackets, quotes, NUL.
NASTY_CHARS = (
    "\x00\x01\x07\x08\t\n\r\x0b\x0c\x1b\x7f\x85\x9b\u2028\u2029\u202e\u2066\ufeff"
    "\ud800\udcff[]/\\'\";%_"
)
NASTY_WORDS = [
    "\x1b[2J",
    "\x1b]0;title\x07",
    "[bold red]x[/bold red]",
    "[link=http://evil]x[/link]",
    "Robert'); DROP TABLE customers;--",
    "1234\n",
    "1E+999999",
    "NaN",
    "-Infinity",
    "١٢٣",  # Arabic-Indic digits
    "１２３",  # full-width digits
    str(2**63),
    str(-(2**63) - 1),
    "0001-01-01",
    "9999-12-31",
    "2999-01-01",
    "ÉVE@EXAMPLE.COM",
    "ｅｖｅ＠ｅｘａｍｐｌｅ.com",
    " ",
    "",
]


def hostile_text(max_size: int = 60) -> st.SearchStrategy[str]:
    """Text mixing any characters with the ones that have hurt before, and known bad words."""
    alphabet = st.one_of(st.characters(), st.sampled_from(NASTY_CHARS))
    return st.one_of(
        st.text(alphabet, max_size=max_size),
        st.sampled_from(NASTY_WORDS),
        st.builds(lambda a, b: a + b, st.sampled_from(NASTY_WORDS), st.text(alphabet, max_size=8)),
    )


def numberish() -> st.SearchStrategy[Any]:
    """What someone might type, paste or export into a number field."""
    return st.one_of(
        st.integers(min_value=-(2**70), max_value=2**70),
        st.integers(min_value=-(2**70), max_value=2**70).map(str),
        st.decimals(allow_nan=True, allow_infinity=True).map(str),
        st.floats(allow_nan=True),
        st.from_regex(r"[+-]?[0-9,]{0,25}(\.[0-9]{0,12})?([eE][+-]?[0-9]{1,7})?", fullmatch=True),
        st.sampled_from(NASTY_WORDS),
    )


def dateish() -> st.SearchStrategy[Any]:
    return st.one_of(
        st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31)),
        st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31)).map(date.isoformat),
        st.from_regex(r"[0-9]{1,5}-?[0-9W]{1,3}-?[0-9]{1,3}", fullmatch=True),
        st.sampled_from(NASTY_WORDS),
    )


def emailish() -> st.SearchStrategy[str]:
    part = st.text(
        st.one_of(st.characters(), st.sampled_from(NASTY_CHARS)), min_size=1, max_size=12
    )
    return st.one_of(
        st.emails(),
        st.emails().map(str.upper),
        st.builds(lambda a, b: f"{a}@{b}.com", part, part),
        st.sampled_from(NASTY_WORDS),
    )


def value_for(spec: cf.Field) -> st.SearchStrategy[Any]:
    """A hostile value for one customer field, mostly of its own kind."""
    own: st.SearchStrategy[Any]
    if spec.kind in ("int", "ref", "decimal", "percent"):
        own = numberish()
    elif spec.kind == "date":
        own = dateish()
    elif spec.name == "email":
        own = emailish()
    else:
        own = hostile_text()
    return st.one_of(own, own, hostile_text(20))


FIELD_VALUES: st.SearchStrategy[tuple[str, Any]] = st.sampled_from(
    [f for f in cf.FIELDS if f.kind != "ref" or f.ref != "customers"]
).flatmap(lambda spec: st.tuples(st.just(spec.name), value_for(spec)))

# -- what a stored customer may hold ---------------------------------------------------------------


def check_message(exc: FieldError) -> None:
    """A refusal names a field and says why, in words a terminal shows as they are."""
    assert exc.field and exc.message.strip(), exc
    assert first_control(exc.message) is None, repr(exc.message)


def check_stored(backend: Backend, customer_id: int) -> None:
    """Every field of a stored customer within its promise."""
    row = backend.customers.get(customer_id)
    assert row is not None
    today = backend.now().date()
    for spec in cf.FIELDS:
        value = row.columns().get(spec.name)
        if value is None:
            continue
        if spec.kind == "text":
            assert first_control(str(value), newlines=spec.multiline) is None, (spec.name, value)
            assert len(str(value)) <= spec.max_length
        elif spec.kind in ("int", "ref"):
            low, high = spec.bounds()
            assert isinstance(value, int) and low <= value <= high, (spec.name, value)
        elif spec.kind in ("decimal", "percent"):
            low, high = spec.bounds()
            number = Decimal(str(value))
            assert number.is_finite() and low <= number <= high, (spec.name, value)
        elif spec.kind == "date":
            day = date.fromisoformat(str(value))
            assert cf.FIRST_DATE <= day <= cf.LAST_DATE, (spec.name, value)
            assert not spec.past_only or day <= today, (spec.name, value)
    if row.email:
        assert row.email == fold_email(row.email)


# -- the context a run works in --------------------------------------------------------------------


@dataclass
class FuzzContext:
    """A temporary store for one run of a target (shared by its examples)."""

    directory: Path
    backend: Backend
    counter: int = 0
    extra: dict[str, Any] = field(default_factory=dict)

    def next(self) -> int:
        self.counter += 1
        return self.counter


@contextmanager
def fuzz_context() -> Iterator[FuzzContext]:
    with tempfile.TemporaryDirectory(prefix="pos-fuzz-") as tmp:
        directory = Path(tmp)
        backend = open_backend(
            load_settings(database={"path": str(directory / "fuzz.db")}), now=lambda: NOW
        )
        try:
            anna = CustomerService(backend).create({"first_name": "Anna"})
            yield FuzzContext(directory, backend, extra={"anna": anna})
        finally:
            backend.close()


# -- the targets -----------------------------------------------------------------------------------


def customer_field(ctx: FuzzContext, drawn: tuple[str, Any]) -> None:
    """One field, hostile, through create and then update of the customer service."""
    name, raw = drawn
    service = CustomerService(ctx.backend)
    data = {"first_name": f"Fuzz{ctx.next()}", name: raw}
    if name == "first_name":
        data["last_name"] = "Fuzz"
    try:
        customer_id = service.create(data)
    except FieldError as exc:
        check_message(exc)
    else:
        check_stored(ctx.backend, customer_id)
    anna = int(ctx.extra["anna"])
    try:
        service.update(anna, {name: raw})
    except FieldError as exc:
        check_message(exc)
    check_stored(ctx.backend, anna)


CSV_COLUMNS = (
    "first_name",
    "last_name",
    "mobile",
    "email",
    "credit_limit",
    "grace_period_days",
    "price_level",
    "birth_date",
    "card_number",
    "account_number",
    "remarks",
    "opening_points",
)
CSV_ROWS = st.lists(
    st.lists(st.one_of(hostile_text(30), numberish().map(str), dateish().map(str)),
             min_size=len(CSV_COLUMNS), max_size=len(CSV_COLUMNS)),
    min_size=1,
    max_size=6,
)  # fmt: skip


def csv_import(ctx: FuzzContext, rows: list[list[str]]) -> None:
    """A CSV file of hostile rows: every row imported or refused with a reason; never a crash."""
    path = ctx.directory / f"rows-{ctx.next()}.csv"
    # Lone surrogates cannot be written as UTF-8: a file holds their replacement instead.
    cells = [[c.encode("utf-8", "replace").decode("utf-8") for c in row] for row in rows]
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(CSV_COLUMNS)
        writer.writerows(cells)
    before = ctx.backend.customers.count()
    report = CustomerImporter(ctx.backend).run(path)
    # csv re-reads the file: count the rows it sees as not blank.
    with path.open(encoding="utf-8", newline="") as fh:
        read = [r for r in list(csv.reader(fh))[1:] if any(v.strip() for v in r)]
    assert report.imported + len(report.rejected) == len(read), report
    assert ctx.backend.customers.count() == before + report.imported
    for rejected in report.rejected:
        assert rejected.reason.strip() and first_control(rejected.reason) is None, rejected
    for row in ctx.backend.customers.page(order="newest", limit=report.imported):
        check_stored(ctx.backend, row.id)


SEARCHES = st.one_of(hostile_text(300), st.text(min_size=190, max_size=2_000))


def search(ctx: FuzzContext, text: str) -> None:
    """The lane's find and the back office list: a result, or a refusal on ``search``."""
    too_long = len(text.strip()) > cf.MAX_SEARCH_LENGTH
    for call in (
        lambda: CustomerService(ctx.backend).find(text, limit=20),
        lambda: CustomerListService(ctx.backend).page(ListFilters(text=text)),
    ):
        try:
            call()
        except FieldError as exc:
            check_message(exc)
            assert exc.field == "search"
        else:
            assert not too_long and first_control(text.strip()) is None


class _ChunkPort:
    """The scanner's serial port, fed in the chunks drawn (the seam ``_read_lines`` reads)."""

    def __init__(self, chunks: list[bytes], stop: threading.Event) -> None:
        self.chunks = list(chunks)
        self.stop = stop

    @property
    def in_waiting(self) -> int:
        return len(self.chunks[0]) if self.chunks else 0

    def read(self, _size: int) -> bytes:
        if not self.chunks:
            self.stop.set()
            return b""
        return self.chunks.pop(0)


SCAN_BYTES = st.tuples(
    st.binary(max_size=400),
    st.lists(st.integers(min_value=1, max_value=64), min_size=1, max_size=8),
)


def scan_line(ctx: FuzzContext, drawn: tuple[bytes, list[int]]) -> None:
    """Any bytes from a scanner, cut into any chunks, then a good scan: every scan taken is
    printable and short, and the good scan after the garbage always comes through."""
    data, cuts = drawn
    stream = data + b"\r\nGOOD-0042\r\n"
    chunks, at, i = [], 0, 0
    while at < len(stream):
        size = cuts[i % len(cuts)]
        chunks.append(stream[at : at + size])
        at, i = at + size, i + 1
    events: list[DeviceEvent] = []
    scanner = SerialScanner("loop://", events.append, drop_notice_seconds=0)
    scanner._read_lines(_ChunkPort(chunks, scanner._stop))
    scans = [e.code for e in events if isinstance(e, Scan)]
    assert scans and scans[-1] == "GOOD-0042", events
    for code in scans:
        assert code.isprintable() and len(code) <= SCAN_MAX_LENGTH, code
    for event in events:
        assert isinstance(event, Scan | LineDropped), event
        if isinstance(event, LineDropped):
            assert len(event.message) < 80


class _Channel:
    """A card answering every command with the next drawn (data, status word)."""

    def __init__(self, answers: list[tuple[bytes, int]]) -> None:
        self.answers = list(answers)

    def transmit(self, _apdu: bytes) -> tuple[bytes, int]:
        return self.answers.pop(0) if self.answers else (b"", 0x6F00)


CARD_ANSWERS = st.lists(
    st.tuples(
        st.one_of(st.binary(max_size=300), st.from_regex(rb"[0-9]{0,40}[\x00\xff ]{0,4}")),
        st.one_of(st.sampled_from([0x9000, 0x6A82, 0x6986, 0x6100, 0x61FF, 0x6C10]),
                  st.integers(min_value=0, max_value=0xFFFF)),
    ),
    max_size=20,
)  # fmt: skip


def card_read(ctx: FuzzContext, answers: list[tuple[bytes, int]]) -> None:
    """Whatever a card answers: a short card number of digits or hex, or a cashier message."""
    for profile in (UidProfile(), LoyaltyAppProfile()):
        try:
            number = profile.read_card_number(_Channel(answers))
        except CardReadError as error:
            assert str(error).startswith("Card not accepted") and first_control(str(error)) is None
        else:
            assert number.isascii() and number.isalnum() and len(number) <= 32, number
            assert plain(number) == number


class _StatusConn:
    """A printer connection answering status requests with the drawn bytes."""

    def __init__(self, answers: list[int]) -> None:
        self.answers = list(answers)
        self.device = self

    def _raw(self, _data: bytes) -> None:
        return None

    def recv(self, _size: int) -> bytes:
        return bytes([self.answers.pop(0)])


def printer_status(ctx: FuzzContext, answers: list[int]) -> None:
    """Any three status bytes: paper-out only from a real status byte saying so."""
    status = query_status(_StatusConn(answers), NetworkTarget("fuzz"))
    if not all(is_status_byte(b) for b in answers):
        assert not status.answered and status.paper != "out" and status.problem
    else:
        assert status.answered


STATUS_BYTES = st.lists(st.integers(min_value=0, max_value=255), min_size=3, max_size=3)


@dataclass(frozen=True)
class FuzzTarget:
    strategy: st.SearchStrategy[Any]
    check: Callable[[FuzzContext, Any], None]


TARGETS: dict[str, FuzzTarget] = {
    "customer_field": FuzzTarget(FIELD_VALUES, customer_field),
    "csv_import": FuzzTarget(CSV_ROWS, csv_import),
    "search": FuzzTarget(SEARCHES, search),
    "scan_line": FuzzTarget(SCAN_BYTES, scan_line),
    "card_read": FuzzTarget(CARD_ANSWERS, card_read),
    "printer_status": FuzzTarget(STATUS_BYTES, printer_status),
}


def run(name: str, *, max_examples: int = 100, seed: int | None = None) -> None:
    """Run one target for ``max_examples`` examples in a fresh temporary store; a broken
    promise raises hypothesis's shrunk counterexample."""
    target = TARGETS[name]
    with fuzz_context() as ctx:

        @settings(
            max_examples=max_examples,
            deadline=None,
            database=None,
            derandomize=seed is None,  # the tests: the same examples every run
            suppress_health_check=list(HealthCheck),
        )
        @given(target.strategy)
        def examples(value: Any) -> None:
            target.check(ctx, value)

        (examples if seed is None else hypothesis_seed(seed)(examples))()
