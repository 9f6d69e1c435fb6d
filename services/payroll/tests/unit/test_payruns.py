"""Pay runs (issue 12): approved timecards -> stubs with gross by the wage engine, taxes, net;
draft -> approved -> issued; bad input refused by its field with nothing written."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from decimal import Decimal
from typing import Any

import pytest
from payroll.cli import run_calc
from payroll.domain.payruns import PayRunStatus
from payroll.domain.timecards import TimecardStatus
from payroll.schema import schema
from payroll.store import PAY_RUNS, PAY_STUBS
from payroll.usecases import Payroll, engagement_id_for
from slate.errors import ValidationErrors
from slate.events.catalogue import PAY_RUN_ISSUED, PAYMENT_ISSUED
from slate.events.snapshots import BookingSnapshot
from slate.repository import MemoryDatabase
from slate.testing import data, graphql_context, principal
from slate_proto.slate.common.v1 import money_pb2
from slate_proto.slate.events.v1 import payroll_pb2

Booking = Callable[..., BookingSnapshot]
ENG_1 = engagement_id_for("bkg_1")
PRODUCER = principal("org_a", "producer")
ACCOUNTING = principal("org_a", "accounting")
DATES = ["2027-03-02", "2027-03-03", "2027-03-04"]
DAYS = [
    ("2027-03-02", "08:00", "16:30", [("12:00", "12:30")]),
    ("2027-03-03", "07:00", "20:30", [("14:00", "14:30")]),  # 13 h, late meal
    ("2027-03-04", "08:00", "18:30", [("12:00", "12:30")]),
]
PERIOD = {"production_id": "prd_1", "period_start": "2027-03-01", "period_end": "2027-03-07"}


def fields(exc: pytest.ExceptionInfo[ValidationErrors]) -> list[str | None]:
    return [e.field for e in exc.value.errors]


async def worked(payroll: Payroll, booking: Booking, **changes: Any) -> list[str]:
    await payroll.on_booking_confirmed(booking(work_dates=DATES, **changes))
    ids = []
    for day, call, wrap, meals in DAYS:
        card = await payroll.submit_timecard(
            PRODUCER, engagement_id=ENG_1, day=day, call=call, wrap=wrap, meals=meals
        )
        await payroll.approve_timecard(ACCOUNTING, card.id)
        ids.append(card.id)
    return ids


def calc_request(union: str = "NONE") -> dict[str, Any]:
    return {
        "work_location": "US-CA",
        "agreement": "sag-aftra-commercials" if union == "SAG_AFTRA" else "none",
        "rate": {"unit": "day", "amount": "1200.00"},
        "workweek_start": "2027-03-01",
        "days": [
            {"date": d, "call": c, "wrap": w, "meals": [{"start": s, "end": e} for s, e in m]}
            for d, c, w, m in DAYS
        ],
        "agent_fee_percent": "0",
    }


async def test_a_weeks_stub_pays_what_slate_payroll_calc_pays_with_taxes_and_net(
    payroll: Payroll, booking: Booking, tmp_path: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    await worked(payroll, booking, union="NONE")
    run = await payroll.create_pay_run(ACCOUNTING, pay_date="2027-03-12", **PERIOD)
    assert run.status is PayRunStatus.DRAFT
    [stub] = run.stubs
    request = tmp_path / "week.json"
    request.write_text(json.dumps(calc_request()))
    assert run_calc(type("Args", (), {"file": str(request)})()) == 0
    cli = json.loads(capsys.readouterr().out)
    assert Decimal(cli["totals"]["gross"]) == Decimal(stub.gross_cents) / 100
    kinds = {line.kind for line in stub.earnings}
    assert {"regular", "overtime_1_5x", "overtime_2x", "meal_premium"} <= kinds
    codes = [t.code for t in stub.deductions]
    assert codes == [
        "federal_income_tax",
        "social_security",
        "medicare",
        "additional_medicare",
        "ca_income_tax",
        "ca_sdi",
    ]
    assert stub.net_cents == stub.gross_cents - sum(t.cents for t in stub.deductions)
    assert {t.code for t in stub.employer_costs} >= {"social_security", "futa", "ca_ui", "ca_ett"}
    assert stub.hours_worked == cli["totals"]["hours_worked"]


async def test_union_p_and_h_and_a_minors_coogan_set_aside(
    payroll: Payroll, booking: Booking
) -> None:
    await worked(payroll, booking, union="SAG_AFTRA", is_minor=True)
    run = await payroll.create_pay_run(ACCOUNTING, pay_date="2027-03-12", **PERIOD)
    [stub] = run.stubs
    assert "pension_health" in {t.code for t in stub.employer_costs}
    [set_aside] = stub.set_asides
    assert set_aside.code == "coogan"
    assert set_aside.cents == (stub.gross_cents * 15 + 50) // 100
    withheld = sum(t.cents for t in (*stub.deductions, *stub.set_asides))
    assert stub.net_cents == stub.gross_cents - withheld


async def test_review_approve_issue_pays_the_timecards_and_keeps_the_stubs(
    payroll: Payroll, booking: Booking, database: MemoryDatabase
) -> None:
    ids = await worked(payroll, booking)
    run = await payroll.create_pay_run(ACCOUNTING, pay_date="2027-03-12", **PERIOD)
    with pytest.raises(ValidationErrors) as exc:
        await payroll.issue_pay_run(ACCOUNTING, run.id)
    assert fields(exc) == ["payRunId"]
    assert exc.value.errors[0].code == "CONFLICT"
    assert PAY_STUBS not in database.collections or not database.collections[PAY_STUBS]
    await payroll.approve_pay_run(PRODUCER, run.id)
    issued = await payroll.issue_pay_run(ACCOUNTING, run.id)
    assert issued.status is PayRunStatus.ISSUED
    for timecard_id in ids:
        card = await payroll._store.timecard("org_a", timecard_id)
        assert card is not None
        assert (card.status, card.pay_run_id) == (TimecardStatus.PAID, run.id)
    assert len(database.collections[PAY_STUBS]) == 1
    # Paid timecards are not gathered again, so the next run has nothing to pay.
    with pytest.raises(ValidationErrors) as exc:
        await payroll.create_pay_run(ACCOUNTING, pay_date="2027-03-12", **PERIOD)
    assert fields(exc) == ["productionId"]


async def test_an_issued_run_announces_its_totals_and_no_personal_data(
    payroll: Payroll, booking: Booking, database: MemoryDatabase
) -> None:
    await worked(payroll, booking, union="SAG_AFTRA")
    run = await payroll.create_pay_run(ACCOUNTING, pay_date="2027-03-12", **PERIOD)
    await payroll.approve_pay_run(ACCOUNTING, run.id)
    raw = await database.repository(PAY_RUNS).raw(run.id)
    assert raw is not None
    assert [e["type"] for e in raw["_outbox"]] == []  # created and approved stay inside payroll
    await payroll.issue_pay_run(ACCOUNTING, run.id)
    raw = await database.repository(PAY_RUNS).raw(run.id)
    assert raw is not None
    # the run's totals, then each payment (test_payouts.py reads those)
    [event, *payments] = raw["_outbox"]
    assert {p["type"] for p in payments} == {PAYMENT_ISSUED.name}
    assert (event["type"], event["topic"], event["key"]) == (
        PAY_RUN_ISSUED.name,
        PAY_RUN_ISSUED.topic.name,
        run.id,
    )
    message = payroll_pb2.PayRunIssued.FromString(event["payload"])
    [stub] = run.stubs
    employer = sum(line.cents for line in stub.employer_costs)
    assert "pension_health" in {line.code for line in stub.employer_costs}
    assert message == payroll_pb2.PayRunIssued(
        pay_run_id=run.id,
        org_id="org_a",
        production_id="prd_1",
        period_start="2027-03-01",
        period_end="2027-03-07",
        pay_date="2027-03-12",
        gross=money_pb2.Money(amount=f"{Decimal(stub.gross_cents) / 100:.2f}", currency="USD"),
        employer_cost=money_pb2.Money(amount=f"{Decimal(employer) / 100:.2f}", currency="USD"),
        total_cost=money_pb2.Money(
            amount=f"{Decimal(stub.gross_cents + employer) / 100:.2f}", currency="USD"
        ),
        stub_count=1,
        issued_at=message.issued_at,
    )
    assert datetime.fromisoformat(message.issued_at).tzinfo is not None
    # Nothing that identifies the payee travels: not their id, not their net pay.
    assert b"tal_1" not in event["payload"]


async def test_the_next_run_starts_from_year_to_date_wages(
    payroll: Payroll, booking: Booking
) -> None:
    await worked(payroll, booking)
    first = await payroll.create_pay_run(ACCOUNTING, pay_date="2027-03-12", **PERIOD)
    await payroll.approve_pay_run(ACCOUNTING, first.id)
    await payroll.issue_pay_run(ACCOUNTING, first.id)
    ytd = await payroll._store.ytd_gross_cents("org_a", ["tal_1"], 2027)
    assert ytd == {"tal_1": first.stubs[0].gross_cents}


async def test_a_run_with_no_approved_timecards_is_refused_and_nothing_written(
    payroll: Payroll, booking: Booking, database: MemoryDatabase
) -> None:
    await payroll.on_booking_confirmed(booking(work_dates=DATES))
    await payroll.submit_timecard(
        PRODUCER, engagement_id=ENG_1, day="2027-03-02", call="08:00", wrap="16:30"
    )  # submitted, not approved
    with pytest.raises(ValidationErrors) as exc:
        await payroll.create_pay_run(ACCOUNTING, pay_date="2027-03-12", **PERIOD)
    assert fields(exc) == ["productionId"]
    assert not database.collections.get(PAY_RUNS)


async def test_bad_periods_are_named(payroll: Payroll) -> None:
    with pytest.raises(ValidationErrors) as exc:
        await payroll.create_pay_run(
            ACCOUNTING,
            production_id="prd_1",
            period_start="2027-03-07",
            period_end="2027-03-01",
            pay_date="nope",
        )
    assert set(fields(exc)) == {"periodEnd", "payDate"}


async def test_a_late_payday_is_flagged_on_the_run(payroll: Payroll, booking: Booking) -> None:
    await worked(payroll, booking)
    run = await payroll.create_pay_run(ACCOUNTING, pay_date="2027-03-20", **PERIOD)
    assert any("LC §204(d)" in w for w in run.warnings)


PAY_RUN = """query($id: ID!) { payRun(id: $id) { status warnings
  stubs { id gross { amount } net { amount } pdfUrl hoursWorked
          earnings { kind hours rate amount { amount } }
          deductions { code amount { amount } } } achFileUrl } }"""
CREATE = """mutation($input: CreatePayRunInput!) { createPayRun(input: $input) {
  payRun { id status } userErrors { field code } } }"""
APPROVE = """mutation($id: ID!) { approvePayRun(input: {payRunId: $id}) {
  payRun { id status } userErrors { field code } } }"""
ISSUE = """mutation($id: ID!) { issuePayRun(input: {payRunId: $id}) {
  payRun { id status } userErrors { field code } } }"""


async def run_q(service: Payroll, caller: Any, query: str, variables: dict[str, Any]) -> Any:
    return data(
        await schema.execute(
            query, variable_values=variables, context_value=graphql_context(service, caller)
        )
    )


async def test_the_contract_through_the_subgraph(payroll: Payroll, booking: Booking) -> None:
    await worked(payroll, booking)
    created = await run_q(
        payroll,
        ACCOUNTING,
        CREATE,
        {
            "input": {
                "productionId": "prd_1",
                "periodStart": "2027-03-01",
                "periodEnd": "2027-03-07",
                "payDate": "2027-03-12",
            }
        },
    )
    run_id = created["createPayRun"]["payRun"]["id"]
    issued_early = await run_q(payroll, ACCOUNTING, ISSUE, {"id": run_id})
    assert issued_early["issuePayRun"]["userErrors"] == [{"field": "payRunId", "code": "CONFLICT"}]
    await run_q(payroll, ACCOUNTING, APPROVE, {"id": run_id})
    issued = await run_q(payroll, ACCOUNTING, ISSUE, {"id": run_id})
    assert issued["issuePayRun"]["payRun"]["status"] == "ISSUED"
    found = (await run_q(payroll, ACCOUNTING, PAY_RUN, {"id": run_id}))["payRun"]
    [stub] = found["stubs"]
    assert Decimal(stub["net"]["amount"]) < Decimal(stub["gross"]["amount"])
    other = await run_q(payroll, principal("org_b", "accounting"), PAY_RUN, {"id": run_id})
    assert other["payRun"] is None
    empty = await run_q(
        payroll,
        ACCOUNTING,
        CREATE,
        {
            "input": {
                "productionId": "prd_9",
                "periodStart": "2027-03-01",
                "periodEnd": "2027-03-07",
                "payDate": "2027-03-12",
            }
        },
    )
    assert empty["createPayRun"]["userErrors"][0]["field"] == "productionId"


MY_PAY = "{ myPay { stubs { id gross { amount } net { amount } } } }"


async def test_my_pay_shows_a_talent_their_issued_stubs_and_nobody_elses(
    payroll: Payroll, booking: Booking
) -> None:
    await worked(payroll, booking)
    run = await payroll.create_pay_run(ACCOUNTING, pay_date="2027-03-12", **PERIOD)
    rosa = principal("org_talent", "talent", sub="rosa", talent_id="tal_1")
    assert (await run_q(payroll, rosa, MY_PAY, {}))["myPay"]["stubs"] == []  # not issued yet
    await payroll.approve_pay_run(ACCOUNTING, run.id)
    await payroll.issue_pay_run(ACCOUNTING, run.id)
    [stub] = (await run_q(payroll, rosa, MY_PAY, {}))["myPay"]["stubs"]
    assert stub["id"] == run.stubs[0].id
    assert Decimal(stub["gross"]["amount"]) == Decimal(run.stubs[0].gross_cents) / 100
    other = principal("org_talent", "talent", sub="ana", talent_id="tal_2")
    assert (await run_q(payroll, other, MY_PAY, {}))["myPay"]["stubs"] == []
    denied = await schema.execute(MY_PAY, context_value=graphql_context(payroll, ACCOUNTING))
    assert denied.errors
    assert denied.errors[0].extensions["code"] == "FORBIDDEN"


PDF = """query($id: ID!) { payRun(id: $id) { stubs { id pdfUrl } } }"""
MY_PDF = "{ myPay { stubs { id pdfUrl } } }"


async def test_the_stub_pdf_opens_for_accounting_and_the_payee_only(
    payroll: Payroll, booking: Booking
) -> None:
    import base64

    await worked(payroll, booking)
    run = await payroll.create_pay_run(ACCOUNTING, pay_date="2027-03-12", **PERIOD)
    [stub] = (await run_q(payroll, ACCOUNTING, PDF, {"id": run.id}))["payRun"]["stubs"]
    prefix = "data:application/pdf;base64,"
    assert stub["pdfUrl"].startswith(prefix)
    document = base64.b64decode(stub["pdfUrl"].removeprefix(prefix))
    assert document.startswith(b"%PDF-")
    [seen] = (await run_q(payroll, PRODUCER, PDF, {"id": run.id}))["payRun"]["stubs"]
    assert seen["pdfUrl"] is None
    await payroll.approve_pay_run(ACCOUNTING, run.id)
    await payroll.issue_pay_run(ACCOUNTING, run.id)
    rosa = principal("org_talent", "talent", sub="rosa", talent_id="tal_1")
    [mine] = (await run_q(payroll, rosa, MY_PDF, {}))["myPay"]["stubs"]
    assert mine["pdfUrl"].startswith(prefix)


def test_the_pdf_has_the_226_items_and_no_full_tax_id() -> None:
    from payroll.domain.payruns import Employer, Stub
    from payroll.stubpdf import render_stub

    stub = Stub(
        id="stub_1",
        talent_id="tal_1",
        payee_name="Rosa Díaz",
        tax_id_last4="6789",
        employer=Employer("Acme Productions LLC", "1 Main St, Los Angeles CA"),
        period_start="2027-03-01",
        period_end="2027-03-07",
        pay_date="2027-03-12",
        engagement_ids=("eng_1",),
        timecard_ids=("tcd_1",),
        earnings=(),
        hours_worked="8.00",
        gross_cents=120_000,
        deductions=(),
        set_asides=(),
        employer_costs=(),
        net_cents=120_000,
        ytd_gross_cents=0,
        warnings=(),
    )
    document = render_stub(stub)
    assert document.startswith(b"%PDF-")


async def test_a_run_past_its_bounds_is_refused_never_cut_short(
    payroll: Payroll, booking: Booking, database: MemoryDatabase, monkeypatch: pytest.MonkeyPatch
) -> None:
    import payroll.usecases as usecases

    await worked(payroll, booking)  # one payee, three approved timecards
    monkeypatch.setattr(usecases, "MAX_RUN_TIMECARDS", 2)
    with pytest.raises(ValidationErrors) as exc:
        await payroll.create_pay_run(ACCOUNTING, pay_date="2027-03-12", **PERIOD)
    assert fields(exc) == ["periodEnd"]  # not a run paying two of the three days
    monkeypatch.setattr(usecases, "MAX_RUN_TIMECARDS", 3)
    monkeypatch.setattr(usecases, "MAX_RUN_PAYEES", 0)
    with pytest.raises(ValidationErrors) as exc:
        await payroll.create_pay_run(ACCOUNTING, pay_date="2027-03-12", **PERIOD)
    assert fields(exc) == ["productionId"]
    assert not database.collections.get(PAY_RUNS)
    monkeypatch.setattr(usecases, "MAX_RUN_PAYEES", 1)
    run = await payroll.create_pay_run(ACCOUNTING, pay_date="2027-03-12", **PERIOD)
    assert len(run.timecard_ids) == 3
