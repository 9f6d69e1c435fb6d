"""The shared domain kit: aggregates record their events; problems name their fields."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from slate.repository import Aggregates, MemoryDatabase
from slate_domain import Aggregate, Invalid, Problem, required_text


@dataclass(kw_only=True)
class Thing(Aggregate[str]):
    name: str

    def rename(self, name: str) -> None:
        if not name.strip():
            raise Invalid([Problem("name", "must not be empty")])
        self.name = name
        self.record(f"renamed to {name}")


def test_a_transition_records_its_event_and_refuses_bad_input_by_field() -> None:
    thing = Thing(id="thg_1", org_id="org_a", name="one")
    thing.rename("two")
    assert thing.events == ["renamed to two"]
    with pytest.raises(Invalid) as exc:
        thing.rename(" ")
    assert exc.value.problems == (Problem("name", "must not be empty"),)
    assert str(exc.value) == "name: must not be empty"


async def test_aggregates_add_then_save_at_the_loaded_version_with_their_events() -> None:
    published: list[str] = []

    def outbox(event: str) -> None:
        published.append(event)  # a real store maps to an OutboxEvent; None keeps it internal

    things = Aggregates[Thing](
        MemoryDatabase().repository("things"),
        outbox,
        lambda t: {"_id": t.id, "org_id": t.org_id, "name": t.name},
        lambda d: Thing(id=d["_id"], org_id=d["org_id"], version=d["version"], name=d["name"]),
    )
    stored = await things.add(Thing(id="thg_1", org_id="org_a", name="one"))
    assert stored.version == 1
    stored.rename("two")
    saved = await things.save(stored)
    assert (saved.version, saved.name, stored.events) == (2, "two", [])
    assert published == ["renamed to two"]
    with pytest.raises(ValueError, match="stored already"):
        await things.add(saved)
    assert await things.get("org_b", "thg_1") is None
    assert [t.name for t in await things.find("org_a", {})] == ["two"]


async def test_aggregates_find_in_reads_one_organisations_matches_of_many_values() -> None:
    things = Aggregates[Thing](
        MemoryDatabase().repository("things"),
        lambda _: None,
        lambda t: {"_id": t.id, "org_id": t.org_id, "name": t.name},
        lambda d: Thing(id=d["_id"], org_id=d["org_id"], version=d["version"], name=d["name"]),
    )
    for id, org, name in [("t1", "org_a", "one"), ("t2", "org_a", "two"), ("t3", "org_b", "one")]:
        await things.add(Thing(id=id, org_id=org, name=name))
    found = await things.find_in("org_a", "name", ["one", "two", "three"])
    assert sorted(t.id for t in found) == ["t1", "t2"]


@pytest.mark.parametrize(
    ("value", "clean", "problems"),
    [
        ("  Lead ", "Lead", []),
        ("   ", "", [Problem("name", "must not be empty")]),
        ("x" * 5, "x" * 5, []),
        ("x" * 6, "x" * 6, [Problem("name", "at most 5 characters")]),
    ],
)
def test_required_text_is_stripped_and_bounded(
    value: str, clean: str, problems: list[Problem]
) -> None:
    found: list[Problem] = []
    assert required_text("name", value, 5, found) == clean
    assert found == problems
