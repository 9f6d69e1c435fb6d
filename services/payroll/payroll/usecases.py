"""Payroll use cases: engagements created from confirmed bookings."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from slate.audit import AuditLog
from slate.events import OutboxEvent
from slate.ids import derived_id
from slate.mongo import DuplicateKey
from slate_proto.slate.events.v1 import payroll_pb2

from payroll.domain import engagements as rules
from payroll.domain.estimates import Estimate, estimate_booking
from payroll.store import Doc, PayrollStore

SOURCE = "slate-payroll"
ENGAGEMENT_TOPIC = "slate.payroll.engagement.v1"


class Payroll:
    def __init__(self, store: PayrollStore, audit: AuditLog) -> None:
        self.store = store
        self.audit = audit

    async def on_booking_confirmed(self, booking: Doc) -> None:
        """Open the booking's engagement; a redelivered event finds it open and stops."""
        engagement_id = derived_id("eng", booking["booking_id"])
        status = rules.EngagementStatus.PENDING_ONBOARDING.value
        doc = {
            "_id": engagement_id,
            "org_id": booking["org_id"],
            "booking_id": booking["booking_id"],
            "production_id": booking["production_id"],
            "talent_id": booking["talent_id"],
            "role_name": booking["role_name"],
            "rate": booking["rate"],
            "work_dates": booking["work_dates"],
            "agreement": rules.agreement_for(booking["union"]),
            "is_minor": booking["is_minor"],
            "status": status,
        }
        event = OutboxEvent.create(
            topic=ENGAGEMENT_TOPIC,
            key=engagement_id,
            type="slate.payroll.engagement.created.v1",
            source=SOURCE,
            message=payroll_pb2.EngagementCreated(
                engagement_id=engagement_id,
                org_id=booking["org_id"],
                booking_id=booking["booking_id"],
                production_id=booking["production_id"],
                talent_id=booking["talent_id"],
                status=status,
            ),
        )
        try:
            await self.store.engagements.insert(doc, [event])
        except DuplicateKey:
            return

    def estimate(
        self, amount: Decimal, unit: str, work_dates: Sequence[str], agreement: str
    ) -> Estimate:
        """The booking's expected cost from its terms (standard days; California rules)."""
        return estimate_booking(amount, unit, work_dates, agreement=agreement)

    async def on_booking_released(self, booking: Doc) -> None:
        """Cancel the engagement of a released booking if no work was recorded."""
        engagement_id = derived_id("eng", booking["booking_id"])
        engagement = await self.store.engagements.get(booking["org_id"], engagement_id)
        if engagement is None or not rules.cancel_on_release(engagement["status"], False):
            return
        await self.store.engagements.update(
            booking["org_id"],
            engagement_id,
            int(engagement["version"]),
            {"status": rules.EngagementStatus.CANCELLED.value},
        )
