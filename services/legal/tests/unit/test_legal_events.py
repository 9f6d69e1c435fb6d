"""The facts legal announces (catalogue types on slate.legal.contract.v1 and .permit.v1): a
contract's sending, signing, countersigning and voiding, permits and insurance, each decoded as
a consumer would, and nothing personal or secret in them (signer name, link, permit number)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from legal.usecases import Legal, contract_id_of
from slate.events import OutboxEvent
from slate.events.catalogue import BY_NAME
from slate.events.snapshots import BookingSnapshot
from slate.repository import MemoryDatabase
from slate.testing import principal

PRODUCER = principal("org_a", "producer", sub="usr_producer")
TALENT = principal("org_a", "talent", talent_id="tal_1", sub="usr_rosa")


async def announced(database: MemoryDatabase, collection: str, id: str) -> list[OutboxEvent]:
    raw = await database.repository(collection).raw(id)
    assert raw is not None
    return [OutboxEvent.from_doc(e) for e in raw["_outbox"]]


def decoded(event: OutboxEvent) -> object:
    return BY_NAME[event.type].message.FromString(event.payload)


async def test_a_contracts_lifecycle_is_announced(
    legal: Legal, database: MemoryDatabase, booking: Callable[..., BookingSnapshot]
) -> None:
    await legal.draft_contract(booking())
    contract_id = contract_id_of("bkg_1")
    _, url = await legal.send_contract(PRODUCER, contract_id)
    token = url.rsplit("/", 1)[1]
    await legal.sign_contract(TALENT, signing_token=token, signer_name="Rosa Diaz", consent=True)
    done = await legal.countersign_contract(PRODUCER, contract_id, "Pat Producer")
    events = await announced(database, "contracts", contract_id)
    assert [e.type for e in events] == [
        "slate.legal.contract.drafted.v1",
        "slate.legal.contract.sent.v1",
        "slate.legal.contract.signed.v1",
        "slate.legal.contract.countersigned.v1",
    ]
    assert {e.key for e in events} == {contract_id}
    sent, signed, countersigned = (decoded(e) for e in events[1:])
    assert (sent.production_id, sent.talent_id) == ("prd_1", "tal_1")  # type: ignore[attr-defined]
    assert sent.document_sha256 == done.document_sha256  # type: ignore[attr-defined]
    assert datetime.fromisoformat(signed.signed_at).tzinfo is not None  # type: ignore[attr-defined]
    assert countersigned.executed_sha256 == done.executed_sha256  # type: ignore[attr-defined]
    for e in events:
        assert b"Rosa" not in e.payload
        assert token.encode() not in e.payload


async def test_permits_and_insurance_are_announced(legal: Legal, database: MemoryDatabase) -> None:
    legal_staff = principal("org_a", "legal")
    work = await legal.record_work_permit(
        legal_staff,
        talent_id="tal_1",
        number="EWP-77",
        issued_on="2027-01-10",
        expires_on="2027-06-01",
    )
    [permit_event] = await announced(database, "work_permits", work.id)
    message = decoded(permit_event)
    assert (message.issued_on, message.expires_on) == ("2027-01-10", "2027-06-01")  # type: ignore[attr-defined]
    assert b"EWP-77" not in permit_event.payload
    film = await legal.request_film_permit(
        legal_staff,
        production_id="prd_1",
        location_name="Echo Park Lake",
        dates=["2027-03-02"],
        high_impact=True,
    )
    [film_event] = await announced(database, "film_permits", film.id)
    requested = decoded(film_event)
    assert film_event.topic == "slate.legal.permit.v1"
    assert (list(requested.dates), requested.high_impact) == (["2027-03-02"], True)  # type: ignore[attr-defined]
    assert requested.ready_by == film.ready_by.isoformat()  # type: ignore[attr-defined]
    coi = await legal.record_insurance_certificate(
        legal_staff,
        production_id="prd_1",
        insurer="Acme",
        policy_number="CGL-1",
        general_liability_limit="1000000",
        additional_insureds=["FilmL.A., Inc."],
        effective_on="2027-01-01",
        expires_on="2027-12-31",
    )
    [coi_event] = await announced(database, "insurance_certificates", coi.id)
    recorded = decoded(coi_event)
    assert (recorded.insurer, recorded.general_liability_limit) == ("Acme", "1000000")  # type: ignore[attr-defined]
    assert datetime(2027, 1, 1, tzinfo=UTC).date().isoformat() == recorded.effective_on  # type: ignore[attr-defined]
