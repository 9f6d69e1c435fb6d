"""Timecards (issue 12): submit and approve one engagement's day, priced by the wage engine;
bad input refused by its field with nothing written."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from payroll.domain.timecards import TimecardStatus
from payroll.schema import schema
from payroll.store import TIMECARDS
from payroll.usecases import Payroll, engagement_id_for
from slate.errors import UserError, ValidationErrors
from slate.events.snapshots import BookingSnapshot
from slate.repository import MemoryDatabase
from slate.testing import data, graphql_context, principal

Booking = Callable[..., BookingSnapshot]
ENG_1 = engagement_id_for("bkg_1")
PRODUCER = principal("org_a", "producer")
ACCOUNTING = principal("org_a", "accounting")
LATE_MEAL = [("14:00", "14:30")]  # first meal 7 h after a 07:00 call


@pytest.fixture
async def opened(payroll: Payroll, booking: Booking) -> Payroll:
    await payroll.on_booking_confirmed(booking())
    return payroll


def fields(exc: pytest.ExceptionInfo[ValidationErrors]) -> list[str | None]:
    return [e.field for e in exc.value.errors]


def timecards(database: MemoryDatabase) -> list[dict[str, Any]]:
    return list(database.collections.get(TIMECARDS, {}).values())


async def test_a_13_hour_day_with_a_late_meal_shows_overtime_double_time_and_the_premium(
    opened: Payroll,
) -> None:
    card = await opened.submit_timecard(
        PRODUCER,
        engagement_id=ENG_1,
        day="2027-03-02",
        call="07:00",
        wrap="20:30",
        meals=LATE_MEAL,
    )
    assert card.status is TimecardStatus.SUBMITTED
    preview = opened.timecard_preview(card)
    kinds = [line.kind for line in preview.lines]
    assert {"regular", "overtime_1_5x", "overtime_2x"} <= set(kinds)
    # SAG-AFTRA commercials replace the WO12 premium by the agreement's remedy (AB 1734): the
    # engine warns of the late meal instead.
    assert preview.warnings
    approved = await opened.approve_timecard(ACCOUNTING, card.id)
    assert approved.status is TimecardStatus.APPROVED
    assert approved.version == 2


async def test_a_non_union_late_meal_is_a_meal_premium_line(
    payroll: Payroll, booking: Booking
) -> None:
    await payroll.on_booking_confirmed(booking(union="NONE"))
    card = await payroll.submit_timecard(
        PRODUCER,
        engagement_id=ENG_1,
        day="2027-03-02",
        call="07:00",
        wrap="20:30",
        meals=LATE_MEAL,
    )
    assert "meal_premium" in [line.kind for line in payroll.timecard_preview(card).lines]


async def test_a_cancelled_engagement_takes_no_timecard(
    opened: Payroll, booking: Booking, database: MemoryDatabase
) -> None:
    await opened.on_booking_released(booking(status="RELEASED", version=3))
    with pytest.raises(ValidationErrors) as exc:
        await opened.submit_timecard(
            PRODUCER, engagement_id=ENG_1, day="2027-03-02", call="08:00", wrap="16:30"
        )
    assert fields(exc) == ["engagementId"]
    assert timecards(database) == []


async def test_a_date_outside_the_work_dates_is_refused(
    opened: Payroll, database: MemoryDatabase
) -> None:
    with pytest.raises(ValidationErrors) as exc:
        await opened.submit_timecard(
            PRODUCER, engagement_id=ENG_1, day="2027-03-09", call="08:00", wrap="16:30"
        )
    assert fields(exc) == ["date"]
    assert timecards(database) == []


async def test_a_second_timecard_for_a_day_is_refused(
    opened: Payroll, database: MemoryDatabase
) -> None:
    await opened.submit_timecard(
        PRODUCER, engagement_id=ENG_1, day="2027-03-02", call="08:00", wrap="16:30"
    )
    with pytest.raises(ValidationErrors) as exc:
        await opened.submit_timecard(
            PRODUCER, engagement_id=ENG_1, day="2027-03-02", call="09:00", wrap="17:30"
        )
    assert fields(exc) == ["date"]
    assert exc.value.errors[0].code == "CONFLICT"
    assert len(timecards(database)) == 1


async def test_bad_times_are_named_by_field(opened: Payroll, database: MemoryDatabase) -> None:
    with pytest.raises(ValidationErrors) as exc:
        await opened.submit_timecard(
            PRODUCER,
            engagement_id=ENG_1,
            day="2027-03-02",
            call="25:00",
            wrap="16:30",
            meals=[("12:00", "nope")],
        )
    assert "call" in fields(exc)
    assert timecards(database) == []


async def test_approving_twice_is_a_conflict_and_another_org_sees_nothing(
    opened: Payroll,
) -> None:
    card = await opened.submit_timecard(
        PRODUCER, engagement_id=ENG_1, day="2027-03-02", call="08:00", wrap="16:30"
    )
    await opened.approve_timecard(PRODUCER, card.id)
    with pytest.raises(ValidationErrors) as exc:
        await opened.approve_timecard(PRODUCER, card.id)
    assert exc.value.errors[0].code == "CONFLICT"
    with pytest.raises(ValidationErrors) as exc:
        await opened.approve_timecard(principal("org_b", "producer"), card.id)
    assert fields(exc) == ["timecardId"]


async def test_talent_submits_only_their_own_and_cannot_approve(opened: Payroll) -> None:
    other = principal("org_a", "talent", sub="t2", talent_id="tal_2")
    with pytest.raises(ValidationErrors) as exc:
        await opened.submit_timecard(
            other, engagement_id=ENG_1, day="2027-03-02", call="08:00", wrap="16:30"
        )
    assert fields(exc) == ["engagementId"]
    own = principal("org_a", "talent", sub="t1", talent_id="tal_1")
    card = await opened.submit_timecard(
        own, engagement_id=ENG_1, day="2027-03-02", call="08:00", wrap="16:30"
    )
    with pytest.raises(UserError) as denied:
        await opened.approve_timecard(own, card.id)
    assert denied.value.code == "FORBIDDEN"


async def test_a_release_after_work_was_recorded_keeps_the_engagement(
    opened: Payroll, booking: Booking
) -> None:
    await opened.submit_timecard(
        PRODUCER, engagement_id=ENG_1, day="2027-03-02", call="08:00", wrap="16:30"
    )
    await opened.on_booking_released(booking(status="RELEASED", version=3))
    engagement = await opened.engagement("org_a", ENG_1)
    assert engagement is not None
    assert engagement.status.value == "PENDING_ONBOARDING"


SUBMIT = """mutation($input: SubmitTimecardInput!) { submitTimecard(input: $input) {
  timecard { id status lines { kind amount { amount } rule } warnings gross { amount } }
  userErrors { field message code } } }"""
APPROVE = """mutation($id: ID!) { approveTimecard(input: {timecardId: $id}) {
  timecard { id status } userErrors { field code } } }"""
ENTITIES = """query($reps: [_Any!]!) { _entities(representations: $reps) {
  ... on Booking { id engagement { id timecards { id status date } } } } }"""


async def run(service: Payroll, caller: Any, query: str, variables: dict[str, Any]) -> Any:
    return await schema.execute(
        query, variable_values=variables, context_value=graphql_context(service, caller)
    )


async def test_the_contract_through_the_subgraph(opened: Payroll) -> None:
    day = {
        "engagementId": ENG_1,
        "date": "2027-03-02",
        "call": "08:00",
        "wrap": "16:30",
        "meals": [{"start": "12:00", "end": "12:30"}],
    }
    result = data(await run(opened, PRODUCER, SUBMIT, {"input": day}))["submitTimecard"]
    assert result["userErrors"] == []
    card = result["timecard"]
    assert card["status"] == "SUBMITTED"
    assert card["gross"] == {"amount": "1200.00"}
    assert [line["kind"] for line in card["lines"]] == ["regular"]
    again = data(await run(opened, PRODUCER, SUBMIT, {"input": day}))["submitTimecard"]
    assert again["timecard"] is None
    assert again["userErrors"][0]["field"] == "date"
    approved = data(await run(opened, ACCOUNTING, APPROVE, {"id": card["id"]}))
    assert approved["approveTimecard"]["timecard"]["status"] == "APPROVED"
    reps = {"reps": [{"__typename": "Booking", "id": "bkg_1"}]}
    [booking] = data(await run(opened, PRODUCER, ENTITIES, reps))["_entities"]
    assert booking["engagement"]["timecards"] == [
        {"id": card["id"], "status": "APPROVED", "date": "2027-03-02"}
    ]
    denied = await run(opened, None, SUBMIT, {"input": day})
    assert denied.errors
    assert denied.errors[0].extensions["code"] == "UNAUTHENTICATED"
