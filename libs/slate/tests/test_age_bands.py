"""The age band casting sends instead of the birth date: its edges, and that each band lies in
one 8 CCR §11760 hours band (payroll's labels)."""

from __future__ import annotations

import itertools
from datetime import date, timedelta

import pytest
from slate_domain.age_bands import ADULT, BANDS, HOURS_BAND, TOO_YOUNG, age_band

BIRTH = date(2020, 1, 31)


@pytest.mark.parametrize(
    ("on", "band"),
    [
        (BIRTH, TOO_YOUNG),
        (BIRTH + timedelta(days=14), "P0D/P15D"),
        (BIRTH + timedelta(days=15), "P15D/P1M"),
        (date(2020, 2, 29), "P15D/P1M"),
        (date(2020, 3, 1), "P1M/P6W"),  # one month after 31 January: February has no 31st
        (BIRTH + timedelta(days=41), "P1M/P6W"),
        (BIRTH + timedelta(days=42), "P6W/P6M"),
        (date(2020, 7, 30), "P6W/P6M"),
        (date(2020, 7, 31), "P6M/P2Y"),
        (date(2022, 1, 31), "P2Y/P6Y"),
        (date(2026, 1, 31), "P6Y/P9Y"),
        (date(2029, 1, 30), "P6Y/P9Y"),
        (date(2029, 1, 31), "P9Y/P16Y"),
        (date(2036, 1, 31), "P16Y/P18Y"),
        (date(2038, 1, 30), "P16Y/P18Y"),
        (date(2038, 1, 31), ADULT),
    ],
)
def test_the_band_on_a_day(on: date, band: str) -> None:
    assert age_band(BIRTH, on) == band


def test_a_29_february_birthday_turns_18_on_1_march_as_casting_counts_ages() -> None:
    leap = date(2008, 2, 29)
    assert age_band(leap, date(2026, 2, 28)) == "P16Y/P18Y"
    assert age_band(leap, date(2026, 3, 1)) == ADULT


def test_bands_are_contiguous_and_each_lies_in_one_hours_band() -> None:
    assert BANDS[0] == TOO_YOUNG
    assert BANDS[-1] == "P16Y/P18Y"
    for a, b in itertools.pairwise(BANDS):
        assert a.split("/")[1] == b.split("/")[0]
    assert set(HOURS_BAND) == set(BANDS[1:])
    hours = {"P15D/P6M", "P6M/P2Y", "P2Y/P6Y", "P6Y/P9Y", "P9Y/P16Y", "P16Y/P18Y"}
    assert set(HOURS_BAND.values()) == hours
