"""A hold keeps the minor's age band on the first work date (what legal's gate is told instead
of the birth date, which never leaves casting); the store keeps it."""

from __future__ import annotations

from datetime import date

from casting import events
from casting.domain import model
from casting.domain.model import Booking, Production, Role, Talent
from casting.store import CastingStore
from slate.repository import MemoryDatabase


def hold(dob: date, work_dates: list[str]) -> Booking:
    production = Production(id="prd_1", org_id="org_a")
    role = Role.create(
        id="rol_1",
        production=production,
        draft=model.validate_role("Lead", "1200", "USD", "DAY", work_dates),
    )
    draft = model.validate_talent(
        "Kid", "kid@example.com", dob.isoformat(), "NONE", date(2027, 1, 1)
    )
    talent = Talent.register(id="tal_1", org_id="org_a", draft=draft, sealed_date_of_birth={})
    return Booking.hold(id="bkg_1", role=role, talent=talent, date_of_birth=dob, existing=())


def test_the_band_is_the_one_on_the_first_work_date() -> None:
    # 15 on 2 March 2027, 16 on the 3rd: the younger band governs the whole booking.
    assert hold(date(2011, 3, 3), ["2027-03-04", "2027-03-02"]).age_band == "P9Y/P16Y"
    assert hold(date(2026, 12, 20), ["2027-01-10"]).age_band == "P15D/P1M"


def test_an_adult_has_no_band() -> None:
    booking = hold(date(1994, 2, 11), ["2027-03-02"])
    assert (booking.is_minor, booking.age_band) == (False, "")


async def test_the_store_keeps_the_band() -> None:
    store = CastingStore(MemoryDatabase(), events.to_outbox)
    await store.ensure_indexes()
    saved = await store.add(hold(date(2019, 6, 1), ["2027-03-02"]))
    found = await store.booking("org_a", saved.id)
    assert found is not None
    assert found.age_band == "P6Y/P9Y"
