"""Minors judged by age band (never a birth date): each band's rules with their sources, the
booking gate per band, the shoot day's studio-teacher and nurse counts per band, and the band
casting sends over gRPC kept for the report."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal

import pytest
from legal.domain import minors
from legal.domain import report as rules
from legal.domain.compliance import BookingFacts, Contract, WorkPermit, check_booking
from legal.rpc import ComplianceServicer
from legal.usecases import Legal
from slate.caller import acting_as
from slate.errors import UserError
from slate.events.snapshots import BookingSnapshot
from slate.testing import principal
from slate_domain import Rate
from slate_domain.age_bands import BANDS
from slate_proto.slate.legal.v1 import compliance_pb2

TUESDAY = date(2027, 3, 2)
SATURDAY = date(2027, 3, 6)


def facts(band: str, is_minor: bool = True) -> BookingFacts:
    return BookingFacts("tal_1", is_minor, "NONE", (TUESDAY,), age_band=band)


def permit() -> WorkPermit:
    return WorkPermit.register(
        id="wpm_1",
        org_id="org_a",
        talent_id="tal_1",
        number="EWP-1",
        issued_on="2027-01-10",
        expires_on="2027-06-01",
        today=date(2027, 1, 15),
    )


def codes(band: str, permits: list[WorkPermit] | None = None) -> dict[str, bool]:
    return {i.code: i.blocking for i in check_booking(facts(band), permits or [])}


def test_under_15_days_nobody_may_work_labor_code_1308_8() -> None:
    """LC §1308.8(a): an infant must be at least 15 days old; no permit helps."""
    assert codes("P0D/P15D", [permit()]) == {"MINOR_TOO_YOUNG": True}


def test_under_one_month_needs_a_physicians_certification_labor_code_1308_8() -> None:
    """LC §1308.8(a); the permit is issued only once it is confirmed (AB 2396), so with a
    permit it is a reminder, without one the permit blocks."""
    with_permit = codes("P15D/P1M", [permit()])
    assert with_permit["INFANT_PHYSICIAN_CERTIFICATION"] is False
    assert not any(with_permit.values())
    assert codes("P15D/P1M")["MINOR_WORK_PERMIT_MISSING"] is True
    assert "INFANT_PHYSICIAN_CERTIFICATION" not in codes("P1M/P6W", [permit()])


def test_infant_windows_and_nurses_are_unconfirmed_warnings_8_ccr_11764() -> None:
    """8 CCR §§11760, 11764 as secondary sources state them: they warn, never block."""
    for band in ("P15D/P1M", "P1M/P6W", "P6W/P6M"):
        found = codes(band, [permit()])
        assert found["INFANT_WORK_WINDOW"] is False
        assert found["INFANT_NURSE_REQUIRED"] is False
    issues = check_booking(facts("P1M/P6W"), [permit()])
    nurse = next(i for i in issues if i.code == "INFANT_NURSE_REQUIRED")
    assert "every three" in nurse.message
    assert "unconfirmed" in nurse.message
    assert "INFANT_NURSE_REQUIRED" not in codes("P6M/P2Y", [permit()])


@pytest.mark.parametrize(
    ("band", "words"),
    [
        ("P15D/P1M", "at most 2 h at the place of employment, of which 20 min of work"),
        ("P6M/P2Y", "at most 4 h at the place of employment, of which 2 h of work"),
        ("P2Y/P6Y", "at most 6 h at the place of employment, of which 3 h of work"),
        ("P6Y/P9Y", "at most 8 h at the place of employment, of which 4 h (6 h when"),
        ("P9Y/P16Y", "at most 9 h at the place of employment, of which 5 h (7 h when"),
        ("P16Y/P18Y", "at most 10 h at the place of employment, of which 6 h (8 h when"),
    ],
)
def test_each_band_states_its_hours_8_ccr_11760(band: str, words: str) -> None:
    """8 CCR §11760's table (research B.6, confirmed), with LC §1308.7's daily caps."""
    [hours] = [i for i in check_booking(facts(band), [permit()]) if i.code == "MINOR_HOURS_LIMIT"]
    assert words in hours.message
    assert "48 a week" in hours.message
    assert "8 CCR §11760" in hours.source
    assert not hours.blocking


def test_the_studio_teacher_rule_depends_on_the_band_8_ccr_11755_2() -> None:
    """Under 16 always; 16 and 17 on school days unless graduated (8 CCR §§11755.2, 11760)."""
    young = next(i for i in check_booking(facts("P9Y/P16Y"), []) if "TEACHER" in i.code)
    older = next(i for i in check_booking(facts("P16Y/P18Y"), []) if "TEACHER" in i.code)
    assert "under 16" in young.message
    assert "school days" in older.message


def test_every_band_a_minor_may_have_needs_a_permit_labor_code_1308_5() -> None:
    for band in BANDS[1:]:
        assert codes(band)["MINOR_WORK_PERMIT_MISSING"] is True
        assert not any(codes(band, [permit()]).values())


def test_a_band_makes_a_minor_even_without_the_flag_and_no_band_is_said() -> None:
    assert check_booking(facts("P9Y/P16Y", is_minor=False), [permit()]) != []
    assert check_booking(facts("", is_minor=False), []) == []
    unknown = codes("", [permit()])
    assert unknown["MINOR_AGE_BAND_UNKNOWN"] is False


def test_every_rule_names_a_citation_and_a_source() -> None:
    for rule in (
        minors.TOO_YOUNG_RULE,
        minors.INFANT_CERTIFICATION,
        minors.INFANT_WINDOW,
        minors.NURSE_PER_3,
        minors.NURSE_PER_10,
        minors.TEACHER_UNDER_16,
        minors.TEACHER_16_17,
    ):
        assert "§" in rule.cite
        assert rule.source.startswith("http")
        assert rule.confirmed or ("unconfirmed" in rule.message and not rule.blocking)


# --------------------------------------------------------------------------- the shoot day


def contract(booking: str, day: date = TUESDAY) -> Contract:
    return Contract.draft(
        f"con_{booking}",
        org_id="org_a",
        booking_id=booking,
        production_id="prd_1",
        talent_id=f"tal_{booking}",
        role_name="Kid",
        union="NONE",
        is_minor=True,
        rate=Rate(Decimal("500.00"), "USD", "DAY"),
        work_dates=[day.isoformat()],
    )


def test_teachers_by_band_on_school_and_non_school_days_8_ccr_11755_2() -> None:
    """1:10 on school days, 1:20 on non-school days; 16-17 year olds count on school days."""
    assert minors.teachers_needed(["P9Y/P16Y"] * 10, TUESDAY) == 1
    assert minors.teachers_needed(["P9Y/P16Y"] * 11, TUESDAY) == 2
    assert minors.teachers_needed(["P9Y/P16Y"] * 11, SATURDAY) == 1
    assert minors.teachers_needed(["P16Y/P18Y"] * 3, SATURDAY) == 0
    assert minors.teachers_needed(["P16Y/P18Y"] * 3, TUESDAY) == 1


def test_a_shoot_day_counts_minors_by_their_band() -> None:
    older = [contract("b1", SATURDAY), contract("b2", SATURDAY)]
    bands = {"b1": "P16Y/P18Y", "b2": "P16Y/P18Y"}
    assert rules.studio_teacher_rule(SATURDAY, older, 0, bands) == []
    # Without the bands they count as under 16: the stricter answer.
    assert rules.studio_teacher_rule(SATURDAY, older, 0, {})[0].code == (
        "STUDIO_TEACHER_NOT_SCHEDULED"
    )
    assert rules.studio_teacher_rule(SATURDAY, older, 1, {}) == []


def test_infants_on_call_warn_of_nurses_8_ccr_11764() -> None:
    babies = [contract(f"i{n}") for n in range(4)]
    bands = {f"i{n}": "P1M/P6W" for n in range(4)}
    [item] = rules.infant_nurse_rule(TUESDAY, babies, bands)
    assert (item.code, item.severity) == ("INFANT_NURSE_REQUIRED", "WARNING")
    assert "need 2 nurse(s)" in item.message  # four under six weeks: one per three
    assert rules.infant_nurse_rule(TUESDAY, babies, {}) == []


# --------------------------------------------------------------------------- gate and report


async def gate(legal: Legal, band: str) -> compliance_pb2.CheckBookingResponse:
    request = compliance_pb2.CheckBookingRequest(
        org_id="org_a",
        booking_id="bkg_1",
        production_id="prd_1",
        talent_id="tal_1",
        is_minor=True,
        age_band=band,
        union="NONE",
        work_dates=["2027-03-06"],
    )
    with acting_as(principal("org_a", "casting"), "Bearer test"):
        return await ComplianceServicer(legal).CheckBooking(request, None)


async def test_a_minor_is_refused_without_a_permit_for_the_band_and_allowed_with_it(
    legal: Legal,
) -> None:
    assert not (await gate(legal, "P16Y/P18Y")).allowed
    assert not (await gate(legal, "P0D/P15D")).allowed
    await legal.record_work_permit(
        principal("org_a", "legal"),
        talent_id="tal_1",
        number="EWP-1",
        issued_on="2027-01-10",
        expires_on="2027-06-01",
    )
    assert (await gate(legal, "P16Y/P18Y")).allowed
    assert not (await gate(legal, "P0D/P15D")).allowed  # no permit makes 14 days old enough


async def test_an_unknown_band_is_refused_naming_the_field(legal: Legal) -> None:
    with pytest.raises(UserError) as refused:
        await gate(legal, "1990-04-01")
    assert refused.value.field == "ageBand"


async def test_the_report_uses_the_band_given_at_the_gate(
    legal: Legal, booking: Callable[..., BookingSnapshot]
) -> None:
    """A 16-year-old on a Saturday needs no studio teacher; an unknown minor would."""
    await legal.draft_contract(booking(is_minor=True, work_dates=("2027-03-06",)))
    legal_staff = principal("org_a", "legal")
    before = await legal.compliance_report(legal_staff, "prd_1", "2027-03-06")
    assert "STUDIO_TEACHER_NOT_SCHEDULED" in {i.code for i in before}
    await gate(legal, "P16Y/P18Y")
    after = await legal.compliance_report(legal_staff, "prd_1", "2027-03-06")
    assert "STUDIO_TEACHER_NOT_SCHEDULED" not in {i.code for i in after}
    assert await legal.compliance_report(principal("org_b", "legal"), "prd_1") == []
