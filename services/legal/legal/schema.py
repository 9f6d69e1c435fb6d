"""Legal's subgraph: contracts and work permits; adds `contract` to Booking and `contracts` to
Production."""

from __future__ import annotations

import base64
from datetime import datetime

import strawberry
from graphql import GraphQLError
from slate.errors import UserError as DomainUserError
from slate.graphql import (
    ExtendedEntity,
    GraphQLContext,
    SubgraphSchema,
    UserError,
    attempt,
    authorize,
    org_loader,
)
from strawberry.dataloader import DataLoader
from strawberry.types import Info

from legal.domain import classification, compliance, freelance, permits
from legal.usecases import PERMISSIONS, Legal

Ctx = Info[GraphQLContext[Legal], None]


# The domain's enum is the GraphQL enum (strawberry marks the class; nothing else changes).
strawberry.enum(compliance.ContractStatus, name="ContractStatus")


@strawberry.type(description="One party's electronic signature.")
class Signature:
    party: str
    signer_name: str
    signed_at: datetime
    document_sha256: str = strawberry.field(
        description="SHA-256 (hex) of the exact PDF bytes signed."
    )


@strawberry.type(description="One filled-in term of a document's template.")
class ContractTerm:
    name: str
    value: str


@strawberry.type(description="Digital-replica terms (Cal. Labor Code §927).")
class DigitalReplicaTerms:
    uses: str = strawberry.field(description="The reasonably specific intended uses.")
    represented_by: str = strawberry.field(description="COUNSEL or UNION.")


@strawberry.type(description="A template documents are drafted from, at its current version.")
class ContractTemplate:
    id: str = strawberry.field(description="Versioned id, e.g. location-agreement/v1.")
    title: str
    terms: list[str] = strawberry.field(description="The terms a draft must fill in.")
    signed_by_talent: bool = strawberry.field(
        description="Whether a talent signs it through the signing link."
    )
    digital_replica: bool = strawberry.field(
        description="Whether it may carry digital-replica terms."
    )


@strawberry.type(
    description="A contract, deal memo, license or release: a booking's performer contract, "
    "or a document drafted from a template."
)
class Contract:
    id: strawberry.ID
    status: compliance.ContractStatus
    template: str
    template_version: str
    booking_id: strawberry.ID
    role_name: str
    counterparty_name: str = strawberry.field(
        description="The other party of a document drafted from a template (empty for a "
        "booking's contract, whose party is the booked talent)."
    )
    terms: list[ContractTerm]
    digital_replica: DigitalReplicaTerms | None = strawberry.field(
        description="Digital-replica rights granted (Labor Code §927); null: none."
    )
    model: strawberry.Private[compliance.Contract]

    @classmethod
    def from_model(cls, c: compliance.Contract) -> Contract:
        return cls(
            id=strawberry.ID(c.id),
            status=c.status,
            template=c.template,
            template_version=c.template_version,
            booking_id=strawberry.ID(c.booking_id),
            role_name=c.role_name,
            counterparty_name=c.counterparty,
            terms=[ContractTerm(name=k, value=v) for k, v in c.terms],
            digital_replica=(
                DigitalReplicaTerms(
                    uses=c.digital_replica.uses, represented_by=c.digital_replica.represented_by
                )
                if c.digital_replica
                else None
            ),
            model=c,
        )

    def _readable(self, info: Ctx) -> bool:
        principal = info.context.principal
        return principal is not None and info.context.services.may_read_document(
            principal, self.model
        )

    @strawberry.field(
        description="The PDF as a data: URL (the executed copy with its signature page once "
        "countersigned); null until sent, and for anyone but the parties, legal and producers. "
        "Every read of a signed document is audited."
    )
    async def pdf_url(self, info: Ctx) -> str | None:
        principal = info.context.principal
        if principal is None or not self._readable(info):
            return None
        found = await info.context.services.document(principal, self.model)
        if found is None:
            return None
        return "data:application/pdf;base64," + base64.b64encode(found.pdf).decode("ascii")

    @strawberry.field(description="SHA-256 (hex) of the PDF sent for signature (parties only).")
    def sha256(self, info: Ctx) -> str | None:
        return self.model.document_sha256 if self._readable(info) else None

    @strawberry.field(description="SHA-256 (hex) of the executed copy (parties only).")
    def executed_sha256(self, info: Ctx) -> str | None:
        return self.model.executed_sha256 if self._readable(info) else None

    @strawberry.field(description="Signatures so far (parties only).")
    def signatures(self, info: Ctx) -> list[Signature] | None:
        if not self._readable(info):
            return None
        return [
            Signature(
                party=s.party,
                signer_name=s.signer_name,
                signed_at=s.signed_at,
                document_sha256=s.document_sha256,
            )
            for s in self.model.signatures
        ]


@strawberry.type(description="Whether a SHA-256 is exactly a document a performer signed.")
class DocumentVerification:
    valid: bool
    contract_id: strawberry.ID | None
    signed_at: datetime | None


@strawberry.type(description="A minor's Entertainment Work Permit.")
class WorkPermit:
    id: strawberry.ID
    talent_id: strawberry.ID
    number: str
    expires_on: str
    issued_on: str | None

    @classmethod
    def from_model(cls, p: compliance.WorkPermit) -> WorkPermit:
        return cls(
            id=strawberry.ID(p.id),
            talent_id=strawberry.ID(p.talent_id),
            number=p.number,
            expires_on=p.expires_on.isoformat(),
            issued_on=p.issued_on.isoformat() if p.issued_on else None,
        )


def contract_of_booking(info: Ctx) -> DataLoader[str, compliance.Contract | None]:
    # The talent too (`contract` readers): the resolver keeps only their own contracts, so the
    # portal can show a contract waiting for the booked talent's signature.
    return org_loader(info, PERMISSIONS["contract"], lambda legal: legal.contract_by_booking)


def contracts_of_production(info: Ctx) -> DataLoader[str, list[compliance.Contract] | None]:
    return org_loader(info, PERMISSIONS["contracts"], lambda legal: legal.contracts_by_production)


@strawberry.federation.type(keys=["id"])
class Booking(ExtendedEntity):
    id: strawberry.ID

    @strawberry.field(
        description="The booking's contract (legal): for the organisation's readers and the "
        "booked talent; null until drafted, and for any other talent."
    )
    async def contract(self, info: Ctx) -> Contract | None:
        found = await contract_of_booking(info).load(str(self.id))
        if found is None:
            return None
        principal = authorize(info, *PERMISSIONS["contract"])
        return Contract.from_model(found) if Legal.may_read(principal, found) else None


@strawberry.federation.type(keys=["id"])
class Production(ExtendedEntity):
    id: strawberry.ID

    @strawberry.field(description="Contracts of this production (legal).")
    async def contracts(self, info: Ctx) -> list[Contract]:
        found = await contracts_of_production(info).load(str(self.id))
        return [Contract.from_model(c) for c in found or ()]


@strawberry.input
class RecordWorkPermitInput:
    talent_id: strawberry.ID
    number: str
    expires_on: str
    issued_on: str | None = strawberry.field(
        default=None,
        description="ISO date the permit was issued; it is valid from then, for at most six "
        "months (8 CCR §11753(b)).",
    )


@strawberry.type
class RecordWorkPermitPayload:
    work_permit: WorkPermit | None
    user_errors: list[UserError]


@strawberry.type(description="A film permit applied for one location and its dates.")
class FilmPermit:
    id: strawberry.ID
    production_id: strawberry.ID
    location_name: str
    dates: list[str]
    high_impact: bool
    ready_by: str = strawberry.field(
        description="The earliest filming date it can be ready for (FilmLA: 3 business days; "
        "7 for high-impact work; applications after 10 a.m. count from the next business day)."
    )
    ready_in_time: bool = strawberry.field(description="Ready by the first of its dates.")

    @classmethod
    def from_model(cls, p: permits.FilmPermit) -> FilmPermit:
        return cls(
            id=strawberry.ID(p.id),
            production_id=strawberry.ID(p.production_id),
            location_name=p.location_name,
            dates=[d.isoformat() for d in p.dates],
            high_impact=p.high_impact,
            ready_by=p.ready_by.isoformat(),
            ready_in_time=p.ready_in_time,
        )


@strawberry.type(description="A certificate of insurance for a production.")
class InsuranceCertificate:
    id: strawberry.ID
    production_id: strawberry.ID
    insurer: str
    policy_number: str
    general_liability_limit: str
    additional_insureds: list[str]
    effective_on: str
    expires_on: str

    @classmethod
    def from_model(cls, c: permits.InsuranceCertificate) -> InsuranceCertificate:
        return cls(
            id=strawberry.ID(c.id),
            production_id=strawberry.ID(c.production_id),
            insurer=c.insurer,
            policy_number=c.policy_number,
            general_liability_limit=str(c.general_liability_limit),
            additional_insureds=list(c.additional_insureds),
            effective_on=c.effective_on.isoformat(),
            expires_on=c.expires_on.isoformat(),
        )


@strawberry.input
class RequestFilmPermitInput:
    production_id: strawberry.ID
    location_name: str
    dates: list[str]
    high_impact: bool = False


@strawberry.type
class RequestFilmPermitPayload:
    permit: FilmPermit | None
    user_errors: list[UserError]


@strawberry.input
class RecordInsuranceCertificateInput:
    production_id: strawberry.ID
    insurer: str
    policy_number: str
    general_liability_limit: str
    effective_on: str
    expires_on: str
    additional_insureds: list[str] = strawberry.field(default_factory=list)


@strawberry.type
class RecordInsuranceCertificatePayload:
    certificate: InsuranceCertificate | None
    user_errors: list[UserError]


@strawberry.type(description="One rule's finding for a production or shoot day.")
class ComplianceItem:
    code: str
    severity: str = strawberry.field(description="BLOCKING or WARNING.")
    message: str
    source: str
    date: str | None


@strawberry.type
class ComplianceReport:
    production_id: strawberry.ID
    items: list[ComplianceItem]


strawberry.enum(classification.Determination, name="ClassificationDetermination")


@strawberry.input
class ClassificationAnswers:
    free_from_control: bool = strawberry.field(
        description="A: free from control and direction, in contract and in fact."
    )
    outside_usual_course: bool = strawberry.field(
        description="B: the work is outside the usual course of the hiring entity's business."
    )
    independently_established: bool = strawberry.field(
        description="C: customarily engaged in an independently established trade."
    )
    occupation: str = ""
    film_or_tv_unit_crew: bool = False


@strawberry.input
class AssessClassificationInput:
    engagement_id: strawberry.ID
    answers: ClassificationAnswers


@strawberry.type
class AssessClassificationPayload:
    determination: classification.Determination | None
    reasons: list[str]
    user_errors: list[UserError]


@strawberry.type(description="A minor's Coogan trust account (masked: last four digits only).")
class CooganAccount:
    id: strawberry.ID
    talent_id: strawberry.ID
    institution: str
    account_number_masked: str
    trustee_statement_on: str | None


@strawberry.input
class RecordCooganAccountInput:
    talent_id: strawberry.ID
    institution: str
    account_number: str = strawberry.field(description="Legal keeps only its last four digits.")
    trustee_statement_on: str | None = None


@strawberry.type
class RecordCooganAccountPayload:
    coogan_account: CooganAccount | None
    user_errors: list[UserError]


@strawberry.type(description="A freelancer's engagement under SB 988 (B&P Code §18100 ff.).")
class FreelanceContract:
    id: strawberry.ID
    production_id: strawberry.ID
    freelancer_name: str
    total: str
    written: bool
    payment_deadline: str | None = strawberry.field(
        description="The contract's payment date, or 30 days after completion."
    )
    paid_on: str | None
    missing_terms: list[str] = strawberry.field(
        description="Required contents the contract lacks (empty when complete)."
    )

    @classmethod
    def from_model(cls, c: freelance.FreelanceContract) -> FreelanceContract:
        deadline = c.payment_deadline()
        return cls(
            id=strawberry.ID(c.id),
            production_id=strawberry.ID(c.production_id),
            freelancer_name=c.freelancer_name,
            total=str(c.total),
            written=c.written,
            payment_deadline=deadline.isoformat() if deadline else None,
            paid_on=c.paid_on.isoformat() if c.paid_on else None,
            missing_terms=c.missing_terms(),
        )


@strawberry.input
class FreelanceServiceInput:
    description: str
    value: str = strawberry.field(description="Decimal USD, e.g. 400.00.")
    rate_method: str = strawberry.field(
        default="", description="The rate and method of compensation, e.g. flat fee by check."
    )


@strawberry.input
class RecordFreelanceContractInput:
    production_id: strawberry.ID
    freelancer_name: str
    freelancer_address: str = ""
    hiring_party_name: str = ""
    hiring_party_address: str = ""
    services: list[FreelanceServiceInput]
    contracted_on: str
    written: bool = strawberry.field(description="A written contract exists and was signed.")
    payment_due_on: str | None = None
    invoice_due_on: str | None = None
    completed_on: str | None = None


@strawberry.input
class RecordFreelancePaymentInput:
    contract_id: strawberry.ID
    paid_on: str


@strawberry.type
class FreelanceContractPayload:
    freelance_contract: FreelanceContract | None
    user_errors: list[UserError]


@strawberry.type(description="A certified studio teacher scheduled on a shoot day.")
class StudioTeacher:
    id: strawberry.ID
    production_id: strawberry.ID
    date: str
    name: str
    credential_expires_on: str


@strawberry.input
class ScheduleStudioTeacherInput:
    production_id: strawberry.ID
    date: str
    name: str
    credential_expires_on: str = strawberry.field(
        description="When the Labor Commissioner's certification lapses (8 CCR §11755)."
    )


@strawberry.type
class ScheduleStudioTeacherPayload:
    studio_teacher: StudioTeacher | None
    user_errors: list[UserError]


@strawberry.input
class TermInput:
    name: str
    value: str


@strawberry.input
class DigitalReplicaInput:
    uses: str = strawberry.field(
        description="A reasonably specific description of the intended uses (§927(a)(1))."
    )
    represented_by: str = strawberry.field(
        description="COUNSEL or UNION: who represented the performer (§927(a)(2))."
    )


@strawberry.input
class DraftContractInput:
    production_id: strawberry.ID
    template: str = strawberry.field(description="A template id from contractTemplates.")
    counterparty_name: str
    talent_id: strawberry.ID | None = None
    fee: str = "0"
    currency: str = "USD"
    unit: str = strawberry.field(default="FLAT", description="HOUR, DAY, WEEK or FLAT.")
    terms: list[TermInput] = strawberry.field(default_factory=list)
    digital_replica: DigitalReplicaInput | None = None


@strawberry.input
class SendContractInput:
    contract_id: strawberry.ID


@strawberry.type
class SendContractPayload:
    contract: Contract | None
    signing_url: str | None = strawberry.field(
        description="The single-use signing link for the performer, shown only here."
    )
    user_errors: list[UserError]


@strawberry.input
class SignContractInput:
    signing_token: str
    signer_name: str
    consent: bool = strawberry.field(
        description="The signer agrees to sign electronically (Cal. Civ. Code §1633.5)."
    )


@strawberry.type
class ContractPayload:
    contract: Contract | None
    user_errors: list[UserError]


@strawberry.input
class CountersignContractInput:
    contract_id: strawberry.ID
    signer_name: str | None = None


def _contract_payload(
    found: compliance.Contract | None, errors: list[UserError]
) -> ContractPayload:
    return ContractPayload(
        contract=Contract.from_model(found) if found else None, user_errors=errors
    )


@strawberry.type
class Query:
    @strawberry.field(description="The templates documents are drafted from.")
    def contract_templates(self, info: Ctx) -> list[ContractTemplate]:
        principal = authorize(info, *PERMISSIONS["contractTemplates"])
        return [
            ContractTemplate(
                id=t.id,
                title=t.title,
                terms=list(t.terms),
                signed_by_talent=t.talent_party,
                digital_replica=t.replica,
            )
            for t in info.context.services.contract_templates(principal)
        ]

    @strawberry.field
    async def contract(self, info: Ctx, id: strawberry.ID) -> Contract | None:
        principal = authorize(info, *PERMISSIONS["contract"])
        found = await info.context.services.contract_for(principal, str(id))
        return Contract.from_model(found) if found else None

    @strawberry.field(description="Each rule's findings for the production or one shoot day.")
    async def compliance_report(
        self, info: Ctx, production_id: strawberry.ID, date: str | None = None
    ) -> ComplianceReport:
        principal = authorize(info, *PERMISSIONS["complianceReport"])
        try:
            items = await info.context.services.compliance_report(
                principal, str(production_id), date
            )
        except DomainUserError as exc:
            raise GraphQLError(exc.message, extensions={"code": exc.code}) from None
        return ComplianceReport(
            production_id=production_id,
            items=[
                ComplianceItem(
                    code=i.code,
                    severity=i.severity,
                    message=i.message,
                    source=i.source,
                    date=i.date.isoformat() if i.date else None,
                )
                for i in items
            ],
        )

    @strawberry.field(
        description="Whether a PDF whose SHA-256 (hex) is given is exactly what was signed."
    )
    async def verify_document(self, info: Ctx, sha256: str) -> DocumentVerification:
        principal = authorize(info, *PERMISSIONS["verifyDocument"])
        found = await info.context.services.verify_document(principal, sha256)
        return DocumentVerification(
            valid=found.valid,
            contract_id=strawberry.ID(found.contract_id) if found.contract_id else None,
            signed_at=found.signed_at,
        )


@strawberry.type
class Mutation:
    @strawberry.mutation
    async def record_work_permit(
        self, info: Ctx, input: RecordWorkPermitInput
    ) -> RecordWorkPermitPayload:
        permit, errors = await attempt(
            info.context.services.record_work_permit(
                authorize(info),
                talent_id=str(input.talent_id),
                number=input.number,
                expires_on=input.expires_on,
                issued_on=input.issued_on,
            )
        )
        return RecordWorkPermitPayload(
            work_permit=WorkPermit.from_model(permit) if permit else None, user_errors=errors
        )

    @strawberry.mutation(
        description="Draft a deal memo, location agreement, NDA, music license, release or "
        "talent agreement from a template; sent and signed like a booking's contract."
    )
    async def draft_contract(self, info: Ctx, input: DraftContractInput) -> ContractPayload:
        replica = input.digital_replica
        return _contract_payload(
            *await attempt(
                info.context.services.draft_document(
                    authorize(info),
                    production_id=str(input.production_id),
                    template=input.template,
                    counterparty=input.counterparty_name,
                    talent_id=str(input.talent_id or ""),
                    fee=input.fee,
                    currency=input.currency,
                    unit=input.unit,
                    terms={t.name: t.value for t in input.terms},
                    digital_replica=(replica.uses, replica.represented_by) if replica else None,
                )
            )
        )

    @strawberry.mutation(
        description="Record a minor's Coogan trust account (Family Code §§6752-6753); a "
        "minor's contract is countersigned only once one is on file."
    )
    async def record_coogan_account(
        self, info: Ctx, input: RecordCooganAccountInput
    ) -> RecordCooganAccountPayload:
        account, errors = await attempt(
            info.context.services.record_coogan_account(
                authorize(info),
                talent_id=str(input.talent_id),
                institution=input.institution,
                account_number=input.account_number,
                trustee_statement_on=input.trustee_statement_on,
            )
        )
        return RecordCooganAccountPayload(
            coogan_account=(
                CooganAccount(
                    id=strawberry.ID(account.id),
                    talent_id=strawberry.ID(account.talent_id),
                    institution=account.institution,
                    account_number_masked=account.masked,
                    trustee_statement_on=(
                        account.trustee_statement_on.isoformat()
                        if account.trustee_statement_on
                        else None
                    ),
                )
                if account
                else None
            ),
            user_errors=errors,
        )

    @strawberry.mutation(description="Record a freelancer's engagement and contract (SB 988).")
    async def record_freelance_contract(
        self, info: Ctx, input: RecordFreelanceContractInput
    ) -> FreelanceContractPayload:
        found, errors = await attempt(
            info.context.services.record_freelance_contract(
                authorize(info),
                production_id=str(input.production_id),
                freelancer_name=input.freelancer_name,
                freelancer_address=input.freelancer_address,
                hiring_party_name=input.hiring_party_name,
                hiring_party_address=input.hiring_party_address,
                services=[(x.description, x.value, x.rate_method) for x in input.services],
                contracted_on=input.contracted_on,
                written=input.written,
                payment_due_on=input.payment_due_on,
                invoice_due_on=input.invoice_due_on,
                completed_on=input.completed_on,
            )
        )
        return FreelanceContractPayload(
            freelance_contract=FreelanceContract.from_model(found) if found else None,
            user_errors=errors,
        )

    @strawberry.mutation(description="Record when a freelancer was paid.")
    async def record_freelance_payment(
        self, info: Ctx, input: RecordFreelancePaymentInput
    ) -> FreelanceContractPayload:
        found, errors = await attempt(
            info.context.services.record_freelance_payment(
                authorize(info), str(input.contract_id), input.paid_on
            )
        )
        return FreelanceContractPayload(
            freelance_contract=FreelanceContract.from_model(found) if found else None,
            user_errors=errors,
        )

    @strawberry.mutation(
        description="Schedule a certified studio teacher on a shoot day (counted toward the "
        "minors' ratio in the day's compliance report)."
    )
    async def schedule_studio_teacher(
        self, info: Ctx, input: ScheduleStudioTeacherInput
    ) -> ScheduleStudioTeacherPayload:
        found, errors = await attempt(
            info.context.services.schedule_studio_teacher(
                authorize(info),
                production_id=str(input.production_id),
                day=input.date,
                name=input.name,
                credential_expires_on=input.credential_expires_on,
            )
        )
        return ScheduleStudioTeacherPayload(
            studio_teacher=(
                StudioTeacher(
                    id=strawberry.ID(found.id),
                    production_id=strawberry.ID(found.production_id),
                    date=found.day.isoformat(),
                    name=found.name,
                    credential_expires_on=found.credential_expires_on.isoformat(),
                )
                if found
                else None
            ),
            user_errors=errors,
        )

    @strawberry.mutation
    async def send_contract(self, info: Ctx, input: SendContractInput) -> SendContractPayload:
        sent, errors = await attempt(
            info.context.services.send_contract(authorize(info), str(input.contract_id))
        )
        contract, url = sent if sent else (None, None)
        return SendContractPayload(
            contract=Contract.from_model(contract) if contract else None,
            signing_url=url,
            user_errors=errors,
        )

    @strawberry.mutation
    async def sign_contract(self, info: Ctx, input: SignContractInput) -> ContractPayload:
        return _contract_payload(
            *await attempt(
                info.context.services.sign_contract(
                    authorize(info),
                    signing_token=input.signing_token,
                    signer_name=input.signer_name,
                    consent=input.consent,
                )
            )
        )

    @strawberry.mutation
    async def countersign_contract(
        self, info: Ctx, input: CountersignContractInput
    ) -> ContractPayload:
        return _contract_payload(
            *await attempt(
                info.context.services.countersign_contract(
                    authorize(info), str(input.contract_id), input.signer_name
                )
            )
        )

    @strawberry.mutation
    async def request_film_permit(
        self, info: Ctx, input: RequestFilmPermitInput
    ) -> RequestFilmPermitPayload:
        permit, errors = await attempt(
            info.context.services.request_film_permit(
                authorize(info),
                production_id=str(input.production_id),
                location_name=input.location_name,
                dates=input.dates,
                high_impact=input.high_impact,
            )
        )
        return RequestFilmPermitPayload(
            permit=FilmPermit.from_model(permit) if permit else None, user_errors=errors
        )

    @strawberry.mutation
    async def record_insurance_certificate(
        self, info: Ctx, input: RecordInsuranceCertificateInput
    ) -> RecordInsuranceCertificatePayload:
        certificate, errors = await attempt(
            info.context.services.record_insurance_certificate(
                authorize(info),
                production_id=str(input.production_id),
                insurer=input.insurer,
                policy_number=input.policy_number,
                general_liability_limit=input.general_liability_limit,
                additional_insureds=input.additional_insureds,
                effective_on=input.effective_on,
                expires_on=input.expires_on,
            )
        )
        return RecordInsuranceCertificatePayload(
            certificate=InsuranceCertificate.from_model(certificate) if certificate else None,
            user_errors=errors,
        )

    @strawberry.mutation(description="ABC test (Labor Code §2775) with §2780 exemptions.")
    async def assess_classification(
        self, info: Ctx, input: AssessClassificationInput
    ) -> AssessClassificationPayload:
        a = input.answers
        found, errors = await attempt(
            info.context.services.assess_classification(
                authorize(info),
                str(input.engagement_id),
                classification.Answers(
                    free_from_control=a.free_from_control,
                    outside_usual_course=a.outside_usual_course,
                    independently_established=a.independently_established,
                    occupation=a.occupation,
                    film_or_tv_unit_crew=a.film_or_tv_unit_crew,
                ),
            )
        )
        return AssessClassificationPayload(
            determination=found.determination if found else None,
            reasons=list(found.reasons) if found else [],
            user_errors=errors,
        )


schema = SubgraphSchema(query=Query, mutation=Mutation, types=[Booking, Production])
