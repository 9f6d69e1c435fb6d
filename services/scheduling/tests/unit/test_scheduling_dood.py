"""Day-out-of-days codes on hand-checked cases."""

from __future__ import annotations

from datetime import date, timedelta

from scheduling.domain.dood import codes, day_out_of_days, to_csv

D = [date(2027, 3, 1) + timedelta(days=i) for i in range(6)]  # six consecutive shoot days


def test_start_work_hold_and_finish() -> None:
    # works days 2, 3 and 5: SW W H WF, blank before and after
    assert codes(D, {D[1], D[2], D[4]}) == ["", "SW", "W", "H", "WF", ""]


def test_one_day_is_start_work_finish() -> None:
    assert codes(D, {D[3]}) == ["", "", "", "SWF", "", ""]


def test_no_work_is_blank() -> None:
    assert codes(D, set()) == [""] * 6


def test_a_long_gap_is_a_drop_and_a_pickup() -> None:
    days = [
        date(2027, 3, 1),
        date(2027, 3, 2),
        date(2027, 3, 3),
        date(2027, 3, 20),
        date(2027, 3, 21),
    ]
    # works 1 March and 20-21 March: 19 days apart (> 10), so dropped after day one
    assert codes(days, {days[0], days[3], days[4]}) == ["SW", "D", "", "PW", "WF"]
    # a short gap is held, not dropped
    assert codes(days[:3], {days[0], days[2]}) == ["SW", "H", "WF"]


def test_rows_and_csv() -> None:
    rows = day_out_of_days(D[:3], {"tal_b": {D[2]}, "tal_a": {D[0], D[2]}})
    assert rows == [("tal_a", ["SW", "H", "WF"]), ("tal_b", ["", "", "SWF"])]
    assert to_csv(D[:3], rows).splitlines() == [
        "talent,2027-03-01,2027-03-02,2027-03-03,work,hold",
        "tal_a,SW,H,WF,2,1",
        "tal_b,,,SWF,1,0",
    ]
