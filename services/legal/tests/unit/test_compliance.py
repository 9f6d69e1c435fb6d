"""Legal's pure rules: what gates a booking and which contract template applies."""

from datetime import date

from legal.domain import compliance as rules

DATES = (date(2026, 3, 2), date(2026, 3, 3))


def facts(is_minor: bool, union: str = "NONE") -> rules.BookingFacts:
    return rules.BookingFacts(talent_id="tal_1", is_minor=is_minor, union=union, work_dates=DATES)


def blocking(issues: list[rules.Issue]) -> list[str]:
    return [i.code for i in issues if i.blocking]


def test_adult_booking_has_no_issues() -> None:
    assert rules.check_booking(facts(False), []) == []


def test_minor_without_work_permit_is_blocked_labor_code_1308_5() -> None:
    assert blocking(rules.check_booking(facts(True), [])) == ["MINOR_WORK_PERMIT_MISSING"]


def test_minor_with_permit_expiring_before_last_day_is_blocked() -> None:
    permit = rules.WorkPermit("tal_1", "EWP-1", date(2026, 3, 2))
    assert blocking(rules.check_booking(facts(True), [permit])) == ["MINOR_WORK_PERMIT_EXPIRED"]


def test_minor_with_valid_permit_passes_with_teacher_and_coogan_warnings() -> None:
    permit = rules.WorkPermit("tal_1", "EWP-1", date(2026, 9, 1))
    issues = rules.check_booking(facts(True), [permit])
    assert blocking(issues) == []
    assert {i.code for i in issues} == {"STUDIO_TEACHER_REQUIRED", "COOGAN_ACCOUNT_REQUIRED"}


def test_contract_template_follows_union_and_minor_status() -> None:
    assert rules.contract_template("SAG_AFTRA", False).startswith("SAG-AFTRA Commercials")
    assert rules.contract_template("NONE", True).endswith("minor's addendum (Coogan)")


def test_signed_contract_is_not_voided_by_release() -> None:
    assert rules.void_on_release("DRAFT")
    assert not rules.void_on_release("SIGNED")
