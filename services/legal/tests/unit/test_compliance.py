"""Legal's pure rules: what gates a booking, the contract a confirmed booking gets, permits."""

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest
from legal.domain import compliance as rules
from slate_domain import Invalid, Problem, Rate

DATES = (date(2026, 3, 2), date(2026, 3, 3))
TODAY = date(2026, 1, 15)


def draft(is_minor: bool = False) -> rules.Contract:
    return rules.Contract.draft(
        "con_1",
        org_id="org_a",
        booking_id="bkg_1",
        production_id="prd_1",
        talent_id="tal_1",
        role_name="Lead",
        union="SAG_AFTRA",
        is_minor=is_minor,
        rate=Rate(Decimal("1200.00"), "USD", "DAY"),
        work_dates=["2026-03-02", "2026-03-03"],
    )


def facts(is_minor: bool, union: str = "NONE") -> rules.BookingFacts:
    return rules.BookingFacts(talent_id="tal_1", is_minor=is_minor, union=union, work_dates=DATES)


def permit(expires_on: str = "2026-09-01", **changes: str) -> rules.WorkPermit:
    fields = {"talent_id": "tal_1", "number": "EWP-1", "expires_on": expires_on, **changes}
    return rules.WorkPermit.register(id="wpm_1", org_id="org_a", today=TODAY, **fields)


def blocking(issues: list[rules.Issue]) -> list[str]:
    return [i.code for i in issues if i.blocking]


def test_adult_booking_has_no_issues() -> None:
    assert rules.check_booking(facts(False), []) == []


def test_minor_without_work_permit_is_blocked_labor_code_1308_5() -> None:
    assert blocking(rules.check_booking(facts(True), [])) == ["MINOR_WORK_PERMIT_MISSING"]


def test_minor_with_permit_expiring_before_last_day_is_blocked() -> None:
    expiring = permit("2026-03-02")
    assert blocking(rules.check_booking(facts(True), [expiring])) == ["MINOR_WORK_PERMIT_EXPIRED"]


def test_minor_with_valid_permit_passes_with_teacher_and_coogan_warnings() -> None:
    issues = rules.check_booking(facts(True), [permit("2026-09-01")])
    assert blocking(issues) == []
    assert {i.code for i in issues} == {
        "MINOR_AGE_BAND_UNKNOWN",
        "STUDIO_TEACHER_REQUIRED",
        "COOGAN_ACCOUNT_REQUIRED",
    }


def test_contract_template_follows_union_and_minor_status() -> None:
    assert rules.contract_template("SAG_AFTRA", False).startswith("SAG-AFTRA Commercials")
    assert rules.contract_template("NONE", True).endswith("minor's addendum (Coogan)")


def test_confirmed_booking_drafts_a_contract_and_records_it_drafted() -> None:
    contract = draft(is_minor=True)
    assert contract.status is rules.ContractStatus.DRAFT
    assert contract.version == 0  # never stored
    assert contract.template == (
        "SAG-AFTRA Commercials Contract — principal performer + minor's addendum (Coogan)"
    )
    assert contract.rate == Rate(Decimal("1200.00"), "USD", "DAY")
    assert contract.work_dates == ("2026-03-02", "2026-03-03")
    assert contract.events == [
        rules.ContractDrafted(
            contract_id="con_1",
            org_id="org_a",
            booking_id="bkg_1",
            production_id="prd_1",
            talent_id="tal_1",
            template=contract.template,
        )
    ]


@pytest.mark.parametrize("status", [rules.ContractStatus.DRAFT, rules.ContractStatus.SENT])
def test_release_voids_an_unsigned_contract_once(status: rules.ContractStatus) -> None:
    contract = replace(draft(), status=status, events=[])
    assert contract.booking_released()
    assert contract.status is rules.ContractStatus.VOID
    assert contract.events == [rules.ContractVoided("con_1", "org_a", "bkg_1", "prd_1")]
    assert not contract.booking_released()
    assert len(contract.events) == 1


def test_signed_contract_is_not_voided_by_release() -> None:
    signed = replace(draft(), status=rules.ContractStatus.SIGNED, events=[])
    assert not signed.booking_released()
    assert signed.status is rules.ContractStatus.SIGNED
    assert signed.events == []


def test_recorded_permit_keeps_the_trimmed_number_and_records_the_event() -> None:
    recorded = permit(number="  EWP-9 ")
    assert (recorded.number, recorded.expires_on) == ("EWP-9", date(2026, 9, 1))
    assert recorded.events == [
        rules.WorkPermitRecorded("wpm_1", "org_a", "tal_1", date(2026, 9, 1))
    ]


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"talent_id": "bkg_1"}, "talentId", "not a talent id"),
        ({"number": "  "}, "number", "must not be empty"),
        ({"expires_on": "soon"}, "expiresOn", "not an ISO date: 'soon'"),
        ({"expires_on": "2026-01-14"}, "expiresOn", "the permit has already expired"),
    ],
)
def test_permit_input_breaking_a_rule_names_its_field(
    changes: dict[str, str], field: str, message: str
) -> None:
    with pytest.raises(Invalid) as exc:
        permit(**changes)
    assert exc.value.problems == (Problem(field, message),)


def test_permit_expiring_today_is_still_valid() -> None:
    assert permit(TODAY.isoformat()).expires_on == TODAY


def test_every_broken_permit_rule_is_reported_at_once() -> None:
    with pytest.raises(Invalid) as exc:
        rules.WorkPermit.register(
            id="wpm_1", org_id="org_a", talent_id="x", number="", expires_on="soon", today=TODAY
        )
    assert [p.field for p in exc.value.problems] == ["talentId", "number", "expiresOn"]


# --------------------------------------------------------------------------- permit dates


def dated(issued_on: str, expires_on: str) -> rules.WorkPermit:
    return rules.WorkPermit.register(
        id="wpm_1",
        org_id="org_a",
        talent_id="tal_1",
        number="EWP-1",
        issued_on=issued_on,
        expires_on=expires_on,
        today=TODAY,
    )


def test_a_permit_lasts_at_most_six_months_8_ccr_11753_b() -> None:
    """8 CCR §11753(b): an individual permit is valid for six months."""
    assert dated("2026-01-10", "2026-07-10").expires_on == date(2026, 7, 10)
    with pytest.raises(Invalid) as invalid:
        dated("2026-01-10", "2026-07-11")
    assert [p.field for p in invalid.value.problems] == ["expiresOn"]
    assert "six months" in invalid.value.problems[0].message


def test_six_months_from_the_end_of_a_month_is_the_end_of_the_shorter_month() -> None:
    assert rules.add_months(date(2025, 8, 31), 6) == date(2026, 2, 28)
    assert rules.add_months(date(2025, 12, 15), 6) == date(2026, 6, 15)


@pytest.mark.parametrize(
    ("issued_on", "expires_on", "field"),
    [
        ("2026-02-01", "2026-06-01", "issuedOn"),  # issued after today: not recorded yet
        ("2026-01-10", "2026-01-09", "expiresOn"),  # expires before it is issued
        ("2026-1-10", "2026-06-01", "issuedOn"),
    ],
)
def test_permit_dates_breaking_a_rule_name_their_field(
    issued_on: str, expires_on: str, field: str
) -> None:
    with pytest.raises(Invalid) as invalid:
        dated(issued_on, expires_on)
    assert field in [p.field for p in invalid.value.problems]


def test_a_permit_is_not_valid_before_it_is_issued_labor_code_1308_5() -> None:
    """Cal. Labor Code §1308.5 and 8 CCR §11753: the minor works under a permit in force; one
    issued after the first work date does not cover that day."""
    late = dated("2026-01-14", "2026-07-01")
    early_facts = rules.BookingFacts(
        talent_id="tal_1", is_minor=True, union="NONE", work_dates=(date(2026, 1, 13),)
    )
    assert blocking(rules.check_booking(early_facts, [late])) == ["MINOR_WORK_PERMIT_NOT_YET_VALID"]
    assert blocking(rules.check_booking(facts(True), [late])) == []  # March: covered
