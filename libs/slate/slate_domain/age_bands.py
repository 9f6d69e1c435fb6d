"""A minor's age band: what casting (which holds the birth date) tells legal and payroll instead
of the birth date.

The label is the band as two ISO-8601 ages, "from/to" ("P9Y/P16Y": from the 9th birthday up to
the day before the 16th), like payroll's `MinorBand.label`. The bands are the 8 CCR §11760 hours
bands, with the first (15 days to 6 months) split where the infant rules change: under one month
a pediatrician's certification is required (Labor Code §1308.8), under six weeks a nurse and a
studio teacher per three infants (8 CCR §11764). Every label lies inside exactly one §11760 band
(`HOURS_BAND`). Below 15 days no one may be employed ("P0D/P15D"); an adult has no band ("").
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import date, timedelta


@dataclass(frozen=True)
class Age:
    """An ISO-8601 age: a number of days (D), weeks (W), months (M) or years (Y)."""

    amount: int
    unit: str

    @property
    def iso(self) -> str:
        return f"P{self.amount}{self.unit}"

    def reached_on(self, birth: date) -> date:
        """The first day on which someone born on `birth` has this age. A day the target month
        lacks (29 February, a 31st) is reached on the next month's first day, as casting's
        `age_on` counts birthdays: the younger, more protected band lasts the longer."""
        if self.unit in ("D", "W"):
            return birth + timedelta(days=self.amount * (7 if self.unit == "W" else 1))
        months = self.amount * (12 if self.unit == "Y" else 1)
        month0 = birth.month - 1 + months
        year, month = birth.year + month0 // 12, month0 % 12 + 1
        next_month = date(year + month // 12, month % 12 + 1, 1)
        if birth.day > (next_month - timedelta(days=1)).day:
            return next_month
        return date(year, month, birth.day)


_EDGES = (
    Age(0, "D"),
    Age(15, "D"),
    Age(1, "M"),
    Age(6, "W"),
    Age(6, "M"),
    Age(2, "Y"),
    Age(6, "Y"),
    Age(9, "Y"),
    Age(16, "Y"),
    Age(18, "Y"),
)
BANDS: tuple[str, ...] = tuple(f"{a.iso}/{b.iso}" for a, b in itertools.pairwise(_EDGES))
TOO_YOUNG = BANDS[0]
ADULT = ""
# Each band's 8 CCR §11760 hours band (payroll's MinorBand.label); none for the too young.
HOURS_BAND: dict[str, str] = {
    "P15D/P1M": "P15D/P6M",
    "P1M/P6W": "P15D/P6M",
    "P6W/P6M": "P15D/P6M",
    "P6M/P2Y": "P6M/P2Y",
    "P2Y/P6Y": "P2Y/P6Y",
    "P6Y/P9Y": "P6Y/P9Y",
    "P9Y/P16Y": "P9Y/P16Y",
    "P16Y/P18Y": "P16Y/P18Y",
}


def age_band(birth: date, on: date) -> str:
    """The band someone born on `birth` is in on `on`: one of BANDS, or ADULT ("") from the
    18th birthday."""
    for low, high in itertools.pairwise(_EDGES):
        if low.reached_on(birth) <= on < high.reached_on(birth):
            return f"{low.iso}/{high.iso}"
    return ADULT if on >= birth else TOO_YOUNG
