"""Casting use cases: one async function per command; the only place that loads and saves."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, Protocol

from slate.audit import AuditLog
from slate.auth import Principal
from slate.crypto import FieldCipher
from slate.errors import ErrorCode, UserError, ValidationErrors
from slate.events import OutboxEvent
from slate.ids import new_id
from slate.mongo import ConcurrencyConflict
from slate_proto.slate.common.v1 import money_pb2
from slate_proto.slate.events.v1 import casting_pb2

from casting.domain import model
from casting.store import CastingStore, Doc

SOURCE = "slate-casting"
BOOKING_TOPIC = "slate.casting.booking.v1"
WRITE_ROLES = ("producer", "casting")
TALENT_WRITERS = ("producer", "casting", "talent")
READ_ROLES = ("producer", "casting", "accounting", "legal", "viewer")


@dataclass(frozen=True)
class Conflict:
    date: str
    reason: str
    blocking: bool


@dataclass(frozen=True)
class ComplianceIssue:
    code: str
    message: str
    blocking: bool


class Peers(Protocol):
    """The synchronous questions casting asks other services (gRPC in production)."""

    async def production(self, org_id: str, production_id: str, auth: str | None) -> Doc | None: ...

    async def conflicts(
        self, booking: Doc, dates: Sequence[str], auth: str | None
    ) -> list[Conflict]: ...

    async def compliance(self, booking: Doc, auth: str | None) -> list[ComplianceIssue]: ...

    async def check_rate(
        self, org_id: str, rate: Mapping[str, str], work_dates: Sequence[str], auth: str | None
    ) -> None: ...


def _invalid(exc: model.Invalid) -> ValidationErrors:
    return ValidationErrors(
        UserError(p.message, field=p.field, code=_code(p.code)) for p in exc.problems
    )


def _code(code: str) -> ErrorCode:
    allowed: dict[str, ErrorCode] = {
        "INVALID": "INVALID",
        "NOT_FOUND": "NOT_FOUND",
        "CONFLICT": "CONFLICT",
        "FORBIDDEN": "FORBIDDEN",
        "UNAVAILABLE": "UNAVAILABLE",
    }
    return allowed.get(code, "INVALID")


def require(principal: Principal, roles: Sequence[str], action: str) -> None:
    if not principal.has_any(*roles):
        raise UserError(f"{action} requires one of the roles {', '.join(roles)}", code="FORBIDDEN")


def booking_snapshot(doc: Mapping[str, Any]) -> casting_pb2.BookingSnapshot:
    rate = doc["rate"]
    return casting_pb2.BookingSnapshot(
        booking_id=doc["_id"],
        org_id=doc["org_id"],
        production_id=doc["production_id"],
        role_id=doc["role_id"],
        role_name=doc["role_name"],
        talent_id=doc["talent_id"],
        talent_name=doc["talent_name"],
        rate=money_pb2.Rate(
            money=money_pb2.Money(amount=rate["amount"], currency=rate["currency"]),
            unit=rate["unit"],
        ),
        work_dates=list(doc["work_dates"]),
        status=doc["status"],
        is_minor=bool(doc.get("is_minor")),
        union=doc.get("union", "NONE"),
        version=int(doc.get("version", 1)),
        production_timezone=doc.get("production_timezone", ""),
    )


class Casting:
    """Casting's commands and the reads the GraphQL layer needs."""

    def __init__(
        self, store: CastingStore, peers: Peers, cipher: FieldCipher, audit: AuditLog
    ) -> None:
        self.store = store
        self.peers = peers
        self.cipher = cipher
        self.audit = audit
        self.live_bookings: Callable[[], AsyncIterator[tuple[str, Doc]]] | None = None

    async def booking_events(
        self, principal: Principal, *, production_id: str, auth: str | None
    ) -> AsyncIterator[tuple[str, Doc]]:
        """Booking changes of one of the caller's productions, as they happen."""
        require(principal, READ_ROLES, "bookingEvents")
        await self.production_known(principal.org, production_id, auth)
        if self.live_bookings is None:
            raise UserError("live events are not available", code="UNAVAILABLE")
        async for kind, booking in self.live_bookings():
            if booking["org_id"] == principal.org and booking["production_id"] == production_id:
                yield kind, booking

    # --- productions (event-carried state) ---------------------------------------------

    async def production_known(self, org_id: str, production_id: str, auth: str | None) -> Doc:
        """The production from the local copy, else asked of scheduling now and then cached."""
        local = await self.store.productions.get(org_id, production_id)
        if local is not None:
            return local
        remote = await self.peers.production(org_id, production_id, auth)
        if remote is None:
            raise UserError("unknown production", field="productionId", code="NOT_FOUND")
        await self.store.upsert_production(org_id, production_id, remote)
        return remote

    async def on_production_created(self, org_id: str, production_id: str, fields: Doc) -> None:
        """Event handler: remember a production scheduling created."""
        await self.store.upsert_production(org_id, production_id, fields)

    # --- roles -----------------------------------------------------------------------------

    async def create_role(
        self,
        principal: Principal,
        *,
        production_id: str,
        name: str,
        amount: str,
        currency: str,
        unit: str,
        work_dates: Sequence[str],
        auth: str | None,
    ) -> Doc:
        """A role (breakdown) of a production in the caller's organisation."""
        require(principal, WRITE_ROLES, "createRole")
        try:
            draft = model.validate_role(name, amount, currency, unit, work_dates)
        except model.Invalid as exc:
            raise _invalid(exc) from None
        production = await self.production_known(principal.org, production_id, auth)
        rate = {
            "amount": str(draft.rate.amount),
            "currency": draft.rate.currency,
            "unit": draft.rate.unit.value,
        }
        dates = [d.isoformat() for d in draft.work_dates]
        await self.peers.check_rate(principal.org, rate, dates, auth)
        role = {
            "_id": new_id("rol"),
            "org_id": principal.org,
            "production_id": production_id,
            "production_timezone": production.get("timezone", ""),
            "name": draft.name,
            "rate": rate,
            "work_dates": dates,
        }
        saved = await self.store.roles.insert(role)
        await self.audit.record(principal, "createRole", saved["_id"])
        return saved

    # --- talent ----------------------------------------------------------------------------

    async def register_talent(
        self, principal: Principal, *, name: str, email: str, date_of_birth: str, union: str
    ) -> Doc:
        """A network-wide talent profile; the birth date is encrypted at rest."""
        require(principal, TALENT_WRITERS, "registerTalent")
        today = datetime.now(UTC).date()
        try:
            draft = model.validate_talent(name, email, date_of_birth, union, today)
        except model.Invalid as exc:
            raise _invalid(exc) from None
        talent_id = new_id("tal")
        doc = {
            "_id": talent_id,
            "name": draft.name,
            "email": draft.email,
            "union": draft.union.value,
            "dob": self.cipher.encrypt(draft.date_of_birth.isoformat(), aad=talent_id),
            "registered_by_org": principal.org,
        }
        saved = await self.store.talent.insert(doc)
        await self.audit.record(principal, "registerTalent", talent_id)
        return saved

    def date_of_birth(self, talent: Mapping[str, Any]) -> date:
        return date.fromisoformat(self.cipher.decrypt(talent["dob"], aad=talent["_id"]))

    # --- bookings --------------------------------------------------------------------------

    async def hold_talent(
        self, principal: Principal, *, role_id: str, talent_id: str, auth: str | None
    ) -> Doc:
        """Put talent on hold for a role, if scheduling sees no hard conflict on its dates."""
        require(principal, WRITE_ROLES, "holdTalent")
        role = await self.store.roles.get(principal.org, role_id)
        if role is None:
            raise UserError("unknown role", field="roleId", code="NOT_FOUND")
        talent = await self.store.talent.get(principal.org, talent_id)
        if talent is None:
            raise UserError("unknown talent", field="talentId", code="NOT_FOUND")
        existing = await self.store.bookings.find(
            principal.org, {"role_id": role_id, "talent_id": talent_id}, limit=100
        )
        try:
            model.check_can_hold([b["status"] for b in existing])
        except model.Invalid as exc:
            raise _invalid(exc) from None
        work_dates = [date.fromisoformat(d) for d in role["work_dates"]]
        booking: Doc = {
            "_id": new_id("bkg"),
            "org_id": principal.org,
            "production_id": role["production_id"],
            "production_timezone": role.get("production_timezone", ""),
            "role_id": role_id,
            "role_name": role["name"],
            "talent_id": talent_id,
            "talent_name": talent["name"],
            "union": talent.get("union", "NONE"),
            "rate": role["rate"],
            "work_dates": role["work_dates"],
            "is_minor": model.is_minor_during(self.date_of_birth(talent), work_dates),
            "status": model.BookingStatus.ON_HOLD.value,
        }
        await self._refuse_conflicts(booking, auth)
        event = OutboxEvent.create(
            topic=BOOKING_TOPIC,
            key=booking["_id"],
            type="slate.casting.booking.held.v1",
            source=SOURCE,
            message=casting_pb2.BookingHeld(booking=booking_snapshot({**booking, "version": 1})),
        )
        saved = await self.store.bookings.insert(booking, [event])
        await self.audit.record(principal, "holdTalent", saved["_id"])
        return saved

    async def _refuse_conflicts(self, booking: Doc, auth: str | None) -> None:
        conflicts = await self.peers.conflicts(booking, booking["work_dates"], auth)
        blocking = [c for c in conflicts if c.blocking]
        if blocking:
            raise ValidationErrors(
                UserError(
                    f"talent unavailable on {c.date}: {c.reason}", field="talentId", code="CONFLICT"
                )
                for c in blocking
            )

    async def confirm_booking(
        self, principal: Principal, *, booking_id: str, auth: str | None
    ) -> Doc:
        """Confirm a hold: free of conflicts, cleared by legal, and still at the version read."""
        require(principal, WRITE_ROLES, "confirmBooking")
        booking = await self._booking(principal, booking_id)
        try:
            status = model.confirm(booking["status"])
        except model.Invalid as exc:
            raise _invalid(exc) from None
        await self._refuse_conflicts(booking, auth)
        issues = await self.peers.compliance(booking, auth)
        blocking = [i for i in issues if i.blocking]
        if blocking:
            raise ValidationErrors(
                UserError(f"{i.code}: {i.message}", field="bookingId", code="FORBIDDEN")
                for i in blocking
            )
        version = int(booking["version"])
        confirmed = {**booking, "status": status.value, "version": version + 1}
        event = OutboxEvent.create(
            topic=BOOKING_TOPIC,
            key=booking_id,
            type="slate.casting.booking.confirmed.v1",
            source=SOURCE,
            message=casting_pb2.BookingConfirmed(
                booking=booking_snapshot(confirmed), confirmed_by=principal.sub
            ),
        )
        return await self._transition(
            principal,
            booking,
            {"status": status.value, "confirmed_at": datetime.now(UTC)},
            event,
            "confirmBooking",
        )

    async def release_booking(self, principal: Principal, *, booking_id: str, reason: str) -> Doc:
        """Release a hold or a booking; subscribers learn it from booking.released."""
        require(principal, WRITE_ROLES, "releaseBooking")
        booking = await self._booking(principal, booking_id)
        try:
            status = model.release(booking["status"])
        except model.Invalid as exc:
            raise _invalid(exc) from None
        version = int(booking["version"])
        released = {**booking, "status": status.value, "version": version + 1}
        event = OutboxEvent.create(
            topic=BOOKING_TOPIC,
            key=booking_id,
            type="slate.casting.booking.released.v1",
            source=SOURCE,
            message=casting_pb2.BookingReleased(
                booking=booking_snapshot(released), reason=reason[:500]
            ),
        )
        return await self._transition(
            principal, booking, {"status": status.value}, event, "releaseBooking"
        )

    async def _booking(self, principal: Principal, booking_id: str) -> Doc:
        booking = await self.store.bookings.get(principal.org, booking_id)
        if booking is None:
            raise UserError("unknown booking", field="bookingId", code="NOT_FOUND")
        return booking

    async def _transition(
        self,
        principal: Principal,
        booking: Doc,
        changes: Mapping[str, Any],
        event: OutboxEvent,
        action: str,
    ) -> Doc:
        """Save a status change and its event only if the booking is still at the version read."""
        try:
            saved = await self.store.bookings.update(
                principal.org, booking["_id"], int(booking["version"]), changes, [event]
            )
        except ConcurrencyConflict:
            raise UserError(
                f"the booking changed during {action}; reload and retry",
                field="bookingId",
                code="CONFLICT",
            ) from None
        await self.audit.record(principal, action, booking["_id"])
        return saved
