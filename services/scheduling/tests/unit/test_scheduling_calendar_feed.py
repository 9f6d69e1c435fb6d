"""Calendar feeds: the URL a calendar app subscribes to, what it serves (parsed with the
`icalendar` library), stable UIDs, revocation and organisation isolation."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest
from icalendar import Calendar
from scheduling.feed_route import ROUTES
from scheduling.schema import schema
from scheduling.usecases import Scheduling
from slate.testing import graphql_context, principal
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from .test_scheduling_callsheet_pdf import PRODUCER, two_day_shoot

ADA = principal("org_a", "talent", sub="ada", talent_id="tal_ada")
OTHER_ORG = principal("org_b", "producer", sub="b1")

PRODUCTION_URL = "query($id: ID!) { production(id: $id) { calendarUrl } }"
TALENT_URL = """query($id: ID!) {
  _entities(representations: [{__typename: "Talent", id: $id}]) { ... on Talent { calendarUrl } }
}"""
REVOKE = """mutation($p: ID, $t: ID) {
  revokeCalendarFeed(input: {productionId: $p, talentId: $t}) { revoked userErrors { field code } }
}"""


async def gql(scheduling: Scheduling, caller: Any, query: str, **v: Any) -> Any:
    result = await schema.execute(
        query, variable_values=v, context_value=graphql_context(scheduling, caller)
    )
    assert result.errors is None, result.errors
    return result.data


async def fetch(scheduling: Scheduling, url: str) -> httpx.Response:
    """GET the feed URL as a calendar app would: no Authorization header, the token in the path."""

    def bound(route: Any) -> Route:
        async def endpoint(request: Request) -> Response:
            return await route.handler(request, scheduling)

        return Route(route.path, endpoint, methods=list(route.methods))

    app = Starlette(routes=[bound(r) for r in ROUTES])
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1:4003") as c:
        return await c.get(url.removeprefix("http://127.0.0.1:4003"))


def events(document: bytes) -> dict[str, Any]:
    cal = Calendar.from_ical(document)
    assert cal["VERSION"] == "2.0"
    assert cal["PRODID"]
    return {str(e["UID"]): e for e in cal.walk("VEVENT")}


async def production_url(scheduling: Scheduling, production_id: str, caller: Any = PRODUCER) -> str:
    url = (await gql(scheduling, caller, PRODUCTION_URL, id=production_id))["production"]
    return str(url["calendarUrl"])


async def test_the_production_feed_parses_with_zoned_times_and_stable_uids(
    scheduling: Scheduling,
) -> None:
    shoot = await two_day_shoot(scheduling)
    await scheduling.set_call_times(
        PRODUCER, shoot_day_id=shoot.day_ids[0], general_call="06:30", wrap_time="18:30"
    )
    url = await production_url(scheduling, shoot.production_id)
    assert url.startswith("http://127.0.0.1:4003/calendar/")
    assert url.endswith(".ics")
    assert len(url.rsplit("/", 1)[1].removesuffix(".ics")) >= 43  # 256 random bits
    # asking again gives the same subscription, not a new one each time
    assert await production_url(scheduling, shoot.production_id) == url

    answer = await fetch(scheduling, url)
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/calendar")
    found = events(answer.content)
    assert set(found) == {f"{d}@slate-scheduling" for d in shoot.day_ids}
    first = found[f"{shoot.day_ids[0]}@slate-scheduling"]
    la = ZoneInfo("America/Los_Angeles")
    assert first["DTSTART"].params["TZID"] == "America/Los_Angeles"
    assert first["DTSTART"].dt == dt.datetime(2027, 3, 1, 6, 30, tzinfo=la)
    assert first["DTEND"].dt == dt.datetime(2027, 3, 1, 18, 30, tzinfo=la)
    assert "9 Embarcadero, San Francisco" in str(first["LOCATION"])
    assert "Sc. 2: The crew casts off at dawn" in str(first["DESCRIPTION"])
    assert "Ada Quinn 07:00" in str(first["DESCRIPTION"])
    assert str(first["STATUS"]) == "TENTATIVE"  # the call sheet is not published yet
    assert "BEGIN:VTIMEZONE" in answer.text
    assert "TZID:America/Los_Angeles" in answer.text

    # moving a day keeps its UID (the app updates the event) with a higher SEQUENCE
    await scheduling.move_shoot_day(PRODUCER, shoot_day_id=shoot.day_ids[1], to="2027-03-05")
    again = events((await fetch(scheduling, url)).content)
    assert set(again) == set(found)
    moved = again[f"{shoot.day_ids[1]}@slate-scheduling"]
    assert moved["DTSTART"].dt.date() == dt.date(2027, 3, 5)
    before = found[f"{shoot.day_ids[1]}@slate-scheduling"]
    assert int(moved["SEQUENCE"]) > int(before["SEQUENCE"])


async def test_a_talent_feed_lists_their_calls_across_the_organisations_productions(
    scheduling: Scheduling,
) -> None:
    first = await two_day_shoot(scheduling)
    second = await two_day_shoot(
        scheduling,
        title="Second Unit",
        start="2027-03-08",
        people=(("Pilot", "tal_ada", "Ada Quinn", False),),
    )
    await scheduling.set_call_times(
        PRODUCER, shoot_day_id=first.day_ids[0], calls={"tal_ada": "05:45"}
    )
    data = await gql(scheduling, ADA, TALENT_URL, id="tal_ada")
    url = data["_entities"][0]["calendarUrl"]
    found = events((await fetch(scheduling, url)).content)
    assert set(found) == {f"{d}.tal_ada@slate-scheduling" for d in first.day_ids + second.day_ids}
    call = found[f"{first.day_ids[0]}.tal_ada@slate-scheduling"]
    assert call["DTSTART"].params["TZID"] == "America/Los_Angeles"
    assert call["DTSTART"].dt == dt.datetime(
        2027, 3, 1, 5, 45, tzinfo=ZoneInfo("America/Los_Angeles")
    )
    assert str(call["SUMMARY"]) == "Call 05:45: Harbour Lights"
    # Ben is not on day 2, so his own feed has day 1 only
    ben = principal("org_a", "talent", sub="ben", talent_id="tal_ben")
    ben_url = (await gql(scheduling, ben, TALENT_URL, id="tal_ben"))["_entities"][0]
    ben_events = events((await fetch(scheduling, ben_url["calendarUrl"])).content)
    assert set(ben_events) == {f"{first.day_ids[0]}.tal_ben@slate-scheduling"}
    # a talent cannot subscribe to someone else's calls
    assert (await gql(scheduling, ben, TALENT_URL, id="tal_ada"))["_entities"][0] == {
        "calendarUrl": None
    }


async def test_a_revoked_feed_answers_404_and_the_next_url_is_new(
    scheduling: Scheduling,
) -> None:
    shoot = await two_day_shoot(scheduling)
    url = await production_url(scheduling, shoot.production_id)
    assert (await fetch(scheduling, url)).status_code == 200
    done = await gql(scheduling, PRODUCER, REVOKE, p=shoot.production_id, t=None)
    assert done["revokeCalendarFeed"] == {"revoked": True, "userErrors": []}
    assert (await fetch(scheduling, url)).status_code == 404
    fresh = await production_url(scheduling, shoot.production_id)
    assert fresh != url
    assert (await fetch(scheduling, fresh)).status_code == 200
    # nothing left to revoke for the old subject of another user; a guessed token is 404
    other = principal("org_a", "producer", sub="u7")
    nothing = await gql(scheduling, other, REVOKE, p=shoot.production_id, t=None)
    assert nothing["revokeCalendarFeed"]["userErrors"] == [
        {"field": "productionId", "code": "NOT_FOUND"}
    ]
    both = await gql(scheduling, PRODUCER, REVOKE, p=shoot.production_id, t="tal_ada")
    assert both["revokeCalendarFeed"]["userErrors"][0]["field"] == "productionId"
    assert (await fetch(scheduling, url.rsplit("/", 1)[0] + "/guess.ics")).status_code == 404


async def test_another_organisations_feed_shows_nothing_of_this_one(
    scheduling: Scheduling,
) -> None:
    shoot = await two_day_shoot(scheduling)
    # another org's producer cannot get a feed of this org's production...
    data = await gql(scheduling, OTHER_ORG, PRODUCTION_URL, id=shoot.production_id)
    assert data["production"] is None
    assert await scheduling.calendar_url(OTHER_ORG, *_production(shoot.production_id)) is None
    # ...and its feed of the same talent lists only its own shoot days (none here)
    data = await gql(scheduling, OTHER_ORG, TALENT_URL, id="tal_ada")
    document = (await fetch(scheduling, data["_entities"][0]["calendarUrl"])).content
    assert events(document) == {}
    assert b"Harbour Lights" not in document
    assert b"Embarcadero" not in document


async def test_feed_urls_need_a_token_and_a_role() -> None:
    from scheduling.calendar_feed import CalendarFeeds
    from slate.authz import Unauthenticated
    from slate.errors import Forbidden

    feeds: Any = CalendarFeeds()
    with pytest.raises(Unauthenticated):
        await feeds.calendar_url(None, *_production("prd_x"))
    with pytest.raises(Forbidden):
        await feeds.calendar_url(ADA, *_production("prd_x"))


def _production(production_id: str) -> tuple[Any, str]:
    from scheduling.domain.feeds import FeedKind

    return FeedKind.PRODUCTION, production_id
