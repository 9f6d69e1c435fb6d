"""Events casting consumes: productions created by scheduling."""

from __future__ import annotations

from slate.events import Envelope
from slate_proto.slate.events.v1 import scheduling_pb2

from casting.usecases import Casting

PRODUCTION_TOPIC = "slate.scheduling.production.v1"


def production_handler(casting: Casting):  # type: ignore[no-untyped-def]
    """Remember each production scheduling announces (state carried by the event)."""

    async def handle(envelope: Envelope) -> None:
        if envelope.type != "slate.scheduling.production.created.v1":
            return
        event = envelope.decode(scheduling_pb2.ProductionCreated)
        await casting.on_production_created(
            event.org_id,
            event.production_id,
            {
                "title": event.title,
                "client": event.client,
                "kind": event.kind,
                "timezone": event.timezone,
                "stage": event.stage,
            },
        )

    return handle
