"""Audit trail: every mutation records who did what, when, under which trace."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from opentelemetry import trace

from slate.auth import Principal

if TYPE_CHECKING:
    from slate.repository import Database

COLLECTION = "audit"


def current_trace_id() -> str | None:
    """Hex trace id of the active span, if any."""
    ctx = trace.get_current_span().get_span_context()
    return format(ctx.trace_id, "032x") if ctx.is_valid else None


class AuditLog:
    """Append-only audit records in the service's own database (no personal data in `details`)."""

    def __init__(self, database: Database) -> None:
        self._records = database.repository(COLLECTION)

    async def record(
        self,
        principal: Principal,
        action: str,
        target_id: str,
        details: Mapping[str, Any] | None = None,
    ) -> None:
        """Write one audit record for a mutation that changed state."""
        await self._records.insert(
            {
                "_id": f"aud_{uuid.uuid4().hex}",
                "org_id": principal.org,
                "actor": principal.sub,
                "roles": sorted(principal.roles),
                "action": action,
                "target_id": target_id,
                "at": datetime.now(UTC),
                "trace_id": current_trace_id(),
                "details": dict(details or {}),
            }
        )

    async def for_target(self, org_id: str, target_id: str) -> list[dict[str, Any]]:
        """Audit records of one object, oldest first."""
        return await self._records.find(
            org_id, {"target_id": target_id}, sort=[("at", 1)], limit=1000
        )
