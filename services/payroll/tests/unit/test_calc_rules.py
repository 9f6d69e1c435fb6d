"""One test per California rule, each naming its statute (issue 3 acceptance)."""

from __future__ import annotations

from typing import Any

import pytest
from payroll.domain import InvalidRequest, calculate_json


def request(
    days: list[dict[str, Any]],
    *,
    rate: str = "30.00",
    unit: str = "hour",
    location: str = "US-CA",
    agreement: str = "none",
    week: str = "2026-03-02",
    **extra: Any,
) -> dict[str, Any]:
    return {
        "work_location": location,
        "agreement": agreement,
        "rate": {"unit": unit, "amount": rate},
        "workweek_start": week,
        "days": days,
        "agent_fee_percent": "0",
        **extra,
    }


def day(date: str, call: str, wrap: str, *meals: tuple[str, str], **extra: Any) -> dict[str, Any]:
    return {
        "date": date,
        "call": call,
        "wrap": wrap,
        "meals": [{"start": s, "end": e} for s, e in meals],
        **extra,
    }


def lines(result: dict[str, Any], index: int) -> list[tuple[str, str, str, str]]:
    return [
        (ln["kind"], ln["hours"], ln["rate"], ln["amount"]) for ln in result["days"][index]["lines"]
    ]


def codes(result: dict[str, Any]) -> list[str]:
    return [w["code"] for w in result["warnings"]]


LUNCH = ("12:00", "12:30")


def test_contract_example_matches_design_md() -> None:
    """DESIGN.md "Public contracts": the documented example request gives the documented result."""
    result = calculate_json(
        request([day("2026-03-02", "07:00", "17:30", LUNCH)], location="US-CA-LOS-ANGELES-CITY")
    )
    assert result["days"][0]["hours_worked"] == "10.00"
    assert lines(result, 0) == [
        ("regular", "8.00", "30.00", "240.00"),
        ("overtime_1_5x", "2.00", "45.00", "90.00"),
    ]
    totals = result["totals"]
    assert (totals["regular_hours"], totals["overtime_1_5x_hours"], totals["gross"]) == (
        "8.00",
        "2.00",
        "330.00",
    )
    assert totals["overtime_2x_hours"] == totals["meal_premiums"] == totals["agent_fee"] == "0.00"
    assert result["warnings"] == []
    assert all(ln["rule"] and ln["source"].startswith("http") for ln in result["days"][0]["lines"])


def test_lc510_daily_and_weekly_overtime_in_one_week_without_pyramiding() -> None:
    """LC §510(a): 1.5× after 8 h/day and after 40 h/week; daily OT hours don't count to 40."""
    week = [day(f"2026-03-0{d}", "07:00", "17:30", LUNCH) for d in range(2, 7)]  # Mon–Fri 10 h
    week.append(day("2026-03-07", "08:00", "14:00"))  # Sat 6 h, all past the 40 regular hours
    result = calculate_json(request(week))
    for i in range(5):  # 40 regular hours are reached only on Friday
        assert lines(result, i) == [
            ("regular", "8.00", "30.00", "240.00"),
            ("overtime_1_5x", "2.00", "45.00", "90.00"),
        ]
    assert lines(result, 5) == [("overtime_1_5x", "6.00", "45.00", "270.00")]
    assert (
        "weekly" in result["days"][5]["lines"][0]["rule"]
        or "40" in (result["days"][5]["lines"][0]["rule"])
    )
    t = result["totals"]
    assert (t["regular_hours"], t["overtime_1_5x_hours"], t["gross"]) == (
        "40.00",
        "16.00",
        "1920.00",
    )


def test_lc510_weekly_overtime_starts_mid_day_and_daily_overtime_is_not_paid_twice() -> None:
    """LC §510(a): an hour over both 8/day and 40/week is paid once, at 1.5× (no pyramiding)."""
    week = [day(f"2026-03-0{d}", "07:00", "16:30", LUNCH) for d in range(2, 7)]  # 9 h × 5
    week.append(day("2026-03-07", "07:00", "12:00"))  # Sat 5 h
    week[3] = day("2026-03-05", "07:00", "13:00")  # Thu 6 h: 30 regular after Thu
    result = calculate_json(request(week))
    # Fri: 9 h = 8 regular (38 total) … Sat: 2 regular to reach 40, then 3 h weekly OT.
    assert lines(result, 5) == [
        ("regular", "2.00", "30.00", "60.00"),
        ("overtime_1_5x", "3.00", "45.00", "135.00"),
    ]
    assert result["totals"]["overtime_2x_hours"] == "0.00"


def test_lc510_seventh_consecutive_day_short_is_all_time_and_a_half() -> None:
    """LC §510(a), Mendoza v. Nordstrom: all 7 days of the workweek worked -> 7th day 1.5×."""
    week = [day(f"2026-03-{d:02d}", "08:00", "14:00") for d in range(2, 9)]  # 7 × 6 h
    result = calculate_json(request(week))
    assert result["totals"]["regular_hours"] == "36.00"
    assert lines(result, 6) == [("overtime_1_5x", "6.00", "45.00", "270.00")]
    assert "7th" in result["days"][6]["lines"][0]["rule"]


def test_lc510_seventh_consecutive_day_long_is_double_time_after_eight_hours() -> None:
    """LC §510(a): on the 7th day, the first 8 h at 1.5× and every hour after 8 at 2×."""
    week = [day(f"2026-03-{d:02d}", "07:00", "15:30", LUNCH) for d in range(2, 8)]  # 6 × 8 h
    week.append(day("2026-03-08", "07:00", "17:30", LUNCH))  # Sun 10 h
    result = calculate_json(request(week))
    assert lines(result, 5) == [("overtime_1_5x", "8.00", "45.00", "360.00")]  # 41st–48th hour
    assert lines(result, 6) == [
        ("overtime_1_5x", "8.00", "45.00", "360.00"),
        ("overtime_2x", "2.00", "60.00", "120.00"),
    ]


def test_lc500_seven_days_across_two_fixed_workweeks_is_not_a_seventh_day() -> None:
    """LC §500(b), Mendoza: the 7th day is counted in the fixed workweek, not a rolling 7 days."""
    days = [day(f"2026-03-{d:02d}", "08:00", "14:00") for d in range(4, 11)]  # Wed–Tue
    result = calculate_json(request(days))
    assert result["totals"]["overtime_1_5x_hours"] == "0.00"
    assert result["totals"]["regular_hours"] == "42.00"


def test_lc500_shift_past_midnight_belongs_to_the_day_it_started() -> None:
    """LC §500: a wrap before the call is the next morning; the hours stay with the start date."""
    result = calculate_json(request([day("2026-03-06", "20:00", "06:30", ("01:00", "01:30"))]))
    assert result["days"][0]["date"] == "2026-03-06"
    assert result["days"][0]["hours_worked"] == "10.00"
    assert lines(result, 0) == [
        ("regular", "8.00", "30.00", "240.00"),
        ("overtime_1_5x", "2.00", "45.00", "90.00"),
    ]


def test_lc500_shift_past_midnight_into_the_next_workweek_counts_in_its_start_week() -> None:
    """LC §500(b): a Saturday-night shift ending Sunday counts in Saturday's workweek."""
    days = [day(f"2026-03-0{d}", "07:00", "15:30", LUNCH) for d in range(2, 7)]  # 40 regular
    days.append(day("2026-03-07", "20:00", "02:00"))  # Sat night into Sun (new week)
    result = calculate_json(request(days, week="2026-03-01"))  # workweek starts Sunday
    assert lines(result, 5) == [("overtime_1_5x", "6.00", "45.00", "270.00")]


def test_wo12_missed_first_and_second_meal_pay_one_premium_at_the_regular_rate() -> None:
    """IWC WO12 §11 + LC §226.7 (UPS v. Superior Court): two late meals, one premium hour."""
    result = calculate_json(request([day("2026-03-02", "06:00", "21:00", ("13:00", "13:30"))]))
    premium = [ln for ln in result["days"][0]["lines"] if ln["kind"] == "meal_premium"]
    assert [(p["hours"], p["rate"], p["amount"]) for p in premium] == [("1.00", "30.00", "30.00")]
    assert "meal 1" in premium[0]["rule"]
    assert "meal 2" in premium[0]["rule"]
    t = result["totals"]
    assert (t["regular_hours"], t["overtime_1_5x_hours"], t["overtime_2x_hours"]) == (
        "8.00",
        "4.00",
        "2.50",
    )
    assert t["meal_premiums"] == "30.00"
    assert t["gross"] == str(240 + 180 + 150 + 30) + ".00"


def test_wo12_six_hours_without_a_meal_is_allowed_but_a_minute_more_is_not() -> None:
    """IWC WO12 §11: no work period of *more than* 6 hours without a meal."""
    ok = calculate_json(request([day("2026-03-02", "07:00", "13:00")]))
    late = calculate_json(request([day("2026-03-02", "07:00", "13:01")]))
    assert ok["totals"]["meal_premiums"] == "0.00"
    assert late["totals"]["meal_premiums"] == "30.00"


def test_wo12_short_meal_does_not_end_the_work_period() -> None:
    """IWC WO12 §11: a meal under 30 minutes is not a meal period; it is warned and premium'd."""
    result = calculate_json(request([day("2026-03-02", "07:00", "17:00", ("12:00", "12:20"))]))
    assert result["totals"]["meal_premiums"] == "30.00"
    assert "meal_length" in codes(result)


def test_lc226_7_meal_premium_for_a_day_rate_is_at_its_regular_rate() -> None:
    """LC §226.7, Ferra: premium at the regular rate (day rate / 8 h, an engine assumption)."""
    result = calculate_json(
        request([day("2026-03-02", "06:00", "14:00")], rate="400.00", unit="day")
    )
    assert lines(result, 0) == [
        ("regular", "8.00", "50.00", "400.00"),
        ("meal_premium", "1.00", "50.00", "50.00"),
    ]
    assert "unconfirmed_rule" in codes(result)


def test_day_rate_guarantees_eight_straight_hours_and_pays_overtime_on_top() -> None:
    """LC §510(a) with a day rate: short days are paid the full day; long days add overtime."""
    result = calculate_json(
        request(
            [day("2026-03-02", "07:00", "12:00"), day("2026-03-03", "07:00", "18:30", LUNCH)],
            rate="400.00",
            unit="day",
        )
    )
    assert lines(result, 0) == [
        ("regular", "5.00", "50.00", "250.00"),
        ("day_rate_guarantee", "3.00", "50.00", "150.00"),
    ]
    assert lines(result, 1) == [
        ("regular", "8.00", "50.00", "400.00"),
        ("overtime_1_5x", "3.00", "75.00", "225.00"),
    ]


def test_sag_aftra_late_meal_keeps_the_lc226_7_premium_as_floor_while_penalty_unconfirmed() -> None:
    """AB 1734 / LC §512(d) lets a CBA's meal remedy replace the Wage Order premium, but the
    SAG-AFTRA Commercials principal penalty amounts are unconfirmed: until they are, the WO12 §11 /
    LC §226.7 premium is paid as the floor (never $0) and a warning says so for each late meal."""
    result = calculate_json(
        request(
            [day("2026-03-02", "06:00", "21:00", ("13:00", "13:30"))],
            agreement="sag-aftra-commercials",
        )
    )
    premium = [ln for ln in result["days"][0]["lines"] if ln["kind"] == "meal_premium"]
    assert [(p["hours"], p["rate"], p["amount"]) for p in premium] == [("1.00", "30.00", "30.00")]
    assert result["totals"]["meal_premiums"] == "30.00"
    late = [w for w in result["warnings"] if w["code"] == "union_meal_penalty_unconfirmed"]
    assert [("meal 1" in w["message"], "meal 2" in w["message"]) for w in late] == [
        (True, False),
        (False, True),
    ]
    assert all("floor" in w["message"] for w in late)
    assert any("AB 1734" in r for r in result["rules_applied"])
    assert "union_overtime_unconfirmed" in codes(result)


def test_sag_aftra_pension_and_health_and_agent_plus_ten_on_top_of_gross() -> None:
    """SAG-AFTRA Commercials 2025: P&H 23.5 % of gross; agent "+10" paid on top of gross."""
    req = request([day("2026-03-02", "07:00", "17:30", LUNCH)], agreement="sag-aftra-commercials")
    req["agent_fee_percent"] = "10"
    t = calculate_json(req)["totals"]
    assert (t["gross"], t["agent_fee"], t["pension_health"]) == ("330.00", "33.00", "77.55")


def test_sag_aftra_agent_fee_over_the_cap_is_warned() -> None:
    """SAG-AFTRA agency regulations: commission capped at 10 %."""
    req = request([day("2026-03-02", "07:00", "15:00")], agreement="sag-aftra-commercials")
    req["agent_fee_percent"] = "15"
    assert "agent_fee_over_cap" in codes(calculate_json(req))


@pytest.mark.parametrize(
    ("location", "date", "rate", "valid"),
    [
        ("US-CA", "2025-12-31", "16.60", True),  # LC §1182.12: $16.50 in 2025
        ("US-CA", "2026-01-01", "16.60", False),  # … $16.90 from 2026-01-01
        ("US-CA", "2025-07-01", "17.50", True),
        ("US-CA-LOS-ANGELES-CITY", "2025-06-30", "17.50", True),  # LAMC: $17.28 to 2025-06-30
        ("US-CA-LOS-ANGELES-CITY", "2025-07-01", "17.50", False),  # … $17.87 from 2025-07-01
        ("US-CA-LOS-ANGELES-CITY", "2025-07-01", "17.87", True),
        ("US-CA", "2026-06-30", "17.50", True),
        ("US-CA-LOS-ANGELES-CITY", "2026-06-30", "17.50", False),
    ],
)
def test_minimum_wage_los_angeles_vs_statewide_either_side_of_a_change(
    location: str, date: str, rate: str, valid: bool
) -> None:
    """LC §1182.12 and LAMC §187.02: the higher minimum wage where the work is done, that day."""
    req = request([day(date, "08:00", "12:00")], rate=rate, location=location, week=date)
    if valid:
        assert calculate_json(req)["totals"]["regular_hours"] == "4.00"
    else:
        with pytest.raises(InvalidRequest) as caught:
            calculate_json(req)
        assert [e.field for e in caught.value.errors] == ["rate.amount"]
        assert date in caught.value.errors[0].message


def test_minimum_wage_los_angeles_after_2026_07_01_is_unconfirmed_and_warned() -> None:
    """LAMC §187.02(d): the 2026-07-01 rate is not confirmed; the check uses the prior floor."""
    req = request(
        [day("2026-07-01", "08:00", "12:00")],
        rate="17.90",
        location="US-CA-LOS-ANGELES-CITY",
        week="2026-07-01",
    )
    result = calculate_json(req)
    assert "unconfirmed_minimum_wage" in codes(result)


def test_minimum_wage_for_a_day_rate_uses_its_hourly_equivalent() -> None:
    """LC §1182.12: a day rate of $130 is $16.25 an hour over 8 h, below $16.90 in 2026."""
    with pytest.raises(InvalidRequest) as caught:
        calculate_json(request([day("2026-03-02", "08:00", "12:00")], rate="130", unit="day"))
    assert caught.value.errors[0].field == "rate.amount"


def test_wage_order_5_reporting_time_pays_half_the_scheduled_day() -> None:
    """Wage Order §5: put to work less than half the scheduled day -> paid half (2 h to 4 h)."""
    result = calculate_json(
        request(
            [
                day("2026-03-02", "07:00", "08:00", scheduled_hours="8"),
                day("2026-03-03", "07:00", "08:00", scheduled_hours="3"),
                day("2026-03-04", "07:00", "08:00", scheduled_hours="12"),
                day("2026-03-05", "07:00", "12:00", scheduled_hours="8"),
            ]
        )
    )
    rt = [[ln for ln in d["lines"] if ln["kind"] == "reporting_time"] for d in result["days"]]
    assert [[(ln["hours"], ln["amount"]) for ln in d] for d in rt] == [
        [("3.00", "90.00")],  # half of 8 = 4 h, 1 worked
        [("1.00", "30.00")],  # half of 3 = 1.5 h, raised to the 2 h minimum
        [("3.00", "90.00")],  # half of 12 = 6 h, capped at 4 h
        [],  # worked 5 of 8: not less than half
    ]
    assert result["days"][0]["hours_worked"] == "1.00"  # reporting time is not hours worked
    assert result["totals"]["reporting_time"] == "210.00"
    assert "unconfirmed_rule" in codes(result)


def test_money_is_rounded_once_half_up_from_exact_rates() -> None:
    """Overtime at 1.5 × $17.87 = $26.805/h is never rounded before it is multiplied."""
    result = calculate_json(
        request(
            [day("2025-08-04", "07:00", "18:30", LUNCH)],
            rate="17.87",
            location="US-CA-LOS-ANGELES-CITY",
            week="2025-08-04",
        )
    )
    assert lines(result, 0) == [
        ("regular", "8.00", "17.87", "142.96"),
        ("overtime_1_5x", "3.00", "26.81", "80.42"),  # 80.415 -> 80.42, not 3 × 26.81 = 80.43
    ]
    assert result["totals"]["gross"] == "223.38"


def test_minors_hours_by_age_band_are_warnings_not_errors() -> None:
    """8 CCR §11760 and LC §1308.7: a 10-year-old's 6 h of work on a school day is over 5 h."""
    days = [day("2026-03-02", "07:00", "13:00", school_day=True)]
    minor = calculate_json(request(days, birth_date="2016-01-15"))
    adult = calculate_json(request(days, birth_date="2000-01-15"))
    assert "minor_limit" in codes(minor)
    assert any("§11760" in r for r in minor["rules_applied"])
    assert adult["warnings"] == []
    summer = [day("2026-07-06", "07:00", "13:00", school_day=False)]
    assert (
        calculate_json(request(summer, birth_date="2016-01-15", week="2026-07-06"))["warnings"]
        == []
    )


def test_minor_work_outside_5am_to_10pm_is_warned() -> None:
    """LC §1308.7: minors work only between 5 a.m. and 10 p.m."""
    days = [day("2026-03-07", "16:00", "23:00", ("19:00", "19:30"), school_day=False)]
    result = calculate_json(request(days, birth_date="2009-01-01"))
    assert any("5 a.m." in w["message"] for w in result["warnings"])


def test_day_rate_short_day_pays_exactly_the_day_rate_whatever_the_minutes() -> None:
    """Rounded once per day: 1 h 54 min of a $175.60 day rate plus its guarantee is $175.60,
    where rounding each line alone would give $41.71 + $133.90 = $175.61."""
    result = calculate_json(
        request([day("2026-03-02", "08:00", "09:54")], rate="175.60", unit="day")
    )
    assert [ln[3] for ln in lines(result, 0)] == ["41.71", "133.89"]  # .705 and .895: tie -> first
    assert result["totals"]["gross"] == "175.60"


def test_agent_fee_is_a_percentage_of_gross_paid_on_top() -> None:
    """The agent fee is computed on gross and is not part of it (rounded once, half-up)."""
    req = request([day("2026-03-02", "07:00", "17:30", LUNCH)])
    req["agent_fee_percent"] = "12.5"
    t = calculate_json(req)["totals"]
    assert (t["gross"], t["agent_fee"]) == ("330.00", "41.25")


def test_sag_aftra_pension_and_health_before_the_2025_contract_is_warned_not_guessed() -> None:
    """P&H 23.5 % is in force from 2025-04-01; earlier dates have no confirmed rate in the data."""
    req = request(
        [day("2025-03-31", "07:00", "15:00")],
        agreement="sag-aftra-commercials",
        week="2025-03-31",
    )
    result = calculate_json(req)
    assert result["totals"]["pension_health"] == "0.00"
    assert "pension_health_unknown" in codes(result)


def test_lc510_seventh_day_for_a_day_rate_worker() -> None:
    """LC §510(a): the 7th day is all overtime; a day rate still guarantees 8 straight hours."""
    week = [day(f"2026-03-{d:02d}", "08:00", "14:00") for d in range(2, 9)]  # 7 × 6 h
    result = calculate_json(request(week, rate="400.00", unit="day"))
    assert lines(result, 6) == [
        ("overtime_1_5x", "6.00", "75.00", "450.00"),
        ("day_rate_guarantee", "2.00", "50.00", "100.00"),
    ]


def test_wo12_11a_break_under_30_minutes_is_time_worked_and_owes_the_meal_premium() -> None:
    """IWC WO12 §11(A): an off-duty meal period is at least 30 minutes; a shorter break is time
    worked and does not satisfy the meal obligation. 07:00–15:45 with an 11:30–11:50 break is
    8.75 h worked (not 8.42) and the day still owes one meal premium (LC §226.7)."""
    result = calculate_json(request([day("2026-03-02", "07:00", "15:45", ("11:30", "11:50"))]))
    assert result["days"][0]["hours_worked"] == "8.75"
    assert lines(result, 0) == [
        ("regular", "8.00", "30.00", "240.00"),
        ("overtime_1_5x", "0.75", "45.00", "33.75"),
        ("meal_premium", "1.00", "30.00", "30.00"),
    ]
    assert "meal_length" in codes(result)


def test_lc500_wrap_equal_to_call_is_refused_naming_the_wrap() -> None:
    """LC §500(a): a workday is 24 hours; a wrap equal to the call (0 h or 24 h?) is ambiguous,
    so it is refused with an error naming the field instead of paying $0 without a word."""
    with pytest.raises(InvalidRequest) as caught:
        calculate_json(
            request([day("2026-03-02", "08:00", "17:00"), day("2026-03-03", "07:00", "07:00")])
        )
    assert [e.field for e in caught.value.errors] == ["days[1].wrap"]
    assert "24" in caught.value.errors[0].message


def test_wage_order_5_sent_home_on_arrival_is_a_zero_hour_day_with_reporting_time() -> None:
    """Wage Order §5: with scheduled_hours, a wrap equal to the call means sent home on arrival
    (0 h worked), which reporting-time pay covers; it is not refused."""
    result = calculate_json(request([day("2026-03-02", "07:00", "07:00", scheduled_hours="8")]))
    assert result["days"][0]["hours_worked"] == "0.00"
    assert lines(result, 0) == [("reporting_time", "4.00", "30.00", "120.00")]


# -- Rest periods (WO12 §12, LC §226.7) -------------------------------------------------------


def test_wo12_12_missed_rest_period_pays_one_hour_at_the_regular_rate() -> None:
    """IWC WO12 §12(A)/(B), LC §226.7: 10 h worked owe two 10-minute rests (per 4 h or major
    fraction); one taken -> one hour's premium at the regular rate. Rests are paid time."""
    rests = [{"start": "09:00", "end": "09:10"}]
    result = calculate_json(
        request([day("2026-03-02", "07:00", "17:30", LUNCH, rest_breaks=rests)])
    )
    assert result["days"][0]["hours_worked"] == "10.00"  # the rest is not deducted
    assert lines(result, 0)[-1] == ("rest_premium", "1.00", "30.00", "30.00")
    rule = result["days"][0]["lines"][-1]["rule"]
    assert "§12" in rule
    assert "1 of 2" in rule
    assert result["totals"]["rest_premiums"] == "30.00"
    assert result["totals"]["gross"] == "360.00"


def test_wo12_12_rests_owed_per_four_hours_or_major_fraction_from_three_and_a_half_hours() -> None:
    """IWC WO12 §12(A): none under 3½ h; one to 6 h; a second once past 6 h (major fraction)."""

    def premium(wrap: str, taken: int) -> str:
        rests = [{"start": f"0{8 + i}:00", "end": f"0{8 + i}:10"} for i in range(taken)]
        req = request([day("2026-03-02", "07:00", wrap, rest_breaks=rests)])
        return str(calculate_json(req)["totals"]["rest_premiums"])

    assert premium("10:29", 0) == "0.00"  # 3 h 29 min
    assert premium("10:30", 0) == "30.00"  # 3½ h
    assert premium("13:00", 1) == "0.00"  # 6 h: one owed
    assert premium("13:01", 1) == "30.00"  # 6 h 1 min: two owed


def test_wo12_12_rest_shorter_than_ten_minutes_is_not_a_rest_period() -> None:
    """IWC WO12 §12(A): ten minutes *net* rest; a 5-minute break does not count."""
    rests = [{"start": "09:00", "end": "09:05"}]
    result = calculate_json(request([day("2026-03-02", "08:00", "13:00", rest_breaks=rests)]))
    assert result["totals"]["rest_premiums"] == "30.00"


def test_ups_meal_and_rest_premiums_are_separate_one_each_per_workday() -> None:
    """LC §226.7, UPS v. Superior Court: up to two premium hours a day, one meal, one rest."""
    req = request([day("2026-03-02", "06:00", "21:00", ("13:00", "13:30"), rest_breaks=[])])
    kinds = [ln[0] for ln in lines(calculate_json(req), 0)]
    assert kinds.count("meal_premium") == 1
    assert kinds.count("rest_premium") == 1


def test_rest_periods_not_recorded_are_not_checked_so_old_requests_pay_the_same() -> None:
    """Backward compatibility: without `rest_breaks` the engine computes no rest premium."""
    result = calculate_json(request([day("2026-03-02", "07:00", "17:30", LUNCH)]))
    assert result["totals"]["rest_premiums"] == "0.00"
    assert not any("§12" in r for r in result["rules_applied"])


# -- Split shift (WO12 §4(C)) -----------------------------------------------------------------


def test_wo12_4c_split_shift_at_minimum_wage_pays_one_hour_at_the_minimum_wage() -> None:
    """IWC WO12 §4(C): a 4-hour unpaid gap (longer than a bona fide meal) is a split shift:
    one hour at the minimum wage ($16.90 in 2026) on top of 8 h at $16.90."""
    result = calculate_json(
        request([day("2026-03-02", "07:00", "19:00", ("11:00", "15:00"))], rate="16.90")
    )
    assert result["days"][0]["hours_worked"] == "8.00"
    assert lines(result, 0) == [
        ("regular", "8.00", "16.90", "135.20"),
        ("split_shift_premium", "1.00", "16.90", "16.90"),
    ]
    assert result["totals"]["split_shift_premiums"] == "16.90"
    assert result["totals"]["meal_premiums"] == "0.00"  # the gap was an off-duty period


def test_wo12_4c_split_shift_premium_is_reduced_by_pay_above_the_minimum_wage() -> None:
    """DLSE: the premium tops the day up to (hours + 1) × minimum wage: 8 h at $17.50 = $140.00
    against 9 × $16.90 = $152.10 owes $12.10; at $30 nothing is owed."""
    gap = ("11:00", "15:00")
    low = calculate_json(request([day("2026-03-02", "07:00", "19:00", gap)], rate="17.50"))
    assert lines(low, 0)[-1] == ("split_shift_premium", "1.00", "12.10", "12.10")
    assert "less" in low["days"][0]["lines"][-1]["rule"]
    high = calculate_json(request([day("2026-03-02", "07:00", "19:00", gap)]))
    assert high["totals"]["split_shift_premiums"] == "0.00"
    assert any("offset in full" in r for r in high["rules_applied"])


def test_wo12_4c_split_shift_uses_the_local_minimum_wage_where_higher() -> None:
    """DLSE (2018): the premium is an hour at the higher of the state and local minimum wage —
    $17.87 in the City of Los Angeles from 2025-07-01."""
    result = calculate_json(
        request(
            [day("2026-03-02", "07:00", "19:00", ("11:00", "15:00"))],
            rate="17.87",
            location="US-CA-LOS-ANGELES-CITY",
        )
    )
    assert lines(result, 0)[-1] == ("split_shift_premium", "1.00", "17.87", "17.87")


# -- Prior days of the workweek (LC §500(b), §510(a)) -----------------------------------------


def prior(date: str, hours: str) -> dict[str, str]:
    return {"date": date, "hours_worked": hours}


def test_lc510_weekly_overtime_counts_days_a_previous_pay_run_paid() -> None:
    """LC §510(a), §500(b): Mon–Thu (10 h each, 32 straight) were paid last run; Fri's 8
    straight hours reach 40, so all of Saturday is weekly overtime."""
    days = [day("2026-03-06", "07:00", "17:30", LUNCH), day("2026-03-07", "08:00", "14:00")]
    earlier = [prior(f"2026-03-0{d}", "10") for d in range(2, 6)]
    result = calculate_json(request(days, prior_days=earlier))
    assert [d["date"] for d in result["days"]] == ["2026-03-06", "2026-03-07"]
    assert lines(result, 1) == [("overtime_1_5x", "6.00", "45.00", "270.00")]
    alone = calculate_json(request(days))
    assert lines(alone, 1) == [("regular", "6.00", "30.00", "180.00")]


def test_lc510_seventh_day_counts_days_a_previous_pay_run_paid() -> None:
    """LC §510(a), Mendoza: Mon–Sat worked (paid last run) make Sunday the 7th day: 1.5×."""
    earlier = [prior(f"2026-03-0{d}", "6") for d in range(2, 8)]
    result = calculate_json(request([day("2026-03-08", "08:00", "14:00")], prior_days=earlier))
    assert lines(result, 0) == [("overtime_1_5x", "6.00", "45.00", "270.00")]


def test_prior_day_outside_every_workweek_of_the_request_is_refused() -> None:
    """A prior day that cannot affect any day of the request is an input error, not ignored."""
    with pytest.raises(InvalidRequest) as caught:
        calculate_json(
            request([day("2026-03-09", "08:00", "14:00")], prior_days=[prior("2026-03-02", "8")])
        )
    assert [e.field for e in caught.value.errors] == ["prior_days[0].date"]


# -- Fixed workday start (LC §500(a)) ---------------------------------------------------------


def test_lc500a_fixed_workday_start_splits_an_overnight_shift_between_workdays() -> None:
    """LC §500(a): a workday is a fixed 24-hour period. With workdays starting at midnight,
    Fri 20:00–06:30 (meal 01:00–01:30) is 4 h on Friday and 6 h on Saturday: no daily overtime."""
    shift = [day("2026-03-06", "20:00", "06:30", ("01:00", "01:30"))]
    result = calculate_json(request(shift, workday_start="00:00"))
    assert [(d["date"], d["hours_worked"]) for d in result["days"]] == [
        ("2026-03-06", "4.00"),
        ("2026-03-07", "6.00"),
    ]
    assert result["totals"]["overtime_1_5x_hours"] == "0.00"
    assert calculate_json(request(shift))["totals"]["overtime_1_5x_hours"] == "2.00"


def test_lc500a_two_shifts_in_one_fixed_workday_add_up_for_daily_overtime() -> None:
    """LC §500(a), §510(a): Mon 20:00–02:00 puts 2 h on Tuesday's workday (from midnight); with
    Tuesday's 08:00–16:30 (lunch 12:00–12:30) that workday has 10 h, 2 of them overtime."""
    days = [day("2026-03-02", "20:00", "02:00"), day("2026-03-03", "08:00", "16:30", LUNCH)]
    result = calculate_json(request(days, workday_start="00:00"))
    assert lines(result, 1) == [
        ("regular", "8.00", "30.00", "240.00"),
        ("overtime_1_5x", "2.00", "45.00", "90.00"),
    ]
    assert calculate_json(request(days))["totals"]["overtime_1_5x_hours"] == "0.00"


# -- Regular rate with non-discretionary pay (Alvarado, Ferra) --------------------------------


def test_alvarado_flat_sum_bonus_raises_the_overtime_rate_over_non_overtime_hours() -> None:
    """Alvarado v. Dart Container: a $100 flat sum over 40 non-overtime hours adds $2.50 an hour
    to the regular rate; each of the 10 overtime hours adds 1.5 × $2.50 = $3.75."""
    week = [day(f"2026-03-0{d}", "07:00", "17:30", LUNCH) for d in range(2, 7)]
    bonus = [{"amount": "100.00", "description": "completion bonus"}]
    result = calculate_json(request(week, rate="20.00", non_discretionary_pay=bonus))
    assert lines(result, 0)[-1] == ("non_discretionary_overtime", "2.00", "3.75", "7.50")
    assert lines(result, 4)[-1] == ("non_discretionary_pay", "0.00", "100.00", "100.00")
    t = result["totals"]
    assert t["non_discretionary_pay"] == "137.50"
    assert t["gross"] == "1237.50"  # 5 × (160 + 30) + 100 + 37.50
    assert t["overtime_1_5x_hours"] == "10.00"


def test_ferra_meal_premium_is_paid_at_the_regular_rate_including_non_discretionary_pay() -> None:
    """Ferra v. Loews: the premium hour is at the regular rate: $20 + $80 / 8 h = $30."""
    result = calculate_json(
        request(
            [day("2026-03-02", "07:00", "15:00")],
            rate="20.00",
            non_discretionary_pay=[{"amount": "80.00"}],
        )
    )
    assert ("meal_premium", "1.00", "30.00", "30.00") in lines(result, 0)


# -- Los Angeles City minimum wage coverage (LAMC §187.01) ------------------------------------


def test_lamc_los_angeles_minimum_wage_covers_weeks_of_two_hours_or_more_in_the_city() -> None:
    """LAMC §187.01: the City's minimum wage ($17.87) covers an employee who works at least 2 h
    in a week in the City; a 1.5-hour week is under the state's $16.90 only (warned)."""
    short = request(
        [day("2026-03-02", "08:00", "09:30")], rate="17.00", location="US-CA-LOS-ANGELES-CITY"
    )
    result = calculate_json(short)
    assert "local_minimum_wage_not_covered" in codes(result)
    two = request(
        [day("2026-03-02", "08:00", "10:00")], rate="17.00", location="US-CA-LOS-ANGELES-CITY"
    )
    with pytest.raises(InvalidRequest) as caught:
        calculate_json(two)
    assert caught.value.errors[0].field == "rate.amount"


# -- Minors (LC §1308.7, 8 CCR §§11760, 11761, 11763) -----------------------------------------


def test_lc1308_7_minor_may_work_to_12_30_am_before_a_non_school_day() -> None:
    """LC §1308.7(a): not after 10 p.m. before a school day, but until 12:30 a.m. of a non-school
    day on the evening before it."""

    def window_warnings(school_next_day: bool) -> list[str]:
        days = [
            day(
                "2026-03-06",
                "16:30",
                "00:15",
                ("19:00", "19:30"),
                school_day=False,
                school_next_day=school_next_day,
            )
        ]
        result = calculate_json(request(days, birth_date="2009-06-01"))
        return [w["message"] for w in result["warnings"] if "wrap" in w["message"]]

    assert window_warnings(school_next_day=False) == []
    assert len(window_warnings(school_next_day=True)) == 1


def test_8ccr_11760_minor_needs_12_hours_between_wrap_and_next_call() -> None:
    """8 CCR §11760(i), §11763: 12 hours from a minor's dismissal to the next call."""
    days = [
        day("2026-07-06", "12:00", "20:00", ("15:00", "15:30"), school_day=False),
        day("2026-07-07", "07:00", "12:00", school_day=False),
    ]
    result = calculate_json(request(days, birth_date="2009-06-01", week="2026-07-06"))
    assert any("11.00 h from the previous wrap" in w["message"] for w in result["warnings"])


def test_8ccr_11761_a_meal_extends_time_at_the_place_of_employment_by_half_an_hour_at_most() -> (
    None
):
    """8 CCR §11761: time at the place excludes the meal, but by no more than half an hour: a
    12-year-old's 08:00–17:45 with a 1-hour lunch is 9.25 h at the place, over 9 h."""
    days = [day("2026-07-06", "08:00", "17:45", ("12:00", "13:00"), school_day=False)]
    result = calculate_json(request(days, birth_date="2014-01-01", week="2026-07-06"))
    assert any("9.25 h at the place of employment" in w["message"] for w in result["warnings"])


def test_wo12_4c_split_shift_offset_counts_reporting_time_pay_so_more_work_never_pays_less() -> (
    None
):
    """WO12 §4(C) with §5: the premium tops the day's wages (worked time and reporting time) up
    to the minimum wage for its hours plus one, so a minute more work never lowers the day
    (found by the hypothesis property: 1 h worked around a 61-minute gap, 4 h scheduled)."""

    def gross(wrap: str) -> str:
        days = [day("2026-03-02", "00:00", wrap, ("01:00", "02:01"), scheduled_hours="4")]
        return str(calculate_json(request(days, rate="18.00"))["totals"]["gross"])

    assert gross("02:01") == "36.00"  # 1 h worked + 1 h reporting time cover 2 × $16.90
    assert gross("02:02") == "36.00"
