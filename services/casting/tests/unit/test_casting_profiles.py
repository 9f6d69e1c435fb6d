"""Talent profiles (issue 11): the talent edits their own network-wide profile (pronouns, home
base, union status, skills, languages, physical attributes, bio, media, representation);
organisations keep private notes and ratings no other organisation sees; age and a minor flag
come from the sealed birth date, which casting never sees; no personal data in talent events."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from casting.domain import model
from casting.domain.model import (
    MediaItem,
    MediaKind,
    Profile,
    Talent,
    TalentProfileUpdated,
    TalentRegistered,
    UnionStatus,
)
from casting.usecases import Casting
from slate.errors import Forbidden, UserError, ValidationErrors
from slate.events import OutboxEvent
from slate.events.catalogue import TALENT_PROFILE_UPDATED, TALENT_REGISTERED
from slate.repository import MemoryDatabase
from slate.testing import data, envelope, principal

from ..builders import run

PRODUCER = principal("org_a", "producer", "casting")
OTHER_STAFF = principal("org_b", "casting")

FULL = model.ProfileChanges(
    pronouns="she/her",
    home_base="Los Angeles",
    union_status="ELIGIBLE",
    skills=["Singing", "Stage combat"],
    languages=["English", "Spanish"],
    height_cm=168,
    eyes="Brown",
    hair="Black",
    bio="Trained at the Groundlings.",
    media=[
        model.MediaInput("https://cdn.example.com/reel.mp4", "REEL", "2026 reel", 2),
        model.MediaInput("https://cdn.example.com/head.jpg", "HEADSHOT", "Theatrical", 1),
    ],
    agency="Bright Talent",
    agent_name="Sam Agent",
    agent_email="Sam@Bright.example",
    agent_phone="+1 310 555 0100",
)


# --- domain ----------------------------------------------------------------------------------


def test_a_profile_takes_the_fields_given_and_keeps_the_rest() -> None:
    full = model.validate_profile(Profile(), FULL)
    assert full.union_status is UnionStatus.ELIGIBLE
    assert [m.kind for m in full.media] == [MediaKind.HEADSHOT, MediaKind.REEL]  # by order
    assert full.representation.agent_email == "sam@bright.example"
    again = model.validate_profile(full, model.ProfileChanges(bio="New bio."))
    assert again.bio == "New bio."
    assert (again.skills, again.media, again.physical) == (full.skills, full.media, full.physical)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        (model.ProfileChanges(union_status="GUILD"), "unionStatus"),
        (model.ProfileChanges(skills=["ok", ""]), "skills[1]"),
        (model.ProfileChanges(languages=["l"] * 31), "languages"),
        (model.ProfileChanges(height_cm=900), "physical.heightCm"),
        (model.ProfileChanges(bio="b" * 4001), "bio"),
        (model.ProfileChanges(pronouns="p" * 101), "pronouns"),
        (model.ProfileChanges(media=[model.MediaInput("ftp://x/y", "REEL")]), "media[0].url"),
        (model.ProfileChanges(media=[model.MediaInput("https://x/ y", "REEL")]), "media[0].url"),
        (model.ProfileChanges(media=[model.MediaInput("https://x/y", "GIF")]), "media[0].kind"),
        (model.ProfileChanges(media=[model.MediaInput("https://x", "REEL")] * 31), "media"),
        (model.ProfileChanges(agent_email="not-an-email"), "representation.agentEmail"),
        (model.ProfileChanges(agent_phone="1" * 33), "representation.agentPhone"),
    ],
)
def test_each_bad_profile_field_is_named(changes: model.ProfileChanges, field: str) -> None:
    with pytest.raises(model.Invalid) as exc:
        model.validate_profile(Profile(), changes)
    assert [p.field for p in exc.value.problems] == [field]


def registered() -> Talent:
    draft = model.validate_talent(
        "Rosa", "rosa@example.com", "1994-02-11", "NONE", date(2027, 1, 1)
    )
    return Talent.register(id="tal_1", org_id="org_a", draft=draft, sealed_date_of_birth={})


def test_registering_is_announced_and_an_edit_that_changes_nothing_is_not() -> None:
    t = registered()
    [event] = t.events
    assert isinstance(event, TalentRegistered)
    assert t.profile.union_status is UnionStatus.NON_UNION
    t.events.clear()
    assert t.update_profile(t.profile, "u1") is False
    assert t.events == []
    assert t.update_profile(model.validate_profile(t.profile, FULL), "u1") is True
    [updated] = t.events
    assert isinstance(updated, TalentProfileUpdated)
    assert updated.talent.profile.skills == ("Singing", "Stage combat")


def test_a_private_rating_is_1_to_5_and_a_note_bounded() -> None:
    for note, rating, field in (("", 0, "rating"), ("", 6, "rating"), ("n" * 2001, 3, "note")):
        with pytest.raises(model.Invalid) as exc:
            model.validate_private_note(note, rating)
        assert [p.field for p in exc.value.problems] == [field]


# --- use cases ---------------------------------------------------------------------------------


async def talent_events(database: MemoryDatabase, talent_id: str) -> list[OutboxEvent]:
    raw = await database.repository("talent", org_scoped=False).raw(talent_id)
    assert raw is not None
    return [OutboxEvent.from_doc(e) for e in raw["_outbox"]]


async def test_the_talent_edits_their_own_profile_announced_without_personal_data(
    casting: Casting, cast: Any, database: MemoryDatabase
) -> None:
    t = await cast.talent()
    me = principal("org_self", "talent", talent_id=t.id, sub="rosa")
    saved = await casting.update_talent_profile(me, talent_id=t.id, changes=FULL)
    assert (saved.profile.home_base, saved.version) == ("Los Angeles", 2)
    registered_event, updated_event = await talent_events(database, t.id)
    assert (registered_event.type, updated_event.type) == (
        TALENT_REGISTERED.name,
        TALENT_PROFILE_UPDATED.name,
    )
    message = TALENT_PROFILE_UPDATED.decode(envelope(updated_event))
    assert (list(message.talent.skills), message.by) == (["Singing", "Stage combat"], "rosa")
    for event in (registered_event, updated_event):
        payload = event.payload.decode("utf-8", "replace")
        # Whole values: a short fragment ("555") could occur by chance in an id or a timestamp.
        for personal in ("rosa@example.com", "1994-02-11", "she/her", "sam@bright", "310 555 0100"):
            assert personal not in payload
    assert "height" not in str(message)  # physical attributes stay in casting
    assert await cast.audited(t.id, "org_self") == ["updateTalentProfile"]


async def test_someone_elses_profile_is_refused_and_nothing_is_written(
    casting: Casting, cast: Any, database: MemoryDatabase
) -> None:
    t = await cast.talent()
    for intruder in (principal("org_x", "talent", talent_id="tal_other"), OTHER_STAFF):
        with pytest.raises(Forbidden):
            await casting.update_talent_profile(intruder, talent_id=t.id, changes=FULL)
    with pytest.raises(ValidationErrors) as exc:
        await casting.update_talent_profile(
            PRODUCER, talent_id=t.id, changes=model.ProfileChanges(bio="b" * 4001)
        )
    assert [e.field for e in exc.value.errors] == ["bio"]
    with pytest.raises(UserError) as unknown:
        await casting.update_talent_profile(PRODUCER, talent_id="tal_nope", changes=FULL)
    assert (unknown.value.field, unknown.value.code) == ("talentId", "NOT_FOUND")
    assert len(await talent_events(database, t.id)) == 1  # registered only
    # staff of the organisation that registered the talent may edit it
    edited = await casting.update_talent_profile(PRODUCER, talent_id=t.id, changes=FULL)
    assert edited.profile.bio == "Trained at the Groundlings."


async def test_private_notes_stay_with_their_organisation(casting: Casting, cast: Any) -> None:
    t = await cast.talent()
    await casting.set_talent_note(PRODUCER, talent_id=t.id, note="Great cold read", rating=5)
    await casting.set_talent_note(PRODUCER, talent_id=t.id, note="Great cold read.", rating=4)
    await casting.set_talent_note(OTHER_STAFF, talent_id=t.id, note="Late twice", rating=2)
    mine = await casting.talent_notes(PRODUCER, [t.id])
    theirs = await casting.talent_notes(OTHER_STAFF, [t.id])
    assert (mine[t.id].note, mine[t.id].rating, mine[t.id].version) == ("Great cold read.", 4, 2)
    assert (theirs[t.id].note, theirs[t.id].rating) == ("Late twice", 2)
    assert await casting.talent_notes(principal("org_a", "viewer"), [t.id]) == {}
    with pytest.raises(ValidationErrors) as exc:
        await casting.set_talent_note(PRODUCER, talent_id=t.id, note="", rating=9)
    assert [e.field for e in exc.value.errors] == ["rating"]
    with pytest.raises(Forbidden):
        await casting.set_talent_note(
            principal("org_a", "viewer"), talent_id=t.id, note="x", rating=1
        )
    assert (await casting.talent_notes(PRODUCER, [t.id]))[t.id].rating == 4


async def test_age_comes_from_the_sealed_birth_date_for_staff_and_the_talent_only(
    casting: Casting, cast: Any
) -> None:
    t = await cast.talent(dob="2010-06-01")
    on = date(2027, 3, 2)
    assert casting.age_of(PRODUCER, t, on) == 16
    assert casting.age_of(OTHER_STAFF, t, on) == 16
    assert casting.age_of(principal("org_x", "talent", talent_id=t.id), t, on) == 16
    for outsider in ("viewer", "crew", "accounting"):
        assert casting.age_of(principal("org_a", outsider), t, on) is None


# --- the subgraph ------------------------------------------------------------------------------

UPDATE = """
mutation($t: ID!, $bio: String) {
  updateTalentProfile(input: {talentId: $t, pronouns: "she/her", homeBase: "Los Angeles",
      unionStatus: MEMBER, skills: ["Singing"], languages: ["English"], bio: $bio,
      physical: {heightCm: 168, eyes: "Brown"},
      media: [{url: "https://cdn.example.com/h.jpg", kind: HEADSHOT, caption: "Head"}],
      representation: {agency: "Bright", agentName: "Sam", agentEmail: "sam@bright.example"}}) {
    talent { id homeBase unionStatus skills }
    userErrors { field message code }
  }
}"""
PROFILE = """
query($id: ID!) { talent(id: $id) {
  name pronouns homeBase unionStatus skills languages bio age isMinor
  physical { heightCm eyes hair } media { url kind caption order }
  representation { agency agentName agentEmail agentPhone } privateNote { note rating } } }"""
NOTE = """
mutation($t: ID!, $rating: Int) {
  setTalentNote(input: {talentId: $t, note: "Good", rating: $rating}) {
    note { note rating } userErrors { field message code } } }"""


async def test_a_profile_through_the_subgraph_as_each_caller_may_see_it(
    casting: Casting, cast: Any
) -> None:
    t = await cast.talent(dob="2000-01-01")
    me = principal("org_self", "talent", talent_id=t.id)
    bad = data(await run(casting, UPDATE, me, t=t.id, bio="b" * 4001))["updateTalentProfile"]
    assert (bad["talent"], [e["field"] for e in bad["userErrors"]]) == (None, ["bio"])
    done = data(await run(casting, UPDATE, me, t=t.id, bio="Hi"))["updateTalentProfile"]
    assert done["talent"]["unionStatus"] == "MEMBER"
    noted = data(await run(casting, NOTE, t=t.id, rating=5))["setTalentNote"]
    assert noted == {"note": {"note": "Good", "rating": 5}, "userErrors": []}
    refused = data(await run(casting, NOTE, t=t.id, rating=0))["setTalentNote"]
    assert [e["field"] for e in refused["userErrors"]] == ["rating"]

    staff = data(await run(casting, PROFILE, id=t.id))["talent"]
    assert staff["representation"]["agentEmail"] == "sam@bright.example"
    assert staff["privateNote"] == {"note": "Good", "rating": 5}
    assert staff["age"] >= 26
    assert staff["isMinor"] is False
    assert staff["media"] == [
        {"url": "https://cdn.example.com/h.jpg", "kind": "HEADSHOT", "caption": "Head", "order": 0}
    ]
    elsewhere = data(await run(casting, PROFILE, OTHER_STAFF, id=t.id))["talent"]
    assert elsewhere["privateNote"] is None  # another organisation's note: never
    viewer = data(await run(casting, PROFILE, principal("org_a", "viewer"), id=t.id))["talent"]
    assert (viewer["age"], viewer["isMinor"], viewer["privateNote"]) == (None, None, None)
    assert viewer["representation"] == {
        "agency": "Bright",
        "agentName": "Sam",
        "agentEmail": None,
        "agentPhone": None,
    }
    assert (viewer["homeBase"], viewer["skills"]) == ("Los Angeles", ["Singing"])


def test_media_items_keep_their_order() -> None:
    items = model.validate_profile(
        Profile(),
        model.ProfileChanges(
            media=[model.MediaInput(f"https://x/{i}", "SELF_TAPE", "", 5 - i) for i in range(3)]
        ),
    ).media
    assert [m.order for m in items] == [3, 4, 5]
    assert all(isinstance(m, MediaItem) for m in items)
