"""Payee profiles: checked input, tax id and bank account sealed at rest and masked in every
answer, revealed only to the payee and the organisation's accounting, W-4/DE 4 used by runs."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from payroll.domain.payees import (
    Address,
    PayeeInput,
    W4Input,
    aba_check_digit_ok,
    check_payee,
)
from payroll.domain.taxes import FilingStatus
from payroll.schema import schema
from payroll.store import PAYEES
from payroll.usecases import Payroll, engagement_id_for
from slate.audit import COLLECTION as AUDIT
from slate.errors import UserError, ValidationErrors
from slate.events.snapshots import BookingSnapshot
from slate.repository import MemoryDatabase
from slate.testing import data, graphql_context, principal
from slate_domain import Invalid

Booking = Callable[..., BookingSnapshot]
# A refusal: FORBIDDEN for a role that may not, NOT_FOUND for someone else's payee.
REFUSED = (ValidationErrors, UserError)
ACCOUNTING = principal("org_a", "accounting")
PRODUCER = principal("org_a", "producer")
SSN = "123-45-6789"
ROUTING = "021000021"  # a real ABA number (3·0 + 7·4 + 2 = 30)
ACCOUNT = "000123456789"
TALENT = principal("org_a", "talent", sub="tal_1", talent_id="tal_1")
OTHER_TALENT = principal("org_a", "talent", sub="tal_2", talent_id="tal_2")


def profile(**changes: Any) -> PayeeInput:
    values: dict[str, Any] = {
        "legal_name": "Rosa  Díaz",
        "address": Address("1 Main St", "", "Los Angeles", "CA", "90012"),
        "tax_id": SSN,
        "payment_method": "DIRECT_DEPOSIT",
        "routing_number": ROUTING,
        "account_number": ACCOUNT,
        "w4": W4Input(filing_status="MARRIED", dependents="2000.00"),
    }
    values.update(changes)
    return PayeeInput(**values)


def fields(exc: pytest.ExceptionInfo[ValidationErrors]) -> list[str | None]:
    return [e.field for e in exc.value.errors]


# --------------------------------------------------------------------------- the domain


@pytest.mark.parametrize(
    ("routing", "ok"),
    [("021000021", True), ("011000015", True), ("021000022", False), ("02100002", False)],
)
def test_a_routing_number_passes_its_aba_check_digit(routing: str, ok: bool) -> None:
    assert aba_check_digit_ok(routing) is ok


def test_every_bad_field_is_named_and_no_message_repeats_a_number() -> None:
    with pytest.raises(Invalid) as exc:
        check_payee(
            profile(
                legal_name=" ",
                address=Address("", "", "LA", "California", "9001"),
                tax_id="666-12-3456",
                routing_number="021000022",
                account_number="12",
                w4=W4Input(filing_status="WIDOWED", extra_withholding="-5"),
            )
        )
    problems = {p.field: p.message for p in exc.value.problems}
    assert set(problems) == {
        "legalName",
        "address.line1",
        "address.state",
        "address.postalCode",
        "taxId",
        "bankAccount.routingNumber",
        "bankAccount.accountNumber",
        "w4.filingStatus",
        "w4.extraWithholding",
    }
    assert not any(n in str(exc.value) for n in ("666", "021000022"))


@pytest.mark.parametrize(
    ("kind", "number", "ok"),
    [
        ("SSN", "123456789", True),
        ("SSN", "000-12-3456", False),
        ("SSN", "900-12-3456", False),
        ("SSN", "123-00-4567", False),
        ("ITIN", "912-70-1234", True),
        ("ITIN", "912-69-1234", False),
        ("EIN", "12-3456789", True),
        ("EIN", "00-3456789", False),
    ],
)
def test_tax_ids_follow_their_issuers_rules(kind: str, number: str, ok: bool) -> None:
    given = profile(tax_id_type=kind, tax_id=number)
    if ok:
        facts = check_payee(given)
        assert facts.tax_id is not None
        assert facts.tax_id[1] == number.replace("-", "")
    else:
        with pytest.raises(Invalid) as exc:
            check_payee(given)
        assert [p.field for p in exc.value.problems] == ["taxId"]


# --------------------------------------------------------------------------- use cases


async def engaged(payroll: Payroll, booking: Booking) -> None:
    await payroll.on_booking_confirmed(booking(work_dates=["2027-03-02"]))


async def test_accounting_saves_a_profile_sealed_at_rest_and_masked(
    payroll: Payroll, database: MemoryDatabase
) -> None:
    saved = await payroll.save_payee_profile(ACCOUNTING, "tal_1", profile())
    assert (saved.legal_name, saved.tax_id_last4, saved.account_last4) == (
        "Rosa Díaz",
        "6789",
        "6789",
    )
    assert saved.w4.filing_status is FilingStatus.MARRIED
    assert saved.w4.dependents_cents == 200_000
    raw = await database.repository(PAYEES).raw(saved.id)
    stored = json.dumps(raw, default=str)
    for secret in ("123456789", "123-45-6789", ROUTING, ACCOUNT):
        assert secret not in stored
    assert "_outbox" not in raw or raw["_outbox"] == []  # never on Kafka
    [record] = database.collections[AUDIT].values()
    assert record["action"] == "savePayeeProfile"
    assert SSN.replace("-", "") not in json.dumps(record, default=str)


async def test_the_payee_and_accounting_read_it_in_full_and_each_read_is_audited(
    payroll: Payroll, booking: Booking, database: MemoryDatabase
) -> None:
    await engaged(payroll, booking)
    saved = await payroll.save_payee_profile(TALENT, "tal_1", profile())
    for caller in (TALENT, ACCOUNTING):
        secrets = await payroll.reveal_payee_profile(caller, saved)
        assert secrets.tax_id == "123456789"
        assert secrets.bank is not None
        assert secrets.bank.account_number == ACCOUNT
        assert "6789" not in repr(secrets)
    reveals = [a for a in database.collections[AUDIT].values() if a["action"].startswith("reveal")]
    assert len(reveals) == 2


@pytest.mark.parametrize("caller", [PRODUCER, OTHER_TALENT], ids=["producer", "another talent"])
async def test_nobody_else_reads_or_writes_it(
    payroll: Payroll, booking: Booking, caller: Any
) -> None:
    await engaged(payroll, booking)
    saved = await payroll.save_payee_profile(ACCOUNTING, "tal_1", profile())
    with pytest.raises(REFUSED):
        await payroll.reveal_payee_profile(caller, saved)
    with pytest.raises(REFUSED):
        await payroll.save_payee_profile(caller, "tal_1", profile(legal_name="Someone Else"))
    with pytest.raises(REFUSED):
        await payroll.payee_profile(caller, "tal_1")
    again = await payroll.payee_profile(ACCOUNTING, "tal_1")
    assert again is not None
    assert (again.legal_name, again.version) == ("Rosa Díaz", 1)


async def test_another_organisation_keeps_its_own_profile_and_never_sees_this_one(
    payroll: Payroll, booking: Booking
) -> None:
    await engaged(payroll, booking)
    saved = await payroll.save_payee_profile(ACCOUNTING, "tal_1", profile())
    other = principal("org_b", "accounting")
    with pytest.raises(REFUSED):
        await payroll.reveal_payee_profile(other, saved)
    assert await payroll.payee_profile(other, "tal_1") is None
    with pytest.raises(REFUSED):
        await payroll.payee_profile(other, "tal_1", org_id="org_a")
    theirs = await payroll.save_payee_profile(other, "tal_1", profile(legal_name="R. Díaz"))
    assert theirs.id != saved.id
    ours = await payroll.payee_profile(ACCOUNTING, "tal_1")
    assert ours is not None
    assert (ours.legal_name, ours.version) == ("Rosa Díaz", 1)


async def test_a_talent_needs_an_engagement_with_the_organisation(payroll: Payroll) -> None:
    with pytest.raises(ValidationErrors) as exc:
        await payroll.save_payee_profile(TALENT, "tal_1", profile())
    assert fields(exc) == ["orgId"]
    assert exc.value.errors[0].code == "NOT_FOUND"


async def test_bad_input_writes_nothing(payroll: Payroll, database: MemoryDatabase) -> None:
    with pytest.raises(ValidationErrors) as exc:
        await payroll.save_payee_profile(ACCOUNTING, "tal_1", profile(routing_number="021000022"))
    assert fields(exc) == ["bankAccount.routingNumber"]
    with pytest.raises(ValidationErrors) as exc:
        await payroll.save_payee_profile(ACCOUNTING, "tal_1", profile(tax_id=None))
    assert fields(exc) == ["taxId"]
    with pytest.raises(ValidationErrors) as exc:
        await payroll.save_payee_profile(
            ACCOUNTING, "tal_1", profile(routing_number=None, account_number=None)
        )
    assert fields(exc) == ["bankAccount"]
    assert not database.collections.get(PAYEES)
    assert not database.collections.get(AUDIT)


async def test_a_later_save_without_the_numbers_keeps_them(payroll: Payroll) -> None:
    first = await payroll.save_payee_profile(ACCOUNTING, "tal_1", profile())
    second = await payroll.save_payee_profile(
        ACCOUNTING,
        "tal_1",
        profile(tax_id=None, routing_number=None, account_number=None, legal_name="Rosa Diaz"),
    )
    assert (second.version, second.legal_name) == (first.version + 1, "Rosa Diaz")
    secrets = await payroll.reveal_payee_profile(ACCOUNTING, second)
    assert secrets.tax_id == "123456789"
    assert secrets.bank is not None
    assert secrets.bank.routing_number == ROUTING


async def test_a_pay_run_withholds_by_the_profiles_elections(
    payroll: Payroll, booking: Booking
) -> None:
    async def run_gross_and_federal(org: str) -> tuple[int, int, str, str]:
        accounting = principal(org, "accounting")
        await payroll.on_booking_confirmed(
            booking(org_id=org, booking_id=f"bkg_{org}", work_dates=["2027-03-02"], union="NONE")
        )
        card = await payroll.submit_timecard(
            accounting,
            engagement_id=engagement_id_for(f"bkg_{org}"),
            day="2027-03-02",
            call="08:00",
            wrap="16:30",
            meals=[("12:00", "12:30")],
        )
        await payroll.approve_timecard(accounting, card.id)
        run = await payroll.create_pay_run(
            accounting,
            production_id="prd_1",
            period_start="2027-03-01",
            period_end="2027-03-07",
            pay_date="2027-03-12",
        )
        [stub] = run.stubs
        fit = next(t.cents for t in stub.deductions if t.code == "federal_income_tax")
        return stub.gross_cents, fit, stub.payee_name, stub.tax_id_last4

    # The same week in two organisations: one has the payee's W-4 (married, $2,000 dependents).
    await payroll.save_payee_profile(principal("org_a", "accounting"), "tal_1", profile())
    gross_a, fit_a, name_a, last4_a = await run_gross_and_federal("org_a")
    gross_b, fit_b, name_b, last4_b = await run_gross_and_federal("org_b")
    assert gross_a == gross_b
    assert fit_a < fit_b
    assert (name_a, last4_a, name_b, last4_b) == ("Rosa Díaz", "6789", "", "")


# --------------------------------------------------------------------------- the subgraph

SAVE = """
mutation($input: SavePayeeProfileInput!) {
  savePayeeProfile(input: $input) {
    payeeProfile { id taxId bankAccount { routingNumber accountNumber accountType } }
    userErrors { field code }
  }
}"""
READ = """
query($talentId: ID!, $reveal: Boolean!) {
  payeeProfile(talentId: $talentId) {
    legalName taxId w4 { filingStatus dependents { amount } }
    revealed @include(if: $reveal) { taxId accountNumber }
  }
}"""
INPUT = {
    "talentId": "tal_1",
    "legalName": "Rosa Díaz",
    "address": {"line1": "1 Main St", "city": "Los Angeles", "state": "CA", "postalCode": "90012"},
    "taxId": SSN,
    "w4": {"filingStatus": "MARRIED", "dependents": "2000.00"},
    "paymentMethod": "DIRECT_DEPOSIT",
    "bankAccount": {"routingNumber": ROUTING, "accountNumber": ACCOUNT},
}


async def test_the_subgraph_answers_masked_and_reveals_to_accounting(payroll: Payroll) -> None:
    saved = data(
        await schema.execute(
            SAVE, {"input": INPUT}, context_value=graphql_context(payroll, ACCOUNTING)
        )
    )["savePayeeProfile"]
    assert saved["userErrors"] == []
    assert saved["payeeProfile"]["taxId"] == "•••-••-6789"
    assert saved["payeeProfile"]["bankAccount"] == {
        "routingNumber": "•••••0021",
        "accountNumber": "••••6789",
        "accountType": "CHECKING",
    }
    read = data(
        await schema.execute(
            READ,
            {"talentId": "tal_1", "reveal": True},
            context_value=graphql_context(payroll, ACCOUNTING),
        )
    )["payeeProfile"]
    assert read["revealed"] == {"taxId": "123456789", "accountNumber": ACCOUNT}
    assert read["w4"] == {"filingStatus": "MARRIED", "dependents": {"amount": "2000.00"}}
    bad = data(
        await schema.execute(
            SAVE,
            {"input": {**INPUT, "bankAccount": {"routingNumber": "1", "accountNumber": "2"}}},
            context_value=graphql_context(payroll, ACCOUNTING),
        )
    )["savePayeeProfile"]
    assert {e["field"] for e in bad["userErrors"]} == {
        "bankAccount.routingNumber",
        "bankAccount.accountNumber",
    }


async def test_a_producer_gets_no_profile_through_the_subgraph(payroll: Payroll) -> None:
    await payroll.save_payee_profile(ACCOUNTING, "tal_1", profile())
    result = await schema.execute(
        READ,
        {"talentId": "tal_1", "reveal": False},
        context_value=graphql_context(payroll, PRODUCER),
    )
    assert result.errors
    assert result.errors[0].extensions["code"] == "FORBIDDEN"
