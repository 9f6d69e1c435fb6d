"""Submissions (issue 11): agents (staff of an agency organisation) and self-submitting talent
put talent forward for published roles; casting views, shortlists (rank 1-6), selects or
declines; the submitter withdraws only before casting has viewed it; one submission per talent
and role. Domain, use cases on MemoryDatabase, the subgraph (with the round trips of a whole
production of submissions counted)."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from casting.domain import model
from casting.domain.model import (
    Production,
    Role,
    Submission,
    SubmissionChange,
    SubmissionChanged,
    SubmissionStatus,
    Talent,
)
from casting.store import CastingStore
from casting.usecases import BreakdownInput, Casting
from slate.errors import Forbidden, UserError, ValidationErrors
from slate.events import OutboxEvent
from slate.events.catalogue import (
    SUBMISSION_SHORTLISTED,
    SUBMISSION_SUBMITTED,
    SUBMISSION_VIEWED,
    SUBMISSION_WITHDRAWN,
)
from slate.repository import MemoryDatabase
from slate.testing import data, envelope, principal

from ..builders import new_role, new_talents, run

NOW = datetime(2027, 1, 10, tzinfo=UTC)
PRODUCER = principal("org_a", "producer", "casting")
AGENT = principal("org_agency", "casting", sub="agent_1")
OTHER_AGENT = principal("org_agency2", "casting", sub="agent_2")
PRODUCTION = Production(id="prd_1", org_id="org_a", timezone="America/Los_Angeles")


def published_role(deadline: datetime | None = None) -> Role:
    draft = model.validate_role(
        "Barista",
        "1200",
        "USD",
        "DAY",
        ["2027-03-02"],
        breakdown=model.Breakdown(description="Sings.", submission_deadline=deadline),
    )
    r = Role.create(id="rol_1", production=PRODUCTION, draft=draft)
    r.publish("u1", at=NOW)
    r.events.clear()
    return r


def talent() -> Talent:
    draft = model.validate_talent(
        "Rosa", "rosa@example.com", "1994-02-11", "NONE", date(2027, 1, 1)
    )
    return Talent.register(id="tal_1", org_id="org_a", draft=draft, sealed_date_of_birth={})


def submitted(role: Role | None = None) -> Submission:
    s = Submission.submit(
        id="sub_1",
        role=role or published_role(),
        talent=talent(),
        by_org="org_agency",
        by="agent_1",
        self_submitted=False,
        note="Available all week.",
        at=NOW,
    )
    s.version = 1
    s.events.clear()
    return s


def changes(s: Submission) -> list[tuple[SubmissionChange, SubmissionStatus]]:
    out = []
    for e in s.events:
        assert isinstance(e, SubmissionChanged)
        out.append((e.change, e.submission.status))
    return out


def conflict(exc: pytest.ExceptionInfo[model.Invalid]) -> tuple[str, str]:
    [p] = exc.value.problems
    return p.field, p.code


# --- domain ----------------------------------------------------------------------------------


def test_submitted_viewed_shortlisted_then_selected() -> None:
    s = submitted()
    assert s.view("cd") is True
    assert s.view("cd") is False  # a second look changes nothing
    s.shortlist(2, "cd")
    s.shortlist(1, "cd")  # moved within the shortlist
    s.select("cd")
    assert (s.status, s.shortlist_rank) == (SubmissionStatus.SELECTED, 1)
    assert changes(s) == [
        (SubmissionChange.VIEWED, SubmissionStatus.VIEWED),
        (SubmissionChange.SHORTLISTED, SubmissionStatus.SHORTLISTED),
        (SubmissionChange.SHORTLISTED, SubmissionStatus.SHORTLISTED),
        (SubmissionChange.SELECTED, SubmissionStatus.SELECTED),
    ]


def test_withdrawing_a_viewed_submission_is_refused() -> None:
    s = submitted()
    s.view("cd")
    s.events.clear()
    with pytest.raises(model.Invalid) as exc:
        s.withdraw("agent_1")
    assert conflict(exc) == ("submissionId", "CONFLICT")
    assert "casting has viewed it" in exc.value.problems[0].message
    assert (s.status, s.events) == (SubmissionStatus.VIEWED, [])


def test_an_unviewed_submission_is_withdrawn_once() -> None:
    s = submitted()
    s.withdraw("agent_1")
    assert changes(s) == [(SubmissionChange.WITHDRAWN, SubmissionStatus.WITHDRAWN)]
    with pytest.raises(model.Invalid) as exc:
        s.withdraw("agent_1")
    assert "withdrawn already" in exc.value.problems[0].message
    with pytest.raises(model.Invalid):
        s.view("cd")


@pytest.mark.parametrize("rank", [0, 7])
def test_a_shortlist_rank_is_1_to_6(rank: int) -> None:
    with pytest.raises(model.Invalid) as exc:
        submitted().shortlist(rank, "cd")
    assert [p.field for p in exc.value.problems] == ["rank"]


@pytest.mark.parametrize("final", ["select", "decline"])
def test_a_decided_submission_cannot_be_shortlisted_or_selected_again(final: str) -> None:
    s = submitted()
    getattr(s, final)("cd")
    for step in (lambda: s.shortlist(1, "cd"), lambda: s.select("cd")):
        with pytest.raises(model.Invalid) as exc:
            step()
        assert conflict(exc) == ("submissionId", "CONFLICT")


def test_a_selected_talent_can_still_be_declined_a_declined_one_not_again() -> None:
    s = submitted()
    s.select("cd")
    s.decline("cd")
    with pytest.raises(model.Invalid):
        s.decline("cd")


def test_only_a_published_role_before_its_deadline_takes_submissions() -> None:
    draft = published_role()
    draft.status = model.RoleStatus.DRAFT
    late = published_role(deadline=NOW + timedelta(seconds=1))
    late.breakdown = model.Breakdown(description="Sings.", submission_deadline=NOW)
    closed = published_role()
    closed.close("u1")
    for role in (draft, late, closed):
        with pytest.raises(model.Invalid) as exc:
            submitted(role)
        assert conflict(exc) == ("roleId", "CONFLICT")


def test_a_duplicate_is_refused_a_withdrawn_one_may_be_made_again() -> None:
    s = submitted()
    with pytest.raises(model.Invalid) as exc:
        s.resubmit(role=published_role(), by_org="x", by="y", self_submitted=False, note="", at=NOW)
    assert conflict(exc) == ("talentId", "CONFLICT")
    s.withdraw("agent_1")
    s.resubmit(role=published_role(), by_org="org_t", by="t", self_submitted=True, note="", at=NOW)
    assert (s.status, s.submitted_by_org, s.self_submitted) == (
        SubmissionStatus.SUBMITTED,
        "org_t",
        True,
    )


def test_a_note_is_at_most_1000_characters() -> None:
    with pytest.raises(model.Invalid) as exc:
        model.validate_note("n" * 1001)
    assert [p.field for p in exc.value.problems] == ["note"]


# --- use cases ---------------------------------------------------------------------------------


async def setup(casting: Casting, n: int = 2, publish: bool = True) -> tuple[Role, list[Talent]]:
    r = await new_role(
        casting,
        name="Barista",
        breakdown=BreakdownInput(
            description="Sings.",
            submission_deadline=(datetime.now(UTC) + timedelta(days=10)).isoformat(),
        ),
    )
    if publish:
        r = await casting.publish_role(PRODUCER, role_id=r.id)
    return r, await new_talents(casting, n, principal("org_agency", "casting"))


async def outbox(database: MemoryDatabase, submission_id: str) -> list[str]:
    raw = await database.repository("submissions").raw(submission_id)
    assert raw is not None
    return [OutboxEvent.from_doc(e).type for e in raw["_outbox"]]


async def test_an_agent_submits_casting_views_and_shortlists_each_step_announced(
    casting: Casting, database: MemoryDatabase, cast: Any
) -> None:
    r, (a, _) = await setup(casting)
    s = await casting.submit_talent(AGENT, role_id=r.id, talent_id=a.id, note="Free all week")
    assert (s.status, s.org_id, s.submitted_by_org, s.self_submitted) == (
        SubmissionStatus.SUBMITTED,
        "org_a",
        "org_agency",
        False,
    )
    await casting.view_submission(PRODUCER, submission_id=s.id)
    await casting.view_submission(PRODUCER, submission_id=s.id)  # writes nothing more
    listed = await casting.shortlist_submission(PRODUCER, submission_id=s.id, rank=1)
    assert (listed.status, listed.shortlist_rank, listed.version) == (
        SubmissionStatus.SHORTLISTED,
        1,
        3,
    )
    assert await outbox(database, s.id) == [
        SUBMISSION_SUBMITTED.name,
        SUBMISSION_VIEWED.name,
        SUBMISSION_SHORTLISTED.name,
    ]
    raw = await database.repository("submissions").raw(s.id)
    assert raw is not None
    event = SUBMISSION_SHORTLISTED.decode(envelope(OutboxEvent.from_doc(raw["_outbox"][-1])))
    assert (event.submission.shortlist_rank, event.by) == (1, "u1")
    assert "Free all week" not in str(event)  # the note stays in casting
    assert await cast.audited(s.id, "org_agency") == ["submitTalent"]
    assert await cast.audited(s.id) == ["viewSubmission", "shortlistSubmission"]


async def test_one_submission_per_talent_and_role_even_at_once(
    casting: Casting, cast: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    r, (a, _) = await setup(casting)
    both_read = asyncio.Barrier(2)
    read = CastingStore.submission

    async def read_then_wait(self: CastingStore, submission_id: str) -> Any:
        found = await read(self, submission_id)
        await asyncio.wait_for(both_read.wait(), 2)  # neither has written yet
        return found

    monkeypatch.setattr(CastingStore, "submission", read_then_wait)
    results = await asyncio.gather(
        casting.submit_talent(AGENT, role_id=r.id, talent_id=a.id),
        casting.submit_talent(OTHER_AGENT, role_id=r.id, talent_id=a.id),
        return_exceptions=True,
    )
    refused = [x for x in results if isinstance(x, UserError)]
    assert [(e.field, e.code) for e in refused] == [("talentId", "CONFLICT")]
    assert await cast.docs("submissions") == 1
    monkeypatch.undo()
    with pytest.raises(ValidationErrors) as again:
        await casting.submit_talent(
            principal("org_t", "talent", talent_id=a.id), role_id=r.id, talent_id=a.id
        )
    assert [(e.field, e.code) for e in again.value.errors] == [("talentId", "CONFLICT")]


async def test_a_talent_submits_only_themselves(casting: Casting, cast: Any) -> None:
    r, (a, b) = await setup(casting)
    me = principal("org_t", "talent", talent_id=a.id)
    with pytest.raises(Forbidden):
        await casting.submit_talent(me, role_id=r.id, talent_id=b.id)
    s = await casting.submit_talent(me, role_id=r.id, talent_id=a.id, note="Me!")
    assert s.self_submitted
    assert await cast.docs("submissions") == 1


@pytest.mark.parametrize(
    ("kwargs", "field", "code"),
    [
        ({"role_id": "rol_nope"}, "roleId", "NOT_FOUND"),
        ({"talent_id": "tal_nope"}, "talentId", "NOT_FOUND"),
        ({"note": "n" * 1001}, "note", "INVALID"),
        ({"role_id": "r" * 65}, "roleId", "INVALID"),
    ],
)
async def test_bad_submissions_name_the_field_and_write_nothing(
    casting: Casting, cast: Any, kwargs: dict[str, Any], field: str, code: str
) -> None:
    r, (a, _) = await setup(casting)
    with pytest.raises((UserError, ValidationErrors)) as exc:
        await casting.submit_talent(AGENT, **{"role_id": r.id, "talent_id": a.id, **kwargs})
    errors = exc.value.errors if isinstance(exc.value, ValidationErrors) else [exc.value]
    assert [(e.field, e.code) for e in errors] == [(field, code)]
    assert await cast.docs("submissions") == 0


async def test_a_draft_role_of_another_organisation_is_unknown_to_an_agent(
    casting: Casting, cast: Any
) -> None:
    r, (a, _) = await setup(casting, publish=False)
    with pytest.raises(UserError) as exc:
        await casting.submit_talent(AGENT, role_id=r.id, talent_id=a.id)
    assert (exc.value.field, exc.value.code) == ("roleId", "NOT_FOUND")
    with pytest.raises(ValidationErrors) as own:  # its own organisation sees it is a draft
        await casting.submit_talent(PRODUCER, role_id=r.id, talent_id=a.id)
    assert [(e.field, e.code) for e in own.value.errors] == [("roleId", "CONFLICT")]
    assert await cast.docs("submissions") == 0


async def test_the_submitter_withdraws_before_casting_views_it_and_not_after(
    casting: Casting,
) -> None:
    r, (a, b) = await setup(casting)
    first = await casting.submit_talent(AGENT, role_id=r.id, talent_id=a.id)
    with pytest.raises(Forbidden):
        await casting.withdraw_submission(OTHER_AGENT_SEES(first), submission_id=first.id)
    withdrawn = await casting.withdraw_submission(AGENT, submission_id=first.id)
    assert withdrawn.status is SubmissionStatus.WITHDRAWN

    second = await casting.submit_talent(AGENT, role_id=r.id, talent_id=b.id)
    await casting.view_submission(PRODUCER, submission_id=second.id)
    with pytest.raises(ValidationErrors) as exc:
        await casting.withdraw_submission(AGENT, submission_id=second.id)
    assert [(e.field, e.code) for e in exc.value.errors] == [("submissionId", "CONFLICT")]


def OTHER_AGENT_SEES(s: Submission) -> Any:
    """Staff of the role's own organisation see the submission but did not make it."""
    return principal(s.org_id, "casting", sub="cd_2")


async def test_only_the_roles_organisation_decides_and_outsiders_see_nothing(
    casting: Casting, database: MemoryDatabase
) -> None:
    r, (a, _) = await setup(casting)
    s = await casting.submit_talent(AGENT, role_id=r.id, talent_id=a.id)
    for step in (
        lambda: casting.shortlist_submission(AGENT, submission_id=s.id, rank=1),
        lambda: casting.select_submission(OTHER_AGENT, submission_id=s.id),
    ):
        with pytest.raises(UserError) as exc:
            await step()
        assert (exc.value.field, exc.value.code) == ("submissionId", "NOT_FOUND")
    assert await casting.submissions(OTHER_AGENT, [s.id]) == {}
    assert await casting.submissions_of_roles(OTHER_AGENT, [r.id]) == []
    assert [x.id for x in await casting.submissions_of_roles(AGENT, [r.id])] == [s.id]
    assert await outbox(database, s.id) == [SUBMISSION_SUBMITTED.name]


async def test_a_withdrawn_submission_is_announced(
    casting: Casting, database: MemoryDatabase
) -> None:
    r, (a, _) = await setup(casting)
    s = await casting.submit_talent(AGENT, role_id=r.id, talent_id=a.id)
    await casting.withdraw_submission(AGENT, submission_id=s.id)
    assert (await outbox(database, s.id))[-1] == SUBMISSION_WITHDRAWN.name


# --- the subgraph ------------------------------------------------------------------------------

SUBMIT = """
mutation($r: ID!, $t: ID!) { submitTalent(input: {roleId: $r, talentId: $t, note: "hi"}) {
  submission { id status } userErrors { field message code } } }"""
SHORTLIST = """
mutation($s: ID!, $rank: Int!) { shortlistSubmission(input: {submissionId: $s, rank: $rank}) {
  submission { id status shortlistRank } userErrors { field message code } } }"""
WITHDRAW = """
mutation($s: ID!) { withdrawSubmission(input: {submissionId: $s}) {
  submission { id status } userErrors { field message code } } }"""
ROLE = """
query($id: ID!) { role(id: $id) { status submissions { id status talent { id } } } }"""


async def test_submissions_through_the_subgraph(casting: Casting) -> None:
    r, (a, b) = await setup(casting)
    made = data(await run(casting, SUBMIT, AGENT, r=r.id, t=a.id))["submitTalent"]
    assert (made["submission"]["status"], made["userErrors"]) == ("SUBMITTED", [])
    dup = data(await run(casting, SUBMIT, OTHER_AGENT, r=r.id, t=a.id))["submitTalent"]
    assert [(e["field"], e["code"]) for e in dup["userErrors"]] == [("talentId", "CONFLICT")]
    other = data(await run(casting, SUBMIT, OTHER_AGENT, r=r.id, t=b.id))["submitTalent"]
    listed = data(await run(casting, SHORTLIST, s=made["submission"]["id"], rank=9))
    assert [e["field"] for e in listed["shortlistSubmission"]["userErrors"]] == ["rank"]
    listed = data(await run(casting, SHORTLIST, s=made["submission"]["id"], rank=1))
    assert listed["shortlistSubmission"]["submission"]["shortlistRank"] == 1
    late = data(await run(casting, WITHDRAW, AGENT, s=made["submission"]["id"]))
    assert [e["code"] for e in late["withdrawSubmission"]["userErrors"]] == ["CONFLICT"]

    home = data(await run(casting, ROLE, id=r.id))["role"]
    assert home["status"] == "PUBLISHED"
    assert sorted((s["status"], s["talent"]["id"]) for s in home["submissions"]) == sorted(
        [("SHORTLISTED", a.id), ("SUBMITTED", b.id)]
    )
    agency = data(await run(casting, ROLE, OTHER_AGENT, id=r.id))["role"]
    assert agency["submissions"] == [
        {"id": other["submission"]["id"], "status": "SUBMITTED", "talent": {"id": b.id}}
    ]


async def test_a_production_of_50_roles_by_20_submissions_costs_constant_reads(
    peers: Any,
) -> None:
    from casting import events
    from slate.audit import AuditLog
    from slate.testing import cipher

    from .test_casting_schema import CountingDatabase

    database = CountingDatabase()
    store = CastingStore(database, events.to_outbox)
    casting = Casting(store, peers, cipher(), AuditLog(database))
    query = """query($r: [_Any!]!) { _entities(representations: $r) { ... on Production {
        roles { id status submissions { id status talent { id name } } } } } }"""

    async def reads_for(roles: int, per_role: int) -> int:
        first, people = await setup(casting, per_role)  # the same cast submitted to each role
        for n in range(roles):
            r = first if n == 0 else (await setup(casting, 0))[0]
            for t in people:
                await casting.submit_talent(AGENT, role_id=r.id, talent_id=t.id)
        database.reads = 0
        result = data(await run(casting, query, r=[{"__typename": "Production", "id": "prd_1"}]))
        assert sum(len(x["submissions"]) for x in result["_entities"][0]["roles"]) >= (
            roles * per_role
        )
        return database.reads

    small = await reads_for(1, 1)
    large = await reads_for(50, 20)
    assert large == small
