"""Contracts rendered to PDF (fpdf2): the same contract renders to the same bytes, so a hash
recorded at signing can be checked against any copy later."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from legal.domain.compliance import Contract
from legal.domain.templates import document, signature_page

if TYPE_CHECKING:  # imported where used: it costs 0.5-2 s to import
    from fpdf import FPDF

# A fixed creation date keeps the output a function of the content alone.
_EPOCH = datetime(2000, 1, 1, tzinfo=UTC)


def _latin1(text: str) -> str:
    """PDF core fonts set Latin-1 only: anything else becomes '?'."""
    return text.encode("latin-1", "replace").decode("latin-1")


def _pdf() -> FPDF:
    from fpdf import FPDF

    pdf = FPDF(format="Letter")
    pdf.set_creation_date(_EPOCH)
    pdf.set_auto_page_break(auto=True, margin=20)
    return pdf


def _body(pdf: FPDF, contract: Contract) -> None:
    doc = document(contract)
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 14)
    pdf.multi_cell(0, 8, _latin1(doc.title), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", size=9)
    pdf.multi_cell(
        0,
        5,
        _latin1(f"Contract {contract.id} - {contract.template_version}"),
        new_x="LMARGIN",
        new_y="NEXT",
    )
    for heading, body in doc.sections:
        pdf.ln(3)
        pdf.set_font("Helvetica", "B", 11)
        pdf.multi_cell(0, 6, _latin1(heading), new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("Helvetica", size=10)
        pdf.multi_cell(0, 5, _latin1(body), new_x="LMARGIN", new_y="NEXT")


def render(contract: Contract) -> bytes:
    """The document sent for signature."""
    pdf = _pdf()
    _body(pdf, contract)
    return bytes(pdf.output())


def render_executed(contract: Contract) -> bytes:
    """The executed copy: the document followed by its signature page."""
    pdf = _pdf()
    _body(pdf, contract)
    pdf.add_page()
    title, *lines = signature_page(contract)
    pdf.set_font("Helvetica", "B", 14)
    pdf.multi_cell(0, 8, title, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", size=10)
    for line in lines:
        pdf.ln(2)
        pdf.multi_cell(0, 5, _latin1(line), new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
