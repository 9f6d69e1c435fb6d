// The normalised cache (urql Graphcache): entities by __typename and id, value types embedded,
// and the list updates that a mutation or a live event implies, so every screen showing an
// entity changes with it and a new booking appears in its role's list without a refetch.
import { cacheExchange, type Cache, type CacheExchangeOpts } from '@urql/exchange-graphcache';

// Types without an id of their own live inside their parent.
const EMBEDDED = [
  'UserError',
  'Rate',
  'Money',
  'CostEstimate',
  'CostLine',
  'BookingEvent',
  'BookingPayload',
  'CreateRolePayload',
  'RegisterTalentPayload',
  'CreateProductionPayload',
  'RecordWorkPermitPayload',
  'ProductionConnection',
  'ProductionEdge',
  'PageInfo',
  // casting board and search
  'Requirements',
  'Usage',
  'Physical',
  'Media',
  'Representation',
  'PrivateNote',
  'TalentConnection',
  'TalentEdge',
  'SubmissionPayload',
  'RolePayload',
  'AuditionSessionPayload',
  'AuditionInvitationPayload',
  // pay
  'PayLine',
  'TaxLine',
  'EmployerEntity',
  'MealBreak',
  'MyPay',
  'TimecardPayload',
  'PayRunPayload',
  // schedule
  'CastCall',
  'ScheduleConflict',
  'StripboardProposal',
  'CreateLocationPayload',
  'CreateScenePayload',
  'ProposeStripboardPayload',
  'ApplyStripboardPayload',
  'MoveShootDayPayload',
  // lifecycle
  'ProductionDashboard',
  'StageGate',
  'GateItem',
  'Budget',
  'BudgetLine',
  'BudgetTotals',
  'AdvanceStagePayload',
  // legal
  'Signature',
  'ComplianceItem',
  'ComplianceReport',
  'ContractPayload',
  'SendContractPayload',
];

interface WithId {
  __typename?: string;
  id: string;
}

/** Put a booking in its role's list of bookings if the cache holds that list without it. */
export function addBooking(cache: Cache, booking: (WithId & { role?: WithId | null }) | null | undefined): void {
  const roleId = booking?.role?.id;
  if (!booking || !roleId) return;
  const role = { __typename: 'Role', id: roleId };
  const key = cache.keyOfEntity({ __typename: 'Booking', id: booking.id });
  const list = cache.resolve(role, 'bookings');
  if (!Array.isArray(list) || !key || (list as unknown[]).includes(key)) return;
  cache.link(role, 'bookings', [...(list as string[]), key]);
}

/** Put a new role in its production's list of roles (when that list is cached). */
export function addRole(cache: Cache, role: (WithId & { productionId: string }) | null | undefined): void {
  if (!role) return;
  const production = { __typename: 'Production', id: role.productionId };
  const key = cache.keyOfEntity({ __typename: 'Role', id: role.id });
  const list = cache.resolve(production, 'roles');
  if (!Array.isArray(list) || !key || (list as unknown[]).includes(key)) return;
  cache.link(production, 'roles', [...(list as string[]), key]);
}

/** Append an entity to a parent's cached list (when that list is cached and lacks it). */
export function appendTo(cache: Cache, parent: { __typename: string; id: string }, fieldName: string, child: { __typename: string; id: string } | null | undefined): void {
  if (!child) return;
  const key = cache.keyOfEntity(child);
  const list = cache.resolve(parent, fieldName);
  if (!Array.isArray(list) || !key || (list as unknown[]).includes(key)) return;
  cache.link(parent, fieldName, [...(list as string[]), key]);
}

type Data = Record<string, unknown>;
const field = <T,>(result: Data, name: string, inner: string): T | null | undefined =>
  (result[name] as Data | null | undefined)?.[inner] as T | null | undefined;

export const cacheOptions: CacheExchangeOpts = {
  keys: Object.fromEntries(EMBEDDED.map((t) => [t, () => null])),
  updates: {
    Mutation: {
      createProduction(result, _args, cache) {
        if (!field(result, 'createProduction', 'production')) return;
        // The list is keyset-paginated on the server: fetch its first page again.
        for (const f of cache.inspectFields('Query')) {
          if (f.fieldName === 'productions') cache.invalidate('Query', 'productions', f.arguments ?? undefined);
        }
      },
      createRole(result, _args, cache) {
        addRole(cache, field(result, 'createRole', 'role'));
      },
      holdTalent(result, _args, cache) {
        addBooking(cache, field(result, 'holdTalent', 'booking'));
      },
      submitTalent(result, _args, cache) {
        const s = field<WithId & { role?: WithId | null }>(result, 'submitTalent', 'submission');
        if (s?.role) appendTo(cache, { __typename: 'Role', id: s.role.id }, 'submissions', { __typename: 'Submission', id: s.id });
      },
      inviteToAudition(result, _args, cache) {
        const inv = field<WithId & { submissionId: string }>(result, 'inviteToAudition', 'invitation');
        if (inv) appendTo(cache, { __typename: 'Submission', id: inv.submissionId }, 'auditions', { __typename: 'AuditionInvitation', id: inv.id });
      },
      submitTimecard(result, _args, cache) {
        const t = field<WithId & { engagementId: string }>(result, 'submitTimecard', 'timecard');
        if (t) appendTo(cache, { __typename: 'Engagement', id: t.engagementId }, 'timecards', { __typename: 'Timecard', id: t.id });
      },
      createLocation(result, _args, cache) {
        const l = field<WithId & { productionId: string }>(result, 'createLocation', 'location');
        if (l) appendTo(cache, { __typename: 'Production', id: l.productionId }, 'locations', { __typename: 'Location', id: l.id });
      },
      createScene(result, _args, cache) {
        const s = field<WithId & { productionId: string }>(result, 'createScene', 'scene');
        if (s) appendTo(cache, { __typename: 'Production', id: s.productionId }, 'scenes', { __typename: 'Scene', id: s.id });
      },
      applyStripboard(result, args, cache) {
        // The applied order replaces the production's earlier shoot days.
        const days = (result.applyStripboard as Data | null)?.shootDays as WithId[] | undefined;
        const input = args.input as { productionId?: string } | undefined;
        if (!days?.length || !input?.productionId) return;
        cache.link({ __typename: 'Production', id: input.productionId }, 'shootDays', days.map((d) => ({ __typename: 'ShootDay', id: d.id })));
      },
    },
    Subscription: {
      bookingEvents(result, args, cache) {
        const booking = field<WithId & { role?: WithId | null }>(result, 'bookingEvents', 'booking');
        const production = { __typename: 'Production', id: String(args.productionId) };
        const roles = cache.resolve(production, 'roles');
        const roleKey = booking?.role ? cache.keyOfEntity({ __typename: 'Role', id: booking.role.id }) : null;
        // A role someone else created since this screen loaded: read the production's roles again.
        if (Array.isArray(roles) && roleKey && !(roles as unknown[]).includes(roleKey)) cache.invalidate(production, 'roles');
        else addBooking(cache, booking);
      },
    },
  },
};

export const slateCache = () => cacheExchange(cacheOptions);
