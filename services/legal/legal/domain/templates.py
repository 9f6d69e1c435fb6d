"""Versioned contract templates, filled from the booking: pure text, rendered to PDF elsewhere.

A template id carries its version (`talent-agreement/v1`); a contract keeps the id it was drafted
from, so a later version never changes a document already sent. The text is plain ASCII-safe
Latin-1 so every PDF core font can set it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from legal.domain.compliance import Contract, Signature

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
        ("Digital replicas", DIGITAL_REPLICA_CLAUSE),
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


BASES: dict[str, Callable[[Contract], Document]] = {
    "sag-aftra-commercials-principal/v1": _sag_aftra,
    "talent-agreement/v1": _non_union,
}
ADDENDA: dict[str, Callable[[Contract], tuple[tuple[str, str], ...]]] = {
    "minor-addendum/v1": _minor_addendum,
}


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
