"""The rule data ships inside the package and is validated when loaded."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from payroll.domain import RuleDataError, engine_rulebook, load_rulebook
from payroll.domain.jurisdictions import check_jurisdictions
from payroll.domain.rulebook import AgePeriod, build_rulebook, parse_source


def source(rules: list[dict[str, Any]], **meta: Any) -> dict[str, Any]:
    return {
        "id": "XX",
        "kind": "jurisdiction",
        "name": "Test",
        "module": "california",
        "rules": rules,
        **meta,
    }


def rule(**fields: Any) -> dict[str, Any]:
    base = {
        "key": "minimum_wage",
        "value": "10.00",
        "effective_from": date(2026, 1, 1),
        "cite": "test",
        "source": "https://example.org/law",
        "confirmed": True,
    }
    return base | fields


def test_every_shipped_value_has_a_dated_source_and_a_confirmation_mark() -> None:
    book = load_rulebook()
    assert book.jurisdictions() == ["US-CA", "US-CA-LOS-ANGELES-CITY"]
    assert book.agreements() == ["sag-aftra-commercials"]
    for src in book.sources.values():
        for entries in src.rules.values():
            for entry in entries:
                assert entry.source.startswith("http")
                assert entry.cite
                assert entry.value is not None or not entry.confirmed


def test_los_angeles_2026_07_01_minimum_wage_is_kept_as_unconfirmed_data() -> None:
    entry = load_rulebook().find("US-CA-LOS-ANGELES-CITY", "minimum_wage", date(2026, 7, 1))
    assert entry is not None
    assert (entry.value, entry.confirmed) == (None, False)


def test_city_inherits_state_rules_it_does_not_override() -> None:
    book = load_rulebook()
    entry = book.get("US-CA-LOS-ANGELES-CITY", "daily_overtime_after_hours", date(2026, 3, 2))
    assert entry.scope == "US-CA"


@pytest.mark.parametrize(
    ("rules", "message"),
    [
        ([rule(effective_to=date(2026, 12, 31)), rule(effective_from=date(2026, 6, 1))], "overlap"),
        ([rule(value=None)], "confirmed rule must have a value"),
        ([rule(value="ten")], "not a decimal"),
        ([rule(value=12)], "decimal string"),
        ([rule(source="example.org")], "URL"),
        ([rule(effective_to=date(2025, 1, 1))], "before effective_from"),
        ([{k: v for k, v in rule().items() if k != "cite"}], "missing 'cite'"),
    ],
)
def test_malformed_rule_data_is_refused_at_load(rules: list[dict[str, Any]], message: str) -> None:
    with pytest.raises(RuleDataError, match=message):
        parse_source(source(rules), "test.toml")


def test_unknown_parent_is_refused() -> None:
    child = parse_source(source([rule()], id="YY", parent="ZZ", module=None), "yy.toml")
    with pytest.raises(RuleDataError, match="unknown parent"):
        build_rulebook([child])


@pytest.mark.parametrize(
    ("birth", "on", "age", "reached"),
    [
        (date(2010, 2, 28), date(2026, 2, 28), "P16Y", True),
        (date(2010, 3, 1), date(2026, 2, 28), "P16Y", False),
        (date(2008, 2, 29), date(2026, 2, 28), "P18Y", False),  # leap-day birthday: 1 March
        (date(2008, 2, 29), date(2026, 3, 1), "P18Y", True),
        (date(2026, 1, 1), date(2026, 1, 16), "P15D", True),
        (date(2025, 8, 31), date(2026, 2, 28), "P6M", False),
    ],
)
def test_age_periods(birth: date, on: date, age: str, reached: bool) -> None:
    amount, unit = int(age[1:-1]), age[-1]
    assert AgePeriod(amount, unit).reached(birth, on) is reached  # type: ignore[arg-type]


def test_slate_console_script_runs_payroll_calc(tmp_path: Path) -> None:
    """`slate payroll calc FILE` through the installed console script, in a subprocess."""
    slate = Path(sys.executable).with_name("slate")
    request = {
        "work_location": "US-CA",
        "agreement": "none",
        "rate": {"unit": "hour", "amount": "20.00"},
        "workweek_start": "2026-03-02",
        "days": [{"date": "2026-03-02", "call": "09:00", "wrap": "13:00"}],
    }
    path = tmp_path / "req.json"
    path.write_text(json.dumps(request))
    done = subprocess.run(
        [str(slate), "payroll", "calc", str(path)], capture_output=True, check=False
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["totals"]["gross"] == "80.00"
    bad = subprocess.run(
        [str(slate), "payroll", "calc", "-"],
        input=b'{"work_location": "US-TX"}',
        capture_output=True,
    )
    assert bad.returncode == 2
    assert "work_location" in [e["field"] for e in json.loads(bad.stdout)["errors"]]


def test_shipped_data_has_every_key_its_rule_modules_read() -> None:
    assert engine_rulebook().jurisdictions() == ["US-CA", "US-CA-LOS-ANGELES-CITY"]


def test_a_jurisdiction_missing_a_key_its_module_reads_is_refused_at_start() -> None:
    state = parse_source(source([rule()]), "xx.toml")
    with pytest.raises(RuleDataError, match="needs 'workweek_days'"):
        check_jurisdictions(build_rulebook([state]))


def test_agreement_meal_period_is_not_shorter_than_the_wage_order_s() -> None:
    """The engine asks an agreement about meals only on shifts Wage Order 12 §11 finds late
    (agreements/base.py), which is sound while the agreement's meal period is not shorter."""
    book = load_rulebook()
    state = book.get("US-CA", "meal_max_work_period_hours", date(2026, 3, 2))
    for entry in book.sources["sag-aftra-commercials"].entries("meal_due_hours"):
        assert entry.value is not None
        assert state.value is not None
        assert entry.value >= state.value


@pytest.mark.parametrize(
    ("birth", "on", "band"),
    [
        (date(2016, 1, 15), date(2026, 3, 2), "P9Y/P16Y"),
        (date(2010, 3, 2), date(2026, 3, 2), "P16Y/P18Y"),  # 16 on the day
        (date(2008, 3, 2), date(2026, 3, 2), None),  # 18: an adult
        (date(2026, 2, 25), date(2026, 3, 2), None),  # 5 days old: under every band
    ],
)
def test_8ccr_11760_age_band_is_what_an_event_may_carry_instead_of_the_birth_date(
    birth: date, on: date, band: str | None
) -> None:
    """8 CCR §11760: legal's compliance check needs the minor's age band (issue 10), never the
    birth date; `RuleBook.age_band` gives it with an ISO label."""
    found = load_rulebook().age_band("US-CA-LOS-ANGELES-CITY", birth, on)
    assert (found.label if found is not None else None) == band
