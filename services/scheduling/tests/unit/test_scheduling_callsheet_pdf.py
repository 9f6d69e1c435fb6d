"""The call sheet PDF: a well-formed document carrying the day as the crew needs it."""

from __future__ import annotations

import base64
import re
import zlib
from dataclasses import dataclass
from typing import Any

from scheduling.callsheet_pdf import CallSheetDocument, render_call_sheet
from scheduling.events import handlers
from scheduling.schema import schema
from scheduling.usecases import Scheduling
from slate.events.catalogue import BOOKING_CONFIRMED
from slate.testing import booking_snapshot, envelope, graphql_context, principal
from slate_proto.slate.events.v1 import casting_pb2

PRODUCER = principal("org_a", "producer")
OTHER_ORG = principal("org_b", "producer", sub="u2")


async def book_person(
    scheduling: Scheduling,
    production_id: str,
    role: str,
    talent_id: str,
    name: str,
    *,
    minor: bool = False,
    org_id: str = "org_a",
) -> None:
    snapshot = booking_snapshot(
        booking_id=f"bkg_{production_id}_{talent_id}",
        org_id=org_id,
        production_id=production_id,
        role_id=f"rol_{production_id}_{role}",
        role_name=role,
        talent_id=talent_id,
        talent_name=name,
        is_minor=minor,
        status="BOOKED",
        work_dates=["2027-03-01"],
        version=2,
    )
    event = BOOKING_CONFIRMED.outbox(
        snapshot.booking_id, casting_pb2.BookingConfirmed(booking=snapshot)
    )
    await handlers(scheduling)(envelope(event))


@dataclass(frozen=True)
class Shoot:
    production_id: str
    scene_ids: list[str]
    day_ids: list[str]


async def two_day_shoot(
    scheduling: Scheduling,
    *,
    title: str = "Harbour Lights",
    start: str = "2027-03-01",
    people: tuple[tuple[str, str, str, bool], ...] = (
        ("Captain", "tal_ada", "Ada Quinn", False),
        ("Deckhand", "tal_ben", "Ben Ortiz", True),
    ),
    who: Any = PRODUCER,
) -> Shoot:
    """Two one-day scenes at one location (scene 2 shot first): day 1 calls everyone, day 2 only
    the first person."""
    p = await scheduling.create_production(
        who, title=title, client="Northwind", kind="FILM", timezone="America/Los_Angeles"
    )
    loc = await scheduling.create_location(
        who,
        production_id=p.id,
        name="Pier 9",
        address="9 Embarcadero, San Francisco",
        parking="Lot C behind the ferry building",
        hospital="St Mary's, 450 Stanyan St",
        contact="Dana (location manager) 415-555-0101",
    )
    for role, talent, name, minor in people:
        await book_person(scheduling, p.id, role, talent, name, minor=minor, org_id=who.org)
    roles = [f"rol_{p.id}_{role}" for role, *_ in people]
    first = await scheduling.create_scene(
        who,
        production_id=p.id,
        number="1",
        location_id=loc.id,
        duration=1,
        role_ids=roles[:1],
        description="Captain reads the tide tables",
    )
    second = await scheduling.create_scene(
        who,
        production_id=p.id,
        number="2",
        location_id=loc.id,
        duration=1,
        role_ids=roles,
        description="The crew casts off at dawn",
    )
    days = await scheduling.apply_stripboard(
        who, production_id=p.id, scene_ids=[second.id, first.id], start_date=start
    )
    return Shoot(p.id, [first.id, second.id], [d.id for d in days])


def pdf_text(document: bytes) -> str:
    """The text shown by the PDF's (Flate-compressed) content streams, in drawing order."""
    shown: list[str] = []
    for stream in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", document, re.S):
        try:
            content = zlib.decompress(stream.group(1))
        except zlib.error:
            continue  # a font or image stream, not page content
        for text in re.findall(rb"\(((?:\\.|[^\\)])*)\)\s*Tj", content):
            shown.append(re.sub(rb"\\(.)", rb"\1", text).decode("latin-1"))
    return "\n".join(shown)


def assert_well_formed(document: bytes) -> int:
    """A PDF whose cross-reference table points at its objects; returns its page count."""
    assert document.startswith(b"%PDF-1.")
    assert document.rstrip().endswith(b"%%EOF")
    startxref = int(re.findall(rb"startxref\s+(\d+)", document)[-1])
    assert document[startxref:].startswith(b"xref")
    table = document[startxref:].split(b"trailer")[0].split(b"\n")
    first, count = (int(x) for x in table[1].split())
    entries = [line for line in table[2 : 2 + count] if line.strip()]
    for number, entry in enumerate(entries, start=first):
        offset, _, kind = entry.split()[:3]
        if kind == b"n":
            assert document[int(offset) :].startswith(f"{number} 0 obj".encode()), number
    pages = re.search(rb"/Count (\d+)", document)
    assert pages is not None
    return int(pages.group(1))


DAY = """
query($id: ID!) {
  shootDay(id: $id) { date callSheet { id published pdfUrl } }
}
"""


async def query(scheduling: Scheduling, caller: Any, q: str, **v: Any) -> Any:
    result = await schema.execute(
        q, variable_values=v, context_value=graphql_context(scheduling, caller)
    )
    assert result.errors is None, result.errors
    return result.data


async def test_the_published_call_sheet_pdf_carries_the_day(scheduling: Scheduling) -> None:
    shoot = await two_day_shoot(scheduling)
    day1 = shoot.day_ids[0]
    await scheduling.set_call_times(
        PRODUCER,
        shoot_day_id=day1,
        general_call="06:30",
        wrap_time="18:30",
        calls={"tal_ada": "06:00", "tal_ben": "08:15"},
        notes="Bring layers: the pier is cold before sunrise.",
    )
    await scheduling.publish_call_sheet(PRODUCER, shoot_day_id=day1)

    data = await query(scheduling, PRODUCER, DAY, id=day1)
    url = data["shootDay"]["callSheet"]["pdfUrl"]
    prefix = "data:application/pdf;base64,"
    assert url.startswith(prefix)
    document = base64.b64decode(url.removeprefix(prefix))
    assert assert_well_formed(document) == 1
    text = pdf_text(document)
    for expected in (
        "Harbour Lights",
        "Call sheet - Monday 2027-03-01 - Day 1 of 2",
        "Northwind",
        "General call 06:30",
        "18:30",
        "America/Los_Angeles",
        "Pier 9",
        "9 Embarcadero, San Francisco",
        "Lot C behind the ferry building",
        "St Mary's, 450 Stanyan St",
        "Dana (location manager) 415-555-0101",
        "The crew casts off at dawn",
        "Bring layers: the pier is cold before sunrise.",
    ):
        assert expected in text, expected
    lines = text.split("\n")
    # day 1 shoots scene 2 only; the cast in call order, each with their role and call
    assert "Captain reads the tide tables" not in text
    ada, ben = lines.index("Ada Quinn"), lines.index("Ben Ortiz (minor)")
    assert ada < ben
    assert lines[ada + 1 : ada + 3] == ["Captain", "06:00"]
    assert lines[ben + 1 : ben + 3] == ["Deckhand", "08:15"]
    assert "DRAFT" not in text
    # nothing was entered for the weather: the sheet does not make any up
    assert "Weather" not in text
    assert "Sunrise" not in text


async def test_a_draft_sheet_says_so_and_another_org_gets_nothing(
    scheduling: Scheduling,
) -> None:
    shoot = await two_day_shoot(scheduling)
    day2 = shoot.day_ids[1]
    data = await query(scheduling, PRODUCER, DAY, id=day2)
    text = pdf_text(base64.b64decode(data["shootDay"]["callSheet"]["pdfUrl"].split(",", 1)[1]))
    assert "Day 2 of 2" in text
    assert "(DRAFT - not published)" in text
    assert "Captain reads the tide tables" in text
    assert "Ben Ortiz" not in text  # not called on day 2
    assert (await query(scheduling, OTHER_ORG, DAY, id=day2))["shootDay"] is None


def test_entered_weather_and_sun_times_are_printed() -> None:
    sheet = CallSheetDocument(
        production="P",
        client="",
        timezone="Europe/London",
        date="2027-06-05",
        day_number=1,
        day_count=1,
        general_call="07:00",
        wrap_time="19:00",
        published=True,
        location=None,
        scenes=(),
        cast=(),
        notes="",
        weather="Showers, 14 C",
        sunrise="04:43",
        sunset="21:18",
        conflicts=("Ada: turnaround of 10h00 after the wrap of 2027-06-04 (12h needed)",),
    )
    document = render_call_sheet(sheet)
    assert_well_formed(document)
    text = pdf_text(document)
    assert "Showers, 14 C" in text
    assert "04:43 / 21:18" in text
    assert "Saturday 2027-06-05" in text
    assert "Ada: turnaround of 10h00 after the wrap of 2027-06-04 (12h needed)" in text


async def test_the_producer_enters_weather_and_sun_times_and_the_sheet_prints_them(
    scheduling: Scheduling,
) -> None:
    shoot = await two_day_shoot(scheduling)
    day1 = shoot.day_ids[0]
    set_times = """mutation($input: SetCallTimesInput!) { setCallTimes(input: $input) {
        shootDay { weather sunrise sunset } userErrors { field code } } }"""
    bad = await query(
        scheduling,
        PRODUCER,
        set_times,
        input={"shootDayId": day1, "sunrise": "6:5", "weather": "x" * 201},
    )
    assert sorted(e["field"] for e in bad["setCallTimes"]["userErrors"]) == ["sunrise", "weather"]
    entered = {"weather": "Fog until 10, 14 °C", "sunrise": "06:41", "sunset": "17:58"}
    good = await query(scheduling, PRODUCER, set_times, input={"shootDayId": day1, **entered})
    assert good["setCallTimes"] == {"shootDay": entered, "userErrors": []}
    data = await query(scheduling, PRODUCER, DAY, id=day1)
    text = pdf_text(base64.b64decode(data["shootDay"]["callSheet"]["pdfUrl"].split(",", 1)[1]))
    assert "Fog until 10, 14" in text
    assert "06:41" in text
    assert "17:58" in text
