"""Payroll engagement rules."""

from payroll.domain import engagements as rules


def test_union_maps_to_its_agreement_and_unknown_unions_to_none() -> None:
    assert rules.agreement_for("SAG_AFTRA") == "sag-aftra-commercials"
    assert rules.agreement_for("NONE") == "none"
    assert rules.agreement_for("IATSE") == "none"


def test_release_cancels_only_engagements_without_recorded_work() -> None:
    assert rules.cancel_on_release("PENDING_ONBOARDING", has_timecards=False)
    assert not rules.cancel_on_release("PENDING_ONBOARDING", has_timecards=True)
    assert not rules.cancel_on_release("CLOSED", has_timecards=False)
