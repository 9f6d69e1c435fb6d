"""Scheduling use cases: productions, the talent calendar, conflict checks."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from slate.audit import AuditLog
from slate.auth import Principal
from slate.errors import UserError, ValidationErrors
from slate.events import OutboxEvent
from slate.ids import new_id
from slate_proto.slate.events.v1 import scheduling_pb2

from scheduling.domain import productions as rules
from scheduling.store import Doc, SchedulingStore

SOURCE = "slate-scheduling"
PRODUCTION_TOPIC = "slate.scheduling.production.v1"
PRODUCTION_WRITERS = ("producer",)


class Scheduling:
    def __init__(self, store: SchedulingStore, audit: AuditLog) -> None:
        self.store = store
        self.audit = audit

    async def create_production(
        self, principal: Principal, *, title: str, client: str, kind: str, timezone: str
    ) -> Doc:
        """A production of the caller's organisation; announced as production.created."""
        if not principal.has_any(*PRODUCTION_WRITERS):
            raise UserError("createProduction requires the producer role", code="FORBIDDEN")
        try:
            draft = rules.validate_production(title, client, kind, timezone)
        except rules.Invalid as exc:
            raise ValidationErrors(
                UserError(p.message, field=p.field) for p in exc.problems
            ) from None
        production_id = new_id("prd")
        doc = {
            "_id": production_id,
            "org_id": principal.org,
            "title": draft.title,
            "client": draft.client,
            "kind": draft.kind.value,
            "timezone": draft.timezone,
            "stage": draft.stage.value,
            "created_by": principal.sub,
        }
        event = OutboxEvent.create(
            topic=PRODUCTION_TOPIC,
            key=production_id,
            type="slate.scheduling.production.created.v1",
            source=SOURCE,
            message=scheduling_pb2.ProductionCreated(
                production_id=production_id,
                org_id=principal.org,
                title=draft.title,
                client=draft.client,
                kind=draft.kind.value,
                timezone=draft.timezone,
                stage=draft.stage.value,
            ),
        )
        saved = await self.store.productions.insert(doc, [event])
        await self.audit.record(principal, "createProduction", production_id)
        return saved

    async def productions(
        self, principal: Principal, *, first: int, after: str | None
    ) -> list[Doc]:
        return await self.store.productions.find(
            principal.org, {}, sort=[("_id", 1)], limit=first, after=after
        )

    async def on_booking(self, snapshot: Doc) -> None:
        """Event handler: keep the talent calendar in step with casting's bookings."""
        await self.store.apply_booking(snapshot)

    async def check_conflicts(
        self, *, org_id: str, talent_id: str, booking_id: str, dates: Sequence[str]
    ) -> list[rules.Conflict]:
        """Conflicts of a talent on dates, from every organisation's commitments."""
        entries = [
            rules.CalendarEntry(
                booking_id=d["_id"],
                org_id=d["org_id"],
                production_id=d["production_id"],
                status=d["status"],
                dates=frozenset(d["work_dates"]),
            )
            for d in await self.store.calendar_for(talent_id)
        ]
        return rules.find_conflicts(
            org_id=org_id, booking_id=booking_id, dates=dates, calendar=entries
        )

    async def production_info(self, org_id: str, production_id: str) -> dict[str, Any] | None:
        return await self.store.productions.get(org_id, production_id)
