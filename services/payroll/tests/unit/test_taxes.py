"""Each payroll tax (issue 12), its source in the docstring; amounts in cents."""

from __future__ import annotations

from datetime import date

from payroll.domain.taxes import (
    DE4,
    W4,
    FilingStatus,
    additional_medicare,
    ca_ett,
    ca_sdi,
    ca_ui,
    california_income_tax,
    coogan,
    federal_income_tax,
    futa,
    medicare,
    payroll_taxes,
    periods_per_year,
    social_security,
    tables_on,
    tax_entries,
)

PAY_DATE = date(2026, 3, 10)


def test_every_entry_has_a_source_and_a_cite() -> None:
    """research.md / README: every rate and base is effective-dated data with its source."""
    for entry in tax_entries():
        assert entry.source.startswith("http")
        assert entry.cite


def test_social_security_is_6_2_percent() -> None:
    """IRC §3101(a)/§3111(a): 6.2 % (SSA 2026 wage base $184,500, research B.8)."""
    assert social_security(100_000, 0, tables_on(PAY_DATE)).cents == 6_200


def test_social_security_stops_at_the_wage_base_crossed_mid_run() -> None:
    """SSA 2026 contribution and benefit base $184,500: a payee paid $180,000 earlier in the
    year and $10,000 now is taxed on $4,500 only ($279.00); the next run on nothing."""
    line = social_security(1_000_000, 18_000_000, tables_on(PAY_DATE))
    assert (line.basis_cents, line.cents) == (450_000, 27_900)
    assert social_security(1_000_000, 18_450_000, tables_on(PAY_DATE)).cents == 0


def test_the_2025_wage_base_applies_to_2025_pay() -> None:
    """SSA 2025 base $176,100 (research B.8)."""
    line = social_security(1_000_000, 17_000_000, tables_on(date(2025, 6, 1)))
    assert line.basis_cents == 610_000


def test_medicare_is_1_45_percent_without_a_cap() -> None:
    """IRC §3101(b)(1): 1.45 %, no wage base."""
    assert medicare(1_000_000, tables_on(PAY_DATE)).cents == 14_500


def test_additional_medicare_on_wages_over_200000_only() -> None:
    """IRC §3101(b)(2), §3102(f): 0.9 % withheld on wages over $200,000 in the year."""
    t = tables_on(PAY_DATE)
    assert additional_medicare(1_000_000, 19_500_000, t).cents == 4_500  # on $5,000
    assert additional_medicare(1_000_000, 0, t).cents == 0
    assert additional_medicare(1_000_000, 25_000_000, t).cents == 9_000


def test_ca_sdi_is_1_3_percent_in_2026_and_1_2_in_2025() -> None:
    """CUIC §984, EDD 2026 SDI rate 1.3 % with no wage cap (research B.8)."""
    assert ca_sdi(100_000, tables_on(PAY_DATE)).cents == 1_300
    assert ca_sdi(100_000, tables_on(date(2025, 6, 1))).cents == 1_200
    assert ca_sdi(50_000_000, tables_on(PAY_DATE)).cents == 650_000


def test_futa_on_the_first_7000_with_californias_credit_reduction() -> None:
    """IRC §3301/§3302/§3306(b)(1): 0.6 % net on $7,000, plus California's credit reduction
    (1.2 % for 2025 -> $126 a year; 2026 projected 1.5 %, unconfirmed and warned)."""
    assert futa(1_000_000, 0, tables_on(date(2025, 6, 1))).cents == 12_600
    t = tables_on(PAY_DATE)
    assert futa(1_000_000, 0, t).cents == 14_700
    assert futa(100_000, 650_000, t).basis_cents == 50_000
    assert any("futa.ca_credit_reduction is unconfirmed" in w for w in t.warnings)


def test_ca_ui_and_ett_on_the_first_7000() -> None:
    """CUIC §977/§930: new-employer UI 3.4 % ($238 max); §976.6 ETT 0.1 % ($7 max)."""
    t = tables_on(PAY_DATE)
    assert ca_ui(1_000_000, 0, t).cents == 23_800
    assert ca_ett(1_000_000, 0, t).cents == 700
    assert ca_ui(100_000, 700_000, t).cents == 0


def test_federal_income_tax_by_the_pub_15_t_percentage_method() -> None:
    """IRS Pub 15-T (2026) Worksheet 1A: $1,000 weekly, single, Step 2 unchecked:
    52,000 - 8,600 = 43,400; 1,240 + 12 % x (43,400 - 19,900) = 4,060 a year; / 52 = $78.08."""
    t = tables_on(PAY_DATE)
    assert federal_income_tax(100_000, 52, W4(), t).cents == 7_808
    married = W4(filing_status=FilingStatus.MARRIED)
    # 52,000 - 12,900 = 39,100 -> 10 % x (39,100 - 19,300) = 1,980 / 52 = 38.08
    assert federal_income_tax(100_000, 52, married, t).cents == 3_808
    # Step 3: $2,000 of credits a year is 38.46 a week; Step 4(c): $10 more a period.
    assert federal_income_tax(
        100_000, 52, W4(dependents_cents=200_000, extra_cents=1_000), t
    ).cents == (7_808 - 3_846 + 1_000)


def test_california_income_tax_by_de_44_method_b() -> None:
    """EDD DE 44 (2026) Method B: $1,000 weekly, single, 0 allowances: 52,000 - 5,706 = 46,294;
    1,124.21 + 6.6 % x (46,294 - 41,452) = 1,443.78 a year; / 52 = $27.77. One allowance
    subtracts the $168.30 credit a year ($3.24 a week)."""
    t = tables_on(PAY_DATE)
    assert california_income_tax(100_000, 52, DE4(), t).cents == 2_777
    assert california_income_tax(100_000, 52, DE4(allowances=1), t).cents == 2_453


def test_a_minors_coogan_set_aside_is_15_percent_of_gross() -> None:
    """Family Code §6752(b)(1): 15 % of the minor's gross into the Coogan trust account."""
    assert coogan(123_456, tables_on(PAY_DATE)).cents == 18_518
    taxes = payroll_taxes(
        100_000, 0, pay_date=PAY_DATE, periods=52, w4=W4(), de4=DE4(), is_minor=True
    )
    assert [s.code for s in taxes.set_asides] == ["coogan"]
    adult = payroll_taxes(
        100_000, 0, pay_date=PAY_DATE, periods=52, w4=W4(), de4=DE4(), is_minor=False
    )
    assert adult.set_asides == ()
    assert taxes.withheld_cents == adult.withheld_cents + 15_000


def test_pay_periods_by_length() -> None:
    """Pub 15-T Table 3 / DE 44: weekly 52, biweekly 26, semimonthly 24, monthly 12."""
    assert periods_per_year(date(2026, 3, 2), date(2026, 3, 8)) == 52
    assert periods_per_year(date(2026, 3, 2), date(2026, 3, 15)) == 26
    assert periods_per_year(date(2026, 3, 1), date(2026, 3, 15)) == 24
    assert periods_per_year(date(2026, 3, 1), date(2026, 3, 31)) == 12


def test_next_years_pay_uses_the_latest_figures_and_says_so() -> None:
    t = tables_on(date(2027, 3, 10))
    social_security(100_000, 0, t)
    assert any("2026 figures applied to 2027" in w for w in t.warnings)
