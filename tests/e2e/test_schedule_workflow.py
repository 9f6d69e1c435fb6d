"""The shoot schedule end to end, through the gateway only: a production with 8 scenes at 3
locations and 4 booked talent, the stripboard proposal (proved optimal, its cost equal to
`slate schedule stripboard` on the same instance), shoot days from it, a published call sheet
with its PDF listing the booked talent and their calls, a talent's confirmation, conflicts (a
short turnaround on the sheet; the same talent held by another production on a shoot day), and
the production's calendar feed parsed with a standard iCalendar library."""

from __future__ import annotations

import asyncio
import base64
import json
import re
import subprocess
import uuid
import zlib
from typing import Any

import httpx
import pytest
from icalendar import Calendar

from .conftest import CONFIRM, CREATE_PRODUCTION, HOLD, ROOT, Gateway, ok, token

pytestmark = pytest.mark.e2e

ROLE = """
mutation($p: ID!, $name: String!, $amount: String!, $dates: [String!]!) {
  createRole(input: {productionId: $p, name: $name,
                     rate: {amount: $amount, currency: "USD", unit: DAY}, workDates: $dates}) {
    role { id } userErrors { field message code }
  }
}"""
TALENT = """
mutation($name: String!) {
  registerTalent(input: {name: $name, email: "cast@example.com", dateOfBirth: "1990-05-17",
                         union: SAG_AFTRA}) {
    talent { id } userErrors { field message code }
  }
}"""
LOCATION = """
mutation($p: ID!, $name: String!) {
  createLocation(input: {productionId: $p, name: $name, address: "12 Harbor Way, Oakland",
                         parking: "Crew lot on 3rd St",
                         hospital: "Highland Hospital, 1411 E 31st St"}) {
    location { id } userErrors { field message code }
  }
}"""
SCENE = """
mutation($p: ID!, $n: String!, $loc: ID!, $d: Int!, $roles: [ID!]!) {
  createScene(input: {productionId: $p, number: $n, locationId: $loc, duration: $d,
                      roleIds: $roles, description: "Scene action"}) {
    scene { id } userErrors { field message code }
  }
}"""
PROPOSE = """
mutation($p: ID!) {
  proposeStripboard(input: {productionId: $p}) {
    proposal { sceneIds cost optimal lowerBound instance } userErrors { field message code }
  }
}"""
APPLY = """
mutation($p: ID!, $scenes: [ID!]!, $start: String!) {
  applyStripboard(input: {productionId: $p, sceneIds: $scenes, startDate: $start}) {
    shootDays { id date scenes { id } cast { talent { id } callTime } }
    userErrors { field message code }
  }
}"""
DOOD = """
query($p: ID!) { dayOutOfDays(productionId: $p) { dates rows { talent { id } codes } } }
"""
SET_CALLS = """
mutation($day: ID!, $wrap: String, $calls: [CallTimeInput!]!) {
  setCallTimes(input: {shootDayId: $day, wrapTime: $wrap, calls: $calls}) {
    shootDay { id wrapTime } userErrors { field message code }
  }
}"""
SET_CREW = """
mutation($day: ID!, $crew: [CrewCallInput!]!) {
  setCrewCalls(input: {shootDayId: $day, crew: $crew}) {
    shootDay { id } userErrors { field message code }
  }
}"""
PUBLISH = """
mutation($day: ID!) {
  publishCallSheet(input: {shootDayId: $day}) {
    shootDay { id callSheet { id published } } userErrors { field message code }
  }
}"""
CONFIRM_SHEET = """
mutation($sheet: ID!) {
  confirmCallSheet(input: {callSheetId: $sheet}) {
    shootDay { id } userErrors { field message code }
  }
}"""
DAY = """
query($id: ID!) {
  shootDay(id: $id) {
    date
    callSheet {
      id published pdfUrl
      cast { talent { id name } callTime confirmedAt }
      crew { name department position callTime contact }
      conflicts { kind talent { id } date message }
    }
  }
}"""
CREW = "query($id: ID!) { shootDay(id: $id) { callSheet { crew { name contact } } } }"
CALENDAR = "query($id: ID!) { production(id: $id) { calendarUrl } }"

START = "2027-05-03"  # a Monday; the roles' work dates are a different month
ROLE_DATES = ["2027-04-05", "2027-04-06"]
CAST = [
    ("Ada Quinn", "1000.00"),
    ("Ben Ortiz", "800.00"),
    ("Cleo Park", "600.00"),
    ("Dev Rao", "400.00"),
]
PLAN = [
    (0, 1, [0, 1]),
    (1, 2, [0, 2]),
    (2, 1, [1, 3]),
    (0, 1, [2, 3]),
    (1, 1, [0, 3]),
    (2, 2, [1, 2]),
    (0, 1, [0]),
    (1, 1, [3]),
]


async def retry(
    gateway: Gateway, query: str, variables: dict[str, Any], producer: str, field: str
) -> dict[str, Any]:
    """A mutation that needs scheduling to have heard casting's events first (Kafka)."""
    for _ in range(150):
        body = await gateway(query, variables, token=producer)
        assert "errors" not in body, body
        if not body["data"][field]["userErrors"]:
            return dict(body["data"][field])
        await asyncio.sleep(0.1)
    raise AssertionError(body)


def pdf_text(document: bytes) -> str:
    shown: list[str] = []
    for stream in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", document, re.S):
        try:
            content = zlib.decompress(stream.group(1))
        except zlib.error:
            continue
        for text in re.findall(rb"\(((?:\\.|[^\\)])*)\)\s*Tj", content):
            shown.append(re.sub(rb"\\(.)", rb"\1", text).decode("latin-1"))
    return "\n".join(shown)


async def test_schedule_a_production_from_scenes_to_a_confirmed_call_sheet(
    gateway: Gateway, org: str, producer: str
) -> None:
    tag = uuid.uuid4().hex[:6]
    prd = ok(
        await gateway(CREATE_PRODUCTION, {"title": f"Harbour {tag}"}, token=producer),
        "createProduction",
    )["production"]["id"]
    roles, talents = [], []
    for name, rate in CAST:
        role = ok(
            await gateway(
                ROLE,
                {"p": prd, "name": f"Role of {name}", "amount": rate, "dates": ROLE_DATES},
                token=producer,
            ),
            "createRole",
        )["role"]["id"]
        talent = ok(await gateway(TALENT, {"name": name}, token=producer), "registerTalent")
        talent_id = talent["talent"]["id"]
        held = ok(
            await gateway(HOLD, {"roleId": role, "talentId": talent_id}, token=producer),
            "holdTalent",
        )
        ok(
            await gateway(CONFIRM, {"bookingId": held["booking"]["id"]}, token=producer),
            "confirmBooking",
        )
        roles.append(role)
        talents.append(talent_id)

    locations = [
        ok(
            await gateway(LOCATION, {"p": prd, "name": f"Set {i}"}, token=producer),
            "createLocation",
        )["location"]["id"]
        for i in range(3)
    ]
    scenes = []
    for n, (loc, days, needs) in enumerate(PLAN, start=1):
        made = await retry(
            gateway,
            SCENE,
            {
                "p": prd,
                "n": str(n),
                "loc": locations[loc],
                "d": days,
                "roles": [roles[r] for r in needs],
            },
            producer,
            "createScene",
        )
        scenes.append(made["scene"]["id"])

    proposal = ok(await gateway(PROPOSE, {"p": prd}, token=producer), "proposeStripboard")[
        "proposal"
    ]
    assert proposal["optimal"] is True
    assert sorted(proposal["sceneIds"]) == sorted(scenes)
    assert proposal["cost"] == proposal["lowerBound"]
    cli = await asyncio.to_thread(
        subprocess.run,
        [str(ROOT / ".venv" / "bin" / "slate"), "schedule", "stripboard", "-"],
        input=proposal["instance"],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    assert json.loads(cli.stdout)["cost"] == proposal["cost"]

    # the shoot days carry the booked talent's calls once scheduling has heard the confirmations
    for _ in range(150):
        applied = ok(
            await gateway(
                APPLY, {"p": prd, "scenes": proposal["sceneIds"], "start": START}, token=producer
            ),
            "applyStripboard",
        )
        days = applied["shootDays"]
        called = {c["talent"]["id"] for d in days for c in d["cast"]}
        if called == set(talents):
            break
        await asyncio.sleep(0.1)
    assert called == set(talents)
    assert sum(d for _, d, _ in PLAN) == len(days)
    assert days[0]["date"] == START
    assert [s["id"] for d in days for s in d["scenes"]] == [
        s for s in proposal["sceneIds"] for _ in range(PLAN[scenes.index(s)][1])
    ]

    # day-out-of-days over those days: SW on a talent's first day, WF on the last, W on the
    # days they work in between and H on the rest (SWF for a single day); the days run
    # consecutively, so there is no drop
    dood = (await gateway(DOOD, {"p": prd}, token=producer))["data"]["dayOutOfDays"]
    assert dood["dates"] == [d["date"] for d in days]
    for row in dood["rows"]:
        works = [any(c["talent"]["id"] == row["talent"]["id"] for c in d["cast"]) for d in days]
        on = [i for i, w in enumerate(works) if w]
        expected = [""] * len(days)
        for i in range(on[0], on[-1] + 1):
            expected[i] = "W" if works[i] else "H"
        expected[on[0]], expected[on[-1]] = ("SWF", "SWF") if len(on) == 1 else ("SW", "WF")
        assert row["codes"] == expected, row["talent"]["id"]
    assert {r["talent"]["id"] for r in dood["rows"]} == set(talents)

    first = days[0]
    first_cast = [c["talent"]["id"] for c in first["cast"]]
    calls = [{"talentId": t, "callTime": f"0{6 + i}:15"} for i, t in enumerate(first_cast)]
    ok(
        await gateway(
            SET_CALLS, {"day": first["id"], "wrap": None, "calls": calls}, token=producer
        ),
        "setCallTimes",
    )
    crew = [
        {"name": "Gus Ng", "department": "Sound", "position": "Mixer", "callTime": "06:45"},
        {
            "name": "Ivy Moss",
            "department": "Camera",
            "position": "1st AC",
            "callTime": "05:50",
            "contact": "ivy@example.com",
        },
    ]
    bad_crew = [{**crew[0], "callTime": "6:45"}]
    refused = await gateway(SET_CREW, {"day": first["id"], "crew": bad_crew}, token=producer)
    assert [e["field"] for e in refused["data"]["setCrewCalls"]["userErrors"]] == [
        "crew[0].callTime"
    ]
    ok(await gateway(SET_CREW, {"day": first["id"], "crew": crew}, token=producer), "setCrewCalls")
    published = ok(await gateway(PUBLISH, {"day": first["id"]}, token=producer), "publishCallSheet")
    sheet_id = published["shootDay"]["callSheet"]["id"]

    sheet = (await gateway(DAY, {"id": first["id"]}, token=producer))["data"]["shootDay"]
    assert sheet["callSheet"]["published"] is True
    document = base64.b64decode(sheet["callSheet"]["pdfUrl"].split(",", 1)[1])
    assert document.startswith(b"%PDF-")
    text = pdf_text(document)
    assert f"Harbour {tag}" in text
    assert "12 Harbor Way, Oakland" in text
    assert "Highland Hospital, 1411 E 31st St" in text
    names = dict(zip(talents, [n for n, _ in CAST], strict=True))
    for call in calls:
        name = names[call["talentId"]]
        lines = text.split("\n")
        assert name in lines, (name, text)
        assert lines[lines.index(name) + 2] == call["callTime"]
    # the crew by department in call order, the contact for the producer
    assert [(c["name"], c["contact"]) for c in sheet["callSheet"]["crew"]] == [
        ("Ivy Moss", "ivy@example.com"),
        ("Gus Ng", None),
    ]
    lines = text.split("\n")
    ivy = lines.index("Ivy Moss")
    assert lines[ivy - 1 : ivy + 4] == ["Camera", "Ivy Moss", "1st AC", "05:50", "ivy@example.com"]
    assert lines[lines.index("Gus Ng") - 1] == "Sound"

    # a talent called confirms with their own token; the producer sees who has
    talent = first_cast[0]
    talent_token = token(org, "talent", sub=f"talent-{talent}", talent_id=talent)
    ok(await gateway(CONFIRM_SHEET, {"sheet": sheet_id}, token=talent_token), "confirmCallSheet")
    seen = (await gateway(CREW, {"id": first["id"]}, token=talent_token))["data"]["shootDay"]
    assert [(c["name"], c["contact"]) for c in seen["callSheet"]["crew"]] == [
        ("Ivy Moss", None),
        ("Gus Ng", None),
    ]
    sheet = (await gateway(DAY, {"id": first["id"]}, token=producer))["data"]["shootDay"]
    confirmed = {c["talent"]["id"]: c["confirmedAt"] for c in sheet["callSheet"]["cast"]}
    assert confirmed[talent] is not None
    assert [t for t, at in confirmed.items() if at is None] == first_cast[1:]
    assert {c["talent"]["name"] for c in sheet["callSheet"]["cast"]} <= set(names.values())

    # a late wrap on day 1 leaves someone called on day 2 under 12 hours' rest
    second = days[1]
    both = set(first_cast) & {c["talent"]["id"] for c in second["cast"]}
    assert both
    ok(
        await gateway(
            SET_CALLS, {"day": first["id"], "wrap": "23:30", "calls": []}, token=producer
        ),
        "setCallTimes",
    )
    later = (await gateway(DAY, {"id": second["id"]}, token=producer))["data"]["shootDay"]
    reported = {(c["kind"], c["talent"]["id"]) for c in later["callSheet"]["conflicts"]}
    assert {("TURNAROUND", t) for t in both} <= reported

    # another production of the organisation holding a called talent on a shoot day: refused
    other = ok(
        await gateway(CREATE_PRODUCTION, {"title": f"Other {tag}"}, token=producer),
        "createProduction",
    )["production"]["id"]
    other_role = ok(
        await gateway(
            ROLE,
            {"p": other, "name": "Cameo", "amount": "500.00", "dates": [second["date"]]},
            token=producer,
        ),
        "createRole",
    )["role"]["id"]
    clash = await gateway(HOLD, {"roleId": other_role, "talentId": talent}, token=producer)
    errors = clash["data"]["holdTalent"]["userErrors"]
    assert [e["code"] for e in errors] == ["CONFLICT"]
    assert "shoot day of another production" in errors[0]["message"]

    # the production's calendar feed, as a calendar app fetches it (no bearer token)
    url = (await gateway(CALENDAR, {"id": prd}, token=producer))["data"]["production"][
        "calendarUrl"
    ]
    async with httpx.AsyncClient(timeout=15) as client:
        feed = await client.get(url)
    assert feed.status_code == 200
    cal = Calendar.from_ical(feed.content)
    events = cal.walk("VEVENT")
    assert len(events) == len(days)
    assert {str(e["UID"]) for e in events} == {f"{d['id']}@slate-scheduling" for d in days}
    assert all(e["DTSTART"].params["TZID"] == "America/Los_Angeles" for e in events)
