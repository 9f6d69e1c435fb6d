"""Documents drafted from versioned templates (crew deal memo, location agreement, NDA, music
license, talent and appearance releases, talent agreements): each term named when missing, the
digital-replica terms Labor Code §927 requires, the PDF rendered, the use case and subgraph."""

from __future__ import annotations

from typing import Any

import pytest
from legal import documents
from legal.domain import templates
from legal.domain.compliance import ContractStatus
from legal.schema import schema
from legal.usecases import Legal
from slate.errors import Forbidden, ValidationErrors
from slate.testing import data, graphql_context, principal
from slate_domain import Invalid

PRODUCER = principal("org_a", "producer")
TALENT = principal("org_a", "talent", talent_id="tal_1", sub="usr_rosa")
USES = "a 15-second voice-only tag for the Spring Spot radio edit, US broadcast, 2027"

FILLED: dict[str, dict[str, Any]] = {
    "crew-deal-memo/v1": {
        "terms": {"position": "Gaffer", "department": "Electric", "startDate": "2027-03-01"},
        "fee": "850.00",
        "unit": "DAY",
    },
    "location-agreement/v1": {"terms": {"address": "1 Echo Park Ave", "dates": "2027-03-02"}},
    "nda/v1": {"terms": {"purpose": "the Spring Spot script", "termYears": "2"}},
    "music-license/v1": {
        "terms": {
            "track": "Sunny Day",
            "licenseType": "SYNC",
            "media": "all media",
            "territory": "USA",
            "term": "1 year",
        },
        "fee": "5000",
    },
    "talent-release/v1": {
        "terms": {"media": "all media", "territory": "worldwide", "term": "perpetuity"},
        "talent_id": "tal_1",
    },
    "appearance-release/v1": {
        "terms": {
            "scene": "scene 4, park bench",
            "media": "broadcast",
            "territory": "USA",
            "term": "2 years",
        }
    },
    "talent-agreement/v1": {"terms": {}, "talent_id": "tal_1", "fee": "1200", "unit": "DAY"},
    "sag-aftra-commercials-principal/v1": {"terms": {}, "talent_id": "tal_1"},
}


def draft(template: str, **changes: Any) -> Any:
    fields: dict[str, Any] = {
        "org_id": "org_a",
        "production_id": "prd_1",
        "template": template,
        "counterparty": "Ana Ruiz",
        "talent_id": "",
        "fee": "100",
        "currency": "USD",
        "unit": "FLAT",
        "terms": {},
        "replica": None,
        **FILLED.get(template, {}),
        **changes,
    }
    return templates.draft_document("con_1", **fields)


def fields_of(exc: Invalid) -> set[str]:
    return {p.field for p in exc.problems}


@pytest.mark.parametrize("template", sorted(templates.TEMPLATES))
def test_every_template_drafts_and_renders_its_terms(template: str) -> None:
    contract = draft(template)
    assert (contract.status, contract.template_version) == (ContractStatus.DRAFT, template)
    text = templates.document(contract)
    body = " ".join(b for _, b in text.sections)
    for name, value in contract.terms:
        assert value in body or name == "licenseType"  # SYNC/MASTER become the grant's words
    assert "1633.7" in body  # every document may be signed electronically
    pdf = documents.render(contract)
    assert pdf.startswith(b"%PDF")
    assert documents.render(contract) == pdf  # the same document, the same bytes


def test_each_missing_or_unknown_term_is_named() -> None:
    with pytest.raises(Invalid) as refused:
        draft("location-agreement/v1", terms={"address": " ", "colour": "red"})
    assert fields_of(refused.value) == {"terms.address", "terms.dates", "terms.colour"}
    with pytest.raises(Invalid) as bad:
        draft("music-license/v1", terms={**FILLED["music-license/v1"]["terms"], "licenseType": "X"})
    assert fields_of(bad.value) == {"terms.licenseType"}
    with pytest.raises(Invalid) as unknown:
        draft("lease/v1")
    assert fields_of(unknown.value) == {"template"}


def test_fee_currency_unit_and_parties_are_checked() -> None:
    with pytest.raises(Invalid) as refused:
        draft("nda/v1", fee="-1", currency="usd", unit="YEAR", counterparty="")
    assert fields_of(refused.value) == {"fee", "currency", "unit", "counterpartyName"}
    with pytest.raises(Invalid) as talentless:
        draft("talent-release/v1", talent_id="")
    assert fields_of(talentless.value) == {"talentId"}


def test_digital_replica_terms_need_specific_uses_and_representation_labor_code_927() -> None:
    """LC §927(a): unenforceable without a reasonably specific description of the uses and
    representation by counsel or a union whose agreement covers replicas."""
    with pytest.raises(Invalid) as vague:
        draft("talent-release/v1", replica=("ads", "NOBODY"))
    assert fields_of(vague.value) == {"digitalReplica.uses", "digitalReplica.representedBy"}
    with pytest.raises(Invalid) as no_performer:
        draft("location-agreement/v1", replica=(USES, "COUNSEL"))
    assert fields_of(no_performer.value) == {"digitalReplica"}
    granted = draft("talent-release/v1", replica=(USES, "UNION"))
    clause = dict(templates.document(granted).sections)["Digital replicas"]
    assert USES in clause
    assert "labor union" in clause
    assert "927" in clause
    none = dict(templates.document(draft("talent-release/v1")).sections)["Digital replicas"]
    assert "acquires no right" in none


def test_the_nda_keeps_the_protected_disclosure_carve_out() -> None:
    sections = dict(templates.document(draft("nda/v1")).sections)
    assert sections["Protected disclosures"] == templates.NDA_CARVE_OUT


async def test_a_release_is_drafted_sent_and_signed_by_its_talent(legal: Legal) -> None:
    release = await legal.draft_document(
        PRODUCER,
        production_id="prd_1",
        template="talent-release/v1",
        counterparty="Rosa Diaz",
        talent_id="tal_1",
        terms=FILLED["talent-release/v1"]["terms"],
        digital_replica=(USES, "COUNSEL"),
    )
    _, url = await legal.send_contract(PRODUCER, release.id)
    signed = await legal.sign_contract(
        TALENT, signing_token=url.rsplit("/", 1)[1], signer_name="Rosa Diaz", consent=True
    )
    assert signed.status is ContractStatus.SIGNED
    found = await legal.contract("org_a", release.id)
    assert found is not None
    assert found.digital_replica is not None
    assert found.digital_replica.uses == USES
    assert found.terms == release.terms
    assert await legal.contract("org_b", release.id) is None


async def test_drafting_is_for_legal_and_producers_and_writes_nothing_on_failure(
    legal: Legal,
) -> None:
    with pytest.raises(Forbidden):
        await legal.draft_document(
            principal("org_a", "casting"),
            production_id="prd_1",
            template="nda/v1",
            counterparty="X",
        )
    with pytest.raises(ValidationErrors) as refused:
        await legal.draft_document(
            PRODUCER, production_id="prd_1", template="nda/v1", counterparty="X"
        )
    assert {e.field for e in refused.value.errors} == {"terms.purpose", "terms.termYears"}
    assert (await legal.contracts_by_production("org_a", ["prd_1"]))["prd_1"] == []


DRAFT = """mutation($input: DraftContractInput!) { draftContract(input: $input) {
    contract { id status templateVersion counterpartyName terms { name value }
               digitalReplica { uses representedBy } }
    userErrors { field message } } }"""


async def test_the_subgraph_drafts_and_lists_templates(legal: Legal) -> None:
    context = graphql_context(legal, PRODUCER)
    listed = data(await schema.execute("{ contractTemplates { id terms } }", context_value=context))
    assert {t["id"] for t in listed["contractTemplates"]} == set(templates.TEMPLATES)
    variables = {
        "input": {
            "productionId": "prd_1",
            "template": "location-agreement/v1",
            "counterpartyName": "Echo Park Owners LLC",
            "fee": "2500",
            "terms": [{"name": "address", "value": "1 Echo Park Ave"}],
        }
    }
    refused = data(await schema.execute(DRAFT, variable_values=variables, context_value=context))
    assert refused["draftContract"]["userErrors"] == [
        {"field": "terms.dates", "message": "must not be empty"}
    ]
    variables["input"]["terms"].append({"name": "dates", "value": "2027-03-02"})
    done = data(await schema.execute(DRAFT, variable_values=variables, context_value=context))
    contract = done["draftContract"]["contract"]
    assert (contract["status"], contract["counterpartyName"]) == ("DRAFT", "Echo Park Owners LLC")
    assert contract["terms"][1] == {"name": "dates", "value": "2027-03-02"}
    assert contract["digitalReplica"] is None
