"""Availability expansion across the DST changes of Europe/Berlin, for any weekly slots,
absences and period (hypothesis): windows sorted, disjoint, inside the period, outside
every absence, and each window's local start and end are a slot's wall-clock times (or the
period's edges); never an exception."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from volunteers.selectors import expand_windows

pytestmark = pytest.mark.unit

BERLIN = ZoneInfo("Europe/Berlin")
PROPERTY = settings(max_examples=120, derandomize=True, deadline=None)

#: The weeks around the changes of 2026 (29 March, 25 October).
CHANGE_DAYS = [dt.date(2026, 3, 29), dt.date(2026, 10, 25)]

times = st.builds(dt.time, st.integers(0, 23), st.sampled_from([0, 15, 30, 45]))
slots = st.lists(
    st.tuples(st.integers(0, 6), times, times).filter(lambda s: s[1] < s[2]), max_size=6
)


@PROPERTY
@given(
    change=st.sampled_from(CHANGE_DAYS),
    slot_list=slots,
    from_day=st.integers(-4, 0),
    days=st.integers(1, 8),
    from_hour=st.integers(0, 23),
    absence=st.none() | st.tuples(st.integers(-3, 3), st.integers(0, 2)),
)
def test_windows_across_dst_keep_the_wall_clock_and_the_rules(
    change, slot_list, from_day, days, from_hour, absence
):
    start = dt.datetime.combine(
        change + dt.timedelta(days=from_day), dt.time(from_hour), tzinfo=BERLIN
    )
    end = start + dt.timedelta(days=days)
    absences = []
    if absence is not None:
        first = change + dt.timedelta(days=absence[0])
        absences = [(first, first + dt.timedelta(days=absence[1]))]
    windows = expand_windows(slots=slot_list, absences=absences, start=start, end=end)

    for index, (w_start, w_end) in enumerate(windows):
        assert start <= w_start < w_end <= end
        assert w_start.utcoffset() == dt.timedelta(0)
        if index + 1 < len(windows):
            assert w_end < windows[index + 1][0]  # merged: disjoint and not touching
        local_start, local_end = w_start.astimezone(BERLIN), w_end.astimezone(BERLIN)
        for day_start, day_end in absences:
            assert not (day_start <= local_start.date() <= day_end)
        starts = {s for _d, s, _e in slot_list} | {start.astimezone(BERLIN).time()}
        ends = {e for _d, _s, e in slot_list} | {end.astimezone(BERLIN).time()}
        # A slot's time that does not exist on the spring night is read an hour later.
        shifted = {(dt.datetime.combine(change, t) + dt.timedelta(hours=1)).time() for t in starts}
        assert local_start.time() in starts | shifted or local_start.time() == dt.time(0)
        assert local_end.time() in ends | {dt.time(0)} | {
            (dt.datetime.combine(change, t) + dt.timedelta(hours=1)).time() for t in ends
        }
