"""Talent search, as the domain sees it: what a search asks, what the index holds of a talent,
and the rules that turn an age range on a date into a range of birth dates. Pure: the engine
(tantivy) is behind `casting.search`."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from slate_domain import Invalid, Problem

from casting.domain.model import (
    MAX_AGE,
    MAX_SHORT,
    MAX_TAG,
    MAX_TAGS,
    Talent,
    UnionStatus,
    parse_date,
    shown,
)

MAX_TEXT = 200
MAX_AVAILABLE_ON = 31
# Availability is scheduling's answer, asked per talent: only this many best matches are asked.
AVAILABILITY_CANDIDATES = 500
_WORD = re.compile(r"[^\w\s]+")


@dataclass(frozen=True)
class IndexedTalent:
    """What the search index keeps of a talent. The birth date is indexed to answer age ranges
    but never stored: only the id comes back out of the index."""

    id: str
    name: str
    skills: tuple[str, ...]
    bio: str
    languages: tuple[str, ...]
    home_base: str
    union_status: UnionStatus | None
    date_of_birth: date

    @classmethod
    def of(cls, talent: Talent, date_of_birth: date) -> IndexedTalent:
        p = talent.profile
        return cls(
            id=talent.id,
            name=talent.name,
            skills=p.skills,
            bio=p.bio,
            languages=p.languages,
            home_base=p.home_base,
            union_status=p.union_status,
            date_of_birth=date_of_birth,
        )


@dataclass(frozen=True)
class TalentQuery:
    """A validated search: free words (ranked by relevance over name, skills and bio) and
    filters that every hit meets."""

    words: str = ""
    union_status: UnionStatus | None = None
    born_after: date | None = None  # exclusive: from ageMax
    born_on_or_before: date | None = None  # from ageMin
    skills: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()
    home_base: str = ""
    available_on: tuple[date, ...] = ()


def years_before(day: date, years: int) -> date:
    """The latest birth date of someone `years` old on `day` (29 February falls back to the
    28th, as `age_on` counts a leap-day birthday on 1 March in common years)."""
    if day.year - years < date.min.year:
        return date.min
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def _tags(raw: Sequence[str], field: str, problems: list[Problem]) -> tuple[str, ...]:
    if len(raw) > MAX_TAGS:
        problems.append(Problem(field, f"at most {MAX_TAGS} entries"))
        return ()
    out = []
    for i, tag in enumerate(raw):
        if len(tag) > MAX_TAG:
            problems.append(Problem(f"{field}[{i}]", f"at most {MAX_TAG} characters"))
        elif tag.strip():
            out.append(tag.strip().casefold())
    return tuple(dict.fromkeys(out))


def validate_query(
    *,
    text: str | None,
    union_status: str | None,
    age_min: int | None,
    age_max: int | None,
    age_on: str | None,
    skills: Sequence[str],
    languages: Sequence[str],
    home_base: str | None,
    available_on: Sequence[str],
    today: date,
) -> TalentQuery:
    """A search's input, every problem at once by field (`filter.ageMax`, …). The free text is
    reduced to words: query syntax (fields, ranges, wildcards) is not the caller's to use."""
    problems: list[Problem] = []
    words = ""
    if text is not None:
        if len(text) > MAX_TEXT:
            problems.append(Problem("text", f"at most {MAX_TEXT} characters"))
        else:
            # lower case: AND, OR, NOT and IN are no operators either
            words = " ".join(_WORD.sub(" ", text).lower().split())
    status = None
    if union_status is not None:
        if union_status in UnionStatus.__members__:
            status = UnionStatus(union_status)
        else:
            problems.append(Problem("filter.union", f"unknown union status {shown(union_status)}"))
    for name, age in (("filter.ageMin", age_min), ("filter.ageMax", age_max)):
        if age is not None and not 0 <= age <= MAX_AGE:
            problems.append(Problem(name, f"must be between 0 and {MAX_AGE}"))
    if age_min is not None and age_max is not None and age_min > age_max:
        problems.append(Problem("filter.ageMax", "must not be below ageMin"))
    on = today if age_on is None else parse_date(age_on, "filter.ageOn", problems)
    clean_skills = _tags(skills, "filter.skills", problems)
    clean_languages = _tags(languages, "filter.languages", problems)
    clean_home = ""
    if home_base is not None:
        if len(home_base) > MAX_SHORT:
            problems.append(Problem("filter.homeBase", f"at most {MAX_SHORT} characters"))
        else:
            clean_home = home_base.strip().casefold()
    dates: list[date] = []
    if len(available_on) > MAX_AVAILABLE_ON:
        problems.append(Problem("filter.availableOn", f"at most {MAX_AVAILABLE_ON} dates"))
    else:
        for i, raw in enumerate(available_on):
            parsed = parse_date(raw, f"filter.availableOn[{i}]", problems)
            if parsed is not None:
                dates.append(parsed)
    if problems:
        raise Invalid(problems)
    assert on is not None
    return TalentQuery(
        words=words,
        union_status=status,
        born_after=years_before(on, age_max + 1) if age_max is not None else None,
        born_on_or_before=years_before(on, age_min) if age_min is not None else None,
        skills=clean_skills,
        languages=clean_languages,
        home_base=clean_home,
        available_on=tuple(sorted(set(dates))),
    )
