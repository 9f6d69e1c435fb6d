"""holdTalent retried after its answer was lost: the hold was stored but the database restarted
before its audit record, so the caller saw a failure. The same caller retrying the same request
(role, talent, rank and expiry) gets the same hold back and the audit record it lacked; anyone
else, or other terms, is still refused as already on hold."""

from __future__ import annotations

from typing import Any

import pytest
from pymongo.errors import AutoReconnect
from slate.audit import AuditLog
from slate.errors import UserError, ValidationErrors
from slate.repository import MemoryDatabase
from slate.testing import principal

PRODUCER = principal("org_a", "producer", "casting")
OTHER_PRODUCER = principal("org_a", "producer", sub="u2")


class RestartingAudit(AuditLog):
    """The audit log of a database that restarts right after the next hold was written."""

    def __init__(self, database: MemoryDatabase) -> None:
        super().__init__(database)
        self.fail_next: str | None = None

    async def record(
        self, principal: Any, action: str, target_id: str, details: Any = None
    ) -> None:
        if action == self.fail_next:
            self.fail_next = None
            raise AutoReconnect("connection closed")
        await super().record(principal, action, target_id, details)


@pytest.fixture
def audit(database: MemoryDatabase) -> RestartingAudit:
    return RestartingAudit(database)


async def test_the_same_request_retried_gets_the_stored_hold_and_its_audit_record(
    cast: Any, audit: RestartingAudit
) -> None:
    role = await cast.role()
    talent = await cast.talent()
    audit.fail_next = "holdTalent"
    with pytest.raises(AutoReconnect):
        await cast.casting.hold_talent(PRODUCER, role_id=role.id, talent_id=talent.id, rank=1)
    [stored] = cast.database.collections["bookings"].values()
    assert await cast.audited(stored["_id"]) == []  # the answer and the record were lost

    again = await cast.casting.hold_talent(PRODUCER, role_id=role.id, talent_id=talent.id, rank=1)
    assert (again.id, again.rank, again.version) == (stored["_id"], 1, 1)
    assert await cast.docs("bookings") == 1
    assert [e.type for e in await cast.outbox(again.id)] == ["slate.casting.booking.held.v1"]
    assert await cast.audited(again.id) == ["holdTalent"]
    # a third time changes nothing either, and adds no second record
    third = await cast.casting.hold_talent(PRODUCER, role_id=role.id, talent_id=talent.id)
    assert third.id == again.id
    assert await cast.audited(again.id) == ["holdTalent"]


async def test_another_caller_or_other_terms_are_still_refused_as_already_on_hold(
    cast: Any,
) -> None:
    role = await cast.role()
    talent = await cast.talent()
    held = await cast.casting.hold_talent(PRODUCER, role_id=role.id, talent_id=talent.id)
    refusals = [
        dict(principal=OTHER_PRODUCER, role_id=role.id, talent_id=talent.id),
        dict(principal=PRODUCER, role_id=role.id, talent_id=talent.id, rank=2),
        dict(
            principal=PRODUCER,
            role_id=role.id,
            talent_id=talent.id,
            expires_at="2027-03-01T09:00:00+00:00",
        ),
    ]
    for asked in refusals:
        caller = asked.pop("principal")
        with pytest.raises((UserError, ValidationErrors)) as exc:
            await cast.casting.hold_talent(caller, **asked)  # type: ignore[arg-type]
        errors = exc.value.errors if isinstance(exc.value, ValidationErrors) else [exc.value]
        assert [(e.field, e.code) for e in errors] == [("talentId", "CONFLICT")], asked
    assert await cast.docs("bookings") == 1
    assert await cast.audited(held.id) == ["holdTalent"]


async def test_a_released_hold_is_not_given_back_a_new_one_is_made(
    cast: Any,
) -> None:
    role = await cast.role()
    talent = await cast.talent()
    first = await cast.casting.hold_talent(PRODUCER, role_id=role.id, talent_id=talent.id)
    await cast.casting.release_booking(PRODUCER, booking_id=first.id, reason="no")
    second = await cast.casting.hold_talent(PRODUCER, role_id=role.id, talent_id=talent.id)
    assert second.id != first.id
    assert await cast.docs("bookings") == 2
