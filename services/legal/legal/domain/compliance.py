"""Legal's rules: what gates a booking, the contract a confirmed booking needs, work permits.

Two aggregates, `Contract` and `WorkPermit`; each transition checks its rule, changes state and
records a domain event that the store saves with it. `check_booking` is the gate casting asks
about before it confirms a booking.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from enum import StrEnum

from slate_domain import Aggregate, Invalid, Problem, Rate, required_text
from slate_domain.age_bands import TOO_YOUNG

from legal.domain import minors


class ContractStatus(StrEnum):
    DRAFT = "DRAFT"
    SENT = "SENT"
    SIGNED = "SIGNED"
    COUNTERSIGNED = "COUNTERSIGNED"
    VOID = "VOID"


# --------------------------------------------------------------------------- domain events


@dataclass(frozen=True)
class ContractDrafted:
    contract_id: str
    org_id: str
    booking_id: str
    production_id: str
    talent_id: str
    template: str


@dataclass(frozen=True)
class ContractVoided:
    contract_id: str
    org_id: str
    booking_id: str
    production_id: str = ""


@dataclass(frozen=True)
class WorkPermitRecorded:
    permit_id: str
    org_id: str
    talent_id: str
    expires_on: date
    issued_on: date | None = None


@dataclass(frozen=True)
class ContractSent:
    contract_id: str
    org_id: str
    document_sha256: str
    link_expires_at: datetime
    production_id: str = ""
    talent_id: str = ""


@dataclass(frozen=True)
class ContractSigned:
    contract_id: str
    org_id: str
    signer_name: str
    document_sha256: str
    signed_at: datetime
    production_id: str = ""
    talent_id: str = ""


@dataclass(frozen=True)
class ContractCountersigned:
    contract_id: str
    org_id: str
    signer_name: str
    signed_at: datetime
    production_id: str = ""
    talent_id: str = ""
    executed_sha256: str = ""


DomainEvent = (
    ContractDrafted
    | ContractVoided
    | ContractSent
    | ContractSigned
    | ContractCountersigned
    | WorkPermitRecorded
)


# --------------------------------------------------------------------------- contracts


def contract_template(union: str, is_minor: bool) -> str:
    """The template a confirmed booking's contract is drafted from."""
    base = (
        "SAG-AFTRA Commercials Contract — principal performer"
        if union == "SAG_AFTRA"
        else "Non-union talent agreement"
    )
    return f"{base} + minor's addendum (Coogan)" if is_minor else base


def template_version(union: str, is_minor: bool) -> str:
    """The versioned template id the document is rendered from (templates.TEMPLATES)."""
    base = "sag-aftra-commercials-principal/v1" if union == "SAG_AFTRA" else "talent-agreement/v1"
    return f"{base}+minor-addendum/v1" if is_minor else base


# A signing link is valid this long after it is sent.
SIGNING_LINK_TTL = timedelta(days=7)
# What the signer agrees to before signing (UETA: Cal. Civ. Code §1633.5(b) applies the Act only
# to parties who agreed to conduct the transaction by electronic means).
CONSENT_STATEMENT = (
    "I agree to sign this agreement electronically, and that my electronic signature has the "
    "same legal effect as a handwritten one (Cal. Civ. Code §§1633.5, 1633.7)."
)
# The one answer to any unusable signing link: unknown, used, expired or someone else's. It says
# nothing about the document, whether one exists, or why the link failed.
LINK_REFUSED = "this signing link is not valid"


class SigningRefused(Exception):
    """A signing link that cannot be used; deliberately carries no detail."""

    def __init__(self) -> None:
        super().__init__(LINK_REFUSED)


@dataclass(frozen=True)
class SigningLink:
    """A single-use link to sign: only the SHA-256 of its secret token is kept."""

    token_sha256: str
    expires_at: datetime
    used: bool = False


@dataclass(frozen=True)
class Signature:
    """One party's electronic signature over the exact bytes of one PDF."""

    party: str  # PERFORMER or PRODUCER
    signer_id: str
    signer_name: str
    signed_at: datetime
    document_sha256: str
    consent: str
    ip: str | None = None
    user_agent: str | None = None


# Labor Code §927(a): a digital-replica provision is enforceable only with a reasonably specific
# description of the intended uses and when the performer was represented by counsel or by a
# union whose agreement covers digital replicas (https://self-law.org/code/ca/labor-code/927).
REPRESENTATION = ("COUNSEL", "UNION")
MIN_REPLICA_USES = 40  # characters: a "reasonably specific description" is not a word or two


@dataclass(frozen=True)
class DigitalReplica:
    """What a contract allows of a digital replica of the performer (Labor Code §927)."""

    uses: str
    represented_by: str

    @classmethod
    def agreed(cls, uses: str, represented_by: str, problems: list[Problem]) -> DigitalReplica:
        """The terms, if §927 lets them stand: specific uses and a represented performer."""
        clean = uses.strip()
        if len(clean) < MIN_REPLICA_USES:
            problems.append(
                Problem(
                    "digitalReplica.uses",
                    "describe the intended uses of the digital replica reasonably specifically "
                    f"(at least {MIN_REPLICA_USES} characters; Cal. Labor Code §927(a)(1))",
                )
            )
        elif len(clean) > 4000:
            problems.append(Problem("digitalReplica.uses", "at most 4000 characters"))
        if represented_by not in REPRESENTATION:
            problems.append(
                Problem(
                    "digitalReplica.representedBy",
                    "the performer must be represented by counsel (COUNSEL) or by a union "
                    "whose agreement covers digital replicas (UNION) (Cal. Labor Code "
                    "§927(a)(2))",
                )
            )
        return cls(clean, represented_by)


@dataclass(kw_only=True)
class Contract(Aggregate[DomainEvent]):
    """A performer's contract or deal memo for one confirmed booking."""

    booking_id: str
    production_id: str
    talent_id: str
    role_name: str
    template: str
    status: ContractStatus
    rate: Rate
    work_dates: tuple[str, ...]
    template_version: str = ""
    document_sha256: str | None = None
    executed_sha256: str | None = None
    link: SigningLink | None = None
    signatures: tuple[Signature, ...] = field(default=())
    # Documents drafted from a template rather than a booking (templates.draft_document): the
    # other party's name and the template's filled-in terms.
    counterparty: str = ""
    terms: tuple[tuple[str, str], ...] = field(default=())
    digital_replica: DigitalReplica | None = None

    def term(self, name: str) -> str:
        return dict(self.terms).get(name, "")

    @classmethod
    def draft(
        cls,
        id: str,
        *,
        org_id: str,
        booking_id: str,
        production_id: str,
        talent_id: str,
        role_name: str,
        union: str,
        is_minor: bool,
        rate: Rate,
        work_dates: Sequence[str],
    ) -> Contract:
        """A confirmed booking's contract, in DRAFT, from the template its union and the
        performer's minority imply."""
        template = contract_template(union, is_minor)
        contract = cls(
            id=id,
            org_id=org_id,
            booking_id=booking_id,
            production_id=production_id,
            talent_id=talent_id,
            role_name=role_name,
            template=template,
            status=ContractStatus.DRAFT,
            rate=rate,
            work_dates=tuple(work_dates),
            template_version=template_version(union, is_minor),
        )
        contract.record(ContractDrafted(id, org_id, booking_id, production_id, talent_id, template))
        return contract

    @property
    def voided(self) -> bool:
        return self.status is ContractStatus.VOID

    @property
    def is_minor(self) -> bool:
        """Drafted with the minor's addendum (casting's is_minor on the work dates)."""
        return "minor-addendum" in self.template_version

    @property
    def signed(self) -> bool:
        """True once the performer has signed (the document is then confidential and every
        read of it is audited)."""
        return self.status in (ContractStatus.SIGNED, ContractStatus.COUNTERSIGNED)

    def signed_at(self) -> datetime | None:
        """When the performer signed, if they have."""
        return next((s.signed_at for s in self.signatures if s.party == "PERFORMER"), None)

    def send(self, *, document_sha256: str, token_sha256: str, now: datetime) -> None:
        """Send the rendered document (its SHA-256) for signature with a new single-use link
        expiring after SIGNING_LINK_TTL; sending again replaces the link (the old one dies)."""
        if self.status not in (ContractStatus.DRAFT, ContractStatus.SENT):
            raise Invalid(
                [
                    Problem(
                        "contractId", f"a {self.status.value} contract cannot be sent", "CONFLICT"
                    )
                ]
            )
        self.status = ContractStatus.SENT
        self.document_sha256 = document_sha256
        self.link = SigningLink(token_sha256, now + SIGNING_LINK_TTL)
        self.record(
            ContractSent(
                self.id,
                self.org_id,
                document_sha256,
                self.link.expires_at,
                self.production_id,
                self.talent_id,
            )
        )

    def sign(
        self,
        *,
        token_sha256: str,
        talent_id: str | None,
        signer_id: str,
        signer_name: str,
        consent: bool,
        now: datetime,
        ip: str | None = None,
        user_agent: str | None = None,
    ) -> None:
        """The performer signs through their link. The link must be this contract's current one,
        unused, unexpired, and the signer the contract's talent: otherwise SigningRefused,
        which says nothing of why. Then consent (UETA) and a name are required."""
        link = self.link
        if (
            self.status is not ContractStatus.SENT
            or link is None
            or link.used
            or link.token_sha256 != token_sha256
            or now >= link.expires_at
            or talent_id != self.talent_id
            or self.document_sha256 is None
        ):
            raise SigningRefused()
        problems: list[Problem] = []
        name = required_text("signerName", signer_name, 200, problems)
        if not consent:
            problems.append(Problem("consent", "consent to sign electronically is required"))
        if problems:
            raise Invalid(problems)
        self.link = replace(link, used=True)
        self.status = ContractStatus.SIGNED
        self.signatures = (
            *self.signatures,
            Signature(
                "PERFORMER",
                signer_id,
                name,
                now,
                self.document_sha256,
                CONSENT_STATEMENT,
                ip,
                user_agent,
            ),
        )
        self.record(
            ContractSigned(
                self.id,
                self.org_id,
                name,
                self.document_sha256,
                now,
                self.production_id,
                self.talent_id,
            )
        )

    def countersign(self, *, signer_id: str, signer_name: str, now: datetime) -> None:
        """The producer countersigns a contract the performer signed."""
        if self.status is not ContractStatus.SIGNED or self.document_sha256 is None:
            raise Invalid(
                [
                    Problem(
                        "contractId",
                        f"only a SIGNED contract can be countersigned, not {self.status.value}",
                        "CONFLICT",
                    )
                ]
            )
        problems: list[Problem] = []
        name = required_text("signerName", signer_name, 200, problems)
        if problems:
            raise Invalid(problems)
        self.status = ContractStatus.COUNTERSIGNED
        self.signatures = (
            *self.signatures,
            Signature("PRODUCER", signer_id, name, now, self.document_sha256, CONSENT_STATEMENT),
        )
        self.record(
            ContractCountersigned(
                self.id, self.org_id, name, now, self.production_id, self.talent_id
            )
        )

    def executed(self, executed_sha256: str) -> None:
        """The executed copy (the document plus its signature page) has this SHA-256; the
        pending countersignature event announces it."""
        self.executed_sha256 = executed_sha256
        self.events[:] = [
            replace(e, executed_sha256=executed_sha256)
            if isinstance(e, ContractCountersigned)
            else e
            for e in self.events
        ]

    def booking_released(self) -> bool:
        """A released booking voids its contract unless it was signed (or is void already);
        True when this voided it."""
        if self.status not in (ContractStatus.DRAFT, ContractStatus.SENT):
            return False
        self.status = ContractStatus.VOID
        self.record(ContractVoided(self.id, self.org_id, self.booking_id, self.production_id))
        return True


# --------------------------------------------------------------------------- work permits


# 8 CCR §11753(b): an individual Entertainment Work Permit is valid for at most six months.
PERMIT_MAX_MONTHS = 6


def add_months(day: date, months: int) -> date:
    """The same day `months` later (the month's last day when it is shorter)."""
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    last = (date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1)).day
    return date(year, month, min(day.day, last))


def _iso(field: str, value: str, problems: list[Problem]) -> date | None:
    try:
        return date.fromisoformat(value)
    except ValueError:
        problems.append(Problem(field, f"not an ISO date: {value!r}"))
        return None


@dataclass(kw_only=True)
class WorkPermit(Aggregate[DomainEvent]):
    """A California Entertainment Work Permit for a minor, as recorded by legal. It is valid
    from `issued_on` (None: recorded before issue dates were kept) through `expires_on`."""

    talent_id: str
    number: str
    expires_on: date
    issued_on: date | None = None

    @classmethod
    def register(
        cls,
        *,
        id: str,
        org_id: str,
        talent_id: str,
        number: str,
        expires_on: str,
        today: date,
        issued_on: str | None = None,
    ) -> WorkPermit:
        """A permit for a talent, with a number, that has not expired by `today`, expires after
        it was issued and lasts at most six months (8 CCR §11753(b)); records
        WorkPermitRecorded."""
        problems: list[Problem] = []
        if not talent_id.startswith("tal_"):
            problems.append(Problem("talentId", "not a talent id"))
        if not number.strip():
            problems.append(Problem("number", "must not be empty"))
        issued = _iso("issuedOn", issued_on, problems) if issued_on is not None else None
        expiry = _iso("expiresOn", expires_on, problems)
        if expiry is not None and expiry < today:
            problems.append(Problem("expiresOn", "the permit has already expired"))
        if issued is not None and issued > today:
            problems.append(Problem("issuedOn", "a permit cannot be recorded before it is issued"))
        if issued is not None and expiry is not None:
            if expiry < issued:
                problems.append(Problem("expiresOn", "the permit expires before it is issued"))
            elif expiry > add_months(issued, PERMIT_MAX_MONTHS):
                problems.append(
                    Problem(
                        "expiresOn",
                        "a work permit is valid for at most six months (8 CCR §11753(b))",
                    )
                )
        if problems or expiry is None:
            raise Invalid(problems)
        permit = cls(
            id=id,
            org_id=org_id,
            talent_id=talent_id,
            number=number.strip(),
            expires_on=expiry,
            issued_on=issued,
        )
        permit.record(WorkPermitRecorded(id, org_id, talent_id, expiry, issued))
        return permit

    def covers(self, first: date, last: date) -> bool:
        """Valid on every day from `first` to `last`: not before it is issued, not after it
        expires."""
        return (self.issued_on is None or self.issued_on <= first) and self.expires_on >= last


# --------------------------------------------------------------------------- the booking gate


@dataclass(frozen=True)
class Issue:
    code: str
    message: str
    blocking: bool
    source: str


@dataclass(frozen=True)
class BookingFacts:
    talent_id: str
    is_minor: bool
    union: str
    work_dates: tuple[date, ...]
    # The minor's band on the first work date as casting derived it (slate_domain.age_bands);
    # "" for an adult or when casting did not say.
    age_band: str = ""


def _permit_issues(facts: BookingFacts, permits: Sequence[WorkPermit]) -> list[Issue]:
    """A minor needs an Entertainment Work Permit valid on every work date."""
    first_day = min(facts.work_dates) if facts.work_dates else None
    last_day = max(facts.work_dates) if facts.work_dates else None
    if not permits:
        return [
            Issue(
                "MINOR_WORK_PERMIT_MISSING",
                "a minor needs a valid Entertainment Work Permit on file before booking",
                True,
                "Cal. Labor Code §1308.5; 8 CCR §11753",
            )
        ]
    if first_day is None or last_day is None or any(p.covers(first_day, last_day) for p in permits):
        return []
    too_late = all(p.issued_on is not None and p.issued_on > first_day for p in permits)
    if too_late:
        return [
            Issue(
                "MINOR_WORK_PERMIT_NOT_YET_VALID",
                "the minor's Entertainment Work Permit is issued after the first work "
                "date; a permit is not valid before it is issued",
                True,
                "Cal. Labor Code §1308.5; 8 CCR §11753",
            )
        ]
    return [
        Issue(
            "MINOR_WORK_PERMIT_EXPIRED",
            "the minor's Entertainment Work Permit expires before the last work date",
            True,
            "8 CCR §11753",
        )
    ]


def _band_issues(band: str) -> list[Issue]:
    """The band's hours, infants' and studio-teacher rules (an unconfirmed rule only warns);
    without a band only the studio-teacher warning every minor gets, and a word that the
    rules by age could not be checked."""
    if not band:
        return [
            Issue(
                "MINOR_AGE_BAND_UNKNOWN",
                "casting gave no age band for this minor: the hours, infant and "
                "studio-teacher rules by age were not checked",
                False,
                f"{minors.HOURS_CITE}; {minors.DAILY_CAPS_SOURCE}",
            ),
            Issue(
                "STUDIO_TEACHER_REQUIRED",
                "a studio teacher must be engaged for each work day of a minor",
                False,
                "8 CCR §11755.2",
            ),
        ]
    hours = minors.hours_message(band)
    issues = (
        [
            Issue(
                "MINOR_HOURS_LIMIT",
                hours,
                False,
                f"{minors.HOURS_CITE}; {minors.DAILY_CAPS_SOURCE}",
            )
        ]
        if hours
        else []
    )
    return issues + [
        Issue(r.code, r.message, r.blocking and r.confirmed, r.reference)
        for r in minors.band_rules(band)
    ]


def check_booking(facts: BookingFacts, permits: Sequence[WorkPermit]) -> list[Issue]:
    """Blocking issues and warnings for a booking about to be confirmed. A minor (casting's
    flag, or any band) is judged by the age band, never a birth date: under 15 days nobody
    may work at all; every minor needs a permit valid on each work date; the band brings its
    hours, the infants' rules and the studio teacher."""
    if not (facts.is_minor or facts.age_band):
        return []
    if facts.age_band == TOO_YOUNG:
        rule = minors.TOO_YOUNG_RULE
        return [Issue(rule.code, rule.message, True, rule.reference)]
    issues = _permit_issues(facts, permits) + _band_issues(facts.age_band)
    issues.append(
        Issue(
            "COOGAN_ACCOUNT_REQUIRED",
            "15% of the minor's gross earnings go to a Coogan trust account",
            False,
            "Cal. Family Code §6752",
        )
    )
    return issues
