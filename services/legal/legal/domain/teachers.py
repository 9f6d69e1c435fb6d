"""Studio teachers scheduled per shoot day: who, and until when their certification holds.

8 CCR §11755: a studio teacher is certified by the Labor Commissioner for up to three years
(https://www.dir.ca.gov/t8/11755.html, confirmed: research.md B.6); a teacher whose
certification lapses before the day does not count toward the day's ratio (8 CCR §11755.2).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from slate_domain import Aggregate, Invalid, Problem, required_text

CERTIFICATION_YEARS = 3


@dataclass(frozen=True)
class StudioTeacherScheduled:
    assignment_id: str
    org_id: str
    production_id: str
    day: date


@dataclass(kw_only=True)
class StudioTeacherAssignment(Aggregate[StudioTeacherScheduled]):
    production_id: str
    day: date
    name: str
    credential_expires_on: date

    @classmethod
    def schedule(
        cls,
        *,
        id: str,
        org_id: str,
        production_id: str,
        day: str,
        name: str,
        credential_expires_on: str,
    ) -> StudioTeacherAssignment:
        """A certified teacher for a shoot day; a certification that lapses before the day, or
        runs past three years after the day (it was issued on or before it), is refused on
        credentialExpiresOn."""
        problems: list[Problem] = []
        if not production_id.startswith("prd_"):
            problems.append(Problem("productionId", "not a production id"))
        clean = required_text("name", name, 200, problems)
        on = expires = None
        try:
            on = date.fromisoformat(day)
        except ValueError:
            problems.append(Problem("date", f"not an ISO date: {day[:20]!r}"))
        try:
            expires = date.fromisoformat(credential_expires_on)
        except ValueError:
            problems.append(Problem("credentialExpiresOn", "not an ISO date"))
        if on is not None and expires is not None:
            if expires < on:
                problems.append(
                    Problem(
                        "credentialExpiresOn",
                        "the certification lapses before the shoot day (8 CCR §11755)",
                    )
                )
            elif expires > date(on.year + CERTIFICATION_YEARS, on.month, min(on.day, 28)):
                problems.append(
                    Problem(
                        "credentialExpiresOn",
                        "a certification lasts at most three years (8 CCR §11755)",
                    )
                )
        if problems or on is None or expires is None:
            raise Invalid(problems)
        assignment = cls(
            id=id,
            org_id=org_id,
            production_id=production_id,
            day=on,
            name=clean,
            credential_expires_on=expires,
        )
        assignment.record(StudioTeacherScheduled(id, org_id, production_id, on))
        return assignment


def teachers_by_day(assignments: Sequence[StudioTeacherAssignment]) -> dict[date, int]:
    """Certified teachers per day, each person counted once a day."""
    names: dict[date, set[str]] = {}
    for a in assignments:
        if a.credential_expires_on >= a.day:
            names.setdefault(a.day, set()).add(" ".join(a.name.lower().split()))
    return {d: len(n) for d, n in names.items()}
