"""Legal's use cases: the booking gate, contracts drafted from bookings, work permits."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime

from slate import authz
from slate.audit import AuditLog
from slate.auth import Principal
from slate.errors import field_errors
from slate.events.snapshots import BookingSnapshot
from slate.ids import derived_id, new_id
from slate.mongo import DuplicateKey

from legal.domain.compliance import BookingFacts, Contract, Issue, WorkPermit, check_booking
from legal.store import LegalStore

READERS = ("producer", "legal", "casting", "accounting")
PERMISSIONS: dict[str, tuple[str, ...]] = {
    "recordWorkPermit": ("legal", "producer"),
    # CheckBooking serves confirmBooking: the roles that may confirm, and legal itself.
    "CheckBooking": ("producer", "casting", "legal"),
    "contract": READERS,
    "contracts": READERS,
}
# The service as a producer (ce_source) and as the actor when it reacts to an event.
SERVICE = "slate-legal"


def _today() -> date:
    return datetime.now(UTC).date()


def contract_id_of(booking_id: str) -> str:
    """A booking has one contract, whose id derives from the booking's (a replay finds it)."""
    return derived_id("con", booking_id)


class Legal:
    def __init__(
        self, store: LegalStore, audit: AuditLog, *, today: Callable[[], date] = _today
    ) -> None:
        self._store = store
        self._audit = audit
        self._today = today

    # ----------------------------------------------------------------------- queries

    async def check_booking(
        self,
        *,
        org_id: str,
        talent_id: str,
        is_minor: bool,
        union: str,
        work_dates: Sequence[str],
    ) -> list[Issue]:
        """What stands between this booking and confirmation (blocking) and what to watch;
        only the booking organisation's permits count."""
        facts = BookingFacts(
            talent_id=talent_id,
            is_minor=is_minor,
            union=union,
            work_dates=tuple(date.fromisoformat(d) for d in work_dates),
        )
        return check_booking(facts, await self._store.permits_for(org_id, talent_id))

    async def contract(self, org_id: str, contract_id: str) -> Contract | None:
        """The organisation's contract with this id, or None."""
        return await self._store.contract(org_id, contract_id)

    async def contract_by_booking(
        self, org_id: str, booking_ids: Sequence[str]
    ) -> dict[str, Contract]:
        """The organisation's contract of each booking that has one, by booking id."""
        found = await self._store.contracts_by_booking(org_id, booking_ids)
        return {c.booking_id: c for c in found}

    async def contracts_by_production(
        self, org_id: str, production_ids: Sequence[str]
    ) -> dict[str, list[Contract]]:
        """The organisation's contracts of each production, by production id."""
        groups: dict[str, list[Contract]] = {p: [] for p in production_ids}
        for c in await self._store.contracts_by_production(org_id, production_ids):
            groups.setdefault(c.production_id, []).append(c)
        return groups

    # ----------------------------------------------------------------------- commands

    async def record_work_permit(
        self, principal: Principal, *, talent_id: str, number: str, expires_on: str
    ) -> WorkPermit:
        """Record a minor's Entertainment Work Permit for the caller's organisation."""
        authz.require(principal, PERMISSIONS["recordWorkPermit"], "recordWorkPermit")
        with field_errors():
            permit = WorkPermit.register(
                id=new_id("wpm"),
                org_id=principal.org,
                talent_id=talent_id,
                number=number,
                expires_on=expires_on,
                today=self._today(),
            )
        saved = await self._store.add(permit)
        await self._audit.record(principal, "recordWorkPermit", saved.id)
        return saved

    async def draft_contract(self, booking: BookingSnapshot) -> None:
        """Draft a confirmed booking's contract; a redelivered confirmation finds it and stops."""
        contract = Contract.draft(
            contract_id_of(booking.booking_id),
            org_id=booking.org_id,
            booking_id=booking.booking_id,
            production_id=booking.production_id,
            talent_id=booking.talent_id,
            role_name=booking.role_name,
            union=booking.union,
            is_minor=booking.is_minor,
            rate=booking.rate,
            work_dates=booking.work_dates,
        )
        try:
            saved = await self._store.add(contract)
        except DuplicateKey:
            return
        await self._reacted("draftContract", saved)

    async def void_contract(self, booking: BookingSnapshot) -> None:
        """Void a released booking's contract unless it was signed; a redelivery changes nothing.
        A concurrent change raises ConcurrencyConflict and the consumer retries on a fresh read."""
        contract = await self._store.contract(booking.org_id, contract_id_of(booking.booking_id))
        if contract is None or not contract.booking_released():
            return
        saved = await self._store.save(contract)
        await self._reacted("voidContract", saved)

    async def _reacted(self, action: str, contract: Contract) -> None:
        """Audit a change legal made itself, in reaction to one of casting's booking events."""
        actor = Principal(sub=SERVICE, org=contract.org_id, roles=frozenset())
        await self._audit.record(actor, action, contract.id, {"bookingId": contract.booking_id})
