"""Minors by age band: what legal checks for a minor's booking and shoot day, knowing only the
band casting derived from the birth date (`slate_domain.age_bands`), never the birth date.

The rules are data, each with its citation, a source and whether that source was confirmed
(../shared/domain/research.md B.6, rechecked where noted). An unconfirmed rule never blocks: it
is a warning that says it is unconfirmed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from slate_domain.age_bands import ADULT, BANDS, HOURS_BAND, TOO_YOUNG

# The statutory window and caps every band shares (LC §1308.7, confirmed: research B.6).
DAILY_CAPS = (
    "at most 8 hours of work a day and 48 a week, between 5 a.m. and 10 p.m. (12:30 a.m. "
    "before a non-school day)"
)
DAILY_CAPS_SOURCE = (
    "Cal. Labor Code §§1308.7, 1392; https://planetprepro.com/reference/calaborlaws.html"
)


@dataclass(frozen=True)
class Hours:
    """8 CCR §11760: the longest a minor of the band may be at the place of employment, and
    of that the longest actual work, on a school day and on a day without school."""

    at_place_minutes: int
    work_minutes_school: int
    work_minutes_no_school: int


HOURS_CITE = "8 CCR §11760"
HOURS_SOURCE = "https://planetprepro.com/reference/calaborlaws.html"  # confirmed, research B.6
# Keyed by the §11760 band (payroll's us-ca.toml holds the same figures for the timecard).
HOURS: dict[str, Hours] = {
    "P15D/P6M": Hours(120, 20, 20),
    "P6M/P2Y": Hours(240, 120, 120),
    "P2Y/P6Y": Hours(360, 180, 180),
    "P6Y/P9Y": Hours(480, 240, 360),
    "P9Y/P16Y": Hours(540, 300, 420),
    "P16Y/P18Y": Hours(600, 360, 480),
}


@dataclass(frozen=True)
class Rule:
    """One band rule as data: a code, whether it can block, what it says and where it is
    from. `confirmed` False: only secondary sources were found, so it only warns."""

    code: str
    blocking: bool
    message: str
    cite: str
    source: str
    confirmed: bool = True

    @property
    def reference(self) -> str:
        return f"{self.cite}; {self.source}"


TOO_YOUNG_RULE = Rule(
    "MINOR_TOO_YOUNG",
    True,
    "no one younger than 15 days may be employed in the entertainment industry",
    "Cal. Labor Code §1308.8(a); 8 CCR §11751 (permits from 15 days)",
    "https://leginfo.legislature.ca.gov/faces/codes_displaySection.xhtml?lawCode=LAB&sectionNum=1308.8",
)
# Confirmed from the statute's text (leginfo, as amended by AB 1622, 2019). The Labor
# Commissioner issues an infant's temporary permit only once this certification is confirmed
# (AB 2396, 2012), so a valid permit on file implies it: a warning, the permit itself blocks.
INFANT_CERTIFICATION = Rule(
    "INFANT_PHYSICIAN_CERTIFICATION",
    False,
    "an infant under one month may work only with a pediatrician's (or family physician's) "
    "written certification that it is at least 15 days old, carried to full term, of normal "
    "birth weight and fit for the work: keep it with the permit",
    "Cal. Labor Code §1308.8(a)",
    "https://leginfo.legislature.ca.gov/faces/codes_displaySection.xhtml?lawCode=LAB&sectionNum=1308.8",
)
# Secondary sources only (research.md: unconfirmed list item 10; the regulation's own text
# was not found): warnings that say so.
_INFANT_SOURCE = "https://studioteacher.org/?p=6; http://teachingthestars.com/laws.html"
INFANT_WINDOW = Rule(
    "INFANT_WORK_WINDOW",
    False,
    "an infant under six months may be on set for one period of at most 2 hours, 9:30-11:30 "
    "a.m. or 2:30-4:30 p.m. (unconfirmed: secondary sources only)",
    "8 CCR §11760",
    _INFANT_SOURCE,
    confirmed=False,
)
NURSE_PER_3 = Rule(
    "INFANT_NURSE_REQUIRED",
    False,
    "infants from 15 days to six weeks need one studio teacher and one nurse for every three "
    "(unconfirmed: secondary sources only)",
    "8 CCR §11764",
    _INFANT_SOURCE,
    confirmed=False,
)
NURSE_PER_10 = Rule(
    "INFANT_NURSE_REQUIRED",
    False,
    "infants from six weeks to six months need one studio teacher and one nurse for every ten "
    "(unconfirmed: secondary sources only)",
    "8 CCR §11764",
    _INFANT_SOURCE,
    confirmed=False,
)
TEACHER_SOURCE = "https://www.dir.ca.gov/dlse/Studio_teachers.htm"  # confirmed, research B.6
TEACHER_UNDER_16 = Rule(
    "STUDIO_TEACHER_REQUIRED",
    False,
    "a studio teacher must be engaged for each work day of a minor under 16 (one per 10 "
    "minors, one per 20 on non-school days)",
    "8 CCR §§11755.2, 11760",
    TEACHER_SOURCE,
)
TEACHER_16_17 = Rule(
    "STUDIO_TEACHER_REQUIRED",
    False,
    "a minor of 16 or 17 needs a studio teacher on school days (for schooling) unless they "
    "have graduated from high school",
    "8 CCR §§11755.2, 11760",
    TEACHER_SOURCE,
)
# Bands for which the infants' rules hold, and which nurse ratio.
INFANT_BANDS = ("P15D/P1M", "P1M/P6W", "P6W/P6M")
NURSE_RULE = {"P15D/P1M": NURSE_PER_3, "P1M/P6W": NURSE_PER_3, "P6W/P6M": NURSE_PER_10}


def is_band(label: str) -> bool:
    """A label casting may send: one of the bands, or "" (an adult, or not known)."""
    return label == ADULT or label in BANDS


def under_16(band: str) -> bool:
    return band != ADULT and band != "P16Y/P18Y"


def hours_of(band: str) -> Hours | None:
    """The band's §11760 limits (None for an adult or the too young)."""
    hours_band = HOURS_BAND.get(band)
    return HOURS[hours_band] if hours_band else None


def _h(minutes: int) -> str:
    return f"{minutes // 60} h" if minutes % 60 == 0 else f"{minutes} min"


def hours_message(band: str) -> str | None:
    """The band's limits in words, with the daily caps every minor has."""
    hours = hours_of(band)
    if hours is None:
        return None
    work = _h(hours.work_minutes_school)
    if hours.work_minutes_no_school != hours.work_minutes_school:
        work += f" ({_h(hours.work_minutes_no_school)} when school is not in session)"
    return (
        f"age band {band}: at most {_h(hours.at_place_minutes)} at the place of employment, "
        f"of which {work} of work; {DAILY_CAPS}"
    )


def band_rules(band: str) -> list[Rule]:
    """Every rule the band brings to a booking, blocking ones first."""
    if band == TOO_YOUNG:
        return [TOO_YOUNG_RULE]
    rules: list[Rule] = []
    if band == "P15D/P1M":
        rules.append(INFANT_CERTIFICATION)
    if band in INFANT_BANDS:
        rules += [INFANT_WINDOW, NURSE_RULE[band]]
    if band != ADULT:
        rules.append(TEACHER_UNDER_16 if under_16(band) else TEACHER_16_17)
    return rules


def non_school_day(day: date) -> bool:
    """Saturdays and Sundays (holidays and school vacations are not known to legal yet, so
    the stricter school-day ratio applies on them)."""
    return day.weekday() >= 5


def teachers_needed(bands: list[str], day: date) -> int:
    """Studio teachers a shoot day needs for the minors on call (8 CCR §11755.2): one per 10
    minors or fraction, one per 20 on non-school days; minors of 16 and 17 count on school
    days only (they need the teacher for schooling)."""
    off = non_school_day(day)
    counted = [b for b in bands if b != ADULT and (under_16(b) or not off)]
    if not counted:
        return 0
    per = 20 if off else 10
    return -(-len(counted) // per)


def nurses_needed(bands: list[str]) -> tuple[int, int]:
    """Infants under six weeks and from six weeks to six months on call: (per-3 groups,
    per-10 groups), each needing a nurse and a teacher (8 CCR §11764, unconfirmed)."""
    young = sum(1 for b in bands if NURSE_RULE.get(b) is NURSE_PER_3)
    older = sum(1 for b in bands if NURSE_RULE.get(b) is NURSE_PER_10)
    return -(-young // 3), -(-older // 10)
