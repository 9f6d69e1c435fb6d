"""Invalid requests are refused with errors naming each field (DESIGN.md "Public contracts")."""

from __future__ import annotations

import copy
import io
import json
from contextlib import redirect_stdout
from pathlib import Path
from typing import Any

import pytest
from payroll.domain import InvalidRequest, calculate_json
from slate_tools.cli import main

VALID: dict[str, Any] = {
    "work_location": "US-CA-LOS-ANGELES-CITY",
    "agreement": "none",
    "rate": {"unit": "hour", "amount": "30.00"},
    "workweek_start": "2026-03-02",
    "days": [
        {
            "date": "2026-03-02",
            "call": "07:00",
            "wrap": "17:30",
            "meals": [{"start": "12:00", "end": "12:30"}],
        },
        {"date": "2026-03-03", "call": "07:00", "wrap": "13:00", "meals": []},
    ],
    "agent_fee_percent": "0",
}


def fields_of(mutate: Any) -> list[str]:
    req = copy.deepcopy(VALID)
    mutate(req)
    with pytest.raises(InvalidRequest) as caught:
        calculate_json(req)
    return [e.field for e in caught.value.errors]


@pytest.mark.parametrize(
    ("mutate", "fields"),
    [
        (lambda r: r["days"][0].pop("wrap"), ["days[0].wrap"]),
        (lambda r: r["days"][1].update(call="7am"), ["days[1].call"]),
        (
            lambda r: r["days"][0]["meals"].append({"start": "18:00", "end": "18:30"}),
            ["days[0].meals[1].end"],
        ),
        (
            lambda r: r["days"][0]["meals"].append({"start": "06:00", "end": "06:30"}),
            ["days[0].meals[1].end"],
        ),
        (
            lambda r: r["days"][0]["meals"].append({"start": "12:15", "end": "12:45"}),
            ["days[0].meals[1].start"],
        ),
        (lambda r: r["days"][0]["meals"][0].update(end="11:00"), ["days[0].meals[0].end"]),
        (lambda r: r.update(work_location="US-NY"), ["work_location"]),
        (lambda r: r.update(agreement="iatse-basic"), ["agreement"]),
        (lambda r: r["rate"].update(amount="thirty"), ["rate.amount"]),
        (lambda r: r["rate"].update(amount=30.0), ["rate.amount"]),
        (lambda r: r["rate"].update(amount="-1"), ["rate.amount"]),
        (lambda r: r["rate"].update(unit="week"), ["rate.unit"]),
        (lambda r: r["rate"].update(amount="15.00"), ["rate.amount"]),
        (lambda r: r.update(agent_fee_percent="ten"), ["agent_fee_percent"]),
        (lambda r: r.update(workweek_start="02/03/2026"), ["workweek_start"]),
        (lambda r: r["days"][1].update(date="2026-03-02"), ["days[1].date"]),
        (lambda r: r.update(days=[]), ["days"]),
        (  # an overnight day 1 runs into day 2
            lambda r: (r["days"][0].update(wrap="06:00"), r["days"][1].update(call="05:00")),
            ["days[1].call"],
        ),
        (lambda r: r["days"][0].update(scheduled_hours="x"), ["days[0].scheduled_hours"]),
        (lambda r: r.pop("rate"), ["rate"]),
        (
            lambda r: r["days"][0].update(rest_breaks=[{"start": "12:05", "end": "12:15"}]),
            ["days[0].rest_breaks[0]"],
        ),
        (
            lambda r: r["days"][0].update(rest_breaks=[{"start": "18:00", "end": "18:10"}]),
            ["days[0].rest_breaks[0].end"],
        ),
        (lambda r: r["days"][0].update(school_next_day="no"), ["days[0].school_next_day"]),
        (lambda r: r.update(workday_start="24:00"), ["workday_start"]),
        (
            lambda r: r.update(prior_days=[{"date": "2026-03-02", "hours_worked": "8"}]),
            ["prior_days[0].date"],
        ),
        (
            lambda r: r.update(prior_days=[{"date": "2026-03-04", "hours_worked": "25"}]),
            ["prior_days[0].hours_worked"],
        ),
        (lambda r: r.update(prior_days=[{"hours_worked": "8"}]), ["prior_days[0].date"]),
        (
            lambda r: r.update(non_discretionary_pay=[{"amount": "-5"}]),
            ["non_discretionary_pay[0].amount"],
        ),
        (
            lambda r: r.update(non_discretionary_pay=[{"amount": 100}]),
            ["non_discretionary_pay[0].amount"],
        ),
    ],
)
def test_invalid_field_is_named(mutate: Any, fields: list[str]) -> None:
    assert fields_of(mutate) == fields


def test_every_error_is_reported_at_once() -> None:
    def mutate(r: dict[str, Any]) -> None:
        r["work_location"] = "Mars"
        r["days"][0].pop("wrap")
        r["rate"]["amount"] = "abc"

    assert sorted(fields_of(mutate)) == ["days[0].wrap", "rate.amount", "work_location"]


def test_meal_after_midnight_in_an_overnight_day_is_inside_the_day() -> None:
    req = copy.deepcopy(VALID)
    req["days"] = [
        {
            "date": "2026-03-02",
            "call": "18:00",
            "wrap": "04:00",
            "meals": [{"start": "00:00", "end": "00:30"}],
        }
    ]
    assert calculate_json(req)["days"][0]["hours_worked"] == "9.50"


def run_cli(args: list[str], stdin: str | None = None) -> tuple[int, dict[str, Any]]:
    out = io.StringIO()
    if stdin is not None:
        import sys

        old, sys.stdin = sys.stdin, io.StringIO(stdin)
    try:
        with redirect_stdout(out):
            code = main(args)
    finally:
        if stdin is not None:
            sys.stdin = old
    return code, json.loads(out.getvalue())


def test_cli_calc_reads_a_file_and_prints_the_contract_json(tmp_path: Path) -> None:
    path = tmp_path / "req.json"
    path.write_text(json.dumps(VALID))
    code, result = run_cli(["payroll", "calc", str(path)])
    assert code == 0
    assert result["totals"]["gross"] == "510.00"  # 330 + 6 h × 30
    assert set(result) == {"days", "totals", "warnings", "rules_applied"}
    assert result["days"][0]["lines"][1] | {} == {
        **result["days"][0]["lines"][1],
        "kind": "overtime_1_5x",
        "hours": "2.00",
        "rate": "45.00",
        "amount": "90.00",
    }


def test_cli_calc_reads_stdin_and_exits_2_with_field_errors() -> None:
    bad = copy.deepcopy(VALID)
    bad["days"][0].pop("wrap")
    code, result = run_cli(["payroll", "calc", "-"], stdin=json.dumps(bad))
    assert code == 2
    assert result == {"errors": [{"field": "days[0].wrap", "message": "is required"}]}


def test_cli_calc_refuses_malformed_json() -> None:
    code, result = run_cli(["payroll", "calc", "-"], stdin="{not json")
    assert code == 2
    assert result["errors"][0]["field"] == ""


def test_a_date_before_the_rule_data_is_a_field_error_not_a_crash() -> None:
    req = copy.deepcopy(VALID)
    req["days"][1]["date"] = "1999-03-03"
    with pytest.raises(InvalidRequest) as caught:
        calculate_json(req)
    assert [e.field for e in caught.value.errors] == ["days[1].date"]


def test_new_inputs_are_optional_and_an_old_request_gets_the_same_answer() -> None:
    """Backward compatibility (issue 10): the request of DESIGN.md without any of the new
    fields, and with them empty, pays the same lines and totals."""
    old = calculate_json(copy.deepcopy(VALID))
    new = copy.deepcopy(VALID)
    new.update(prior_days=[], non_discretionary_pay=[])
    assert calculate_json(new) == old
    assert old["totals"]["gross"] == "510.00"
    assert {"rest_premiums", "split_shift_premiums", "non_discretionary_pay"} <= set(old["totals"])
