"""Legal's use cases: the booking gate, contracts drafted from bookings, work permits."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from slate import authz
from slate.audit import AuditLog
from slate.auth import Principal
from slate.errors import Forbidden, NotFound, UserError, field_errors
from slate.events.snapshots import BookingSnapshot
from slate.ids import derived_id, new_id
from slate.mongo import DuplicateKey

from legal import documents
from legal.domain import minors, templates
from legal.domain.classification import Answers, ClassificationAssessment
from legal.domain.compliance import (
    LINK_REFUSED,
    BookingFacts,
    Contract,
    Issue,
    SigningRefused,
    WorkPermit,
    check_booking,
)
from legal.domain.coogan import CooganAccount
from legal.domain.freelance import FreelanceContract
from legal.domain.permits import FilmPermit, InsuranceCertificate
from legal.domain.report import BLOCKING, Item, freelance_rule, report
from legal.domain.teachers import StudioTeacherAssignment, teachers_by_day
from legal.store import LegalStore, StoredDocument

READERS = ("producer", "legal", "casting", "accounting")
# Documents are confidential: the production's legal and producer roles, and the performer who
# is a party (checked per contract), read them.
DOCUMENT_READERS = ("producer", "legal")
PERMISSIONS: dict[str, tuple[str, ...]] = {
    "recordWorkPermit": ("legal", "producer"),
    "sendContract": ("legal", "producer"),
    "draftContract": ("legal", "producer"),
    # A parent or guardian (the minor's talent token) may record their own child's account.
    "recordCooganAccount": ("legal", "producer", "talent"),
    "recordFreelanceContract": ("legal", "producer", "accounting"),
    "recordFreelancePayment": ("accounting", "producer"),
    "scheduleStudioTeacher": ("legal", "producer"),
    "contractTemplates": READERS,
    # Only a talent can sign, and only with their own contract's link (checked per contract).
    "signContract": ("talent",),
    "countersignContract": ("producer",),
    "verifyDocument": ("legal", "producer", "talent"),
    "requestFilmPermit": ("legal", "producer"),
    "recordInsuranceCertificate": ("legal", "producer"),
    "complianceReport": ("legal", "producer"),
    "assessClassification": ("legal", "producer", "accounting"),
    # CheckBooking serves confirmBooking: the roles that may confirm, and legal itself.
    "CheckBooking": ("producer", "casting", "legal"),
    # ProductionBlockers serves scheduling's stage gate: whoever may read the report.
    "ProductionBlockers": ("producer", "legal"),
    # A talent reads only their own contracts (checked per contract).
    "contract": (*READERS, "talent"),
    "contracts": READERS,
}
LOS_ANGELES = ZoneInfo("America/Los_Angeles")
# The service as a producer (ce_source) and as the actor when it reacts to an event.
SERVICE = "slate-legal"


def _now() -> datetime:
    return datetime.now(UTC)


def _today() -> date:
    return _now().date()


def token_hash(token: str) -> str:
    """Only this is stored: a leaked database does not hand out signing links."""
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class Verification:
    """Whether a hash is exactly a document someone signed, which contract and when."""

    valid: bool
    contract_id: str | None = None
    signed_at: datetime | None = None


def contract_id_of(booking_id: str) -> str:
    """A booking has one contract, whose id derives from the booking's (a replay finds it)."""
    return derived_id("con", booking_id)


class Legal:
    def __init__(
        self,
        store: LegalStore,
        audit: AuditLog,
        *,
        today: Callable[[], date] = _today,
        now: Callable[[], datetime] = _now,
        signing_url: str = "/sign/",
    ) -> None:
        self._store = store
        self._audit = audit
        self._today = today
        self._now = now
        self._signing_url = signing_url

    # ----------------------------------------------------------------------- queries

    async def check_booking(
        self,
        *,
        org_id: str,
        talent_id: str,
        is_minor: bool,
        union: str,
        work_dates: Sequence[str],
        age_band: str = "",
        booking_id: str = "",
    ) -> list[Issue]:
        """What stands between this booking and confirmation (blocking) and what to watch;
        only the booking organisation's permits count. A minor is judged by the age band
        casting derived (never a birth date); legal keeps the band by booking for the
        shoot-day report."""
        if not minors.is_band(age_band):
            raise UserError(f"not an age band: {age_band[:20]!r}", field="ageBand")
        facts = BookingFacts(
            talent_id=talent_id,
            is_minor=is_minor,
            union=union,
            work_dates=tuple(date.fromisoformat(d) for d in work_dates),
            age_band=age_band,
        )
        issues = check_booking(facts, await self._store.permits_for(org_id, talent_id))
        if any(i.code == "COOGAN_ACCOUNT_REQUIRED" for i in issues) and (
            await self._store.coogan_accounts(org_id, talent_id)
        ):
            issues = [i for i in issues if i.code != "COOGAN_ACCOUNT_REQUIRED"]
        if booking_id and age_band:
            await self._store.remember_band(org_id, booking_id, age_band)
        return issues

    async def contract(self, org_id: str, contract_id: str) -> Contract | None:
        """The organisation's contract with this id, or None."""
        return await self._store.contract(org_id, contract_id)

    async def contract_for(self, principal: Principal, contract_id: str) -> Contract | None:
        """The contract if the caller may see it: the organisation's readers, or the talent
        who is its party (another talent's contract is None, as if it did not exist)."""
        found = await self._store.contract(principal.org, contract_id)
        return found if found is not None and self.may_read(principal, found) else None

    @staticmethod
    def may_read(principal: Principal, contract: Contract) -> bool:
        """The organisation's readers, or the talent who is the contract's party."""
        return principal.has_any(*READERS) or principal.is_talent(contract.talent_id)

    def may_read_document(self, principal: Principal, contract: Contract) -> bool:
        """The production's legal and producer roles, and the performer who is a party."""
        return principal.org == contract.org_id and (
            principal.has_any(*DOCUMENT_READERS) or principal.is_talent(contract.talent_id)
        )

    async def document(self, principal: Principal, contract: Contract) -> StoredDocument | None:
        """The contract's PDF (the executed copy once countersigned) for a party or the
        production's legal/producer roles; Forbidden for anyone else. Every read of a signed
        document is audited."""
        if not self.may_read_document(principal, contract):
            raise Forbidden("only the parties, legal and producers read contract documents")
        sha = contract.executed_sha256 or contract.document_sha256
        if sha is None:
            return None
        found = await self._store.document(contract.org_id, sha)
        if found is not None and contract.signed:
            await self._audit.record(
                principal, "readSignedDocument", contract.id, {"sha256": found.sha256}
            )
        return found

    async def verify_document(self, principal: Principal, sha256: str) -> Verification:
        """Whether `sha256` is exactly the PDF a performer signed (or its executed copy) in the
        caller's organisation; a talent learns only about their own contracts."""
        authz.require(principal, PERMISSIONS["verifyDocument"], "verifyDocument")
        digest = sha256.strip().lower()
        stored = await self._store.document(principal.org, digest)
        contract = await self._store.contract(principal.org, stored.contract_id) if stored else None
        if (
            contract is None
            or not contract.signed
            or digest not in (contract.document_sha256, contract.executed_sha256)
            or not self.may_read_document(principal, contract)
        ):
            return Verification(False)
        return Verification(True, contract.id, contract.signed_at())

    async def compliance_report(
        self, principal: Principal, production_id: str, day: str | None = None
    ) -> list[Item]:
        """The production's compliance items for one shoot day, or all of them."""
        authz.require(principal, PERMISSIONS["complianceReport"], "complianceReport")
        on: date | None = None
        if day is not None:
            try:
                on = date.fromisoformat(day)
            except ValueError:
                raise UserError(f"not an ISO date: {day!r}", field="date") from None
        return await self._report(principal.org, production_id, on)

    async def production_blockers(self, org_id: str, production_id: str) -> list[Item]:
        """Only the blocking items of the production's report over all its shoot days (the
        caller was authorized by the RPC layer for `org_id`)."""
        items = await self._report(org_id, production_id, None)
        return [i for i in items if i.severity == BLOCKING]

    async def _report(self, org_id: str, production_id: str, on: date | None) -> list[Item]:
        contracts = await self._store.contracts_by_production(org_id, [production_id])
        permits = await self._store.film_permits(org_id, production_id)
        certificates = await self._store.certificates(org_id, production_id)
        bands = await self._store.bands(org_id, [c.booking_id for c in contracts if c.is_minor])
        teachers = teachers_by_day(await self._store.studio_teachers(org_id, production_id))
        items = report(contracts, permits, certificates, on, bands, teachers)
        if on is None:  # the production's own items, not a shoot day's
            freelance = await self._store.freelance_of_production(org_id, production_id)
            earlier = await self._store.freelance_of(
                org_id, sorted({c.freelancer_key for c in freelance})
            )
            items += freelance_rule(freelance, earlier, self._today())
        return items

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
        self,
        principal: Principal,
        *,
        talent_id: str,
        number: str,
        expires_on: str,
        issued_on: str | None = None,
    ) -> WorkPermit:
        """Record a minor's Entertainment Work Permit for the caller's organisation (at most
        six months from its issue date; the booking gate counts it only from that date)."""
        authz.require(principal, PERMISSIONS["recordWorkPermit"], "recordWorkPermit")
        with field_errors():
            permit = WorkPermit.register(
                id=new_id("wpm"),
                org_id=principal.org,
                talent_id=talent_id,
                number=number,
                expires_on=expires_on,
                issued_on=issued_on,
                today=self._today(),
            )
        saved = await self._store.add(permit)
        await self._audit.record(principal, "recordWorkPermit", saved.id)
        return saved

    async def draft_document(
        self,
        principal: Principal,
        *,
        production_id: str,
        template: str,
        counterparty: str,
        talent_id: str = "",
        fee: str = "0",
        currency: str = "USD",
        unit: str = "FLAT",
        terms: Mapping[str, str] | None = None,
        digital_replica: tuple[str, str] | None = None,
    ) -> Contract:
        """Draft a document (deal memo, location agreement, NDA, music license, release, talent
        agreement) from the current version of a template, for sending and signing like a
        booking's contract."""
        authz.require(principal, PERMISSIONS["draftContract"], "draftContract")
        if not production_id.startswith("prd_"):
            raise UserError("not a production id", field="productionId")
        with field_errors():
            contract = templates.draft_document(
                new_id("con"),
                org_id=principal.org,
                production_id=production_id,
                template=template,
                counterparty=counterparty,
                talent_id=talent_id,
                fee=fee,
                currency=currency,
                unit=unit,
                terms=terms or {},
                replica=digital_replica,
            )
        saved = await self._store.add(contract)
        await self._audit.record(
            principal, "draftContract", saved.id, {"template": saved.template_version}
        )
        return saved

    def contract_templates(self, principal: Principal) -> list[templates.Template]:
        """The templates a document can be drafted from (their current versions)."""
        authz.require(principal, PERMISSIONS["contractTemplates"], "contractTemplates")
        return list(templates.TEMPLATES.values())

    async def record_coogan_account(
        self,
        principal: Principal,
        *,
        talent_id: str,
        institution: str,
        account_number: str,
        trustee_statement_on: str | None = None,
    ) -> CooganAccount:
        """Record a minor's Coogan trust account (legal keeps the institution and the last four
        digits only; the number is never logged or audited). Legal, producers, or the talent
        themselves (a parent acting with the minor's token)."""
        authz.require(principal, PERMISSIONS["recordCooganAccount"], "recordCooganAccount")
        if not principal.has_any("legal", "producer") and not principal.is_talent(talent_id):
            raise Forbidden("a talent records only their own Coogan account")
        with field_errors():
            account = CooganAccount.record_account(
                id=new_id("cgn"),
                org_id=principal.org,
                talent_id=talent_id,
                institution=institution,
                account_number=account_number,
                trustee_statement_on=trustee_statement_on,
                today=self._today(),
            )
        saved = await self._store.add(account)
        await self._audit.record(principal, "recordCooganAccount", saved.id)
        return saved

    async def record_freelance_contract(
        self,
        principal: Principal,
        *,
        production_id: str,
        freelancer_name: str,
        freelancer_address: str,
        hiring_party_name: str,
        hiring_party_address: str,
        services: Sequence[tuple[str, str, str]],
        contracted_on: str,
        written: bool,
        payment_due_on: str | None = None,
        invoice_due_on: str | None = None,
        completed_on: str | None = None,
    ) -> FreelanceContract:
        """Record a freelancer's engagement and its contract's terms (SB 988); the compliance
        report names missing terms and raises payments past their deadline."""
        authz.require(principal, PERMISSIONS["recordFreelanceContract"], "recordFreelanceContract")
        with field_errors():
            contract = FreelanceContract.record_contract(
                id=new_id("fre"),
                org_id=principal.org,
                production_id=production_id,
                freelancer_name=freelancer_name,
                freelancer_address=freelancer_address,
                hiring_party_name=hiring_party_name,
                hiring_party_address=hiring_party_address,
                services=services,
                contracted_on=contracted_on,
                written=written,
                payment_due_on=payment_due_on,
                invoice_due_on=invoice_due_on,
                completed_on=completed_on,
            )
        saved = await self._store.add(contract)
        await self._audit.record(principal, "recordFreelanceContract", saved.id)
        return saved

    async def record_freelance_payment(
        self, principal: Principal, contract_id: str, paid_on: str
    ) -> FreelanceContract:
        """The freelancer was paid on `paid_on` (payroll's pay-run event names no
        engagements yet, so accounting records it)."""
        authz.require(principal, PERMISSIONS["recordFreelancePayment"], "recordFreelancePayment")
        contract = await self._store.freelance_contract(principal.org, contract_id)
        if contract is None:
            raise NotFound("no such freelance contract", field="contractId")
        with field_errors():
            contract.paid(paid_on)
        saved = await self._store.save(contract)
        await self._audit.record(principal, "recordFreelancePayment", saved.id)
        return saved

    async def schedule_studio_teacher(
        self,
        principal: Principal,
        *,
        production_id: str,
        day: str,
        name: str,
        credential_expires_on: str,
    ) -> StudioTeacherAssignment:
        """A certified studio teacher on a shoot day; the day's report counts them toward
        the minors' ratio (8 CCR §11755.2)."""
        authz.require(principal, PERMISSIONS["scheduleStudioTeacher"], "scheduleStudioTeacher")
        with field_errors():
            assignment = StudioTeacherAssignment.schedule(
                id=new_id("stt"),
                org_id=principal.org,
                production_id=production_id,
                day=day,
                name=name,
                credential_expires_on=credential_expires_on,
            )
        saved = await self._store.add(assignment)
        await self._audit.record(principal, "scheduleStudioTeacher", saved.id)
        return saved

    async def send_contract(self, principal: Principal, contract_id: str) -> tuple[Contract, str]:
        """Render the contract to PDF, keep it under its SHA-256 and send it: a new single-use
        signing link, returned once (only its hash is stored)."""
        authz.require(principal, PERMISSIONS["sendContract"], "sendContract")
        contract = await self._store.contract(principal.org, contract_id)
        if contract is None:
            raise NotFound("no such contract", field="contractId")
        pdf = documents.render(contract)
        sha = documents.sha256(pdf)
        token = secrets.token_urlsafe(32)
        with field_errors():
            contract.send(document_sha256=sha, token_sha256=token_hash(token), now=self._now())
        await self._store.put_document(contract.org_id, sha, contract.id, pdf)
        saved = await self._store.save(contract)
        await self._audit.record(principal, "sendContract", saved.id, {"sha256": sha})
        return saved, f"{self._signing_url}{token}"

    async def sign_contract(
        self,
        principal: Principal,
        *,
        signing_token: str,
        signer_name: str,
        consent: bool,
        ip: str | None = None,
        user_agent: str | None = None,
    ) -> Contract:
        """The performer signs through their link. An unknown, used, expired or someone else's
        link gets one answer that reveals nothing of the document; the attempt is audited."""
        authz.require(principal, PERMISSIONS["signContract"], "signContract")
        digest = token_hash(signing_token)
        contract = await self._store.contract_by_link(principal.org, digest)
        try:
            if contract is None:
                raise SigningRefused()
            with field_errors():
                contract.sign(
                    token_sha256=digest,
                    talent_id=principal.talent_id,
                    signer_id=principal.sub,
                    signer_name=signer_name,
                    consent=consent,
                    now=self._now(),
                    ip=ip,
                    user_agent=user_agent,
                )
        except SigningRefused:
            await self._audit.record(principal, "signContractRefused", f"link_{digest[:16]}")
            raise UserError(LINK_REFUSED, field="signingToken") from None
        saved = await self._store.save(contract)
        await self._audit.record(
            principal, "signContract", saved.id, {"sha256": saved.document_sha256}
        )
        return saved

    async def countersign_contract(
        self, principal: Principal, contract_id: str, signer_name: str | None = None
    ) -> Contract:
        """The producer countersigns a signed contract; the executed copy (the document and
        its signature page) is rendered and kept under its own hash."""
        authz.require(principal, PERMISSIONS["countersignContract"], "countersignContract")
        contract = await self._store.contract(principal.org, contract_id)
        if contract is None:
            raise NotFound("no such contract", field="contractId")
        if contract.is_minor and not await self._store.coogan_accounts(
            contract.org_id, contract.talent_id
        ):
            raise UserError(
                "a minor's contract is countersigned only once the minor's Coogan trust "
                "account is on file (Cal. Family Code §§6752-6753: 15% of gross earnings set "
                "aside): recordCooganAccount first",
                field="contractId",
                code="CONFLICT",
            )
        with field_errors():
            contract.countersign(
                signer_id=principal.sub, signer_name=signer_name or principal.sub, now=self._now()
            )
        executed = documents.render_executed(contract)
        sha = documents.sha256(executed)
        contract.executed(sha)
        await self._store.put_document(contract.org_id, sha, contract.id, executed)
        saved = await self._store.save(contract)
        await self._audit.record(principal, "countersignContract", saved.id, {"sha256": sha})
        return saved

    async def request_film_permit(
        self,
        principal: Principal,
        *,
        production_id: str,
        location_name: str,
        dates: Sequence[str],
        high_impact: bool,
    ) -> FilmPermit:
        """Apply for a film permit: when it can be ready follows FilmLA's lead times, counted in
        Los Angeles time (an application after 10 a.m. counts from the next business day)."""
        authz.require(principal, PERMISSIONS["requestFilmPermit"], "requestFilmPermit")
        with field_errors():
            permit = FilmPermit.request(
                id=new_id("fpm"),
                org_id=principal.org,
                production_id=production_id,
                location_name=location_name,
                dates=dates,
                high_impact=high_impact,
                now=self._now().astimezone(LOS_ANGELES),
            )
        saved = await self._store.add(permit)
        await self._audit.record(
            principal, "requestFilmPermit", saved.id, {"readyBy": saved.ready_by.isoformat()}
        )
        return saved

    async def record_insurance_certificate(
        self,
        principal: Principal,
        *,
        production_id: str,
        insurer: str,
        policy_number: str,
        general_liability_limit: str,
        additional_insureds: Sequence[str],
        effective_on: str,
        expires_on: str,
    ) -> InsuranceCertificate:
        """Keep a production's certificate of insurance (its adequacy is reported, not
        refused)."""
        authz.require(
            principal, PERMISSIONS["recordInsuranceCertificate"], "recordInsuranceCertificate"
        )
        with field_errors():
            certificate = InsuranceCertificate.record_certificate(
                id=new_id("coi"),
                org_id=principal.org,
                production_id=production_id,
                insurer=insurer,
                policy_number=policy_number,
                general_liability_limit=general_liability_limit,
                additional_insureds=additional_insureds,
                effective_on=effective_on,
                expires_on=expires_on,
            )
        saved = await self._store.add(certificate)
        await self._audit.record(principal, "recordInsuranceCertificate", saved.id)
        return saved

    async def assess_classification(
        self, principal: Principal, engagement_id: str, answers: Answers
    ) -> ClassificationAssessment:
        """An engagement's ABC-test assessment (Labor Code §2775, §2780 exemptions), kept and
        audited; each assessment is a new record."""
        authz.require(principal, PERMISSIONS["assessClassification"], "assessClassification")
        with field_errors():
            assessment = ClassificationAssessment.assess(
                id=new_id("cls"),
                org_id=principal.org,
                engagement_id=engagement_id,
                answers=answers,
                assessed_by=principal.sub,
            )
        saved = await self._store.add(assessment)
        await self._audit.record(
            principal,
            "assessClassification",
            saved.id,
            {"engagementId": saved.engagement_id, "determination": saved.determination.value},
        )
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
