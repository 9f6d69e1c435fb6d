"""Versioned contract templates, filled from the booking: pure text, rendered to PDF elsewhere.

A template id carries its version (`talent-agreement/v1`); a contract keeps the id it was drafted
from, so a later version never changes a document already sent. The text is plain ASCII-safe
Latin-1 so every PDF core font can set it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from slate_domain import Invalid, Problem, Rate, required_text

from legal.domain.compliance import (
    Contract,
    ContractDrafted,
    ContractStatus,
    DigitalReplica,
    Signature,
)

# Labor Code §927 (AB 2602): a digital-replica provision is unenforceable unless it describes the
# intended uses reasonably specifically and the performer was represented (counsel or a union
# whose agreement covers digital replicas). The templates grant no replica rights at all.
DIGITAL_REPLICA_CLAUSE = (
    "Digital replicas. Producer acquires no right to create or use a digital replica of "
    "Performer's voice or likeness in place of work Performer would otherwise have performed in "
    "person. Any such use requires a separate agreement with a reasonably specific description "
    "of the intended uses, negotiated while Performer is represented (Cal. Labor Code Sec. 927)."
)
E_SIGN_CLAUSE = (
    "Electronic signature. The parties agree to conduct this transaction by electronic means; "
    "an electronic signature has the same effect as a handwritten one (Cal. Civ. Code "
    "Secs. 1633.5, 1633.7)."
)


@dataclass(frozen=True)
class Document:
    """A contract's text: a title and its sections (heading, body)."""

    title: str
    sections: tuple[tuple[str, str], ...]


def replica_clause(c: Contract) -> str:
    """No replica rights unless the contract states §927-compliant terms."""
    r = c.digital_replica
    if r is None:
        return DIGITAL_REPLICA_CLAUSE
    by = "legal counsel" if r.represented_by == "COUNSEL" else "a labor union whose collective "
    if r.represented_by != "COUNSEL":
        by += "bargaining agreement expressly covers digital replicas"
    return (
        "Digital replicas. Producer may create and use a digital replica of Performer's voice "
        f"or likeness only for these uses: {r.uses} No other use is granted. Performer was "
        f"represented by {by} in negotiating this provision (Cal. Labor Code Sec. 927)."
    )


def _terms(c: Contract) -> tuple[tuple[str, str], ...]:
    dates = ", ".join(c.work_dates) or "to be scheduled"
    return (
        (
            "Parties",
            f"Producer: the production company of production {c.production_id} "
            f"(organisation {c.org_id}). Performer: talent {c.talent_id}.",
        ),
        ("Engagement", f"Role: {c.role_name}. Booking {c.booking_id}. Work dates: {dates}."),
        (
            "Compensation",
            f"{c.rate.amount} {c.rate.currency} per {c.rate.unit.lower()}, paid through "
            "Producer's payroll service as wages.",
        ),
        (
            "Grant of rights",
            "Performer grants Producer the right to photograph and record Performer's "
            "performance and to use the results, with Performer's name and likeness, in the "
            "commercial produced under this agreement (Cal. Civ. Code Sec. 3344).",
        ),
        ("Digital replicas", replica_clause(c)),
        ("Electronic signature", E_SIGN_CLAUSE),
    )


UNION_TERMS = (
    "This engagement is subject to the SAG-AFTRA Commercials Contract; where it gives "
    "Performer more, it governs."
)


def _sag_aftra(c: Contract) -> Document:
    body = (*_terms(c), ("Union terms", UNION_TERMS))
    return Document("SAG-AFTRA Commercials Contract - principal performer", body)


def _non_union(c: Contract) -> Document:
    return Document("Talent agreement", _terms(c))


def _minor_addendum(c: Contract) -> tuple[tuple[str, str], ...]:
    return (
        (
            "Minor's addendum",
            "Performer is a minor. Producer will not employ Performer without a valid "
            "Entertainment Work Permit (Cal. Labor Code Sec. 1308.5; 8 CCR Sec. 11753), will "
            "provide a studio teacher as 8 CCR Sec. 11755.2 requires, and will deposit 15% of "
            "Performer's gross earnings into Performer's Coogan trust account (Cal. Family Code "
            "Sec. 6752). A parent or guardian signs for Performer.",
        ),
    )


def _fee(c: Contract) -> str:
    return f"{c.rate.amount} {c.rate.currency}"


def _parties(c: Contract, other: str) -> tuple[str, str]:
    return (
        "Parties",
        f"Producer: the production company of production {c.production_id} (organisation "
        f"{c.org_id}). {other}: {c.counterparty or c.talent_id}.",
    )


def _crew_deal_memo(c: Contract) -> Document:
    return Document(
        "Crew deal memo",
        (
            _parties(c, "Crew member"),
            (
                "Engagement",
                f"Position: {c.term('position')}, department {c.term('department')}, from "
                f"{c.term('startDate')}. Rate: {c.rate.amount} {c.rate.currency} per "
                f"{c.rate.unit.lower()}.",
            ),
            (
                "Employment",
                "Crew member is engaged as an employee and paid as wages through Producer's "
                "payroll service (Cal. Labor Code Sec. 2775: film and television unit "
                "production crews are not exempt from the ABC test, Sec. 2780(a)(2)(A)); "
                "overtime, meal periods and rest periods follow the Labor Code and IWC Wage "
                "Order 12.",
            ),
            ("Electronic signature", E_SIGN_CLAUSE),
        ),
    )


def _location_agreement(c: Contract) -> Document:
    return Document(
        "Location agreement",
        (
            _parties(c, "Owner"),
            (
                "Premises and dates",
                f"Premises: {c.term('address')}. Dates of use (including preparation and "
                f"restoration): {c.term('dates')}.",
            ),
            ("Fee", f"{_fee(c)} for the use described, payable as stated in this agreement."),
            (
                "Permits and insurance",
                "Producer will hold the film permit the premises' jurisdiction requires (for "
                "the City of Los Angeles, L.A. Admin. Code Sec. 22.350 through FilmL.A.) and a "
                "certificate of commercial general liability insurance naming Owner as an "
                "additional insured for the dates of use.",
            ),
            (
                "Restoration and rights",
                "Producer will leave the premises in the condition it found them, reasonable "
                "wear excepted, and may photograph the premises and use the results in the "
                "production and its advertising without limit of time or territory.",
            ),
            ("Electronic signature", E_SIGN_CLAUSE),
        ),
    )


# Gov. Code §12964.5 (SB 331, 2022): a non-disclosure term with an employee may not stop them
# disclosing information about unlawful acts in the workplace, and must say so in these words
# (recalled wording: research.md has no NDA source and the primary text was not found here, so
# the carve-out is kept broad rather than relied on to be exact).
NDA_CARVE_OUT = (
    "Nothing in this agreement prevents you from discussing or disclosing information about "
    "unlawful acts in the workplace, such as harassment or discrimination or any other conduct "
    "that you have reason to believe is unlawful (Cal. Gov. Code Sec. 12964.5)."
)


def _nda(c: Contract) -> Document:
    return Document(
        "Non-disclosure agreement",
        (
            _parties(c, "Recipient"),
            ("Purpose", f"Confidential information is disclosed for: {c.term('purpose')}."),
            (
                "Obligations",
                "Recipient keeps the production's confidential information (scripts, "
                "storyboards, client identity, creative and commercial terms) confidential and "
                f"uses it only for the purpose, for {c.term('termYears')} year(s) from "
                "signature. Information that is public, already known to Recipient or required "
                "to be disclosed by law is not confidential.",
            ),
            ("Protected disclosures", NDA_CARVE_OUT),
            ("Electronic signature", E_SIGN_CLAUSE),
        ),
    )


def _music_license(c: Contract) -> Document:
    kind = c.term("licenseType")
    what = (
        "the musical composition (synchronization license)"
        if kind == "SYNC"
        else "the sound recording (master use license)"
    )
    return Document(
        "Music license",
        (
            _parties(c, "Licensor"),
            (
                "Grant",
                f"Licensor grants Producer a non-exclusive license to use {what} "
                f'"{c.term("track")}" in timed relation with the production.',
            ),
            (
                "Scope",
                f"Media: {c.term('media')}. Territory: {c.term('territory')}. Term: "
                f"{c.term('term')}.",
            ),
            ("Fee", f"{_fee(c)}, in full for the scope above."),
            (
                "Other rights",
                "Using a commercial recording needs both a synchronization license from the "
                "publisher and a master use license from the label; this license grants only "
                "the right named above.",
            ),
            ("Electronic signature", E_SIGN_CLAUSE),
        ),
    )


def _release(title: str, what: str) -> Callable[[Contract], Document]:
    def build(c: Contract) -> Document:
        scene = c.term("scene")
        return Document(
            title,
            (
                _parties(c, "Releasor"),
                (
                    "Grant",
                    f"For the consideration of {_fee(c)}, Releasor grants Producer the "
                    f"irrevocable right to record and use {what}"
                    + (f" as it appears in: {scene}" if scene else "")
                    + f", in {c.term('media')}, in {c.term('territory')}, for "
                    f"{c.term('term')} (Cal. Civ. Code Sec. 3344: prior consent; a parent or "
                    "guardian consents for a minor).",
                ),
                ("Digital replicas", replica_clause(c)),
                ("Electronic signature", E_SIGN_CLAUSE),
            ),
        )

    return build


BASES: dict[str, Callable[[Contract], Document]] = {
    "sag-aftra-commercials-principal/v1": _sag_aftra,
    "talent-agreement/v1": _non_union,
    "crew-deal-memo/v1": _crew_deal_memo,
    "location-agreement/v1": _location_agreement,
    "nda/v1": _nda,
    "music-license/v1": _music_license,
    "talent-release/v1": _release(
        "Talent release", "Releasor's name, voice, likeness and performance"
    ),
    "appearance-release/v1": _release("Appearance release", "Releasor's appearance and voice"),
}
ADDENDA: dict[str, Callable[[Contract], tuple[tuple[str, str], ...]]] = {
    "minor-addendum/v1": _minor_addendum,
}


@dataclass(frozen=True)
class Template:
    """A template a document can be drafted from: its terms, and who signs it through a link
    (a talent, by their own token; the other parties sign on paper for now)."""

    id: str
    title: str
    terms: tuple[str, ...]
    talent_party: bool
    replica: bool = False  # may carry digital-replica terms (a performer's document)
    choices: tuple[tuple[str, tuple[str, ...]], ...] = ()


TEMPLATES: dict[str, Template] = {
    t.id: t
    for t in (
        Template(
            "crew-deal-memo/v1", "Crew deal memo", ("position", "department", "startDate"), False
        ),
        Template("location-agreement/v1", "Location agreement", ("address", "dates"), False),
        Template("nda/v1", "Non-disclosure agreement", ("purpose", "termYears"), False),
        Template(
            "music-license/v1",
            "Music license",
            ("track", "licenseType", "media", "territory", "term"),
            False,
            choices=(("licenseType", ("SYNC", "MASTER")),),
        ),
        Template("talent-release/v1", "Talent release", ("media", "territory", "term"), True, True),
        Template(
            "appearance-release/v1",
            "Appearance release",
            ("scene", "media", "territory", "term"),
            False,
            True,
        ),
        Template("talent-agreement/v1", "Talent agreement", (), True, True),
        Template(
            "sag-aftra-commercials-principal/v1",
            "SAG-AFTRA Commercials Contract - principal performer",
            (),
            True,
            True,
        ),
    )
}
UNITS = ("HOUR", "DAY", "WEEK", "FLAT")


def draft_document(
    id: str,
    *,
    org_id: str,
    production_id: str,
    template: str,
    counterparty: str,
    talent_id: str,
    fee: str,
    currency: str,
    unit: str,
    terms: Mapping[str, str],
    replica: tuple[str, str] | None,
) -> Contract:
    """A DRAFT document from a template of TEMPLATES (its current version), filled with its
    terms; every missing or unknown term is named (`terms.<name>`), and digital-replica terms
    must satisfy Labor Code §927. Records ContractDrafted."""
    problems: list[Problem] = []
    spec = TEMPLATES.get(template)
    if spec is None:
        problems.append(Problem("template", f"unknown template; one of {', '.join(TEMPLATES)}"))
        raise Invalid(problems)
    name = required_text("counterpartyName", counterparty, 200, problems)
    if spec.talent_party and not talent_id.startswith("tal_"):
        problems.append(Problem("talentId", "this document is signed by a talent: give its id"))
    elif talent_id and not talent_id.startswith("tal_"):
        problems.append(Problem("talentId", "not a talent id"))
    filled: dict[str, str] = {}
    for key in spec.terms:
        filled[key] = required_text(f"terms.{key}", terms.get(key, ""), 500, problems)
    for key in terms:
        if key not in spec.terms:
            problems.append(Problem(f"terms.{key}", f"not a term of {template}"))
    for key, allowed in spec.choices:
        if filled.get(key) and filled[key] not in allowed:
            problems.append(Problem(f"terms.{key}", f"one of {', '.join(allowed)}"))
    try:
        amount = Decimal(fee)
        if not amount.is_finite() or amount < 0 or amount != amount.quantize(Decimal("0.01")):
            raise InvalidOperation
    except InvalidOperation:
        problems.append(Problem("fee", "a non-negative amount with at most two decimals"))
        amount = Decimal(0)
    if len(currency) != 3 or not currency.isalpha() or not currency.isupper():
        problems.append(Problem("currency", "an ISO 4217 code such as USD"))
    if unit not in UNITS:
        problems.append(Problem("unit", f"one of {', '.join(UNITS)}"))
    digital = None
    if replica is not None:
        if not spec.replica:
            problems.append(Problem("digitalReplica", f"{template} has no performer to replicate"))
        else:
            digital = DigitalReplica.agreed(*replica, problems)
    if problems:
        raise Invalid(problems)
    contract = Contract(
        id=id,
        org_id=org_id,
        booking_id="",
        production_id=production_id,
        talent_id=talent_id,
        role_name="",
        template=spec.title,
        status=ContractStatus.DRAFT,
        rate=Rate(amount.quantize(Decimal("0.01")), currency, unit),
        work_dates=(),
        template_version=spec.id,
        counterparty=name,
        terms=tuple((k, filled[k]) for k in spec.terms),
        digital_replica=digital,
    )
    contract.record(ContractDrafted(id, org_id, "", production_id, talent_id, spec.title))
    return contract


def document(c: Contract) -> Document:
    """The contract's text from the template version it was drafted from."""
    base, *addenda = c.template_version.split("+")
    doc = BASES[base](c)
    extra = tuple(section for a in addenda for section in ADDENDA[a](c))
    return Document(doc.title, doc.sections + extra)


def signature_page(c: Contract) -> tuple[str, ...]:
    """The executed copy's last page: who signed what, when, and the hash of what they signed."""

    def line(s: Signature) -> str:
        seen = f"; IP {s.ip}" if s.ip else ""
        agent = f"; user agent {s.user_agent}" if s.user_agent else ""
        return (
            f"{s.party.title()}: {s.signer_name} (user {s.signer_id}), signed electronically "
            f"at {s.signed_at.isoformat()}{seen}{agent}, with consent to electronic signature."
        )

    return (
        "Signature page",
        f"Contract {c.id}, template {c.template_version}.",
        f"SHA-256 of the document signed: {c.document_sha256}",
        *(line(s) for s in c.signatures),
    )
