"""SB 988, the Freelance Worker Protection Act (Bus. & Prof. Code §18100 ff.): which engagements
it covers ($250, alone or with the prior 120 days), the contract's required terms, the payment
deadline, and the compliance report that flags them."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from legal.domain import report as rules
from legal.domain.freelance import FreelanceContract
from legal.schema import schema
from legal.store import LegalStore
from legal.usecases import Legal
from slate.audit import AuditLog
from slate.errors import Forbidden
from slate.repository import MemoryDatabase
from slate.testing import data, graphql_context, principal
from slate_domain import Invalid

PRODUCER = principal("org_a", "producer")
ACCOUNTING = principal("org_a", "accounting")
COMPLETE: dict[str, Any] = {
    "production_id": "prd_1",
    "freelancer_name": "Sam Lee",
    "freelancer_address": "1 Main St, Los Angeles, CA",
    "hiring_party_name": "Acme Films LLC",
    "hiring_party_address": "2 Studio Way, Burbank, CA",
    "services": [("storyboards for the Spring Spot", "400.00", "flat fee, by ACH")],
    "contracted_on": "2027-02-01",
    "written": True,
    "invoice_due_on": "2027-02-20",
    "completed_on": "2027-02-15",
}


def engagement(id: str = "fre_1", **changes: Any) -> FreelanceContract:
    return FreelanceContract.record_contract(id=id, org_id="org_a", **{**COMPLETE, **changes})


def test_250_dollars_alone_or_over_120_days_is_covered_sb_988() -> None:
    """B&P §18100 ff.: $250 or more, alone or aggregated with the prior 120 days."""
    assert engagement().covered()
    small = engagement(services=[("logo sketch", "200.00", "flat")])
    assert not small.covered()
    earlier = engagement("fre_0", services=[("logo", "60.00", "flat")], contracted_on="2026-11-01")
    assert small.covered([earlier])  # 260 within 120 days
    too_old = engagement("fre_0", services=[("logo", "60.00", "flat")], contracted_on="2026-09-01")
    assert not small.covered([too_old])
    before_the_act = engagement(contracted_on="2024-12-31")
    assert not before_the_act.covered()


def test_each_missing_required_term_is_named() -> None:
    assert engagement().missing_terms() == []
    bare = engagement(
        written=False,
        freelancer_address="",
        hiring_party_address="",
        invoice_due_on=None,
        services=[("storyboards", "400.00", "")],
    )
    assert len(bare.missing_terms()) == 5


def test_payment_is_due_by_the_contract_date_or_30_days_after_completion() -> None:
    c = engagement()
    assert c.payment_deadline() == date(2027, 3, 17)
    assert not c.overdue(date(2027, 3, 17))
    assert c.overdue(date(2027, 3, 18))
    c.paid("2027-03-20")
    assert not c.overdue(date(2027, 4, 1))
    assert engagement(payment_due_on="2027-02-28").payment_deadline() == date(2027, 2, 28)
    assert engagement(completed_on=None).payment_deadline() is None


def test_bad_formats_are_named() -> None:
    with pytest.raises(Invalid) as refused:
        engagement(freelancer_name="", services=[("", "-4", "")], contracted_on="soon")
    assert {p.field for p in refused.value.problems} == {
        "freelancerName",
        "services[0].description",
        "services[0].value",
        "contractedOn",
    }


def test_the_report_rule_blocks_incomplete_contracts_and_warns_of_overdue_pay() -> None:
    complete, bare = engagement(), engagement("fre_2", written=False)
    items = rules.freelance_rule([complete, bare], [complete, bare], date(2027, 3, 20))
    assert [(i.code, i.severity) for i in items] == [
        ("FREELANCE_PAYMENT_OVERDUE", "WARNING"),
        ("FREELANCE_CONTRACT_INCOMPLETE", "BLOCKING"),
        ("FREELANCE_PAYMENT_OVERDUE", "WARNING"),
    ]
    assert all("18100" in i.source for i in items)


@pytest.fixture
def legal_on(store: LegalStore, database: MemoryDatabase) -> Legal:
    return Legal(store, AuditLog(database), today=lambda: date(2027, 3, 20))


async def test_the_production_report_and_blockers_show_freelance_items(legal_on: Legal) -> None:
    fields = {**COMPLETE, "written": False}
    saved = await legal_on.record_freelance_contract(PRODUCER, **fields)
    report = await legal_on.compliance_report(PRODUCER, "prd_1")
    assert {i.code for i in report} == {
        "FREELANCE_CONTRACT_INCOMPLETE",
        "FREELANCE_PAYMENT_OVERDUE",
    }
    assert [b.code for b in await legal_on.production_blockers("org_a", "prd_1")] == [
        "FREELANCE_CONTRACT_INCOMPLETE"
    ]
    one_day = await legal_on.compliance_report(PRODUCER, "prd_1", "2027-03-02")
    assert not any(i.code.startswith("FREELANCE") for i in one_day)  # the production's, not a day's
    with pytest.raises(Forbidden):
        await legal_on.record_freelance_payment(principal("org_a", "casting"), saved.id, "x")
    await legal_on.record_freelance_payment(ACCOUNTING, saved.id, "2027-03-20")
    after = await legal_on.compliance_report(PRODUCER, "prd_1")
    assert {i.code for i in after} == {"FREELANCE_CONTRACT_INCOMPLETE"}
    assert await legal_on.compliance_report(principal("org_b", "legal"), "prd_1") == []


RECORD = """mutation($input: RecordFreelanceContractInput!) {
  recordFreelanceContract(input: $input) {
    freelanceContract { total paymentDeadline missingTerms } userErrors { field } } }"""


async def test_the_subgraph_records_and_names_errors(legal_on: Legal) -> None:
    variables = {
        "input": {
            "productionId": "prd_1",
            "freelancerName": "Sam Lee",
            "services": [{"description": "storyboards", "value": "400"}],
            "contractedOn": "2027-02-01",
            "written": True,
            "completedOn": "2027-02-15",
        }
    }
    context = graphql_context(legal_on, PRODUCER)
    done = data(await schema.execute(RECORD, variable_values=variables, context_value=context))
    contract = done["recordFreelanceContract"]["freelanceContract"]
    assert (contract["total"], contract["paymentDeadline"]) == ("400.00", "2027-03-17")
    assert len(contract["missingTerms"]) == 4
    variables["input"]["services"] = []
    refused = data(await schema.execute(RECORD, variable_values=variables, context_value=context))
    assert refused["recordFreelanceContract"]["userErrors"] == [{"field": "services"}]
