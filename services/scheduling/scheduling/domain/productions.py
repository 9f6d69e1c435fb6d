"""Productions: what is being made, for which client, and the time zone its times are written in."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from slate_domain import Aggregate, Invalid, Problem, required_text

TEXT_MAX = 200


class ProductionKind(StrEnum):
    COMMERCIAL = "COMMERCIAL"
    FILM = "FILM"
    TV = "TV"
    MUSIC_VIDEO = "MUSIC_VIDEO"
    LIVE_EVENT = "LIVE_EVENT"


class Stage(StrEnum):
    DEVELOPMENT = "DEVELOPMENT"
    PRE_PRODUCTION = "PRE_PRODUCTION"
    PRODUCTION = "PRODUCTION"
    POST_PRODUCTION = "POST_PRODUCTION"
    DELIVERED = "DELIVERED"


@dataclass(frozen=True)
class ProductionCreated:
    """A production was created (announced to the other services)."""

    production: Production


# Every event a scheduling aggregate records (a union as more are added).
DomainEvent = ProductionCreated


@dataclass(kw_only=True)
class Production(Aggregate[DomainEvent]):
    """A production of one organisation; `created_at` is set by the store."""

    title: str
    client: str
    kind: ProductionKind
    timezone: str
    stage: Stage
    created_by: str
    created_at: datetime | None = None

    @classmethod
    def create(
        cls,
        *,
        id: str,
        org_id: str,
        title: str,
        client: str,
        kind: str,
        timezone: str,
        by: str,
    ) -> Production:
        """A production needs a title, a known kind and a real IANA time zone (times carry
        zones); it starts in pre-production and records ProductionCreated."""
        problems: list[Problem] = []
        clean_title = required_text("title", title, TEXT_MAX, problems)
        if len(client) > TEXT_MAX:
            problems.append(Problem("client", f"at most {TEXT_MAX} characters"))
        if kind not in ProductionKind.__members__:
            problems.append(Problem("kind", f"unknown kind {kind!r}"))
        try:
            ZoneInfo(timezone)
        except (ZoneInfoNotFoundError, ValueError):
            problems.append(Problem("timezone", f"not an IANA time zone: {timezone!r}"))
        if problems:
            raise Invalid(problems)
        production = cls(
            id=id,
            org_id=org_id,
            title=clean_title,
            client=client.strip(),
            kind=ProductionKind(kind),
            timezone=timezone,
            stage=Stage.PRE_PRODUCTION,
            created_by=by,
        )
        production.record(ProductionCreated(production))
        return production
