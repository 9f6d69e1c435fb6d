"""Scheduling's subgraph: owns Production."""

from __future__ import annotations

import base64
import json
from datetime import datetime

import strawberry
from slate.graphql import (
    Edge,
    ExtendedEntity,
    GraphQLContext,
    PageInfo,
    SubgraphSchema,
    UserError,
    attempt,
    authorize,
    clamp_first,
    decode_cursor,
    encode_cursor,
    org_loader,
)
from strawberry.dataloader import DataLoader
from strawberry.types import Info

from scheduling.callsheet_pdf import data_url
from scheduling.domain import days as day_model
from scheduling.domain import productions as model
from scheduling.domain import shoot
from scheduling.domain import turnaround as conflict_model
from scheduling.domain.feeds import FeedKind
from scheduling.lifecycle_schema import (
    LifecycleMutation,
    LifecycleQuery,
    ProductionLifecycleFields,
)
from scheduling.shoot_calls import sees_crew_contacts
from scheduling.usecases import PERMISSIONS, Proposal, Scheduling

Ctx = Info[GraphQLContext[Scheduling], None]


# The domain's enums are the GraphQL enums (strawberry marks the classes; nothing else changes).
strawberry.enum(model.ProductionKind, name="ProductionKind")
strawberry.enum(model.Stage, name="ProductionStage")


def production_loader(info: Ctx) -> DataLoader[str, model.Production | None]:
    """The request's productions by id, in the caller's organisation (batched)."""
    return org_loader(
        info, PERMISSIONS["production"], lambda scheduling: scheduling.productions_by_id
    )


@strawberry.federation.type(keys=["id"], description="A production: a commercial, film, show…")
class Production(ProductionLifecycleFields):
    id: strawberry.ID
    title: str
    client: str
    kind: model.ProductionKind
    stage: model.Stage
    timezone: str
    created_at: datetime

    @classmethod
    def from_model(cls, p: model.Production) -> Production:
        assert p.created_at is not None, "only stored productions reach the API"
        return cls(
            id=strawberry.ID(p.id),
            title=p.title,
            client=p.client,
            kind=p.kind,
            stage=p.stage,
            timezone=p.timezone,
            created_at=p.created_at,
        )

    @classmethod
    async def resolve_reference(cls, info: Ctx, id: strawberry.ID) -> Production | None:
        found = await production_loader(info).load(str(id))
        return cls.from_model(found) if found is not None else None

    @strawberry.field(description="The production's shooting locations.")
    async def locations(self, info: Ctx) -> list[Location]:
        org = authorize(info, *PERMISSIONS["production"]).org
        found = await info.context.services.locations(org, str(self.id))
        return [Location.from_model(x) for x in found]

    @strawberry.field(description="The production's shoot days in date order.")
    async def shoot_days(self, info: Ctx) -> list[ShootDay]:
        org = authorize(info, *PERMISSIONS["shootDay"]).org
        found = await info.context.services.shoot_days(org, str(self.id))
        return [ShootDay.from_model(x) for x in found]

    @strawberry.field(
        description="Your calendar feed of the production's shoot days (iCalendar, RFC 5545): "
        "an unguessable URL for a calendar app, issued on first request, until revoked."
    )
    async def calendar_url(self, info: Ctx) -> str | None:
        authorize(info, *PERMISSIONS["Production.calendarUrl"])
        services = info.context.services
        return await services.calendar_url(info.context.principal, FeedKind.PRODUCTION, self.id)

    @strawberry.field(description="The production's scenes, in script order of their numbers.")
    async def scenes(self, info: Ctx) -> list[Scene]:
        org = authorize(info, *PERMISSIONS["production"]).org
        found = await info.context.services.scenes(org, str(self.id))
        return [Scene.from_model(x) for x in found]


def location_loader(info: Ctx) -> DataLoader[str, shoot.Location | None]:
    return org_loader(
        info, PERMISSIONS["production"], lambda scheduling: scheduling.locations_by_id
    )


@strawberry.type(description="Where scenes are shot.")
class Location:
    id: strawberry.ID
    production_id: strawberry.ID
    name: str
    address: str
    parking: str
    hospital: str
    contact: str
    keep_together: bool

    @classmethod
    def from_model(cls, x: shoot.Location) -> Location:
        return cls(
            id=strawberry.ID(x.id),
            production_id=strawberry.ID(x.production_id),
            name=x.name,
            address=x.address,
            parking=x.parking,
            hospital=x.hospital,
            contact=x.contact,
            keep_together=x.keep_together,
        )


@strawberry.type(description="A scene or setup: whole shoot days at one location.")
class Scene:
    id: strawberry.ID
    production_id: strawberry.ID
    number: str
    description: str
    location_id: strawberry.ID
    duration: int
    role_ids: list[strawberry.ID]
    fixed_date: str | None

    @classmethod
    def from_model(cls, x: shoot.Scene) -> Scene:
        return cls(
            id=strawberry.ID(x.id),
            production_id=strawberry.ID(x.production_id),
            number=x.number,
            description=x.description,
            location_id=strawberry.ID(x.location_id),
            duration=x.duration,
            role_ids=[strawberry.ID(r) for r in x.role_ids],
            fixed_date=x.fixed_date,
        )

    @strawberry.field
    async def location(self, info: Ctx) -> Location | None:
        found = await location_loader(info).load(str(self.location_id))
        return Location.from_model(found) if found is not None else None


@strawberry.type
class ProductionConnection:
    edges: list[Edge[Production]]
    page_info: PageInfo


@strawberry.input
class CreateProductionInput:
    title: str
    client: str = ""
    kind: model.ProductionKind = model.ProductionKind.COMMERCIAL
    timezone: str = "America/Los_Angeles"
    template_id: strawberry.ID | None = strawberry.field(
        default=None,
        description="Start from this SOP template: its tasks, checklists (lessons included), "
        "deliverables and budget lines.",
    )


@strawberry.type
class CreateProductionPayload:
    production: Production | None
    user_errors: list[UserError]


@strawberry.input
class CreateLocationInput:
    production_id: strawberry.ID
    name: str
    address: str
    parking: str = ""
    hospital: str = ""
    contact: str = ""
    keep_together: bool = strawberry.field(
        default=False, description="Ask the stripboard to shoot this location's scenes in a row."
    )


@strawberry.type
class CreateLocationPayload:
    location: Location | None
    user_errors: list[UserError]


@strawberry.input
class CreateSceneInput:
    production_id: strawberry.ID
    number: str
    location_id: strawberry.ID
    duration: int = strawberry.field(description="Whole shoot days (1..60).")
    role_ids: list[strawberry.ID]
    description: str = ""
    fixed_date: str | None = strawberry.field(
        default=None, description="ISO date the scene must start on."
    )


@strawberry.type
class CreateScenePayload:
    scene: Scene | None
    user_errors: list[UserError]


def scene_loader(info: Ctx) -> DataLoader[str, shoot.Scene | None]:
    return org_loader(info, PERMISSIONS["shootDay"], lambda scheduling: scheduling.scenes_by_id)


@strawberry.federation.type(keys=["id"])
class Talent(ExtendedEntity):
    id: strawberry.ID

    @strawberry.field(
        description="A calendar feed of the talent's calls across the organisation's "
        "productions (iCalendar): for the talent themselves, or the producer and casting; "
        "issued on first request, until revoked."
    )
    async def calendar_url(self, info: Ctx) -> str | None:
        authorize(info, *PERMISSIONS["Talent.calendarUrl"])
        services = info.context.services
        return await services.calendar_url(info.context.principal, FeedKind.TALENT, self.id)


@strawberry.input
class RevokeCalendarFeedInput:
    production_id: strawberry.ID | None = None
    talent_id: strawberry.ID | None = None


@strawberry.type
class RevokeCalendarFeedPayload:
    revoked: bool
    user_errors: list[UserError]


@strawberry.type(description="A talent's call on a shoot day.")
class CastCall:
    talent: Talent
    role_ids: list[strawberry.ID]
    call_time: str
    confirmed_at: str | None


@strawberry.type(description="A crew member's call on a shoot day.")
class CrewCall:
    name: str
    department: str
    position: str
    call_time: str = strawberry.field(description="HH:MM in the production's time zone.")
    stored_contact: strawberry.Private[str]

    @strawberry.field(
        description="Phone or email, for the production's staff only (null for talent and "
        "viewers, or when none was entered)."
    )
    def contact(self, info: Ctx) -> str | None:
        if not sees_crew_contacts(info.context.principal):
            return None
        return self.stored_contact or None

    @classmethod
    def from_model(cls, c: day_model.CrewCall) -> CrewCall:
        return cls(
            name=c.name,
            department=c.department,
            position=c.position,
            call_time=c.call_time,
            stored_contact=c.contact,
        )


@strawberry.type(description="A conflict of someone called on a shoot day.")
class ScheduleConflict:
    kind: str = strawberry.field(description="TURNAROUND, MINOR_HOURS or DOUBLE_BOOKED.")
    talent: Talent
    date: str
    message: str
    other_shoot_day_id: strawberry.ID | None
    other_production_id: strawberry.ID | None

    @classmethod
    def from_model(cls, c: conflict_model.ScheduleConflict) -> ScheduleConflict:
        return cls(
            kind=c.kind,
            talent=Talent(id=strawberry.ID(c.talent_id)),
            date=c.date,
            message=c.message,
            other_shoot_day_id=strawberry.ID(c.other_day_id) if c.other_day_id else None,
            other_production_id=(
                strawberry.ID(c.other_production_id) if c.other_production_id else None
            ),
        )


async def _day_conflicts(info: Ctx, day_id: str) -> list[ScheduleConflict]:
    org = authorize(info, *PERMISSIONS["shootDay"]).org
    day = await info.context.services.shoot_day(org, day_id)
    if day is None:
        return []
    found = await info.context.services.day_conflicts(org, day)
    return [ScheduleConflict.from_model(c) for c in found]


@strawberry.type(description="A shoot day's call sheet: who is called when, and who confirmed.")
class CallSheet:
    id: strawberry.ID
    published: bool
    cast: list[CastCall]
    crew: list[CrewCall] = strawberry.field(description="The crew called, in call order.")
    day_id: strawberry.Private[str]

    @strawberry.field(description="The call sheet as a PDF (a data: URL).")
    async def pdf_url(self, info: Ctx) -> str | None:
        org = authorize(info, *PERMISSIONS["shootDay"]).org
        day = await info.context.services.shoot_day(org, self.day_id)
        if day is None:
            return None
        document = await info.context.services.call_sheet_pdf(info.context.principal, day)
        return data_url(document) if document is not None else None

    @strawberry.field(description="Conflicts of the people called (checked when read).")
    async def conflicts(self, info: Ctx) -> list[ScheduleConflict]:
        return await _day_conflicts(info, self.day_id)


@strawberry.input
class CallTimeInput:
    talent_id: strawberry.ID
    call_time: str = strawberry.field(description="HH:MM in the production's time zone.")


@strawberry.input
class SetCallTimesInput:
    shoot_day_id: strawberry.ID
    general_call: str | None = None
    wrap_time: str | None = strawberry.field(
        default=None, description="Estimated wrap, HH:MM (at or before the call: after midnight)."
    )
    calls: list[CallTimeInput] = strawberry.field(default_factory=list)
    notes: str | None = None
    weather: str | None = strawberry.field(
        default=None, description='The forecast as entered (at most 200 characters; "" clears).'
    )
    sunrise: str | None = strawberry.field(default=None, description='HH:MM; "" clears.')
    sunset: str | None = strawberry.field(default=None, description='HH:MM; "" clears.')


@strawberry.input
class CrewCallInput:
    name: str
    department: str = strawberry.field(
        description="e.g. Camera, Grip, Electric, Sound, Art, Hair & Make-up, Wardrobe, "
        "Production, Locations, Transport."
    )
    position: str = strawberry.field(description="e.g. 1st AC, Gaffer, Boom operator.")
    call_time: str = strawberry.field(description="HH:MM in the production's time zone.")
    contact: str | None = strawberry.field(default=None, description="A phone or an email.")


@strawberry.input
class SetCrewCallsInput:
    shoot_day_id: strawberry.ID
    crew: list[CrewCallInput] = strawberry.field(
        description="The day's whole crew list: it replaces the one before."
    )


@strawberry.input
class PublishCallSheetInput:
    shoot_day_id: strawberry.ID


@strawberry.input
class ConfirmCallSheetInput:
    call_sheet_id: strawberry.ID


@strawberry.type(description="A date of the production's schedule.")
class ShootDay:
    id: strawberry.ID
    production_id: strawberry.ID
    date: str
    location_id: strawberry.ID
    general_call: str
    wrap_time: str
    notes: str
    weather: str = strawberry.field(description="As entered; empty until then.")
    sunrise: str = strawberry.field(description="HH:MM as entered; empty until then.")
    sunset: str = strawberry.field(description="HH:MM as entered; empty until then.")
    scene_ids: list[strawberry.ID]
    cast: list[CastCall]
    crew: list[CrewCall] = strawberry.field(description="The crew called, in call order.")
    published: strawberry.Private[bool]

    @classmethod
    def from_model(cls, d: day_model.ShootDay) -> ShootDay:
        return cls(
            id=strawberry.ID(d.id),
            production_id=strawberry.ID(d.production_id),
            date=d.date,
            location_id=strawberry.ID(d.location_id),
            general_call=d.general_call,
            wrap_time=d.wrap_time,
            notes=d.notes,
            weather=d.weather,
            sunrise=d.sunrise,
            sunset=d.sunset,
            scene_ids=[strawberry.ID(x) for x in d.scene_ids],
            published=d.call_sheet_published,
            cast=[
                CastCall(
                    talent=Talent(id=strawberry.ID(c.talent_id)),
                    role_ids=[strawberry.ID(r) for r in c.role_ids],
                    call_time=c.call_time,
                    confirmed_at=c.confirmed_at,
                )
                for c in d.cast
            ],
            crew=[CrewCall.from_model(c) for c in d.crew],
        )

    @strawberry.field(description="The day's call sheet.")
    def call_sheet(self) -> CallSheet:
        return CallSheet(
            id=strawberry.ID("cs_" + str(self.id).removeprefix("day_")),
            published=self.published,
            cast=self.cast,
            crew=self.crew,
            day_id=str(self.id),
        )

    @strawberry.field(description="Conflicts of the people called (checked when read).")
    async def conflicts(self, info: Ctx) -> list[ScheduleConflict]:
        return await _day_conflicts(info, str(self.id))

    @strawberry.field(description="The day's scenes in shooting order.")
    async def scenes(self, info: Ctx) -> list[Scene]:
        found = await scene_loader(info).load_many([str(x) for x in self.scene_ids])
        return [Scene.from_model(x) for x in found if x is not None]

    @strawberry.field
    async def location(self, info: Ctx) -> Location | None:
        found = await location_loader(info).load(str(self.location_id))
        return Location.from_model(found) if found is not None else None


@strawberry.type
class DayOutOfDaysRow:
    talent: Talent
    codes: list[str]


@strawberry.type(description="Each talent against the shoot days: SW, W, WF, SWF, H, D, PW.")
class DayOutOfDays:
    dates: list[str]
    rows: list[DayOutOfDaysRow]
    csv: str
    csv_url: str = strawberry.field(description="The CSV as a data: URL.")


@strawberry.input
class ApplyStripboardInput:
    production_id: strawberry.ID
    scene_ids: list[strawberry.ID]
    start_date: str
    non_shooting_dates: list[str] = strawberry.field(default_factory=list)
    skip_weekends: bool = False


@strawberry.type
class ApplyStripboardPayload:
    shoot_days: list[ShootDay]
    user_errors: list[UserError]


@strawberry.input
class MoveShootDayInput:
    shoot_day_id: strawberry.ID
    date: str


@strawberry.input
class MoveSceneInput:
    scene_id: strawberry.ID
    shoot_day_id: strawberry.ID
    position: int | None = strawberry.field(
        default=None, description="Index in the day's shooting order (default: last)."
    )


@strawberry.type
class MoveScenePayload:
    shoot_days: list[ShootDay] = strawberry.field(
        description="The day the scene went to, then the day it left (when another)."
    )
    user_errors: list[UserError]


@strawberry.type
class MoveShootDayPayload:
    shoot_day: ShootDay | None
    user_errors: list[UserError]


@strawberry.type(description="An order of a production's scenes from the stripboard optimiser.")
class StripboardProposal:
    scene_ids: list[strawberry.ID]
    cost: int = strawberry.field(
        description="Talent cost of the order (paid days x day rate), in minor units of currency."
    )
    optimal: bool = strawberry.field(description="Whether the order is proved optimal.")
    lower_bound: int
    currency: str
    start_date: str | None
    instance: str = strawberry.field(
        description="The instance solved, as the JSON `slate schedule stripboard` reads."
    )

    @classmethod
    def from_model(cls, p: Proposal) -> StripboardProposal:
        return cls(
            scene_ids=[strawberry.ID(x) for x in p.scene_ids],
            cost=p.cost,
            optimal=p.optimal,
            lower_bound=p.lower_bound,
            currency=p.currency,
            start_date=p.start_date,
            instance=json.dumps(p.instance, separators=(",", ":")),
        )


@strawberry.input
class ProposeStripboardInput:
    production_id: strawberry.ID
    start_date: str | None = strawberry.field(
        default=None,
        description="First shoot date: needed for fixed dates and talent availability.",
    )
    non_shooting_dates: list[str] = strawberry.field(default_factory=list)
    skip_weekends: bool = False


@strawberry.type
class ProposeStripboardPayload:
    proposal: StripboardProposal | None
    user_errors: list[UserError]


@strawberry.type
class Query(LifecycleQuery):
    @strawberry.field
    async def production(self, info: Ctx, id: strawberry.ID) -> Production | None:
        found = await production_loader(info).load(str(id))
        return Production.from_model(found) if found is not None else None

    @strawberry.field
    async def shoot_day(self, info: Ctx, id: strawberry.ID) -> ShootDay | None:
        org = authorize(info, *PERMISSIONS["shootDay"]).org
        found = await info.context.services.shoot_day(org, str(id))
        return ShootDay.from_model(found) if found is not None else None

    @strawberry.field
    async def day_out_of_days(self, info: Ctx, production_id: strawberry.ID) -> DayOutOfDays:
        caller = authorize(info, *PERMISSIONS["dayOutOfDays"])
        report = await info.context.services.day_out_of_days(caller, str(production_id))
        encoded = base64.b64encode(report.csv.encode()).decode()
        return DayOutOfDays(
            dates=list(report.dates),
            rows=[
                DayOutOfDaysRow(talent=Talent(id=strawberry.ID(t)), codes=list(c))
                for t, c in report.rows
            ],
            csv=report.csv,
            csv_url=f"data:text/csv;base64,{encoded}",
        )

    @strawberry.field
    async def productions(
        self, info: Ctx, first: int | None = None, after: str | None = None
    ) -> ProductionConnection:
        org = authorize(info, *PERMISSIONS["productions"]).org
        size = clamp_first(first)
        found = await info.context.services.productions(
            org, first=size + 1, after=decode_cursor(after)
        )
        page = found[:size]
        edges = [Edge(cursor=encode_cursor(p.id), node=Production.from_model(p)) for p in page]
        return ProductionConnection(
            edges=edges,
            page_info=PageInfo(
                has_next_page=len(found) > size, end_cursor=edges[-1].cursor if edges else None
            ),
        )


@strawberry.type
class Mutation(LifecycleMutation):
    @strawberry.mutation
    async def create_production(
        self, info: Ctx, input: CreateProductionInput
    ) -> CreateProductionPayload:
        created, errors = await attempt(
            info.context.services.create_production(
                authorize(info),
                title=input.title,
                client=input.client,
                kind=input.kind.value,
                timezone=input.timezone,
                template_id=str(input.template_id) if input.template_id else None,
            )
        )
        return CreateProductionPayload(
            production=Production.from_model(created) if created is not None else None,
            user_errors=errors,
        )

    @strawberry.mutation
    async def create_location(self, info: Ctx, input: CreateLocationInput) -> CreateLocationPayload:
        created, errors = await attempt(
            info.context.services.create_location(
                authorize(info),
                production_id=str(input.production_id),
                name=input.name,
                address=input.address,
                parking=input.parking,
                hospital=input.hospital,
                contact=input.contact,
                keep_together=input.keep_together,
            )
        )
        return CreateLocationPayload(
            location=Location.from_model(created) if created is not None else None,
            user_errors=errors,
        )

    @strawberry.mutation
    async def create_scene(self, info: Ctx, input: CreateSceneInput) -> CreateScenePayload:
        created, errors = await attempt(
            info.context.services.create_scene(
                authorize(info),
                production_id=str(input.production_id),
                number=input.number,
                location_id=str(input.location_id),
                duration=input.duration,
                role_ids=[str(r) for r in input.role_ids],
                description=input.description,
                fixed_date=input.fixed_date,
            )
        )
        return CreateScenePayload(
            scene=Scene.from_model(created) if created is not None else None,
            user_errors=errors,
        )

    @strawberry.mutation
    async def propose_stripboard(
        self, info: Ctx, input: ProposeStripboardInput
    ) -> ProposeStripboardPayload:
        proposal, errors = await attempt(
            info.context.services.propose_stripboard(
                authorize(info),
                production_id=str(input.production_id),
                start_date=input.start_date,
                non_shooting_dates=input.non_shooting_dates,
                skip_weekends=input.skip_weekends,
            )
        )
        return ProposeStripboardPayload(
            proposal=StripboardProposal.from_model(proposal) if proposal is not None else None,
            user_errors=errors,
        )

    @strawberry.mutation
    async def apply_stripboard(
        self, info: Ctx, input: ApplyStripboardInput
    ) -> ApplyStripboardPayload:
        made, errors = await attempt(
            info.context.services.apply_stripboard(
                authorize(info),
                production_id=str(input.production_id),
                scene_ids=[str(x) for x in input.scene_ids],
                start_date=input.start_date,
                non_shooting_dates=input.non_shooting_dates,
                skip_weekends=input.skip_weekends,
            )
        )
        return ApplyStripboardPayload(
            shoot_days=[ShootDay.from_model(d) for d in made or []], user_errors=errors
        )

    @strawberry.mutation
    async def move_shoot_day(self, info: Ctx, input: MoveShootDayInput) -> MoveShootDayPayload:
        moved, errors = await attempt(
            info.context.services.move_shoot_day(
                authorize(info), shoot_day_id=str(input.shoot_day_id), to=input.date
            )
        )
        return MoveShootDayPayload(
            shoot_day=ShootDay.from_model(moved) if moved is not None else None,
            user_errors=errors,
        )

    @strawberry.mutation
    async def publish_call_sheet(
        self, info: Ctx, input: PublishCallSheetInput
    ) -> MoveShootDayPayload:
        day, errors = await attempt(
            info.context.services.publish_call_sheet(
                authorize(info), shoot_day_id=str(input.shoot_day_id)
            )
        )
        return MoveShootDayPayload(
            shoot_day=ShootDay.from_model(day) if day is not None else None, user_errors=errors
        )

    @strawberry.mutation
    async def move_scene(self, info: Ctx, input: MoveSceneInput) -> MoveScenePayload:
        moved, errors = await attempt(
            info.context.services.move_scene(
                authorize(info),
                scene_id=str(input.scene_id),
                shoot_day_id=str(input.shoot_day_id),
                position=input.position,
            )
        )
        return MoveScenePayload(
            shoot_days=[ShootDay.from_model(d) for d in moved or []], user_errors=errors
        )

    @strawberry.mutation
    async def set_call_times(self, info: Ctx, input: SetCallTimesInput) -> MoveShootDayPayload:
        day, errors = await attempt(
            info.context.services.set_call_times(
                authorize(info),
                shoot_day_id=str(input.shoot_day_id),
                general_call=input.general_call,
                wrap_time=input.wrap_time,
                calls={str(c.talent_id): c.call_time for c in input.calls},
                notes=input.notes,
                conditions=day_model.Conditions(input.weather, input.sunrise, input.sunset),
            )
        )
        return MoveShootDayPayload(
            shoot_day=ShootDay.from_model(day) if day is not None else None, user_errors=errors
        )

    @strawberry.mutation(description="Replace a shoot day's crew calls.")
    async def set_crew_calls(self, info: Ctx, input: SetCrewCallsInput) -> MoveShootDayPayload:
        day, errors = await attempt(
            info.context.services.set_crew_calls(
                authorize(info),
                shoot_day_id=str(input.shoot_day_id),
                crew=[
                    day_model.CrewCallDraft(
                        c.name, c.department, c.position, c.call_time, c.contact
                    )
                    for c in input.crew
                ],
            )
        )
        return MoveShootDayPayload(
            shoot_day=ShootDay.from_model(day) if day is not None else None, user_errors=errors
        )

    @strawberry.mutation(description="Revoke your calendar feed of a production or a talent.")
    async def revoke_calendar_feed(
        self, info: Ctx, input: RevokeCalendarFeedInput
    ) -> RevokeCalendarFeedPayload:
        _, errors = await attempt(
            info.context.services.revoke_calendar_feed(
                authorize(info),
                production_id=str(input.production_id) if input.production_id else None,
                talent_id=str(input.talent_id) if input.talent_id else None,
            )
        )
        return RevokeCalendarFeedPayload(revoked=not errors, user_errors=errors)

    @strawberry.mutation
    async def confirm_call_sheet(
        self, info: Ctx, input: ConfirmCallSheetInput
    ) -> MoveShootDayPayload:
        day, errors = await attempt(
            info.context.services.confirm_call_sheet(
                authorize(info), call_sheet_id=str(input.call_sheet_id)
            )
        )
        return MoveShootDayPayload(
            shoot_day=ShootDay.from_model(day) if day is not None else None, user_errors=errors
        )


schema = SubgraphSchema(query=Query, mutation=Mutation, types=[Production, Talent])
