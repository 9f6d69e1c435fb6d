"""A pay stub as a PDF (fpdf2, core fonts): the nine items of Labor Code §226(a) on one page.

Only the last four digits of the payee's tax id ever reach the document.
"""

from __future__ import annotations

import base64

from payroll.domain.payruns import Stub
from payroll.domain.taxes import TaxLine


def _text(value: str) -> str:
    """Core PDF fonts are Latin-1: anything else becomes '?'."""
    return value.encode("latin-1", "replace").decode("latin-1")


def _money(cents: int) -> str:
    sign = "-" if cents < 0 else ""
    return f"{sign}{abs(cents) // 100:,}.{abs(cents) % 100:02d}"


def render_stub(stub: Stub) -> bytes:
    """The stub's PDF document."""
    from fpdf import FPDF  # here, not at the top: importing fpdf costs ~2 s

    pdf = FPDF(format="Letter")
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 14)
    pdf.cell(0, 8, "Pay statement", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", size=9)

    def row(label: str, value: str) -> None:
        pdf.cell(60, 5, _text(label))
        pdf.cell(0, 5, _text(value), new_x="LMARGIN", new_y="NEXT")

    row("Employer (§226(a)(8))", f"{stub.employer.name} {stub.employer.address}".strip())
    payee = stub.payee_name or stub.talent_id
    last4 = f"XXX-XX-{stub.tax_id_last4}" if stub.tax_id_last4 else "not on file"
    row("Employee (§226(a)(7))", f"{payee}  tax id {last4}")
    row("Pay period (§226(a)(6))", f"{stub.period_start} to {stub.period_end}")
    row("Pay date", stub.pay_date)
    row("Total hours worked (§226(a)(2))", stub.hours_worked)
    pdf.ln(2)

    pdf.set_font("Helvetica", "B", 9)
    pdf.cell(0, 6, "Earnings: rates and hours (§226(a)(9))", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", size=8)
    for line in stub.earnings:
        pdf.cell(22, 4.5, line.date)
        pdf.cell(34, 4.5, _text(line.kind))
        pdf.cell(18, 4.5, line.hours, align="R")
        pdf.cell(22, 4.5, line.rate, align="R")
        pdf.cell(24, 4.5, line.amount, align="R", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "B", 9)
    row("Gross wages (§226(a)(1))", _money(stub.gross_cents))
    pdf.ln(1)

    def section(title: str, lines: tuple[TaxLine, ...]) -> None:
        if not lines:
            return
        pdf.set_font("Helvetica", "B", 9)
        pdf.cell(0, 6, _text(title), new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("Helvetica", size=8)
        for tax in lines:
            pdf.cell(70, 4.5, _text(tax.label))
            pdf.cell(26, 4.5, _money(tax.cents), align="R", new_x="LMARGIN", new_y="NEXT")

    section("Deductions (§226(a)(4))", stub.deductions)
    section("Set aside (Family Code §6752 Coogan trust)", stub.set_asides)
    pdf.set_font("Helvetica", "B", 10)
    row("Net wages (§226(a)(5))", _money(stub.net_cents))
    pdf.ln(1)
    section("Paid by the employer (not deducted)", stub.employer_costs)
    row("Year-to-date gross", _money(stub.ytd_gross_cents + stub.gross_cents))
    pdf.set_font("Helvetica", size=7)
    pdf.ln(2)
    pdf.multi_cell(0, 3.5, _text("Piece rates (§226(a)(3)): none."), new_x="LMARGIN", new_y="NEXT")
    for warning in stub.warnings:
        pdf.multi_cell(0, 3.5, _text(f"Note: {warning}"), new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def data_url(document: bytes) -> str:
    return "data:application/pdf;base64," + base64.b64encode(document).decode("ascii")
