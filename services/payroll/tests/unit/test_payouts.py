"""Payouts: an issued run pays each stub's net by the payee's method, and its direct deposits
go out as a NACHA PPD file whose structure a bank's validator accepts."""

from __future__ import annotations

import base64
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

import pytest
from payroll.domain.payees import Address, PayeeInput
from payroll.domain.payouts import Credit, Originator, entry_hash, nacha_file
from payroll.schema import schema
from payroll.store import PAY_RUNS
from payroll.usecases import Payroll, engagement_id_for
from slate.audit import COLLECTION as AUDIT
from slate.errors import UserError, ValidationErrors
from slate.events import OutboxEvent
from slate.events.catalogue import PAYMENT_ISSUED, PAYMENT_RETURNED
from slate.events.snapshots import BookingSnapshot
from slate.repository import MemoryDatabase
from slate.testing import data, envelope, graphql_context, principal

Booking = Callable[..., BookingSnapshot]
ACCOUNTING = principal("org_a", "accounting")
PRODUCER = principal("org_a", "producer")
ORIGINATOR = Originator("Slate Films", "1123456789", "011000015", "Fed Boston")
CREATED = datetime(2027, 3, 12, 9, 30, tzinfo=UTC)


def credits(n: int) -> list[Credit]:
    banks = ["021000021", "011000015", "026009593"]
    return [
        Credit(banks[i % 3], f"{1000 + i:08d}", i % 2 == 1, 100_00 + i, f"tal_{i}", f"Payée {i}")
        for i in range(n)
    ]


def parse(document: str) -> list[str]:
    assert document.endswith("\n")
    return document[:-1].split("\n")


@pytest.mark.parametrize("entries", [1, 5, 6, 7, 16])
def test_every_record_is_94_characters_blocked_to_a_multiple_of_ten(entries: int) -> None:
    records = parse(
        nacha_file(ORIGINATOR, credits(entries), effective=date(2027, 3, 12), created=CREATED)
    )
    assert all(len(r) == 94 for r in records)
    assert len(records) % 10 == 0
    types = [r[0] for r in records]
    real = 4 + entries
    assert types[:real] == ["1", "5", *["6"] * entries, "8", "9"]
    assert all(r == "9" * 94 for r in records[real:])
    assert int(records[real - 1][7:13]) == len(records) // 10  # block count


def test_the_controls_carry_counts_entry_hash_and_totals() -> None:
    paid = credits(7)
    records = parse(nacha_file(ORIGINATOR, paid, effective=date(2027, 3, 12), created=CREATED))
    header, batch, *rest = records
    entries, control, file_control = rest[:7], rest[7], rest[8]
    assert header[1:3] == "01"
    assert header[3:13] == " 011000015"
    assert header[23:33] == "2703120930"
    assert header[34:37] == "094"
    assert header[37:39] == "10"
    assert batch[1:4] == "220"
    assert batch[50:53] == "PPD"
    assert batch[69:75] == "270312"  # effective entry date: the pay date
    expected_hash = sum(int(c.routing[:8]) for c in paid) % 10**10
    assert entry_hash([c.routing for c in paid]) == expected_hash
    total = sum(c.cents for c in paid)
    assert int(control[4:10]) == 7
    assert int(control[10:20]) == expected_hash
    assert int(control[20:32]) == 0  # no debits
    assert int(control[32:44]) == total
    assert int(file_control[1:7]) == 1
    assert int(file_control[13:21]) == 7
    assert int(file_control[21:31]) == expected_hash
    assert int(file_control[43:55]) == total
    for i, (entry, credit) in enumerate(zip(entries, paid, strict=True), start=1):
        assert entry[1:3] == ("32" if credit.savings else "22")
        assert entry[3:12] == credit.routing  # RDFI (8) + check digit
        assert entry[12:29].rstrip() == credit.account
        assert int(entry[29:39]) == credit.cents
        assert entry[54:76].rstrip() == f"PAYEE {i - 1}"  # ASCII, upper case
        assert entry[79:94] == "01100001" + f"{i:07d}"  # trace: ODFI + sequence


def test_an_entry_hash_keeps_its_rightmost_ten_digits() -> None:
    assert entry_hash(["99999999"] * 200) == (99999999 * 200) % 10**10


def test_a_file_without_entries_is_refused() -> None:
    with pytest.raises(ValueError, match="at least one"):
        nacha_file(ORIGINATOR, [], effective=date(2027, 3, 12), created=CREATED)


# --------------------------------------------------------------------------- issuing a run


def deposit_profile(name: str) -> PayeeInput:
    return PayeeInput(
        legal_name=name,
        address=Address("1 Main St", "", "Los Angeles", "CA", "90012"),
        tax_id="123-45-6789",
        payment_method="DIRECT_DEPOSIT",
        routing_number="021000021",
        account_number="000123456789",
        account_type="SAVINGS",
    )


async def issued_run(payroll: Payroll, booking: Booking, talents: list[str]) -> str:
    for talent in talents:
        await payroll.on_booking_confirmed(
            booking(booking_id=f"bkg_{talent}", talent_id=talent, work_dates=["2027-03-02"])
        )
        card = await payroll.submit_timecard(
            ACCOUNTING,
            engagement_id=engagement_id_for(f"bkg_{talent}"),
            day="2027-03-02",
            call="08:00",
            wrap="16:30",
            meals=[("12:00", "12:30")],
        )
        await payroll.approve_timecard(ACCOUNTING, card.id)
    run = await payroll.create_pay_run(
        ACCOUNTING,
        production_id="prd_1",
        period_start="2027-03-01",
        period_end="2027-03-07",
        pay_date="2027-03-12",
    )
    await payroll.approve_pay_run(ACCOUNTING, run.id)
    await payroll.issue_pay_run(ACCOUNTING, run.id)
    return run.id


async def test_issuing_pays_each_stub_by_its_payees_method(
    payroll: Payroll, booking: Booking, database: MemoryDatabase
) -> None:
    await payroll.save_payee_profile(ACCOUNTING, "tal_dd", deposit_profile("Rosa Díaz"))
    run_id = await issued_run(payroll, booking, ["tal_dd", "tal_check"])
    run = await payroll.pay_run(ACCOUNTING, run_id)
    assert run is not None
    by_talent = {p.talent_id: p for p in run.payments}
    stubs = {s.talent_id: s for s in run.stubs}
    assert by_talent["tal_dd"].method == "DIRECT_DEPOSIT"
    assert by_talent["tal_check"].method == "CHECK"  # no profile: a paper check
    assert by_talent["tal_dd"].net_cents == stubs["tal_dd"].net_cents
    assert {p.status for p in run.payments} == {"ISSUED"}
    document = await payroll.ach_file(ACCOUNTING, run)
    assert document is not None
    records = parse(document)
    [entry] = [r for r in records if r.startswith("6")]
    assert entry[1:3] == "32"  # savings credit
    assert entry[12:29].rstrip() == "000123456789"
    assert int(entry[29:39]) == stubs["tal_dd"].net_cents
    assert entry[54:76].rstrip() == "ROSA DIAZ"
    assert any(a["action"] == "achFile" for a in database.collections[AUDIT].values())
    # Nobody but the organisation's accounting gets the file.
    for caller in (PRODUCER, principal("org_b", "accounting"), None):
        assert await payroll.ach_file(caller, run) is None


async def test_the_subgraph_gives_accounting_the_file_and_a_producer_null(
    payroll: Payroll, booking: Booking
) -> None:
    await payroll.save_payee_profile(ACCOUNTING, "tal_dd", deposit_profile("Rosa Díaz"))
    run_id = await issued_run(payroll, booking, ["tal_dd"])
    query = (
        "query($id: ID!) { payRun(id: $id) { achFileUrl payments { method amount { amount } } } }"
    )
    seen = data(
        await schema.execute(
            query, {"id": run_id}, context_value=graphql_context(payroll, ACCOUNTING)
        )
    )["payRun"]
    assert seen["payments"][0]["method"] == "DIRECT_DEPOSIT"
    prefix = "data:text/plain;base64,"
    assert seen["achFileUrl"].startswith(prefix)
    document = base64.b64decode(seen["achFileUrl"][len(prefix) :]).decode("ascii")
    assert all(len(r) == 94 for r in parse(document))
    producer = data(
        await schema.execute(
            query, {"id": run_id}, context_value=graphql_context(payroll, PRODUCER)
        )
    )["payRun"]
    assert producer["achFileUrl"] is None


async def test_a_returned_deposit_keeps_its_code_and_the_rest_settle(
    payroll: Payroll, booking: Booking, database: MemoryDatabase
) -> None:
    await payroll.save_payee_profile(ACCOUNTING, "tal_dd", deposit_profile("Rosa Díaz"))
    run_id = await issued_run(payroll, booking, ["tal_dd", "tal_check"])
    run = await payroll.pay_run(ACCOUNTING, run_id)
    assert run is not None
    by_talent = {p.talent_id: p for p in run.payments}
    deposit, check = by_talent["tal_dd"], by_talent["tal_check"]
    before = await database.repository(PAY_RUNS).raw(run_id)
    for payment_id, code, field in [
        (deposit.id, "X01", "returnCode"),
        (check.id, "R01", "paymentId"),  # a check is not returned by a bank
        ("pay_missing", "R01", "paymentId"),
    ]:
        with pytest.raises(ValidationErrors) as exc:
            await payroll.record_payment_return(ACCOUNTING, run_id, payment_id, code)
        assert [e.field for e in exc.value.errors] == [field]
    assert await database.repository(PAY_RUNS).raw(run_id) == before  # nothing written
    with pytest.raises(UserError):
        await payroll.record_payment_return(PRODUCER, run_id, deposit.id, "R01")
    await payroll.record_payment_return(ACCOUNTING, run_id, deposit.id, "r03")
    settled = await payroll.settle_pay_run(ACCOUNTING, run_id)
    statuses = {p.talent_id: (p.status.value, p.return_code) for p in settled.payments}
    assert statuses == {"tal_dd": ("RETURNED", "R03"), "tal_check": ("SETTLED", "")}


async def test_payments_are_announced_when_issued_and_returned_without_bank_data(
    payroll: Payroll, booking: Booking, database: MemoryDatabase
) -> None:
    await payroll.save_payee_profile(ACCOUNTING, "tal_dd", deposit_profile("Rosa Díaz"))
    run_id = await issued_run(payroll, booking, ["tal_dd", "tal_check"])
    run = await payroll.pay_run(ACCOUNTING, run_id)
    assert run is not None
    deposit = next(p for p in run.payments if p.talent_id == "tal_dd")

    def published(raw: dict[str, Any] | None, event: Any) -> list[Any]:
        assert raw is not None
        outbox = [OutboxEvent.from_doc(e) for e in raw["_outbox"]]
        return [event.decode(envelope(e)) for e in outbox if e.type == event.name]

    raw = await database.repository(PAY_RUNS).raw(run_id)
    issued = {m.talent_id: m for m in published(raw, PAYMENT_ISSUED)}
    assert set(issued) == {"tal_dd", "tal_check"}
    assert issued["tal_dd"].payment_id == deposit.id
    assert (issued["tal_dd"].method, issued["tal_check"].method) == ("DIRECT_DEPOSIT", "CHECK")
    assert issued["tal_dd"].net.amount == f"{deposit.net_cents / 100:.2f}"
    assert (issued["tal_dd"].production_id, issued["tal_dd"].pay_date) == ("prd_1", "2027-03-12")
    await payroll.record_payment_return(ACCOUNTING, run_id, deposit.id, "R03")
    raw = await database.repository(PAY_RUNS).raw(run_id)
    [returned] = published(raw, PAYMENT_RETURNED)
    assert (returned.payment_id, returned.return_code) == (deposit.id, "R03")
    assert raw is not None
    for entry in raw["_outbox"]:
        payload = OutboxEvent.from_doc(entry).payload
        for secret in (b"000123456789", b"021000021", b"123-45-6789", b"Rosa"):
            assert secret not in payload
