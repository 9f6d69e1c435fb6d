"""Legal's collections, contracts and minors' work permits: documents <-> aggregates."""

from __future__ import annotations

import base64
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any, TypeVar

from slate.events import OutboxEvent
from slate.mongo import DuplicateKey, IndexSpec
from slate.repository import Aggregates, Database
from slate_domain import Rate

from legal.domain.classification import (
    Answers,
    ClassificationAssessed,
    ClassificationAssessment,
    Determination,
)
from legal.domain.compliance import (
    Contract,
    ContractStatus,
    DigitalReplica,
    DomainEvent,
    Signature,
    SigningLink,
    WorkPermit,
)
from legal.domain.coogan import CooganAccount, CooganAccountRecorded
from legal.domain.freelance import FreelanceContract, FreelanceEvent, ServiceLine
from legal.domain.permits import FilmPermit, InsuranceCertificate, PermitEvent
from legal.domain.teachers import StudioTeacherAssignment

# Maps a domain event to the outbox entry that publishes it; None: an internal event.
Outbox = Callable[
    [DomainEvent | PermitEvent | ClassificationAssessed | CooganAccountRecorded | FreelanceEvent],
    OutboxEvent | None,
]
A = TypeVar(
    "A",
    Contract,
    WorkPermit,
    FilmPermit,
    InsuranceCertificate,
    ClassificationAssessment,
    CooganAccount,
    FreelanceContract,
    StudioTeacherAssignment,
)


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
        "template_version": c.template_version,
        "document_sha256": c.document_sha256,
        "executed_sha256": c.executed_sha256,
        "link": (
            {
                "token_sha256": c.link.token_sha256,
                "expires_at": c.link.expires_at.isoformat(),
                "used": c.link.used,
            }
            if c.link
            else None
        ),
        "counterparty": c.counterparty,
        # FerretDB stores no nested arrays: each term is a small document.
        "terms": [{"name": k, "value": v} for k, v in c.terms],
        "digital_replica": (
            {"uses": c.digital_replica.uses, "represented_by": c.digital_replica.represented_by}
            if c.digital_replica
            else None
        ),
        "signatures": [
            {
                "party": s.party,
                "signer_id": s.signer_id,
                "signer_name": s.signer_name,
                "signed_at": s.signed_at.isoformat(),
                "document_sha256": s.document_sha256,
                "consent": s.consent,
                "ip": s.ip,
                "user_agent": s.user_agent,
            }
            for s in c.signatures
        ],
    }


def _legacy_template_version(template: str) -> str:
    """Contracts drafted before templates were versioned name only their title."""
    base = (
        "sag-aftra-commercials-principal/v1"
        if template.startswith("SAG")
        else "talent-agreement/v1"
    )
    return f"{base}+minor-addendum/v1" if "minor" in template else base


def _signature(s: Mapping[str, Any]) -> Signature:
    return Signature(
        party=s["party"],
        signer_id=s["signer_id"],
        signer_name=s["signer_name"],
        signed_at=datetime.fromisoformat(s["signed_at"]),
        document_sha256=s["document_sha256"],
        consent=s["consent"],
        ip=s.get("ip"),
        user_agent=s.get("user_agent"),
    )


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
        template_version=doc.get("template_version") or _legacy_template_version(doc["template"]),
        document_sha256=doc.get("document_sha256"),
        executed_sha256=doc.get("executed_sha256"),
        link=(
            SigningLink(
                link["token_sha256"], datetime.fromisoformat(link["expires_at"]), link["used"]
            )
            if (link := doc.get("link"))
            else None
        ),
        signatures=tuple(_signature(s) for s in doc.get("signatures") or ()),
        counterparty=doc.get("counterparty") or "",
        terms=tuple((str(t["name"]), str(t["value"])) for t in doc.get("terms") or ()),
        digital_replica=(
            DigitalReplica(replica["uses"], replica["represented_by"])
            if (replica := doc.get("digital_replica"))
            else None
        ),
    )


def _permit_doc(p: WorkPermit) -> dict[str, Any]:
    return {
        "_id": p.id,
        "org_id": p.org_id,
        "talent_id": p.talent_id,
        "number": p.number,
        "expires_on": p.expires_on.isoformat(),
        "issued_on": p.issued_on.isoformat() if p.issued_on else None,
    }


def _permit(doc: Mapping[str, Any]) -> WorkPermit:
    return WorkPermit(
        id=doc["_id"],
        org_id=doc["org_id"],
        version=int(doc["version"]),
        talent_id=doc["talent_id"],
        number=doc["number"],
        expires_on=date.fromisoformat(doc["expires_on"]),
        issued_on=date.fromisoformat(issued) if (issued := doc.get("issued_on")) else None,
    )


def _film_permit_doc(p: FilmPermit) -> dict[str, Any]:
    return {
        "_id": p.id,
        "org_id": p.org_id,
        "production_id": p.production_id,
        "location_name": p.location_name,
        "dates": [d.isoformat() for d in p.dates],
        "high_impact": p.high_impact,
        "requested_at": p.requested_at.isoformat(),
        "ready_by": p.ready_by.isoformat(),
    }


def _film_permit(doc: Mapping[str, Any]) -> FilmPermit:
    return FilmPermit(
        id=doc["_id"],
        org_id=doc["org_id"],
        version=int(doc["version"]),
        production_id=doc["production_id"],
        location_name=doc["location_name"],
        dates=tuple(date.fromisoformat(d) for d in doc["dates"]),
        high_impact=bool(doc["high_impact"]),
        requested_at=datetime.fromisoformat(doc["requested_at"]),
        ready_by=date.fromisoformat(doc["ready_by"]),
    )


def _certificate_doc(c: InsuranceCertificate) -> dict[str, Any]:
    return {
        "_id": c.id,
        "org_id": c.org_id,
        "production_id": c.production_id,
        "insurer": c.insurer,
        "policy_number": c.policy_number,
        "general_liability_limit": str(c.general_liability_limit),
        "additional_insureds": list(c.additional_insureds),
        "effective_on": c.effective_on.isoformat(),
        "expires_on": c.expires_on.isoformat(),
    }


def _certificate(doc: Mapping[str, Any]) -> InsuranceCertificate:
    return InsuranceCertificate(
        id=doc["_id"],
        org_id=doc["org_id"],
        version=int(doc["version"]),
        production_id=doc["production_id"],
        insurer=doc["insurer"],
        policy_number=doc["policy_number"],
        general_liability_limit=Decimal(doc["general_liability_limit"]),
        additional_insureds=tuple(doc["additional_insureds"]),
        effective_on=date.fromisoformat(doc["effective_on"]),
        expires_on=date.fromisoformat(doc["expires_on"]),
    )


def _assessment_doc(a: ClassificationAssessment) -> dict[str, Any]:
    return {
        "_id": a.id,
        "org_id": a.org_id,
        "engagement_id": a.engagement_id,
        "answers": vars(a.answers),
        "determination": a.determination.value,
        "reasons": list(a.reasons),
        "assessed_by": a.assessed_by,
    }


def _assessment(doc: Mapping[str, Any]) -> ClassificationAssessment:
    return ClassificationAssessment(
        id=doc["_id"],
        org_id=doc["org_id"],
        version=int(doc["version"]),
        engagement_id=doc["engagement_id"],
        answers=Answers(**doc["answers"]),
        determination=Determination(doc["determination"]),
        reasons=tuple(doc["reasons"]),
        assessed_by=doc["assessed_by"],
    )


def _coogan_doc(a: CooganAccount) -> dict[str, Any]:
    return {
        "_id": a.id,
        "org_id": a.org_id,
        "talent_id": a.talent_id,
        "institution": a.institution,
        "account_last4": a.account_last4,
        "trustee_statement_on": (
            a.trustee_statement_on.isoformat() if a.trustee_statement_on else None
        ),
    }


def _coogan(doc: Mapping[str, Any]) -> CooganAccount:
    return CooganAccount(
        id=doc["_id"],
        org_id=doc["org_id"],
        version=int(doc["version"]),
        talent_id=doc["talent_id"],
        institution=doc["institution"],
        account_last4=doc["account_last4"],
        trustee_statement_on=(
            date.fromisoformat(on) if (on := doc.get("trustee_statement_on")) else None
        ),
    )


def _freelance_doc(c: FreelanceContract) -> dict[str, Any]:
    def day(d: date | None) -> str | None:
        return d.isoformat() if d else None

    return {
        "_id": c.id,
        "org_id": c.org_id,
        "production_id": c.production_id,
        "freelancer_name": c.freelancer_name,
        "freelancer_key": c.freelancer_key,
        "freelancer_address": c.freelancer_address,
        "hiring_party_name": c.hiring_party_name,
        "hiring_party_address": c.hiring_party_address,
        "services": [
            {"description": s.description, "value": str(s.value), "rate_method": s.rate_method}
            for s in c.services
        ],
        "contracted_on": c.contracted_on.isoformat(),
        "payment_due_on": day(c.payment_due_on),
        "invoice_due_on": day(c.invoice_due_on),
        "completed_on": day(c.completed_on),
        "written": c.written,
        "paid_on": day(c.paid_on),
    }


def _freelance(doc: Mapping[str, Any]) -> FreelanceContract:
    def day(name: str) -> date | None:
        return date.fromisoformat(v) if (v := doc.get(name)) else None

    return FreelanceContract(
        id=doc["_id"],
        org_id=doc["org_id"],
        version=int(doc["version"]),
        production_id=doc["production_id"],
        freelancer_name=doc["freelancer_name"],
        freelancer_address=doc["freelancer_address"],
        hiring_party_name=doc["hiring_party_name"],
        hiring_party_address=doc["hiring_party_address"],
        services=tuple(
            ServiceLine(s["description"], Decimal(s["value"]), s["rate_method"])
            for s in doc["services"]
        ),
        contracted_on=date.fromisoformat(doc["contracted_on"]),
        payment_due_on=day("payment_due_on"),
        invoice_due_on=day("invoice_due_on"),
        completed_on=day("completed_on"),
        written=bool(doc["written"]),
        paid_on=day("paid_on"),
    )


def _teacher_doc(a: StudioTeacherAssignment) -> dict[str, Any]:
    return {
        "_id": a.id,
        "org_id": a.org_id,
        "production_id": a.production_id,
        "day": a.day.isoformat(),
        "name": a.name,
        "credential_expires_on": a.credential_expires_on.isoformat(),
    }


def _teacher(doc: Mapping[str, Any]) -> StudioTeacherAssignment:
    return StudioTeacherAssignment(
        id=doc["_id"],
        org_id=doc["org_id"],
        version=int(doc["version"]),
        production_id=doc["production_id"],
        day=date.fromisoformat(doc["day"]),
        name=doc["name"],
        credential_expires_on=date.fromisoformat(doc["credential_expires_on"]),
    )


@dataclass(frozen=True)
class StoredDocument:
    sha256: str
    contract_id: str
    pdf: bytes


class LegalStore:
    """Contracts (one per booking, id derived from it) and work permits, per organisation."""

    CONTRACTS = "contracts"
    PERMITS = "work_permits"
    # Rendered PDFs, content-addressed: the id is the SHA-256 of the bytes.
    DOCUMENTS = "documents"
    FILM_PERMITS = "film_permits"
    CERTIFICATES = "insurance_certificates"
    ASSESSMENTS = "classification_assessments"
    # The age band casting gave at the booking gate, by booking id: a read-model copy (not an
    # aggregate) the shoot-day report counts minors by. Never a birth date.
    BOOKING_BANDS = "booking_bands"
    COOGAN_ACCOUNTS = "coogan_accounts"
    FREELANCE = "freelance_contracts"
    TEACHERS = "studio_teachers"
    outbox_collections = (
        CONTRACTS,
        PERMITS,
        FILM_PERMITS,
        CERTIFICATES,
        ASSESSMENTS,
        COOGAN_ACCOUNTS,
        FREELANCE,
        TEACHERS,
    )

    def __init__(self, database: Database, outbox: Outbox) -> None:
        self._database = database
        self._contracts = Aggregates(
            database.repository(self.CONTRACTS), outbox, _contract_doc, _contract
        )
        self._permits = Aggregates(database.repository(self.PERMITS), outbox, _permit_doc, _permit)
        self._documents = database.repository(self.DOCUMENTS)
        self._bands = database.repository(self.BOOKING_BANDS)
        self._teachers = Aggregates(
            database.repository(self.TEACHERS), outbox, _teacher_doc, _teacher
        )
        self._freelance = Aggregates(
            database.repository(self.FREELANCE), outbox, _freelance_doc, _freelance
        )
        self._coogan = Aggregates(
            database.repository(self.COOGAN_ACCOUNTS), outbox, _coogan_doc, _coogan
        )
        self._film_permits = Aggregates(
            database.repository(self.FILM_PERMITS), outbox, _film_permit_doc, _film_permit
        )
        self._certificates = Aggregates(
            database.repository(self.CERTIFICATES), outbox, _certificate_doc, _certificate
        )
        self._assessments = Aggregates(
            database.repository(self.ASSESSMENTS), outbox, _assessment_doc, _assessment
        )

    async def ensure_indexes(self) -> None:
        await self._database.ensure_indexes(
            {
                self.CONTRACTS: [
                    *self._contracts.repo.indexes(),
                    IndexSpec([("org_id", 1), ("booking_id", 1)]),
                    IndexSpec([("org_id", 1), ("production_id", 1)]),
                    IndexSpec([("org_id", 1), ("link.token_sha256", 1)]),
                ],
                self.DOCUMENTS: [*self._documents.indexes()],
                self.BOOKING_BANDS: [*self._bands.indexes()],
                self.TEACHERS: [
                    *self._teachers.repo.indexes(),
                    IndexSpec([("org_id", 1), ("production_id", 1)]),
                ],
                self.FREELANCE: [
                    *self._freelance.repo.indexes(),
                    IndexSpec([("org_id", 1), ("production_id", 1)]),
                    IndexSpec([("org_id", 1), ("freelancer_key", 1)]),
                ],
                self.COOGAN_ACCOUNTS: [
                    *self._coogan.repo.indexes(),
                    IndexSpec([("org_id", 1), ("talent_id", 1)]),
                ],
                self.FILM_PERMITS: [
                    *self._film_permits.repo.indexes(),
                    IndexSpec([("org_id", 1), ("production_id", 1)]),
                ],
                self.ASSESSMENTS: [
                    *self._assessments.repo.indexes(),
                    IndexSpec([("org_id", 1), ("engagement_id", 1)]),
                ],
                self.CERTIFICATES: [
                    *self._certificates.repo.indexes(),
                    IndexSpec([("org_id", 1), ("production_id", 1)]),
                ],
                self.PERMITS: [
                    *self._permits.repo.indexes(),
                    IndexSpec([("org_id", 1), ("talent_id", 1)]),
                ],
            }
        )

    def _of(
        self,
        aggregate: Contract
        | WorkPermit
        | FilmPermit
        | InsuranceCertificate
        | ClassificationAssessment
        | CooganAccount
        | FreelanceContract
        | StudioTeacherAssignment,
    ) -> Aggregates[Any]:
        if isinstance(aggregate, StudioTeacherAssignment):
            return self._teachers
        if isinstance(aggregate, FreelanceContract):
            return self._freelance
        if isinstance(aggregate, CooganAccount):
            return self._coogan
        if isinstance(aggregate, ClassificationAssessment):
            return self._assessments
        if isinstance(aggregate, Contract):
            return self._contracts
        if isinstance(aggregate, WorkPermit):
            return self._permits
        if isinstance(aggregate, FilmPermit):
            return self._film_permits
        return self._certificates

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

    async def contract_by_link(self, org_id: str, token_sha256: str) -> Contract | None:
        """The organisation's contract whose signing link has this token hash."""
        found = await self._contracts.find(org_id, {"link.token_sha256": token_sha256}, limit=1)
        return found[0] if found else None

    async def put_document(self, org_id: str, sha256: str, contract_id: str, pdf: bytes) -> None:
        """Keep a rendered PDF under its hash (the same bytes twice are stored once)."""
        doc = {
            "_id": sha256,
            "org_id": org_id,
            "contract_id": contract_id,
            "pdf": base64.b64encode(pdf).decode("ascii"),
        }
        try:
            await self._documents.insert(doc)
        except DuplicateKey:
            return

    async def document(self, org_id: str, sha256: str) -> StoredDocument | None:
        """The organisation's PDF with this hash, if legal rendered one."""
        doc = await self._documents.get(org_id, sha256)
        if doc is None:
            return None
        return StoredDocument(sha256, doc["contract_id"], base64.b64decode(doc["pdf"]))

    async def film_permits(self, org_id: str, production_id: str) -> list[FilmPermit]:
        return await self._film_permits.find(org_id, {"production_id": production_id})

    async def certificates(self, org_id: str, production_id: str) -> list[InsuranceCertificate]:
        return await self._certificates.find(org_id, {"production_id": production_id})

    async def remember_band(self, org_id: str, booking_id: str, band: str) -> None:
        """Keep the age band casting gave for a booking (the latest answer wins)."""
        await self._bands.upsert(org_id, booking_id, {"band": band})

    async def bands(self, org_id: str, booking_ids: Sequence[str]) -> dict[str, str]:
        """The remembered band of each booking that has one, by booking id."""
        found = await self._bands.get_many(org_id, list(booking_ids))
        return {booking_id: str(doc["band"]) for booking_id, doc in found.items()}

    async def coogan_accounts(self, org_id: str, talent_id: str) -> list[CooganAccount]:
        return await self._coogan.find(org_id, {"talent_id": talent_id}, limit=20)

    async def freelance_contract(self, org_id: str, contract_id: str) -> FreelanceContract | None:
        return await self._freelance.get(org_id, contract_id)

    async def freelance_of_production(
        self, org_id: str, production_id: str
    ) -> list[FreelanceContract]:
        return await self._freelance.find(org_id, {"production_id": production_id}, limit=500)

    async def freelance_of(self, org_id: str, keys: Sequence[str]) -> list[FreelanceContract]:
        """The organisation's engagements of these freelancers (for the 120-day aggregate)."""
        return await self._freelance.find_in(org_id, "freelancer_key", list(keys))

    async def studio_teachers(
        self, org_id: str, production_id: str
    ) -> list[StudioTeacherAssignment]:
        return await self._teachers.find(org_id, {"production_id": production_id}, limit=1000)
