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
    """The lifecycle, in order: planning -> pre-production -> production -> post-production ->
    delivery -> wrapped. DEVELOPMENT and DELIVERED are the names of before issue 14 (kept for
    stored productions; they stand where PLANNING and DELIVERY stand)."""

    PLANNING = "PLANNING"
    PRE_PRODUCTION = "PRE_PRODUCTION"
    PRODUCTION = "PRODUCTION"
    POST_PRODUCTION = "POST_PRODUCTION"
    DELIVERY = "DELIVERY"
    WRAPPED = "WRAPPED"
    DEVELOPMENT = "DEVELOPMENT"
    DELIVERED = "DELIVERED"


# The lifecycle's order; the pre-issue-14 names stand where their successors stand.
ORDER = (
    Stage.PLANNING,
    Stage.PRE_PRODUCTION,
    Stage.PRODUCTION,
    Stage.POST_PRODUCTION,
    Stage.DELIVERY,
    Stage.WRAPPED,
)
_LEGACY = {Stage.DEVELOPMENT: Stage.PLANNING, Stage.DELIVERED: Stage.DELIVERY}


def position(stage: Stage) -> int:
    """The stage's place in the lifecycle (0 = planning)."""
    return ORDER.index(_LEGACY.get(stage, stage))


def next_stage(stage: Stage) -> Stage | None:
    """The stage after `stage` (None once wrapped)."""
    i = position(stage) + 1
    return ORDER[i] if i < len(ORDER) else None


def step(current: Stage, to: Stage) -> int:
    """1 for a move to the next stage, -1 for a move back one, 0 for any other move (a skip,
    staying put, or a legacy name as the target)."""
    if to in _LEGACY:
        return 0
    delta = position(to) - position(current)
    return delta if delta in (1, -1) else 0


@dataclass(frozen=True)
class ProductionCreated:
    """A production was created (announced to the other services)."""

    production: Production


@dataclass(frozen=True)
class ProductionStageChanged:
    """A production moved from one stage to another (forward moves passed the gate)."""

    production: Production
    from_stage: Stage
    by: str
    at: str


# Every event a production records.
DomainEvent = ProductionCreated | ProductionStageChanged


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
        zones); it starts in planning and records ProductionCreated."""
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
            stage=Stage.PLANNING,
            created_by=by,
        )
        production.record(ProductionCreated(production))
        return production

    def advance(self, to: Stage, missing: list[Problem], *, by: str, at: str) -> None:
        """Move to the next stage when its gate names nothing `missing` (what
        `lifecycle.gate` found), or back to the previous one (no gate: a reshoot, a re-cut);
        any other move is refused on `to`. Records ProductionStageChanged."""
        direction = step(self.stage, to)
        if direction == 0:
            raise Invalid([Problem("to", _move_message(self.stage, to))])
        if direction > 0 and missing:
            raise Invalid(missing)
        before = self.stage
        self.stage = to
        self.record(ProductionStageChanged(self, before, by, at))


def _move_message(current: Stage, to: Stage) -> str:
    if current == to:
        return f"the production is in {to.value} already"
    return f"{current.value} can move only to the next stage or back one, not to {to.value}"
