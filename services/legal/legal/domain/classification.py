"""Worker classification: the ABC test of Cal. Labor Code §2775(b)(1), with the §2780
exemptions for sound-recording work, which then fall under Borello instead.

Sources: Labor Code §2775(b)(1) (a person providing labor for pay is an employee unless the
hiring entity shows all of A, B and C); §2780(a)(2) (recording artists, songwriters, record
producers, musical engineers, session musicians, vocalists... are assessed under Borello) and
its exclusion of "film and television unit production crews"; research B.5.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from slate_domain import Aggregate, Invalid, Problem


class Determination(StrEnum):
    EMPLOYEE = "EMPLOYEE"
    INDEPENDENT_CONTRACTOR = "INDEPENDENT_CONTRACTOR"
    # A §2780 exemption applies: the ABC test does not; decide under Borello (a person decides).
    BORELLO_REVIEW = "BORELLO_REVIEW"


# Occupations §2780(a)(2) takes out of the ABC test (sound recordings and their marketing).
SOUND_RECORDING_EXEMPT = frozenset(
    {
        "RECORDING_ARTIST",
        "SONGWRITER",
        "LYRICIST",
        "COMPOSER",
        "RECORD_PRODUCER",
        "MUSICAL_ENGINEER",
        "MIXER",
        "SESSION_MUSICIAN",
        "VOCALIST",
    }
)


@dataclass(frozen=True)
class Answers:
    """The hiring entity's answers to the three prongs, and the occupation."""

    free_from_control: bool  # A: free from control and direction, in contract and in fact
    outside_usual_course: bool  # B: outside the usual course of the hiring entity's business
    independently_established: bool  # C: customarily in an independently established trade
    occupation: str = ""
    film_or_tv_unit_crew: bool = False


@dataclass(frozen=True)
class ClassificationAssessed:
    assessment_id: str
    org_id: str
    engagement_id: str
    determination: Determination


def determine(answers: Answers) -> tuple[Determination, tuple[str, ...]]:
    """Labor Code §2775(b)(1): an employee unless A, B and C all hold (the burden is on the
    hiring entity); §2780(a)(2): sound-recording occupations go to Borello, but never film or
    television unit production crews. Returns the determination and the reasons."""
    occupation = answers.occupation.strip().upper()
    if occupation in SOUND_RECORDING_EXEMPT and not answers.film_or_tv_unit_crew:
        return Determination.BORELLO_REVIEW, (
            f"{occupation} is exempt from the ABC test (Labor Code §2780(a)(2)); apply Borello",
        )
    failed = tuple(
        reason
        for holds, reason in (
            (answers.free_from_control, "A: not free from the hiring entity's control"),
            (answers.outside_usual_course, "B: the work is within the usual course of business"),
            (answers.independently_established, "C: no independently established trade"),
        )
        if not holds
    )
    if failed:
        return Determination.EMPLOYEE, failed
    return Determination.INDEPENDENT_CONTRACTOR, ("A, B and C are all met (§2775(b)(1))",)


@dataclass(kw_only=True)
class ClassificationAssessment(Aggregate[ClassificationAssessed]):
    """One engagement's ABC-test assessment (the latest replaces the earlier)."""

    engagement_id: str
    answers: Answers
    determination: Determination
    reasons: tuple[str, ...]
    assessed_by: str

    @classmethod
    def assess(
        cls, *, id: str, org_id: str, engagement_id: str, answers: Answers, assessed_by: str
    ) -> ClassificationAssessment:
        if not engagement_id.strip():
            raise Invalid([Problem("engagementId", "must not be empty")])
        determination, reasons = determine(answers)
        assessment = cls(
            id=id,
            org_id=org_id,
            engagement_id=engagement_id.strip(),
            answers=answers,
            determination=determination,
            reasons=reasons,
            assessed_by=assessed_by,
        )
        assessment.record(ClassificationAssessed(id, org_id, engagement_id, determination))
        return assessment
