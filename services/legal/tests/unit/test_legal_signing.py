"""Contracts sent, signed through a single-use link, countersigned and verified: the domain's
lifecycle, the use cases on the in-memory database, and the subgraph in process."""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from legal import documents
from legal.domain import compliance as rules
from legal.domain.compliance import ContractStatus
from legal.schema import schema
from legal.store import LegalStore
from legal.usecases import Legal, contract_id_of
from slate.audit import AuditLog
from slate.errors import Forbidden, UserError, ValidationErrors
from slate.events.snapshots import BookingSnapshot
from slate.repository import MemoryDatabase
from slate.testing import data, graphql_context, principal
from slate_domain import Invalid, Rate

PRODUCER = principal("org_a", "producer", sub="usr_producer")
LEGAL = principal("org_a", "legal")
TALENT = principal("org_a", "talent", talent_id="tal_1", sub="usr_rosa")
OTHER_TALENT = principal("org_a", "talent", talent_id="tal_2", sub="usr_other")
START = datetime(2027, 1, 15, 9, 0, tzinfo=UTC)
TODAY = START.date()


class Clock:
    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def signing(store: LegalStore, database: MemoryDatabase, clock: Clock) -> Legal:
    return Legal(store, AuditLog(database), today=lambda: TODAY, now=clock)


@pytest.fixture
async def drafted(signing: Legal, booking: Callable[..., BookingSnapshot]) -> str:
    await signing.draft_contract(booking())
    return contract_id_of("bkg_1")


def token_of(url: str) -> str:
    return url.rsplit("/", 1)[1]


async def audit(database: MemoryDatabase, target: str) -> list[str]:
    return [r["action"] for r in await AuditLog(database).for_target("org_a", target)]


# --------------------------------------------------------------------------- domain


def draft() -> rules.Contract:
    return rules.Contract.draft(
        "con_1",
        org_id="org_a",
        booking_id="bkg_1",
        production_id="prd_1",
        talent_id="tal_1",
        role_name="Lead",
        union="SAG_AFTRA",
        is_minor=True,
        rate=Rate(Decimal("1200.00"), "USD", "DAY"),
        work_dates=["2027-03-02"],
    )


def sign(c: rules.Contract, **changes: Any) -> None:
    args: dict[str, Any] = {
        "token_sha256": "t",
        "talent_id": "tal_1",
        "signer_id": "usr_rosa",
        "signer_name": "Rosa Díaz",
        "consent": True,
        "now": START,
        **changes,
    }
    c.sign(**args)


def test_the_lifecycle_runs_draft_sent_signed_countersigned() -> None:
    c = draft()
    assert c.template_version == "sag-aftra-commercials-principal/v1+minor-addendum/v1"
    c.send(document_sha256="abc", token_sha256="t", now=START)
    assert c.status is ContractStatus.SENT
    assert c.link == rules.SigningLink("t", START + rules.SIGNING_LINK_TTL)
    sign(c, ip="203.0.113.9", user_agent="Firefox")
    assert c.status is ContractStatus.SIGNED
    assert c.link is not None
    assert c.link.used
    [performer] = c.signatures
    assert (performer.signer_name, performer.document_sha256, performer.ip) == (
        "Rosa Díaz",
        "abc",
        "203.0.113.9",
    )
    assert "1633.5" in performer.consent
    c.countersign(signer_id="usr_p", signer_name="Pat Producer", now=START)
    assert c.status is ContractStatus.COUNTERSIGNED
    assert [s.party for s in c.signatures] == ["PERFORMER", "PRODUCER"]
    assert [type(e).__name__ for e in c.events] == [
        "ContractDrafted",
        "ContractSent",
        "ContractSigned",
        "ContractCountersigned",
    ]
    assert not c.booking_released()  # a countersigned contract is not voided by a release


@pytest.mark.parametrize(
    "changes",
    [
        {"token_sha256": "other"},  # not this contract's link
        {"talent_id": "tal_2"},  # another person
        {"talent_id": None},
        {"now": START + rules.SIGNING_LINK_TTL},  # expired
    ],
)
def test_an_unusable_link_is_refused_without_detail(changes: dict[str, Any]) -> None:
    c = draft()
    c.send(document_sha256="abc", token_sha256="t", now=START)
    with pytest.raises(rules.SigningRefused) as refused:
        sign(c, **changes)
    assert str(refused.value) == rules.LINK_REFUSED
    assert c.status is ContractStatus.SENT
    assert c.signatures == ()


def test_a_link_signs_once() -> None:
    c = draft()
    c.send(document_sha256="abc", token_sha256="t", now=START)
    sign(c)
    with pytest.raises(rules.SigningRefused):
        sign(c)


def test_a_draft_cannot_be_signed_and_consent_and_name_are_required() -> None:
    c = draft()
    with pytest.raises(rules.SigningRefused):
        sign(c)
    c.send(document_sha256="abc", token_sha256="t", now=START)
    with pytest.raises(Invalid) as invalid:
        sign(c, consent=False, signer_name=" ")
    assert [p.field for p in invalid.value.problems] == ["signerName", "consent"]


def test_only_a_signed_contract_is_countersigned_and_only_drafts_or_sent_are_sent() -> None:
    c = draft()
    with pytest.raises(Invalid):
        c.countersign(signer_id="usr_p", signer_name="P", now=START)
    c.booking_released()
    with pytest.raises(Invalid) as invalid:
        c.send(document_sha256="abc", token_sha256="t", now=START)
    assert invalid.value.problems[0].code == "CONFLICT"


def test_the_same_contract_renders_to_the_same_bytes_from_its_template_version() -> None:
    c = draft()
    pdf = documents.render(c)
    assert pdf.startswith(b"%PDF-")
    assert pdf == documents.render(draft())
    c.template_version = "talent-agreement/v1"
    assert documents.render(c) != pdf


# --------------------------------------------------------------------------- use cases


async def test_send_sign_countersign_verify(
    signing: Legal, drafted: str, database: MemoryDatabase
) -> None:
    sent, url = await signing.send_contract(PRODUCER, drafted)
    assert sent.status is ContractStatus.SENT
    assert url.startswith("/sign/")
    raw = await database.repository("contracts").raw(drafted)
    assert raw is not None
    assert token_of(url) not in str(raw)
    document = await signing.document(PRODUCER, sent)
    assert document is not None
    assert hashlib.sha256(document.pdf).hexdigest() == sent.document_sha256

    signed = await signing.sign_contract(
        TALENT, signing_token=token_of(url), signer_name="Rosa Díaz", consent=True
    )
    assert signed.status is ContractStatus.SIGNED
    assert signed.signatures[0].document_sha256 == sent.document_sha256
    done = await signing.countersign_contract(PRODUCER, drafted)
    assert done.status is ContractStatus.COUNTERSIGNED
    assert done.executed_sha256
    executed = await signing.document(TALENT, done)
    assert executed is not None
    assert executed.sha256 == done.executed_sha256
    assert b"Signature page" in executed.pdf or executed.pdf != document.pdf

    for sha in (sent.document_sha256, done.executed_sha256):
        assert sha is not None
        verified = await signing.verify_document(LEGAL, sha)
        assert (verified.valid, verified.contract_id, verified.signed_at) == (True, drafted, START)
    tampered = bytearray(document.pdf)
    tampered[100] ^= 1
    assert not (await signing.verify_document(LEGAL, documents.sha256(bytes(tampered)))).valid
    assert not (await signing.verify_document(OTHER_TALENT, sent.document_sha256 or "")).valid
    assert not (await signing.verify_document(principal("org_b", "legal"), sha)).valid

    assert await audit(database, drafted) == [
        "draftContract",
        "sendContract",
        "signContract",
        "countersignContract",
        "readSignedDocument",
    ]


@pytest.mark.parametrize("case", ["twice", "expired", "another", "unknown", "other_org"])
async def test_a_link_that_cannot_be_used_gets_one_answer_that_reveals_nothing(
    signing: Legal, drafted: str, clock: Clock, case: str
) -> None:
    _, url = await signing.send_contract(PRODUCER, drafted)
    token, caller = token_of(url), TALENT
    if case == "twice":
        await signing.sign_contract(TALENT, signing_token=token, signer_name="R", consent=True)
    elif case == "expired":
        clock.now = START + timedelta(days=8)
    elif case == "another":
        caller = OTHER_TALENT
    elif case == "unknown":
        token = "not-a-token"
    else:
        caller = principal("org_b", "talent", talent_id="tal_1")
    with pytest.raises(UserError) as refused:
        await signing.sign_contract(caller, signing_token=token, signer_name="R", consent=True)
    assert (refused.value.field, refused.value.code, refused.value.message) == (
        "signingToken",
        "INVALID",
        rules.LINK_REFUSED,
    )
    contract = await signing.contract_for(PRODUCER, drafted)
    assert contract is not None
    assert len(contract.signatures) == (1 if case == "twice" else 0)


async def test_sending_again_kills_the_old_link(signing: Legal, drafted: str) -> None:
    _, first = await signing.send_contract(PRODUCER, drafted)
    _, second = await signing.send_contract(LEGAL, drafted)
    with pytest.raises(UserError):
        await signing.sign_contract(
            TALENT, signing_token=token_of(first), signer_name="R", consent=True
        )
    signed = await signing.sign_contract(
        TALENT, signing_token=token_of(second), signer_name="R", consent=True
    )
    assert signed.status is ContractStatus.SIGNED


async def test_signing_without_consent_names_the_field_and_writes_nothing(
    signing: Legal, drafted: str
) -> None:
    _, url = await signing.send_contract(PRODUCER, drafted)
    with pytest.raises(ValidationErrors) as invalid:
        await signing.sign_contract(
            TALENT, signing_token=token_of(url), signer_name="Rosa", consent=False
        )
    assert [e.field for e in invalid.value.errors] == ["consent"]
    contract = await signing.contract_for(PRODUCER, drafted)
    assert contract is not None
    assert contract.status is ContractStatus.SENT


async def test_documents_are_read_by_parties_legal_and_producers_only(
    signing: Legal, drafted: str
) -> None:
    sent, _ = await signing.send_contract(PRODUCER, drafted)
    for reader in (PRODUCER, LEGAL, TALENT):
        assert await signing.document(reader, sent) is not None
    for stranger in (principal("org_a", "casting"), principal("org_a", "accounting"), OTHER_TALENT):
        with pytest.raises(Forbidden):
            await signing.document(stranger, sent)


async def test_only_producers_countersign_and_only_what_exists(
    signing: Legal, drafted: str
) -> None:
    with pytest.raises(Forbidden):
        await signing.countersign_contract(LEGAL, drafted)
    with pytest.raises(UserError) as missing:
        await signing.countersign_contract(PRODUCER, "con_nope")
    assert (missing.value.code, missing.value.field) == ("NOT_FOUND", "contractId")
    with pytest.raises(ValidationErrors) as early:
        await signing.countersign_contract(PRODUCER, drafted)
    assert early.value.errors[0].code == "CONFLICT"


# --------------------------------------------------------------------------- subgraph

SEND = """mutation($id: ID!) { sendContract(input: {contractId: $id}) {
    contract { status } signingUrl userErrors { field code message } } }"""
SIGN = """mutation($t: String!, $consent: Boolean!) {
    signContract(input: {signingToken: $t, signerName: "Rosa Díaz", consent: $consent}) {
    contract { id status } userErrors { field code message } } }"""
COUNTERSIGN = """mutation($id: ID!) { countersignContract(input: {contractId: $id}) {
    contract { status } userErrors { field code } } }"""
READ = """query($id: ID!) { contract(id: $id) { status pdfUrl sha256 executedSha256
    signatures { party signerName signedAt documentSha256 } } }"""
VERIFY = """query($sha: String!) { verifyDocument(sha256: $sha) { valid contractId signedAt } }"""


async def run(legal: Legal, query: str, variables: dict[str, Any], caller: Any) -> Any:
    return data(
        await schema.execute(
            query, variable_values=variables, context_value=graphql_context(legal, caller)
        )
    )


async def test_the_signing_flow_through_the_subgraph(signing: Legal, drafted: str) -> None:
    sent = (await run(signing, SEND, {"id": drafted}, PRODUCER))["sendContract"]
    assert sent["contract"] == {"status": "SENT"}
    assert sent["userErrors"] == []
    token = token_of(sent["signingUrl"])

    refused = (await run(signing, SIGN, {"t": token, "consent": True}, OTHER_TALENT))[
        "signContract"
    ]
    assert refused == {
        "contract": None,
        "userErrors": [{"field": "signingToken", "code": "INVALID", "message": rules.LINK_REFUSED}],
    }
    signed = (await run(signing, SIGN, {"t": token, "consent": True}, TALENT))["signContract"]
    assert signed["contract"] == {"id": drafted, "status": "SIGNED"}
    again = (await run(signing, SIGN, {"t": token, "consent": True}, TALENT))["signContract"]
    assert again == refused

    done = (await run(signing, COUNTERSIGN, {"id": drafted}, PRODUCER))["countersignContract"]
    assert done == {"contract": {"status": "COUNTERSIGNED"}, "userErrors": []}

    read = (await run(signing, READ, {"id": drafted}, TALENT))["contract"]
    assert read["status"] == "COUNTERSIGNED"
    assert [(s["party"], s["signerName"]) for s in read["signatures"]] == [
        ("PERFORMER", "Rosa Díaz"),
        ("PRODUCER", "usr_producer"),
    ]
    pdf = base64.b64decode(read["pdfUrl"].removeprefix("data:application/pdf;base64,"))
    assert hashlib.sha256(pdf).hexdigest() == read["executedSha256"]
    verified = (await run(signing, VERIFY, {"sha": read["sha256"]}, PRODUCER))["verifyDocument"]
    assert verified["valid"]
    assert verified["contractId"] == drafted
    changed = hashlib.sha256(pdf[:-1] + bytes([pdf[-1] ^ 1])).hexdigest()
    assert (await run(signing, VERIFY, {"sha": changed}, PRODUCER))["verifyDocument"] == {
        "valid": False,
        "contractId": None,
        "signedAt": None,
    }


async def test_casting_sees_the_status_but_not_the_document(signing: Legal, drafted: str) -> None:
    await signing.send_contract(PRODUCER, drafted)
    read = (await run(signing, READ, {"id": drafted}, principal("org_a", "casting")))["contract"]
    assert read == {
        "status": "SENT",
        "pdfUrl": None,
        "sha256": None,
        "executedSha256": None,
        "signatures": None,
    }
