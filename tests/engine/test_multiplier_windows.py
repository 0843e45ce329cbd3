"""Point multiplier windows, over midnight included: a window belongs to the weekday it starts on.

A Friday 22:00-02:00 window covers Friday 22:00 to Saturday 02:00 (to the end of the 02:00
minute, as a same-day window includes its to-minute) and nothing of Friday 00:00-02:00, which
belongs to Thursday's window.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pos_tui.engine import earn_points
from pos_tui.engine.loyalty import multiplier_active
from pos_tui.engine.models import WEEKDAYS
from tests.engine.engine_factories import SETTINGS, card

FRIDAY = dt.date(2024, 5, 17)
SATURDAY = FRIDAY + dt.timedelta(days=1)
THURSDAY = FRIDAY - dt.timedelta(days=1)
FRIDAY_NIGHTS = card(
    block_sale_value=D(10),
    points_awarded=D(1),
    multiplier=D(2),
    multiplier_weekdays="fri",
    multiplier_from_time=dt.time(22, 0),
    multiplier_to_time=dt.time(2, 0),
)


def at(day: dt.date, hh_mm: str) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.fromisoformat(hh_mm))


@pytest.mark.parametrize(
    ("moment", "active"),
    [
        (at(FRIDAY, "21:59"), False),
        (at(FRIDAY, "21:59:59"), False),
        (at(FRIDAY, "22:00"), True),
        (at(FRIDAY, "23:59"), True),
        (at(FRIDAY, "23:59:59"), True),
        (at(SATURDAY, "00:00"), True),  # Friday's window, though the day is Saturday
        (at(SATURDAY, "01:59"), True),
        (at(SATURDAY, "02:00"), True),  # the to-minute counts, as in a same-day window
        (at(SATURDAY, "02:00:59"), True),
        (at(SATURDAY, "02:01"), False),
        (at(SATURDAY, "22:00"), False),  # Saturday is not in the list
        (at(SATURDAY, "23:30"), False),
        (at(FRIDAY, "00:00"), False),  # Thursday's window, and Thursday is not in the list
        (at(FRIDAY, "01:59"), False),
        (at(FRIDAY, "12:00"), False),
        (at(THURSDAY, "23:00"), False),
    ],
)
def test_friday_night_window_belongs_to_friday(moment: dt.datetime, active: bool) -> None:
    assert multiplier_active(FRIDAY_NIGHTS, moment) is active
    points = earn_points(FRIDAY_NIGHTS, None, D(1000), moment, SETTINGS).points
    assert points == (D(200) if active else D(100))


def test_same_day_window_counts_its_to_minute() -> None:
    ct = card(
        multiplier=D(2),
        multiplier_weekdays="wed",
        multiplier_from_time=dt.time(10),
        multiplier_to_time=dt.time(20),
    )
    wednesday = dt.date(2024, 5, 15)
    assert multiplier_active(ct, at(wednesday, "20:00:30"))
    assert not multiplier_active(ct, at(wednesday, "20:01"))
    assert not multiplier_active(ct, at(wednesday, "09:59:59"))


def _reference(
    days: frozenset[str], start: dt.time | None, end: dt.time | None, moment: dt.datetime
) -> bool:
    """The rule written the other way round: the moment (to the minute) lies in the window of
    a listed weekday that started that day or the day before."""
    minute = moment.replace(second=0, microsecond=0)
    for back in (0, 1):
        day = moment.date() - dt.timedelta(days=back)
        if WEEKDAYS[day.weekday()] not in days:
            continue
        opens = dt.datetime.combine(day, start or dt.time(0, 0))
        closes = dt.datetime.combine(day, end or dt.time(23, 59))
        if closes < opens:
            closes += dt.timedelta(days=1)
        if opens <= minute <= closes:
            return True
    return False


clock_times = st.builds(dt.time, st.integers(0, 23), st.integers(0, 59))
times = st.none() | clock_times
days_2000s = st.dates(min_value=dt.date(2000, 1, 2), max_value=dt.date(2100, 1, 1))


@st.composite
def near(draw: st.DrawFn, *edges: dt.time | None) -> dt.datetime:
    """A moment anywhere, or within two minutes of a window's edge (where the rules differ)."""
    day = draw(days_2000s)
    edge = draw(st.sampled_from([*(e for e in edges if e is not None), None]))
    if edge is None:
        return dt.datetime.combine(day, draw(st.times()))
    offset = dt.timedelta(seconds=draw(st.integers(-120, 120)))
    return dt.datetime.combine(day, edge) + offset


@given(days=st.frozensets(st.sampled_from(WEEKDAYS)), start=times, end=times, data=st.data())
def test_window_rule_property(
    days: frozenset[str], start: dt.time | None, end: dt.time | None, data: st.DataObject
) -> None:
    moment = data.draw(near(start, end, dt.time(0, 0)))
    ct = card(
        multiplier=D(2),
        multiplier_weekdays=",".join(sorted(days)),
        multiplier_from_time=start,
        multiplier_to_time=end,
    )
    assert multiplier_active(ct, moment) is _reference(days, start, end, moment)


@given(start=clock_times, end=clock_times, data=st.data())
def test_a_window_over_midnight_is_one_day_s_window(
    start: dt.time, end: dt.time, data: st.DataObject
) -> None:
    """Listing the days one at a time splits the moments exactly: a moment is inside the
    every-day window iff it is inside exactly one single-day window (windows over midnight
    never count twice, and never fall between two days)."""
    single = [
        card(
            multiplier=D(2),
            multiplier_weekdays=day,
            multiplier_from_time=start,
            multiplier_to_time=end,
        )
        for day in WEEKDAYS
    ]
    every = card(
        multiplier=D(2),
        multiplier_weekdays=",".join(WEEKDAYS),
        multiplier_from_time=start,
        multiplier_to_time=end,
    )
    moment = data.draw(near(start, end, dt.time(0, 0)))
    hits = sum(multiplier_active(ct, moment) for ct in single)
    assert hits <= 1
    assert multiplier_active(every, moment) is (hits == 1)
