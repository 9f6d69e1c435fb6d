"""Day-out-of-days: each talent against the production's shoot days, with the standard codes.

SW start work, W work, WF work finish, SWF start-work-finish (one day only), H hold (a paid
non-working day between first and last work), D drop (the first day of a gap long enough to
drop a day performer: more than `DROP_AFTER_DAYS` calendar days between two work days), PW
pick-up work (the first work day after a drop); days outside the talent's span are blank.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from itertools import pairwise

DROP_AFTER_DAYS = 10  # SAG-AFTRA (US films): a firm pick-up date more than 10 days later


def codes(
    shoot_dates: Sequence[date], worked: set[date], *, drop_after: int = DROP_AFTER_DAYS
) -> list[str]:
    """The talent's code on each shoot date (in order) given the dates they work."""
    out = ["" for _ in shoot_dates]
    work = [i for i, d in enumerate(shoot_dates) if d in worked]
    if not work:
        return out
    first, last = work[0], work[-1]
    if first == last:
        out[first] = "SWF"
        return out
    for i in range(first, last + 1):
        out[i] = "W" if shoot_dates[i] in worked else "H"
    for a, b in pairwise(work):
        if b - a > 1 and (shoot_dates[b] - shoot_dates[a]).days > drop_after:
            out[a + 1] = "D"
            for i in range(a + 2, b):
                out[i] = ""
            out[b] = "PW"
    out[first] = "SW"
    out[last] = "WF"
    return out


def day_out_of_days(
    shoot_dates: Sequence[date], work_by_talent: Mapping[str, set[date]]
) -> list[tuple[str, list[str]]]:
    """One row per talent (in id order): the talent and its codes per shoot date."""
    return [(t, codes(shoot_dates, work_by_talent[t])) for t in sorted(work_by_talent)]


def to_csv(shoot_dates: Sequence[date], rows: Sequence[tuple[str, list[str]]]) -> str:
    """The report as CSV: a header of dates, then a line per talent with the worked total."""
    lines = [",".join(["talent", *(d.isoformat() for d in shoot_dates), "work", "hold"])]
    for talent, row in rows:
        worked = sum(c in ("SW", "W", "WF", "SWF", "PW") for c in row)
        held = row.count("H")
        lines.append(",".join([talent, *row, str(worked), str(held)]))
    return "\r\n".join(lines) + "\r\n"
