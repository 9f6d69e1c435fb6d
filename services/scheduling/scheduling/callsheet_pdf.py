"""A shoot day's call sheet as a PDF (fpdf2, core fonts), laid out the way crews read one: the
production and the day at the top, where to go (location, parking, nearest hospital), the
scenes in shooting order, who is called when, contacts and notes.

Weather and sunrise/sunset appear only when the production entered them: a call sheet that
guesses the weather is worse than one that says nothing.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class SheetLocation:
    name: str
    address: str
    parking: str
    hospital: str
    contact: str


@dataclass(frozen=True)
class SheetScene:
    number: str
    description: str
    location: str
    duration: int  # whole shoot days


@dataclass(frozen=True)
class SheetCall:
    name: str
    roles: str
    call_time: str
    confirmed_at: str | None
    minor: bool


@dataclass(frozen=True)
class SheetCrew:
    department: str
    name: str
    position: str
    call_time: str
    contact: str  # empty when not entered, or when the reader may not see it


@dataclass(frozen=True)
class CallSheetDocument:
    """Everything printed on the sheet; times are HH:MM in the production's time zone."""

    production: str
    client: str
    timezone: str
    date: str
    day_number: int
    day_count: int
    general_call: str
    wrap_time: str
    published: bool
    location: SheetLocation | None
    scenes: tuple[SheetScene, ...]
    cast: tuple[SheetCall, ...]
    notes: str
    weather: str
    sunrise: str
    sunset: str
    conflicts: tuple[str, ...] = ()
    # Grouped by department (departments in order of first call), each in call order.
    crew: tuple[SheetCrew, ...] = ()


def _text(value: str) -> str:
    """Core PDF fonts are Latin-1: anything else becomes '?'."""
    return value.encode("latin-1", "replace").decode("latin-1")


def render_call_sheet(sheet: CallSheetDocument) -> bytes:
    """The call sheet's PDF document (one page for an ordinary day; more when the cast is long)."""
    from fpdf import FPDF  # here, not at the top: importing fpdf costs ~2 s

    pdf = FPDF(format="Letter")
    pdf.set_title(_text(f"Call sheet - {sheet.production} - {sheet.date}"))
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_page()

    def heading(title: str) -> None:
        pdf.ln(2)
        pdf.set_font("Helvetica", "B", 10)
        pdf.cell(0, 6, _text(title), new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("Helvetica", size=9)

    def row(label: str, value: str) -> None:
        pdf.set_font("Helvetica", "B", 9)
        pdf.cell(40, 5, _text(label))
        pdf.set_font("Helvetica", size=9)
        pdf.multi_cell(0, 5, _text(value), new_x="LMARGIN", new_y="NEXT")

    pdf.set_font("Helvetica", "B", 16)
    pdf.cell(0, 9, _text(sheet.production), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", size=10)
    weekday = date.fromisoformat(sheet.date).strftime("%A")
    status = "" if sheet.published else "  (DRAFT - not published)"
    pdf.cell(
        0,
        6,
        _text(f"Call sheet - {weekday} {sheet.date} - Day {sheet.day_number} of {sheet.day_count}")
        + status,
        new_x="LMARGIN",
        new_y="NEXT",
    )
    if sheet.client:
        row("Client", sheet.client)
    pdf.set_font("Helvetica", "B", 13)
    pdf.cell(0, 8, _text(f"General call {sheet.general_call}"), new_x="LMARGIN", new_y="NEXT")
    row("Estimated wrap", sheet.wrap_time)
    row("Time zone", sheet.timezone)
    if sheet.weather:
        row("Weather", sheet.weather)
    if sheet.sunrise or sheet.sunset:
        row("Sunrise / sunset", f"{sheet.sunrise or '-'} / {sheet.sunset or '-'}")

    heading("Location")
    if sheet.location is None:
        pdf.cell(0, 5, "Not set", new_x="LMARGIN", new_y="NEXT")
    else:
        row("Name", sheet.location.name)
        row("Address", sheet.location.address)
        row("Parking", sheet.location.parking or "-")
        row("Nearest hospital", sheet.location.hospital or "-")

    heading("Scenes in shooting order")
    pdf.set_font("Helvetica", "B", 8)
    pdf.cell(18, 5, "Scene")
    pdf.cell(110, 5, "Description")
    pdf.cell(45, 5, "Location")
    pdf.cell(15, 5, "Days", align="R", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", size=8)
    for scene in sheet.scenes:
        pdf.cell(18, 5, _text(scene.number))
        pdf.cell(110, 5, _text(_clip(scene.description, 80)))
        pdf.cell(45, 5, _text(_clip(scene.location, 30)))
        pdf.cell(15, 5, str(scene.duration), align="R", new_x="LMARGIN", new_y="NEXT")

    heading("Cast")
    pdf.set_font("Helvetica", "B", 8)
    pdf.cell(60, 5, "Name")
    pdf.cell(70, 5, "Role")
    pdf.cell(20, 5, "Call")
    pdf.cell(40, 5, "Confirmed", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", size=8)
    for call in sheet.cast:
        pdf.cell(60, 5, _text(_clip(call.name + (" (minor)" if call.minor else ""), 40)))
        pdf.cell(70, 5, _text(_clip(call.roles, 45)))
        pdf.cell(20, 5, call.call_time)
        pdf.cell(40, 5, _text(call.confirmed_at or "-"), new_x="LMARGIN", new_y="NEXT")
    if not sheet.cast:
        pdf.cell(0, 5, "No cast called", new_x="LMARGIN", new_y="NEXT")

    heading("Crew")
    department = None
    for member in sheet.crew:
        if member.department != department:
            department = member.department
            pdf.set_font("Helvetica", "B", 8)
            pdf.cell(0, 5, _text(department), new_x="LMARGIN", new_y="NEXT")
            pdf.set_font("Helvetica", size=8)
        pdf.cell(55, 5, _text(_clip(member.name, 36)))
        pdf.cell(55, 5, _text(_clip(member.position, 36)))
        pdf.cell(20, 5, member.call_time)
        pdf.cell(0, 5, _text(_clip(member.contact, 40) or "-"), new_x="LMARGIN", new_y="NEXT")
    if not sheet.crew:
        pdf.cell(0, 5, "No crew called", new_x="LMARGIN", new_y="NEXT")

    heading("Contacts")
    if sheet.location is not None and sheet.location.contact:
        row("Location contact", sheet.location.contact)
    else:
        pdf.cell(0, 5, "No contacts entered", new_x="LMARGIN", new_y="NEXT")

    if sheet.conflicts:
        heading("Schedule conflicts")
        for conflict in sheet.conflicts:
            pdf.multi_cell(0, 4.5, _text(f"- {conflict}"), new_x="LMARGIN", new_y="NEXT")

    heading("Notes")
    pdf.multi_cell(0, 4.5, _text(sheet.notes or "-"), new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def _clip(value: str, limit: int) -> str:
    return value if len(value) <= limit else value[: limit - 1] + "~"


def data_url(document: bytes) -> str:
    return "data:application/pdf;base64," + base64.b64encode(document).decode("ascii")
