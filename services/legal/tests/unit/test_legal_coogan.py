"""A minor's Coogan trust account (Family Code §§6752-6753): recorded with only its last four
digits kept, required before a minor's contract is countersigned, and known to the booking gate."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date

import pytest
from legal.domain.compliance import ContractStatus
from legal.domain.coogan import CooganAccount
from legal.schema import schema
from legal.usecases import Legal, contract_id_of
from slate.errors import Forbidden, UserError, ValidationErrors
from slate.events.snapshots import BookingSnapshot
from slate.repository import MemoryDatabase
from slate.testing import data, graphql_context, principal
from slate_domain import Invalid

PRODUCER = principal("org_a", "producer", sub="usr_producer")
PARENT = principal("org_a", "talent", talent_id="tal_1", sub="usr_parent")
NUMBER = "1234-5678-9012"
TODAY = date(2027, 1, 15)


def record(**changes: str) -> CooganAccount:
    fields = {"talent_id": "tal_1", "institution": "First Bank", "account_number": NUMBER}
    return CooganAccount.record_account(
        id="cgn_1", org_id="org_a", today=TODAY, **{**fields, **changes}
    )


def test_only_the_last_four_digits_are_kept_family_code_6753() -> None:
    account = record()
    assert (account.account_last4, account.masked) == ("9012", "****9012")
    assert "5678" not in json.dumps(vars(account), default=str)


def test_a_bad_account_is_named_without_repeating_it() -> None:
    with pytest.raises(Invalid) as refused:
        record(account_number="12ab-999", institution=" ", trustee_statement_on="2027-02-01")
    problems = {p.field: p.message for p in refused.value.problems}
    assert set(problems) == {"accountNumber", "institution", "trusteeStatementOn"}
    assert "12ab" not in problems["accountNumber"]


async def test_a_minors_contract_is_countersigned_only_with_a_coogan_account(
    legal: Legal, booking: Callable[..., BookingSnapshot]
) -> None:
    await legal.draft_contract(booking(is_minor=True))
    contract_id = contract_id_of("bkg_1")
    _, url = await legal.send_contract(PRODUCER, contract_id)
    await legal.sign_contract(
        PARENT, signing_token=url.rsplit("/", 1)[1], signer_name="Ana Diaz", consent=True
    )
    with pytest.raises(UserError) as refused:
        await legal.countersign_contract(PRODUCER, contract_id)
    assert (refused.value.field, refused.value.code) == ("contractId", "CONFLICT")
    assert "Coogan" in str(refused.value)
    stored = await legal.contract("org_a", contract_id)
    assert stored is not None
    assert stored.status is ContractStatus.SIGNED  # nothing written
    await legal.record_coogan_account(
        PARENT, talent_id="tal_1", institution="First Bank", account_number=NUMBER
    )
    countersigned = await legal.countersign_contract(PRODUCER, contract_id)
    assert countersigned.status is ContractStatus.COUNTERSIGNED


async def test_who_may_record_and_what_is_stored(legal: Legal, database: MemoryDatabase) -> None:
    with pytest.raises(Forbidden):
        await legal.record_coogan_account(
            principal("org_a", "talent", talent_id="tal_2"),
            talent_id="tal_1",
            institution="First Bank",
            account_number=NUMBER,
        )
    with pytest.raises(Forbidden):
        await legal.record_coogan_account(
            principal("org_a", "casting"),
            talent_id="tal_1",
            institution="First Bank",
            account_number=NUMBER,
        )
    with pytest.raises(ValidationErrors):
        await legal.record_coogan_account(
            PRODUCER, talent_id="tal_1", institution="First Bank", account_number="12"
        )
    saved = await legal.record_coogan_account(
        PRODUCER, talent_id="tal_1", institution="First Bank", account_number=NUMBER
    )
    raw = await database.repository("coogan_accounts").raw(saved.id)
    assert "5678" not in json.dumps(raw, default=str)
    audit = json.dumps(await database.repository("audit").find("org_a", {}), default=str)
    assert "recordCooganAccount" in audit
    assert "5678" not in audit


async def test_the_gate_stops_asking_for_the_account_once_on_file(legal: Legal) -> None:
    facts = {
        "talent_id": "tal_1",
        "is_minor": True,
        "union": "NONE",
        "work_dates": ["2027-03-02"],
        "age_band": "P9Y/P16Y",
    }
    before = {i.code for i in await legal.check_booking(org_id="org_a", **facts)}
    assert "COOGAN_ACCOUNT_REQUIRED" in before
    await legal.record_coogan_account(
        PRODUCER, talent_id="tal_1", institution="First Bank", account_number=NUMBER
    )
    after = {i.code for i in await legal.check_booking(org_id="org_a", **facts)}
    assert after == before - {"COOGAN_ACCOUNT_REQUIRED"}
    elsewhere = {i.code for i in await legal.check_booking(org_id="org_b", **facts)}
    assert "COOGAN_ACCOUNT_REQUIRED" in elsewhere


RECORD = """mutation($input: RecordCooganAccountInput!) { recordCooganAccount(input: $input) {
    cooganAccount { talentId institution accountNumberMasked } userErrors { field } } }"""


async def test_the_subgraph_shows_the_account_masked(legal: Legal) -> None:
    variables = {
        "input": {"talentId": "tal_1", "institution": "First Bank", "accountNumber": NUMBER}
    }
    result = data(
        await schema.execute(
            RECORD, variable_values=variables, context_value=graphql_context(legal, PARENT)
        )
    )
    assert result["recordCooganAccount"]["cooganAccount"] == {
        "talentId": "tal_1",
        "institution": "First Bank",
        "accountNumberMasked": "****9012",
    }
