"""Casting's talent search at 100,000 generated profiles (issue 11), in process.

Measures, on one core:
  * building the tantivy index from 100,000 profiles (what a replica does on its first search),
    and opening the 100,000 sealed birth dates that the age filter needs (the rest of a rebuild);
  * the engine answering a free-text search with two filters (p50/p95/p99 over N queries);
  * the same searches through the subgraph in process (`schema.execute` of `searchTalent`:
    validation, the engine, the page of profiles from the store, the GraphQL response), on an
    in-memory store whose catch-up query answers at once (in production that query is one
    indexed MongoDB read of the talent written since the index's mark).

Through the gateway and the real database it needs the running stack with this casting.

    .venv/bin/python bench/casting_search.py [--profiles 100000] [--queries 500]
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "services" / "casting"))

from casting import events  # noqa: E402
from casting.domain import model  # noqa: E402
from casting.domain.model import Profile, Talent, UnionStatus  # noqa: E402
from casting.domain.search import IndexedTalent, validate_query  # noqa: E402
from casting.schema import schema  # noqa: E402
from casting.search import TalentIndex  # noqa: E402
from casting.store import CastingStore  # noqa: E402
from casting.usecases import Casting  # noqa: E402
from slate.audit import AuditLog  # noqa: E402
from slate.repository import MemoryDatabase  # noqa: E402
from slate.testing import cipher, graphql_context, principal  # noqa: E402

FIRST = [
    "Rosa",
    "Ana",
    "Juniper",
    "Sam",
    "Kai",
    "Noor",
    "Leila",
    "Omar",
    "Ines",
    "Tomas",
    "Mei",
    "Aiko",
    "Zara",
    "Luca",
    "Ivy",
    "Theo",
]
LAST = [
    "Diaz",
    "Lee",
    "Song",
    "Patel",
    "Kim",
    "Novak",
    "Haddad",
    "Silva",
    "Okafor",
    "Berg",
    "Costa",
    "Ito",
    "Moreau",
    "Walsh",
]
SKILLS = [
    "Singing",
    "Dancing",
    "Tap",
    "Ballet",
    "Hip-hop",
    "Skating",
    "Skateboarding",
    "Surfing",
    "Swimming",
    "Horse-riding",
    "Fencing",
    "Stage-combat",
    "Martial-arts",
    "Boxing",
    "Juggling",
    "Magic",
    "Improv",
    "Stand-up",
    "Voice-over",
    "Accents",
    "Piano",
    "Guitar",
    "Drums",
    "Violin",
    "Saxophone",
    "Cooking",
    "Driving",
    "Motorcycle",
    "Yoga",
    "Gymnastics",
    "Parkour",
    "Climbing",
    "Tennis",
    "Golf",
    "Basketball",
    "Soccer",
    "Baseball",
    "Hockey",
    "Skiing",
    "Snowboarding",
]
LANGUAGES = [
    "English",
    "Spanish",
    "French",
    "Mandarin",
    "Korean",
    "Japanese",
    "Arabic",
    "Hindi",
    "Portuguese",
    "German",
]
CITIES = [
    "Los Angeles",
    "New York",
    "Atlanta",
    "Chicago",
    "Austin",
    "Vancouver",
    "Toronto",
    "London",
    "Miami",
    "Seattle",
    "Albuquerque",
    "New Orleans",
    "Boston",
    "Denver",
    "Portland",
]
WORDS = [
    "trained",
    "actor",
    "commercial",
    "theatre",
    "film",
    "television",
    "improv",
    "comedy",
    "drama",
    "singer",
    "dancer",
    "musician",
    "athlete",
    "voice",
    "classical",
    "contemporary",
    "conservatory",
    "credits",
    "recurring",
    "guest",
    "star",
    "national",
    "campaign",
    "regional",
    "festival",
    "touring",
    "company",
    "ensemble",
    "lead",
    "featured",
]
STATUSES = list(UnionStatus)


def profiles(n: int, rng: random.Random) -> list[tuple[IndexedTalent, Talent]]:
    out = []
    for i in range(n):
        skills = tuple(rng.sample(SKILLS, rng.randint(1, 5)))
        languages = tuple(rng.sample(LANGUAGES, rng.randint(1, 3)))
        bio = " ".join(rng.choices(WORDS, k=rng.randint(8, 30)))
        born = date(1950, 1, 1) + timedelta(days=rng.randint(0, 65 * 365))
        name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
        profile = Profile(
            home_base=rng.choice(CITIES),
            union_status=rng.choice(STATUSES),
            skills=skills,
            languages=languages,
            bio=bio,
        )
        talent = Talent(
            id=f"tal_{i:024x}",
            org_id="org_bench",
            name=name,
            email=f"t{i}@example.com",
            union=model.Union.NONE,
            sealed_date_of_birth={},
            profile=profile,
            version=1,
        )
        out.append((IndexedTalent.of(talent, born), talent))
    return out


def searches(n: int, rng: random.Random) -> list[dict[str, Any]]:
    """Free text and two filters each, drawn from the generated vocabulary."""
    out = []
    for _ in range(n):
        text = rng.choice(WORDS + [s.lower() for s in SKILLS])
        kind = rng.randrange(3)
        if kind == 0:
            filters = {"skills": [rng.choice(SKILLS)], "union_status": rng.choice(STATUSES).value}
        elif kind == 1:
            lo = rng.randint(18, 50)
            filters = {"age_min": lo, "age_max": lo + 10, "languages": [rng.choice(LANGUAGES)]}
        else:
            filters = {"home_base": rng.choice(CITIES), "skills": [rng.choice(SKILLS)]}
        out.append({"text": text, **filters})
    return out


def pct(samples: list[float], p: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def report(label: str, samples_ms: list[float]) -> None:
    print(
        f"{label}: p50 {pct(samples_ms, 50):.2f} ms, p95 {pct(samples_ms, 95):.2f} ms, "
        f"p99 {pct(samples_ms, 99):.2f} ms, mean {statistics.fmean(samples_ms):.2f} ms "
        f"({len(samples_ms)} queries)"
    )


class _InstantFeed(CastingStore):
    """The store with the index's catch-up answered at once (it is one indexed read on MongoDB;
    the in-memory store would scan every document for it)."""

    async def talent_changed_since(self, since: Any, limit: int) -> list[Any]:
        return []


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--profiles", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=500)
    args = parser.parse_args()
    rng = random.Random(11)
    generated = profiles(args.profiles, rng)
    print(f"{args.profiles} profiles generated")

    index = TalentIndex()
    started = time.perf_counter()
    for i in range(0, len(generated), 5000):
        index.put([doc for doc, _ in generated[i : i + 5000]])
    build_s = time.perf_counter() - started
    rate = args.profiles / build_s
    print(f"index build: {build_s:.1f} s ({rate:,.0f} profiles/s), {index.size} docs")

    sealer = cipher()
    sealed = [
        sealer.encrypt(doc.date_of_birth.isoformat(), aad=doc.id) for doc, _ in generated[:20_000]
    ]
    started = time.perf_counter()
    for (doc, _), box in zip(generated, sealed, strict=False):
        sealer.decrypt(box, aad=doc.id)
    per = (time.perf_counter() - started) / len(sealed)
    print(f"birth dates opened: {per * 1e6:.1f} µs each, {per * args.profiles:.1f} s for all")

    today = datetime.now(UTC).date()
    queries = searches(args.queries, rng)
    engine_ms = []
    totals = []
    for q in queries:
        query = validate_query(
            text=q["text"],
            union_status=q.get("union_status"),
            age_min=q.get("age_min"),
            age_max=q.get("age_max"),
            age_on=None,
            skills=q.get("skills", []),
            languages=q.get("languages", []),
            home_base=q.get("home_base"),
            available_on=[],
            today=today,
        )
        started = time.perf_counter()
        _, total = index.search(query, limit=20, offset=0)
        engine_ms.append((time.perf_counter() - started) * 1000)
        totals.append(total)
    report("engine, text + 2 filters, first 20", engine_ms)
    print(f"  matches per query: median {statistics.median(totals):.0f}, max {max(totals)}")

    database = MemoryDatabase()
    store = _InstantFeed(database, events.to_outbox)
    for _, talent in generated:
        await database.repository("talent", org_scoped=False).insert(
            {
                "_id": talent.id,
                "name": talent.name,
                "email": talent.email,
                "union": "NONE",
                "dob": {},
                "registered_by_org": talent.org_id,
            }
        )
    casting = Casting(store, None, sealer, AuditLog(database), search=index)  # type: ignore[arg-type]
    context = graphql_context(casting, principal("org_bench", "casting"))
    document = """query($text: String, $filter: TalentFilter) {
      searchTalent(text: $text, filter: $filter, first: 20) {
        totalCount edges { cursor node { id name } } pageInfo { hasNextPage endCursor } } }"""
    subgraph_ms = []
    for q in queries:
        variables = {
            "text": q["text"],
            "filter": {
                k2: q[k1]
                for k1, k2 in (
                    ("union_status", "union"),
                    ("age_min", "ageMin"),
                    ("age_max", "ageMax"),
                    ("skills", "skills"),
                    ("languages", "languages"),
                    ("home_base", "homeBase"),
                )
                if k1 in q
            },
        }
        context.loaders.clear()
        started = time.perf_counter()
        result = await schema.execute(document, variable_values=variables, context_value=context)
        subgraph_ms.append((time.perf_counter() - started) * 1000)
        assert result.errors is None, result.errors
    report("subgraph in process (schema.execute), text + 2 filters, first 20", subgraph_ms)


if __name__ == "__main__":
    asyncio.run(main())
