"""Legal use cases: compliance checks, contracts drafted from bookings, work permits."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime

from slate.audit import AuditLog
from slate.auth import Principal
from slate.errors import UserError, ValidationErrors
from slate.events import OutboxEvent
from slate.ids import derived_id, new_id
from slate.mongo import DuplicateKey
from slate_proto.slate.events.v1 import legal_pb2

from legal.domain import compliance as rules
from legal.store import Doc, LegalStore

SOURCE = "slate-legal"
CONTRACT_TOPIC = "slate.legal.contract.v1"
PERMIT_WRITERS = ("legal", "producer")


class Legal:
    def __init__(self, store: LegalStore, audit: AuditLog) -> None:
        self.store = store
        self.audit = audit

    async def check_booking(
        self,
        *,
        org_id: str,
        talent_id: str,
        is_minor: bool,
        union: str,
        work_dates: Sequence[str],
    ) -> list[rules.Issue]:
        """What stands between this booking and confirmation (blocking) and what to watch."""
        permits = [
            rules.WorkPermit(p["talent_id"], p["number"], date.fromisoformat(p["expires_on"]))
            for p in await self.store.permits_for(org_id, talent_id)
        ]
        facts = rules.BookingFacts(
            talent_id=talent_id,
            is_minor=is_minor,
            union=union,
            work_dates=tuple(date.fromisoformat(d) for d in work_dates),
        )
        return rules.check_booking(facts, permits)

    async def record_work_permit(
        self, principal: Principal, *, talent_id: str, number: str, expires_on: str
    ) -> Doc:
        """Record a minor's Entertainment Work Permit for the caller's organisation."""
        if not principal.has_any(*PERMIT_WRITERS):
            raise UserError(
                "recordWorkPermit requires the legal or producer role", code="FORBIDDEN"
            )
        problems: list[UserError] = []
        if not talent_id.startswith("tal_"):
            problems.append(UserError("not a talent id", field="talentId"))
        if not number.strip():
            problems.append(UserError("must not be empty", field="number"))
        try:
            expiry = date.fromisoformat(expires_on)
            if expiry < datetime.now(UTC).date():
                problems.append(UserError("the permit has already expired", field="expiresOn"))
        except ValueError:
            problems.append(UserError(f"not an ISO date: {expires_on!r}", field="expiresOn"))
        ValidationErrors.raise_if_any(problems)
        doc = {
            "_id": new_id("wpm"),
            "org_id": principal.org,
            "talent_id": talent_id,
            "number": number.strip(),
            "expires_on": expires_on,
        }
        saved = await self.store.permits.insert(doc)
        await self.audit.record(principal, "recordWorkPermit", saved["_id"])
        return saved

    async def on_booking_confirmed(self, booking: Doc) -> None:
        """Draft the booking's contract; a redelivered event finds it drafted and stops."""
        contract_id = derived_id("con", booking["booking_id"])
        template = rules.contract_template(booking["union"], booking["is_minor"])
        doc = {
            "_id": contract_id,
            "org_id": booking["org_id"],
            "booking_id": booking["booking_id"],
            "production_id": booking["production_id"],
            "talent_id": booking["talent_id"],
            "role_name": booking["role_name"],
            "status": rules.ContractStatus.DRAFT.value,
            "template": template,
            "rate": booking["rate"],
            "work_dates": booking["work_dates"],
        }
        event = OutboxEvent.create(
            topic=CONTRACT_TOPIC,
            key=contract_id,
            type="slate.legal.contract.drafted.v1",
            source=SOURCE,
            message=legal_pb2.ContractDrafted(
                contract_id=contract_id,
                org_id=booking["org_id"],
                booking_id=booking["booking_id"],
                production_id=booking["production_id"],
                talent_id=booking["talent_id"],
                status=rules.ContractStatus.DRAFT.value,
                template=template,
            ),
        )
        try:
            await self.store.contracts.insert(doc, [event])
        except DuplicateKey:
            return

    async def on_booking_released(self, booking: Doc) -> None:
        """Void an unsigned contract of a released booking."""
        contract_id = derived_id("con", booking["booking_id"])
        contract = await self.store.contracts.get(booking["org_id"], contract_id)
        if contract is None or not rules.void_on_release(contract["status"]):
            return
        # A concurrent change raises ConcurrencyConflict; the consumer retries with a fresh read.
        await self.store.contracts.update(
            booking["org_id"],
            contract_id,
            int(contract["version"]),
            {"status": rules.ContractStatus.VOID.value},
        )
