"""Talent search (issue 11): free text with relevance over name, skills and bio; filters on union
status, age range on a date, skills, languages, home base and availability (scheduling's
answer); total count and cursor pages; an embedded tantivy index kept as a read model of the
talent collection, storing nothing but ids."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest
from casting.domain import model
from casting.domain.model import UnionStatus
from casting.domain.search import IndexedTalent, TalentQuery, validate_query, years_before
from casting.schema import schema
from casting.search import TalentIndex
from casting.usecases import Casting, Conflict
from slate.errors import Forbidden, ValidationErrors
from slate.testing import data, graphql_context, principal

PRODUCER = principal("org_a", "producer", "casting")
TODAY = date(2027, 1, 1)


def query(**kw: Any) -> TalentQuery:
    values: dict[str, Any] = {
        "text": None,
        "union_status": None,
        "age_min": None,
        "age_max": None,
        "age_on": None,
        "skills": [],
        "languages": [],
        "home_base": None,
        "available_on": [],
        "today": TODAY,
    }
    return validate_query(**{**values, **kw})


# --- domain ----------------------------------------------------------------------------------


def test_an_age_range_on_a_date_is_a_range_of_birth_dates() -> None:
    q = query(age_min=18, age_max=25, age_on="2027-03-02")
    # 18 on 2 March 2027: born on or before 2 March 2009; at most 25: born after 2 March 2001.
    assert (q.born_on_or_before, q.born_after) == (date(2009, 3, 2), date(2001, 3, 2))
    assert years_before(date(2028, 2, 29), 18) == date(2010, 2, 28)
    for born, age in ((date(2010, 2, 28), 18), (date(2010, 3, 1), 17)):
        assert model.age_on(born, date(2028, 2, 29)) == age


def test_free_text_loses_its_query_syntax() -> None:
    assert query(text='name:"x" born:[0 TO 9] +sing* AND').words == "name x born 0 to 9 sing and"


@pytest.mark.parametrize(
    ("kw", "field"),
    [
        ({"text": "t" * 201}, "text"),
        ({"union_status": "GUILD"}, "filter.union"),
        ({"age_min": -1}, "filter.ageMin"),
        ({"age_min": 30, "age_max": 20}, "filter.ageMax"),
        ({"age_on": "2027-02-30"}, "filter.ageOn"),
        ({"skills": ["s" * 51]}, "filter.skills[0]"),
        ({"languages": ["l"] * 31}, "filter.languages"),
        ({"home_base": "h" * 101}, "filter.homeBase"),
        ({"available_on": ["soon"]}, "filter.availableOn[0]"),
        ({"available_on": ["2027-01-01"] * 32}, "filter.availableOn"),
    ],
)
def test_each_bad_search_input_is_named(kw: dict[str, Any], field: str) -> None:
    with pytest.raises(model.Invalid) as exc:
        query(**kw)
    assert [p.field for p in exc.value.problems] == [field]


# --- the index ---------------------------------------------------------------------------------


def person(n: int, name: str, **kw: Any) -> IndexedTalent:
    values: dict[str, Any] = {
        "skills": (),
        "bio": "",
        "languages": ("English",),
        "home_base": "Los Angeles",
        "union_status": UnionStatus.MEMBER,
        "date_of_birth": date(1990, 1, 1),
    }
    values.update(kw)
    return IndexedTalent(id=f"tal_{n}", name=name, **values)


@pytest.fixture
def index() -> TalentIndex:
    ix = TalentIndex()
    ix.put(
        [
            person(1, "Rosa Diaz", skills=("Singing",), bio="Jazz singer", languages=("Spanish",)),
            person(2, "Ana Lee", bio="Sings in a choir on Sundays", home_base="New York"),
            person(3, "Juniper Song", skills=("Dance",), union_status=UnionStatus.NON_UNION),
            person(4, "Kid Star", skills=("Singing",), date_of_birth=date(2012, 5, 5)),
        ]
    )
    return ix


def test_relevance_ranks_a_skill_above_a_passing_mention(index: TalentIndex) -> None:
    ids, total = index.search(query(text="singing"), limit=10, offset=0)
    assert total == 3
    assert set(ids[:2]) == {"tal_1", "tal_4"}  # a skill (and a bio) beat a bio alone
    assert ids[2] == "tal_2"


def test_filters_narrow_and_pages_follow(index: TalentIndex) -> None:
    def ids(**kw: Any) -> list[str]:
        return sorted(index.search(query(**kw), limit=10, offset=0)[0])

    assert ids(union_status="NON_UNION") == ["tal_3"]
    assert ids(skills=["SINGING"]) == ["tal_1", "tal_4"]
    assert ids(languages=["spanish"]) == ["tal_1"]
    assert ids(home_base="new york") == ["tal_2"]
    assert ids(age_max=17, age_on="2027-01-01") == ["tal_4"]
    assert ids(age_min=18) == ["tal_1", "tal_2", "tal_3"]
    assert ids(text="singing", age_min=18, skills=["singing"]) == ["tal_1"]
    first, total = index.search(query(), limit=3, offset=0)
    rest, _ = index.search(query(), limit=3, offset=3)
    assert (total, len(first), len(rest), len({*first, *rest})) == (4, 3, 1, 4)


def test_a_talent_put_again_replaces_the_old_entry(index: TalentIndex) -> None:
    index.put([person(1, "Rosa Diaz", skills=("Fencing",))])
    assert index.search(query(skills=["fencing"]), limit=10, offset=0) == (["tal_1"], 1)
    assert "tal_1" not in index.search(query(skills=["singing"]), limit=10, offset=0)[0]
    assert index.size == 4


def test_the_index_stores_only_the_id(index: TalentIndex) -> None:
    assert index.stored("tal_4") == {"id": ["tal_4"]}  # no name, bio or birth date comes back


# --- use cases ---------------------------------------------------------------------------------


async def registered(casting: Casting, name: str, dob: str, **profile: Any) -> model.Talent:
    t = await casting.register_talent(
        PRODUCER,
        name=name,
        email=f"{name.split()[0].lower()}@example.com",
        date_of_birth=dob,
        union="NONE",
    )
    if profile:
        t = await casting.update_talent_profile(
            PRODUCER, talent_id=t.id, changes=model.ProfileChanges(**profile)
        )
    return t


async def test_search_catches_up_with_every_write_and_pages_with_a_total(
    casting: Casting,
) -> None:
    rosa = await registered(casting, "Rosa Diaz", "1994-02-11", skills=["Singing"])
    await registered(casting, "Ana Lee", "1990-01-01", bio="Sings in a choir")
    kid = await registered(casting, "Kid Star", "2013-01-01", skills=["Singing"])
    page = await casting.search_talent(PRODUCER, text="singing", first=2)
    assert (page.total, len(page.talent), page.next_offset) == (3, 2, 2)
    rest = await casting.search_talent(PRODUCER, text="singing", first=2, offset=2)
    assert (len(rest.talent), rest.next_offset) == (1, None)
    adults = await casting.search_talent(PRODUCER, text="singing", age_min=18, first=10)
    assert kid.id not in [t.id for t in adults.talent]

    await casting.update_talent_profile(
        PRODUCER, talent_id=rosa.id, changes=model.ProfileChanges(skills=["Fencing"])
    )
    fencers = await casting.search_talent(PRODUCER, skills=["fencing"], first=10)
    assert [t.id for t in fencers.talent] == [rosa.id]


async def test_catch_up_pages_through_many_writes_of_one_instant(
    casting: Casting, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A bulk import writes many talent at one instant: the catch-up pages by instant then id,
    so a page boundary inside that instant loses none (it used to stop after the first page)."""
    import slate.repository
    from casting import usecases

    instant = datetime(2027, 1, 5, 9, tzinfo=UTC)
    monkeypatch.setattr(slate.repository, "utcnow", lambda: instant)
    monkeypatch.setattr(usecases, "SEARCH_BATCH", 3)
    people = [await registered(casting, f"Dancer {i}", "1990-01-01") for i in range(8)]
    page = await casting.search_talent(PRODUCER, text="dancer", first=20)
    assert sorted(t.id for t in page.talent) == sorted(p.id for p in people)
    assert page.total == 8
    later = await registered(casting, "Dancer late", "1991-01-01")  # the same instant again
    page = await casting.search_talent(PRODUCER, text="dancer", first=20)
    assert later.id in [t.id for t in page.talent]
    assert page.total == 9


async def test_availability_is_scheduling_s_answer(casting: Casting, peers: Any) -> None:
    a = await registered(casting, "Ana Lee", "1990-01-01", skills=["Dance"])
    b = await registered(casting, "Bea Kim", "1991-01-01", skills=["Dance"])
    peers.busy[a.id] = [Conflict("2027-03-02", "booked elsewhere", True)]
    page = await casting.search_talent(
        PRODUCER, skills=["dance"], available_on=["2027-03-02"], first=10
    )
    assert ([t.id for t in page.talent], page.total) == ([b.id], 1)
    assert peers.asked().count("availability") == 2


async def test_search_is_for_staff_and_refuses_bad_input_by_field(casting: Casting) -> None:
    with pytest.raises(Forbidden):
        await casting.search_talent(principal("org_a", "viewer"), first=10)
    with pytest.raises(ValidationErrors) as exc:
        await casting.search_talent(PRODUCER, age_min=50, age_max=20, first=10)
    assert [e.field for e in exc.value.errors] == ["filter.ageMax"]


# --- the subgraph ------------------------------------------------------------------------------

SEARCH = """
query($text: String, $filter: TalentFilter, $first: Int, $after: String) {
  searchTalent(text: $text, filter: $filter, first: $first, after: $after) {
    totalCount edges { cursor node { id name } } pageInfo { hasNextPage endCursor }
  }
}"""


async def run(casting: Casting, caller: Any = PRODUCER, **variables: Any) -> Any:
    return await schema.execute(
        SEARCH, variable_values=variables, context_value=graphql_context(casting, caller)
    )


async def test_search_through_the_subgraph_with_cursor_pages(casting: Casting) -> None:
    for n in range(5):
        await registered(casting, f"Singer {n}", f"199{n}-01-01", skills=["Singing"])
    await registered(casting, "Dancer Zed", "1990-01-01", skills=["Dance"])
    first = data(await run(casting, text="singer", filter={"skills": ["Singing"]}, first=2))
    page = first["searchTalent"]
    assert (page["totalCount"], len(page["edges"]), page["pageInfo"]["hasNextPage"]) == (5, 2, True)
    seen = [e["node"]["id"] for e in page["edges"]]
    after = page["pageInfo"]["endCursor"]
    while after:
        more = data(await run(casting, text="singer", first=2, after=after))["searchTalent"]
        seen += [e["node"]["id"] for e in more["edges"]]
        after = more["pageInfo"]["endCursor"] if more["pageInfo"]["hasNextPage"] else None
    assert len(seen) == len(set(seen)) == 5


async def test_bad_search_input_is_an_error_naming_the_field(casting: Casting) -> None:
    result = await run(casting, filter={"ageMin": 200}, first=2)
    assert result.errors[0].extensions["code"] == "INVALID"
    assert "filter.ageMin" in result.errors[0].message
    bad_cursor = await run(casting, after="not-a-cursor", first=2)
    assert bad_cursor.errors[0].extensions["code"] == "INVALID"
    forbidden = await run(casting, principal("org_a", "viewer"), first=2)
    assert forbidden.errors[0].extensions["code"] == "FORBIDDEN"


@pytest.mark.parametrize("text", ["AND", "OR", "NOT", "IN", "a AND", "NOT NOT", "TO", "*", ""])
def test_operator_words_are_plain_words(index: TalentIndex, text: str) -> None:
    ids, total = index.search(query(text=text), limit=10, offset=0)
    assert total == len(ids)


def test_ages_on_the_first_day_of_the_calendar_do_not_fail(index: TalentIndex) -> None:
    q = query(age_min=0, age_max=120, age_on="0001-01-01")
    assert q.born_after == date.min
    assert index.search(q, limit=10, offset=0) == ([], 0)
