"""Breakdowns (issue 11): a role's description, requirements, usage, places and submission
deadline, and its draft -> published -> closed lifecycle; published roles are seen network-wide,
drafts only by their organisation. Domain, use cases on MemoryDatabase, the subgraph."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from casting.domain import model
from casting.domain.model import Production, Role, RolePublished, RoleStatus
from casting.usecases import BreakdownInput, Casting
from slate.errors import UserError, ValidationErrors
from slate.events import OutboxEvent
from slate.events.catalogue import ROLE_CLOSED, ROLE_PUBLISHED
from slate.testing import data, envelope, principal

from ..builders import new_role, run

NOW = datetime(2027, 1, 10, tzinfo=UTC)
PRODUCER = principal("org_a", "producer", "casting")
AGENCY = principal("org_agency", "casting")
TALENT = principal("org_t", "talent", talent_id="tal_x")
PRODUCTION = Production(id="prd_1", org_id="org_a", timezone="America/Los_Angeles")


def breakdown(**overrides: Any) -> model.Breakdown:
    fields: dict[str, Any] = {
        "description": "A tired barista who sings.",
        "age_min": 25,
        "age_max": 35,
        "skills": ["Singing", " singing ", "Latte art"],
        "union": "SAG_AFTRA",
        "media": ["TV", "Digital"],
        "territory": "US",
        "term": "24 months",
        "submission_deadline": "2027-02-01T17:00:00-08:00",
        "now": NOW,
    }
    return model.validate_breakdown(**{**fields, **overrides})


def role(**overrides: Any) -> Role:
    draft = model.validate_role(
        "Barista", "1200", "USD", "DAY", ["2027-03-02"], breakdown=breakdown(**overrides)
    )
    r = Role.create(id="rol_1", production=PRODUCTION, draft=draft)
    r.version = 1
    return r


# --- domain ----------------------------------------------------------------------------------


def test_a_breakdown_keeps_its_validated_parts() -> None:
    b = breakdown()
    assert b.requirements == model.Requirements(
        age_min=25, age_max=35, skills=("Singing", "Latte art"), union=model.Union.SAG_AFTRA
    )
    assert b.usage == model.Usage(media=("TV", "Digital"), territory="US", term="24 months")
    assert b.submission_deadline == datetime(2027, 2, 2, 1, tzinfo=UTC)


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"description": "x" * 5001}, "description"),
        ({"age_min": -1}, "requirements.ageMin"),
        ({"age_max": 121}, "requirements.ageMax"),
        ({"age_min": 40, "age_max": 30}, "requirements.ageMax"),
        ({"skills": ["s"] * 31}, "requirements.skills"),
        ({"skills": ["ok", " "]}, "requirements.skills[1]"),
        ({"skills": ["x" * 51]}, "requirements.skills[0]"),
        ({"union": "EQUITY"}, "requirements.union"),
        ({"media": ["m" * 51]}, "usage.media[0]"),
        ({"territory": "t" * 201}, "usage.territory"),
        ({"term": "t" * 201}, "usage.term"),
        ({"submission_deadline": "next week"}, "submissionDeadline"),
        ({"submission_deadline": "2027-02-01T17:00:00"}, "submissionDeadline"),
        ({"submission_deadline": "2027-01-09T00:00:00Z"}, "submissionDeadline"),
    ],
)
def test_each_bad_part_of_a_breakdown_is_named(overrides: dict[str, Any], field: str) -> None:
    with pytest.raises(model.Invalid) as exc:
        breakdown(**overrides)
    assert [p.field for p in exc.value.problems] == [field]


def test_a_draft_is_published_then_closed_each_recording_its_event() -> None:
    r = role()
    assert r.status is RoleStatus.DRAFT
    r.publish("u1", at=NOW)
    [published] = r.events
    assert isinstance(published, RolePublished)
    assert (published.role.status, published.role.version, published.by) == (
        RoleStatus.PUBLISHED,
        2,
        "u1",
    )
    assert r.open_for_submissions(NOW)
    assert not r.open_for_submissions(datetime(2027, 2, 2, 1, tzinfo=UTC))  # the deadline
    r.close("u1")
    assert r.status is RoleStatus.CLOSED
    assert not r.open_for_submissions(NOW)


@pytest.mark.parametrize("status", [RoleStatus.PUBLISHED, RoleStatus.CLOSED])
def test_only_a_draft_can_be_published(status: RoleStatus) -> None:
    r = role()
    r.status = status
    with pytest.raises(model.Invalid) as exc:
        r.publish("u1", at=NOW)
    assert [(p.field, p.code) for p in exc.value.problems] == [("roleId", "CONFLICT")]
    assert r.events == []


def test_only_a_published_role_can_be_closed() -> None:
    with pytest.raises(model.Invalid) as exc:
        role().close("u1")
    assert exc.value.problems[0].code == "CONFLICT"


def test_a_role_without_a_description_or_past_its_deadline_is_not_published() -> None:
    r = role(description="")
    with pytest.raises(model.Invalid) as exc:
        r.publish("u1", at=datetime(2027, 3, 1, tzinfo=UTC))
    assert [p.field for p in exc.value.problems] == ["description", "submissionDeadline"]
    assert (r.status, r.events) == (RoleStatus.DRAFT, [])


# --- use cases ---------------------------------------------------------------------------------

FUTURE = (datetime.now(UTC) + timedelta(days=30)).isoformat()


async def create(casting: Casting, caller: Any = PRODUCER, **parts: Any) -> Role:
    return await new_role(
        casting,
        caller,
        name="Barista",
        breakdown=BreakdownInput(
            **{
                "description": "A tired barista who sings.",
                "skills": ["Singing"],
                "submission_deadline": FUTURE,
                **parts,
            }
        ),
    )


async def role_events(database: Any, role_id: str) -> list[OutboxEvent]:
    raw = await database.repository("roles").raw(role_id)
    return [OutboxEvent.from_doc(e) for e in raw["_outbox"]]


async def test_publishing_announces_the_breakdown_and_closing_stops_it(
    casting: Casting, database: Any, cast: Any
) -> None:
    r = await create(casting)
    published = await casting.publish_role(PRODUCER, role_id=r.id)
    closed = await casting.close_role(PRODUCER, role_id=r.id)
    assert (published.status, closed.status, closed.version) == (
        RoleStatus.PUBLISHED,
        RoleStatus.CLOSED,
        3,
    )
    first, second = await role_events(database, r.id)
    assert (first.type, second.type) == (ROLE_PUBLISHED.name, ROLE_CLOSED.name)
    snapshot = ROLE_PUBLISHED.decode(envelope(first)).role
    assert (snapshot.status, snapshot.description, list(snapshot.skills)) == (
        "PUBLISHED",
        "A tired barista who sings.",
        ["Singing"],
    )
    assert await cast.audited(r.id) == ["createRole", "publishRole", "closeRole"]


async def test_bad_breakdown_and_role_fields_are_named_together_and_nothing_is_written(
    casting: Casting, cast: Any, peers: Any
) -> None:
    with pytest.raises(ValidationErrors) as exc:
        await new_role(
            casting,
            name="",
            breakdown=BreakdownInput(age_min=50, age_max=20, submission_deadline="soon"),
        )
    assert [e.field for e in exc.value.errors] == [
        "name",
        "requirements.ageMax",
        "submissionDeadline",
    ]
    assert (await cast.docs("roles"), peers.calls) == (0, [])


async def test_another_organisation_may_not_publish_a_role(casting: Casting, cast: Any) -> None:
    r = await create(casting)
    with pytest.raises(UserError) as exc:
        await casting.publish_role(principal("org_b", "producer"), role_id=r.id)
    assert (exc.value.field, exc.value.code) == ("roleId", "NOT_FOUND")
    with pytest.raises(UserError) as forbidden:
        await casting.publish_role(principal("org_a", "viewer"), role_id=r.id)
    assert forbidden.value.code == "FORBIDDEN"
    assert (await casting.roles(PRODUCER, [r.id]))[r.id].status is RoleStatus.DRAFT


async def test_published_roles_are_seen_network_wide_drafts_only_at_home(casting: Casting) -> None:
    draft = await create(casting)
    published = await create(casting)
    await casting.publish_role(PRODUCER, role_id=published.id)
    for outsider in (AGENCY, TALENT):
        assert set(await casting.roles(outsider, [draft.id, published.id])) == {published.id}
        assert [r.id for r in await casting.breakdowns(outsider, first=10, after=None)] == [
            published.id
        ]
    assert set(await casting.roles(PRODUCER, [draft.id, published.id])) == {
        draft.id,
        published.id,
    }


# --- the subgraph ------------------------------------------------------------------------------

CREATE = """
mutation($p: ID!, $deadline: String) {
  createRole(input: {productionId: $p, name: "Barista", rate: {amount: "1200"},
      workDates: ["2027-03-02"], quantity: 2, description: "A tired barista who sings.",
      requirements: {ageMin: 25, ageMax: 35, skills: ["Singing"], union: SAG_AFTRA},
      usage: {media: ["TV"], territory: "US", term: "24 months"},
      submissionDeadline: $deadline}) {
    role { id status quantity description submissionDeadline
           requirements { ageMin ageMax skills union } usage { media territory term } }
    userErrors { field message code }
  }
}"""
PUBLISH = """
mutation($r: ID!) { publishRole(input: {roleId: $r}) {
  role { id status } userErrors { field message code } } }"""
BREAKDOWNS = """
query($first: Int, $after: String) { breakdowns(first: $first, after: $after) {
  edges { cursor node { id name status bookings { id } } } pageInfo { hasNextPage endCursor } } }"""


async def test_a_breakdown_is_written_published_and_paged_through_the_subgraph(
    casting: Casting,
) -> None:
    created = data(await run(casting, CREATE, p="prd_1", deadline="2027-02-01T17:00:00Z"))
    role = created["createRole"]["role"]
    assert role["status"] == "DRAFT"
    assert role["requirements"] == {
        "ageMin": 25,
        "ageMax": 35,
        "skills": ["Singing"],
        "union": "SAG_AFTRA",
    }
    assert role["usage"] == {"media": ["TV"], "territory": "US", "term": "24 months"}
    assert (role["quantity"], role["submissionDeadline"]) == (2, "2027-02-01T17:00:00Z")
    ids = [role["id"]]
    for _ in range(2):
        another = data(await run(casting, CREATE, p="prd_1", deadline=None))["createRole"]
        ids.append(another["role"]["id"])
    for role_id in ids:
        published = data(await run(casting, PUBLISH, r=role_id))["publishRole"]
        assert (published["role"]["status"], published["userErrors"]) == ("PUBLISHED", [])
    again = data(await run(casting, PUBLISH, r=ids[0]))["publishRole"]
    assert [(e["field"], e["code"]) for e in again["userErrors"]] == [("roleId", "CONFLICT")]

    page = data(await run(casting, BREAKDOWNS, AGENCY, first=2))["breakdowns"]
    assert [e["node"]["id"] for e in page["edges"]] == sorted(ids)[:2]
    assert page["edges"][0]["node"]["bookings"] == []  # another organisation's holds: none
    assert page["pageInfo"]["hasNextPage"] is True
    rest = data(await run(casting, BREAKDOWNS, AGENCY, after=page["pageInfo"]["endCursor"]))
    assert [e["node"]["id"] for e in rest["breakdowns"]["edges"]] == sorted(ids)[2:]
    assert rest["breakdowns"]["pageInfo"] == {
        "hasNextPage": False,
        "endCursor": rest["breakdowns"]["edges"][-1]["cursor"],
    }


async def test_a_bad_breakdown_field_is_a_user_error_naming_it(casting: Casting) -> None:
    refused = data(await run(casting, CREATE, p="prd_1", deadline="2020-01-01T00:00:00Z"))
    assert refused["createRole"]["role"] is None
    assert [e["field"] for e in refused["createRole"]["userErrors"]] == ["submissionDeadline"]
