"""Payroll taxes of one payee's payment: employee withholdings and employer taxes, in cents.

Every rate, wage base and table is an effective-dated entry of `taxdata/*.toml` with its source;
the entry in force on the pay date applies. An entry marked unconfirmed, or a tax year older than
the pay date's (next year's figures are not published yet), still applies and is warned.
Money is integer cents; each tax is rounded once, half-up.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from functools import cache
from importlib import resources
from typing import Any

CENT = Decimal("0.01")


class FilingStatus(StrEnum):
    SINGLE = "SINGLE"
    MARRIED = "MARRIED"
    HEAD_OF_HOUSEHOLD = "HEAD_OF_HOUSEHOLD"


@dataclass(frozen=True)
class W4:
    """Form W-4 (2020 or later) elections: Step 1(c), Step 2 box, Steps 3, 4(a), 4(b), 4(c)."""

    filing_status: FilingStatus = FilingStatus.SINGLE
    multiple_jobs: bool = False
    dependents_cents: int = 0
    other_income_cents: int = 0
    deductions_cents: int = 0
    extra_cents: int = 0


@dataclass(frozen=True)
class DE4:
    """Form DE 4 elections: filing status, regular allowances, allowances for estimated
    deductions, and an additional amount per period."""

    filing_status: FilingStatus = FilingStatus.SINGLE
    allowances: int = 0
    estimated_deduction_allowances: int = 0
    extra_cents: int = 0


@dataclass(frozen=True)
class Entry:
    key: str
    effective_from: date
    tax_year: int
    cite: str
    source: str
    confirmed: bool
    value: Decimal = Decimal(0)
    brackets: tuple[tuple[Decimal, Decimal, Decimal], ...] = ()


@dataclass(frozen=True)
class TaxLine:
    """One tax: who pays it, what it is, its amount and the wages it was computed on."""

    code: str
    label: str
    cents: int
    basis_cents: int
    cite: str
    source: str


@dataclass
class TaxTables:
    """The entries in force on one pay date, and the warnings their use raises."""

    entries: Sequence[Entry]
    on: date
    warnings: list[str] = field(default_factory=list)

    def entry(self, key: str) -> Entry:
        found = [e for e in self.entries if e.key == key and e.effective_from <= self.on]
        if not found:
            raise LookupError(f"no {key} in force on {self.on.isoformat()}")
        chosen = max(found, key=lambda e: e.effective_from)
        if not chosen.confirmed:
            self.warn(f"{key} is unconfirmed ({chosen.cite}; {chosen.source})")
        if chosen.tax_year < self.on.year and chosen.tax_year >= 2025:
            self.warn(f"{key}: {chosen.tax_year} figures applied to {self.on.year}")
        return chosen

    def value(self, key: str) -> Decimal:
        return self.entry(key).value

    def warn(self, message: str) -> None:
        if message not in self.warnings:
            self.warnings.append(message)


@cache
def tax_entries() -> tuple[Entry, ...]:
    """Every packaged tax entry, validated (a source URL each; a value or brackets)."""
    folder = resources.files("payroll.domain").joinpath("taxdata")
    entries: list[Entry] = []
    for item in sorted(folder.iterdir(), key=lambda i: i.name):
        if not item.name.endswith(".toml"):
            continue
        for raw in tomllib.loads(item.read_text(encoding="utf-8"))["entry"]:
            entries.append(_entry(raw))
    return tuple(entries)


def _entry(raw: Mapping[str, Any]) -> Entry:
    if not str(raw.get("source", "")).startswith("http"):
        raise ValueError(f"tax entry {raw.get('key')!r} has no source URL")
    brackets = tuple(
        (Decimal(over), Decimal(base), Decimal(rate))
        for over, base, rate in raw.get("brackets", ())
    )
    if "value" not in raw and not brackets:
        raise ValueError(f"tax entry {raw['key']!r} has neither value nor brackets")
    return Entry(
        key=str(raw["key"]),
        effective_from=date.fromisoformat(str(raw["effective_from"])),
        tax_year=int(raw["tax_year"]),
        cite=str(raw["cite"]),
        source=str(raw["source"]),
        confirmed=bool(raw["confirmed"]),
        value=Decimal(str(raw.get("value", "0"))),
        brackets=brackets,
    )


def tables_on(pay_date: date) -> TaxTables:
    return TaxTables(tax_entries(), pay_date)


def to_cents(amount: Decimal) -> int:
    return int(amount.quantize(CENT, rounding=ROUND_HALF_UP) * 100)


def _dollars(cents: int) -> Decimal:
    return Decimal(cents) / 100


def _line(code: str, label: str, amount: Decimal, basis_cents: int, entry: Entry) -> TaxLine:
    return TaxLine(code, label, to_cents(amount), basis_cents, entry.cite, entry.source)


def periods_per_year(period_start: date, period_end: date) -> int:
    """Pay periods a year for a pay period of this length (weekly, biweekly, semimonthly,
    monthly), as Pub 15-T Table 3 and DE 44 count them."""
    days = (period_end - period_start).days + 1
    if days <= 7:
        return 52
    if days <= 14:
        return 26
    if days <= 16:
        return 24
    return 12


# --------------------------------------------------------------------------- each tax


def social_security(gross: int, ytd: int, t: TaxTables) -> TaxLine:
    """Social Security (OASDI), employee or employer share: 6.2% of wages up to the year's wage
    base (IRC §3101(a)/§3111(a); SSA base $184,500 for 2026). `ytd` is what this employer paid the
    payee earlier in the year, so a payment crossing the base is taxed only up to it."""
    base = to_cents(t.value("social_security.wage_base"))
    taxable = max(0, min(gross, base - ytd))
    entry = t.entry("social_security.rate")
    return _line(
        "social_security", "Social Security", _dollars(taxable) * entry.value, taxable, entry
    )


def medicare(gross: int, t: TaxTables) -> TaxLine:
    """Medicare, employee or employer share: 1.45% of all wages (IRC §3101(b)(1)/§3111(b))."""
    entry = t.entry("medicare.rate")
    return _line("medicare", "Medicare", _dollars(gross) * entry.value, gross, entry)


def additional_medicare(gross: int, ytd: int, t: TaxTables) -> TaxLine:
    """Additional Medicare, employee only: 0.9% of the wages this employer pays over $200,000
    in the year, whatever the filing status (IRC §3101(b)(2), §3102(f))."""
    threshold = to_cents(t.value("additional_medicare.threshold"))
    taxable = max(0, ytd + gross - max(ytd, threshold))
    entry = t.entry("additional_medicare.rate")
    return _line(
        "additional_medicare",
        "Additional Medicare",
        _dollars(taxable) * entry.value,
        taxable,
        entry,
    )


def ca_sdi(gross: int, t: TaxTables) -> TaxLine:
    """California SDI, employee only: 1.3% of all wages in 2026, no wage cap (CUIC §984, SB 951)."""
    entry = t.entry("ca_sdi.rate")
    return _line("ca_sdi", "CA SDI", _dollars(gross) * entry.value, gross, entry)


def _capped(code: str, label: str, gross: int, ytd: int, t: TaxTables, prefix: str) -> TaxLine:
    base = to_cents(t.value(f"{prefix}.wage_base"))
    taxable = max(0, min(gross, base - ytd))
    entry = t.entry(f"{prefix}.rate")
    return _line(code, label, _dollars(taxable) * entry.value, taxable, entry)


def futa(gross: int, ytd: int, t: TaxTables) -> TaxLine:
    """FUTA, employer only: 6.0% less the 5.4% credit = 0.6% on the first $7,000 a year
    (IRC §3301, §3302, §3306(b)(1)), plus California's credit reduction (1.2% for 2025; 2026's
    is projected at 1.5% and unconfirmed until the DOL decides in November 2026)."""
    base = to_cents(t.value("futa.wage_base"))
    taxable = max(0, min(gross, base - ytd))
    net = t.entry("futa.rate")
    reduction = t.entry("futa.ca_credit_reduction")
    return TaxLine(
        "futa",
        "FUTA (incl. CA credit reduction)",
        to_cents(_dollars(taxable) * (net.value + reduction.value)),
        taxable,
        f"{net.cite}; {reduction.cite}",
        net.source,
    )


def ca_ui(gross: int, ytd: int, t: TaxTables) -> TaxLine:
    """California UI, employer only: the new-employer rate 3.4% on the first $7,000 a year
    (CUIC §977, §930) until the employer's own EDD rate is on file."""
    return _capped("ca_ui", "CA UI", gross, ytd, t, "ca_ui")


def ca_ett(gross: int, ytd: int, t: TaxTables) -> TaxLine:
    """California Employment Training Tax, employer only: 0.1% on the first $7,000 a year
    (CUIC §976.6, §930)."""
    return _capped("ca_ett", "CA ETT", gross, ytd, t, "ca_ett")


def _schedule(brackets: Sequence[tuple[Decimal, Decimal, Decimal]], amount: Decimal) -> Decimal:
    """Tax on `amount` by a rate schedule of (over, base, rate): base + rate x (amount - over)."""
    tax = Decimal(0)
    for over, base, rate in brackets:
        if amount > over:
            tax = base + rate * (amount - over)
    return tax


def federal_income_tax(gross: int, periods: int, w4: W4, t: TaxTables) -> TaxLine:
    """Federal income tax withholding by the Publication 15-T percentage method for automated
    payroll systems (Worksheet 1A, Form W-4 2020 or later): annualise the period's wages, add
    Step 4(a), subtract Step 4(b) and (Step 2 unchecked) $12,900 married / $8,600 otherwise, apply
    the annual STANDARD or Step 2 schedule, divide by the periods, subtract Step 3 per period,
    add Step 4(c)."""
    status = {
        FilingStatus.MARRIED: "married",
        FilingStatus.SINGLE: "single",
        FilingStatus.HEAD_OF_HOUSEHOLD: "head",
    }[w4.filing_status]
    annual = _dollars(gross) * periods + _dollars(w4.other_income_cents)
    adjustment = _dollars(w4.deductions_cents)
    if not w4.multiple_jobs:
        married = w4.filing_status is FilingStatus.MARRIED
        adjustment += t.value("fit.step1g.married" if married else "fit.step1g.other")
    adjusted = max(Decimal(0), annual - adjustment)
    schedule = t.entry(f"fit.{'step2' if w4.multiple_jobs else 'standard'}.{status}")
    tentative = _schedule(schedule.brackets, adjusted) / periods
    amount = max(Decimal(0), tentative - _dollars(w4.dependents_cents) / periods)
    amount += _dollars(w4.extra_cents)
    return _line("federal_income_tax", "Federal income tax", amount, gross, schedule)


def california_income_tax(gross: int, periods: int, de4: DE4, t: TaxTables) -> TaxLine:
    """California PIT withholding by EDD DE 44 Method B (exact calculation), on annual tables:
    subtract the estimated-deduction allowances ($1,000 each) and the standard deduction (higher
    for married with 2+ allowances and head of household), apply the rate schedule, subtract the
    exemption allowance credit per allowance, divide by the periods; never below zero, plus any
    additional amount. DE 44 Step 1's low-income exemption is NOT applied (its 2026 table was not
    found), so very low wages may be withheld a little (warned)."""
    status = {
        FilingStatus.MARRIED: "married",
        FilingStatus.SINGLE: "single",
        FilingStatus.HEAD_OF_HOUSEHOLD: "head",
    }[de4.filing_status]
    high = (de4.filing_status is FilingStatus.HEAD_OF_HOUSEHOLD) or (
        de4.filing_status is FilingStatus.MARRIED and de4.allowances >= 2
    )
    annual = _dollars(gross) * periods
    taxable = (
        annual
        - t.value("ca_pit.estimated_deduction") * de4.estimated_deduction_allowances
        - t.value(f"ca_pit.standard_deduction.{'high' if high else 'low'}")
    )
    schedule = t.entry(f"ca_pit.schedule.{status}")
    tax = _schedule(schedule.brackets, max(Decimal(0), taxable))
    tax -= t.value("ca_pit.exemption_credit") * de4.allowances
    amount = max(Decimal(0), tax) / periods + _dollars(de4.extra_cents)
    t.warn(
        "DE 44 low-income exemption (Method B step 1) is not applied: its 2026 table was not found"
    )
    return _line("ca_income_tax", "California income tax", amount, gross, schedule)


def coogan(gross: int, t: TaxTables) -> TaxLine:
    """A minor's Coogan set-aside: 15% of gross earnings into the blocked trust account on file,
    never paid to the minor (Family Code §6752(b)(1)). Background performers are exempt (AB 533):
    not modelled, every minor's pay is set aside."""
    entry = t.entry("coogan.rate")
    return _line("coogan", "Coogan trust set-aside", _dollars(gross) * entry.value, gross, entry)


@dataclass(frozen=True)
class Taxes:
    employee: tuple[TaxLine, ...]
    employer: tuple[TaxLine, ...]
    set_asides: tuple[TaxLine, ...]
    warnings: tuple[str, ...]

    @property
    def withheld_cents(self) -> int:
        return sum(line.cents for line in (*self.employee, *self.set_asides))


def payroll_taxes(
    gross: int,
    ytd: int,
    *,
    pay_date: date,
    periods: int,
    w4: W4,
    de4: DE4,
    is_minor: bool,
) -> Taxes:
    """Every tax on one payment of `gross` cents to a payee this employer paid `ytd` cents
    earlier in the pay date's year (LookupError if a table is missing for the date)."""
    t = tables_on(pay_date)
    employee = (
        federal_income_tax(gross, periods, w4, t),
        social_security(gross, ytd, t),
        medicare(gross, t),
        additional_medicare(gross, ytd, t),
        california_income_tax(gross, periods, de4, t),
        ca_sdi(gross, t),
    )
    employer = (
        social_security(gross, ytd, t),
        medicare(gross, t),
        futa(gross, ytd, t),
        ca_ui(gross, ytd, t),
        ca_ett(gross, ytd, t),
    )
    set_asides = (coogan(gross, t),) if is_minor else ()
    return Taxes(employee, employer, set_asides, tuple(t.warnings))
