"""Legal's collections, contracts and minors' work permits: documents <-> aggregates."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date
from decimal import Decimal
from typing import Any, TypeVar

from slate.events import OutboxEvent
from slate.mongo import IndexSpec
from slate.repository import Aggregates, Database
from slate_domain import Rate

from legal.domain.compliance import Contract, ContractStatus, DomainEvent, WorkPermit

# Maps a domain event to the outbox entry that publishes it; None: an internal event.
Outbox = Callable[[DomainEvent], OutboxEvent | None]
A = TypeVar("A", Contract, WorkPermit)


# Contract fields stored as they are, named once for both directions.
_CONTRACT_FIELDS = ("booking_id", "production_id", "talent_id", "role_name", "template")


def _contract_doc(c: Contract) -> dict[str, Any]:
    return {
        "_id": c.id,
        "org_id": c.org_id,
        **{f: getattr(c, f) for f in _CONTRACT_FIELDS},
        "status": c.status.value,
        "rate": {"amount": str(c.rate.amount), "currency": c.rate.currency, "unit": c.rate.unit},
        "work_dates": list(c.work_dates),
    }


def _contract(doc: Mapping[str, Any]) -> Contract:
    rate = doc["rate"]
    return Contract(
        id=doc["_id"],
        org_id=doc["org_id"],
        version=int(doc["version"]),
        **{f: doc[f] for f in _CONTRACT_FIELDS},
        status=ContractStatus(doc["status"]),
        rate=Rate(Decimal(rate["amount"]), rate["currency"], rate["unit"]),
        work_dates=tuple(doc["work_dates"]),
    )


def _permit_doc(p: WorkPermit) -> dict[str, Any]:
    return {
        "_id": p.id,
        "org_id": p.org_id,
        "talent_id": p.talent_id,
        "number": p.number,
        "expires_on": p.expires_on.isoformat(),
    }


def _permit(doc: Mapping[str, Any]) -> WorkPermit:
    return WorkPermit(
        id=doc["_id"],
        org_id=doc["org_id"],
        version=int(doc["version"]),
        talent_id=doc["talent_id"],
        number=doc["number"],
        expires_on=date.fromisoformat(doc["expires_on"]),
    )


class LegalStore:
    """Contracts (one per booking, id derived from it) and work permits, per organisation."""

    CONTRACTS = "contracts"
    PERMITS = "work_permits"
    outbox_collections = (CONTRACTS, PERMITS)

    def __init__(self, database: Database, outbox: Outbox) -> None:
        self._database = database
        self._contracts = Aggregates(
            database.repository(self.CONTRACTS), outbox, _contract_doc, _contract
        )
        self._permits = Aggregates(database.repository(self.PERMITS), outbox, _permit_doc, _permit)

    async def ensure_indexes(self) -> None:
        await self._database.ensure_indexes(
            {
                self.CONTRACTS: [
                    *self._contracts.repo.indexes(),
                    IndexSpec([("org_id", 1), ("booking_id", 1)]),
                    IndexSpec([("org_id", 1), ("production_id", 1)]),
                ],
                self.PERMITS: [
                    *self._permits.repo.indexes(),
                    IndexSpec([("org_id", 1), ("talent_id", 1)]),
                ],
            }
        )

    def _of(self, aggregate: Contract | WorkPermit) -> Aggregates[Any]:
        return self._contracts if isinstance(aggregate, Contract) else self._permits

    async def add(self, aggregate: A) -> A:
        """Insert a new aggregate at version 1 with its pending events, which it then clears
        (DuplicateKey when one with its id exists)."""
        added: A = await self._of(aggregate).add(aggregate)
        return added

    async def save(self, aggregate: A) -> A:
        """Write an aggregate's state and pending events if it is still at the version it was
        loaded at (ConcurrencyConflict otherwise); the result carries the new version."""
        saved: A = await self._of(aggregate).save(aggregate)
        return saved

    async def contract(self, org_id: str, contract_id: str) -> Contract | None:
        return await self._contracts.get(org_id, contract_id)

    async def contracts_by_booking(self, org_id: str, booking_ids: Sequence[str]) -> list[Contract]:
        return await self._contracts.find_in(org_id, "booking_id", booking_ids)

    async def contracts_by_production(
        self, org_id: str, production_ids: Sequence[str]
    ) -> list[Contract]:
        return await self._contracts.find_in(org_id, "production_id", production_ids)

    async def permits_for(self, org_id: str, talent_id: str) -> list[WorkPermit]:
        return await self._permits.find(org_id, {"talent_id": talent_id}, limit=100)
