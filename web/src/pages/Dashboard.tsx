import { useEffect, useMemo, useState, type FormEvent } from 'react';
import { useClient, useMutation, useQuery, useSubscription } from 'urql';
import {
  BookingEventsSubscription,
  BookingQuery,
  ConfirmBookingMutation,
  CreateRoleMutation,
  HoldTalentMutation,
  ProductionDashboardQuery,
  ReleaseBookingMutation,
} from '../operations';
import type { BookingFieldsFragment, ProductionDashboardQuery as DashboardData, RateUnit } from '../gql/graphql';
import { FormMessage, SelectField, StatusBadge, TextField } from '../components/Form';
import { describeError, formatMoney, groupErrors, NO_ERRORS, splitDates, type FieldErrors } from '../userErrors';
import { awaitingFollowUp, committedCost, countByStatus, STATUSES } from '../summary';
import { recentTalents } from '../recentTalents';
import { Link } from '../router';
import type { LiveState } from '../client';
import { ProductionTabs } from '../components/ProductionTabs';
import { ComplianceReport } from './Legal';
import { Lifecycle } from './Lifecycle';

type Production = NonNullable<DashboardData['production']>;
type RoleRow = Production['roles'][number];

const UNITS: { value: RateUnit; label: string }[] = [
  { value: 'DAY', label: 'per day' },
  { value: 'HOUR', label: 'per hour' },
  { value: 'WEEK', label: 'per week' },
  { value: 'FLAT', label: 'flat' },
];
// How long to wait between looks for an engagement and a contract after a confirmation: payroll
// and legal open them from the booking.confirmed event, a moment after it.
const FOLLOW_UP_DELAYS_MS = [300, 600, 1000, 1500, 2000, 3000, 4000, 5000, 5000, 5000, 10000, 10000, 10000];

/** Re-reads a booked booking until its engagement and contract exist (they carry no live event
 *  of their own); the result lands in the normalised cache, so the row updates in place. */
function FollowUp({ id }: { id: string }) {
  const client = useClient();
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    let cancelled = false;
    const look = (attempt: number) => {
      const delay = FOLLOW_UP_DELAYS_MS[attempt];
      if (delay === undefined || cancelled) return;
      timer = setTimeout(async () => {
        const result = await client.query(BookingQuery, { id }, { requestPolicy: 'network-only' }).toPromise();
        const b = result.data?.booking;
        if (!cancelled && (!b || awaitingFollowUp(b))) look(attempt + 1);
      }, delay);
    };
    look(0);
    return () => {
      cancelled = true;
      clearTimeout(timer);
    };
  }, [client, id]);
  return null;
}

function BookingRow({ booking, roleName, canWrite }: { booking: BookingFieldsFragment; roleName: string; canWrite: boolean }) {
  const [confirmState, confirm] = useMutation(ConfirmBookingMutation);
  const [releaseState, release] = useMutation(ReleaseBookingMutation);
  const [errors, setErrors] = useState<string[]>([]);
  const name = booking.talent?.name ?? 'Unknown talent';
  const busy = confirmState.fetching || releaseState.fetching;

  async function act(kind: 'confirm' | 'release') {
    setErrors([]);
    const result =
      kind === 'confirm'
        ? await confirm({ input: { bookingId: booking.id } })
        : await release({ input: { bookingId: booking.id, reason: '' } });
    if (result.error) return setErrors([describeError(result.error)]);
    const data = result.data;
    const payload = data && ('confirmBooking' in data ? data.confirmBooking : 'releaseBooking' in data ? data.releaseBooking : null);
    if (payload?.userErrors.length) setErrors(payload.userErrors.map((e) => e.message));
  }

  const cost = booking.engagement?.estimatedCost?.total;
  return (
    <li className="booking" data-booking-id={booking.id} aria-label={`${name}, ${roleName}`}>
      {awaitingFollowUp(booking) ? <FollowUp id={booking.id} /> : null}
      <div className="booking-head">
        <strong>{name}</strong> <StatusBadge status={booking.status} />
        {booking.isMinor ? <span className="badge badge-minor">minor</span> : null}
      </div>
      <p className="hint">{booking.workDates.join(', ')}</p>
      <dl className="facts">
        <div>
          <dt>Engagement</dt>
          <dd data-testid="engagement">
            {booking.engagement ? (
              <>
                <StatusBadge status={booking.engagement.status} />
                {cost ? <> est. {formatMoney(cost.amount, cost.currency)}</> : null}
                <span className="hint"> · {booking.engagement.agreement === 'none' ? 'no union agreement' : booking.engagement.agreement}</span>
              </>
            ) : booking.status === 'BOOKED' ? (
              <span aria-busy="true">opening…</span>
            ) : (
              '—'
            )}
          </dd>
        </div>
        <div>
          <dt>Contract</dt>
          <dd data-testid="contract">
            {booking.contract ? (
              <>
                <StatusBadge status={booking.contract.status} /> {booking.contract.template}
              </>
            ) : booking.status === 'BOOKED' ? (
              <span aria-busy="true">drafting…</span>
            ) : (
              '—'
            )}
          </dd>
        </div>
      </dl>
      {canWrite && (booking.status === 'ON_HOLD' || booking.status === 'BOOKED') ? (
        <div className="actions">
          {booking.status === 'ON_HOLD' ? (
            <button type="button" onClick={() => act('confirm')} disabled={busy} aria-label={`Confirm ${name} for ${roleName}`}>
              Confirm
            </button>
          ) : null}
          <button type="button" className="secondary" onClick={() => act('release')} disabled={busy} aria-label={`Release ${name} from ${roleName}`}>
            Release
          </button>
        </div>
      ) : null}
      {errors.length ? (
        <p className="field-error" role="alert">
          {errors.join(' ')}
        </p>
      ) : null}
    </li>
  );
}

function RoleSection({ role, canWrite }: { role: RoleRow; canWrite: boolean }) {
  return (
    <section className="card role" aria-labelledby={`role-${role.id}`}>
      <h3 id={`role-${role.id}`}>{role.name}</h3>
      <p>
        <Link to={`/roles/${encodeURIComponent(role.id)}`} aria-label={`Casting board for ${role.name}`}>
          Casting board
        </Link>
      </p>
      <p className="hint">
        {formatMoney(role.rate.amount, role.rate.currency)} {UNITS.find((u) => u.value === role.rate.unit)?.label} · {role.workDates.join(', ')}
      </p>
      {role.bookings.length ? (
        <ul className="list" aria-label={`Bookings for ${role.name}`}>
          {role.bookings.map((b) => (
            <BookingRow key={b.id} booking={b} roleName={role.name} canWrite={canWrite} />
          ))}
        </ul>
      ) : (
        <p className="hint">No one on hold yet.</p>
      )}
    </section>
  );
}

function CreateRole({ productionId }: { productionId: string }) {
  const [name, setName] = useState('');
  const [amount, setAmount] = useState('');
  const [currency, setCurrency] = useState('USD');
  const [unit, setUnit] = useState<RateUnit>('DAY');
  const [dates, setDates] = useState('');
  const [description, setDescription] = useState('');
  const [errors, setErrors] = useState<FieldErrors>(NO_ERRORS);
  const [state, create] = useMutation(CreateRoleMutation);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setErrors(NO_ERRORS);
    const result = await create({ input: { productionId, name, rate: { amount, currency, unit }, workDates: splitDates(dates), description } });
    if (result.error) return setErrors({ byField: {}, form: [describeError(result.error)] });
    const payload = result.data?.createRole;
    if (payload?.userErrors.length) {
      return setErrors(groupErrors(payload.userErrors, ['name', 'rate.amount', 'rate.currency', 'rate.unit', 'workDates', 'description']));
    }
    setName('');
    setAmount('');
    setDates('');
    setDescription('');
  }

  return (
    <form onSubmit={submit} className="card" aria-labelledby="create-role-title" noValidate>
      <h2 id="create-role-title">Add a role</h2>
      <TextField id="role-name" label="Role name" value={name} onChange={(e) => setName(e.target.value)} errors={errors.byField.name} required />
      <div className="row">
        <TextField
          id="role-amount"
          label="Rate"
          inputMode="decimal"
          value={amount}
          onChange={(e) => setAmount(e.target.value)}
          errors={errors.byField['rate.amount']}
          hint="e.g. 1200.00"
          required
        />
        <TextField id="role-currency" label="Currency" value={currency} onChange={(e) => setCurrency(e.target.value)} errors={errors.byField['rate.currency']} size={4} />
        <SelectField id="role-unit" label="Unit" value={unit} onChange={(e) => setUnit(e.target.value as RateUnit)} options={UNITS} errors={errors.byField['rate.unit']} />
      </div>
      <TextField
        id="role-dates"
        label="Work dates"
        value={dates}
        onChange={(e) => setDates(e.target.value)}
        errors={errors.byField.workDates}
        hint="YYYY-MM-DD, separated by commas."
        required
      />
      <TextField
        id="role-description"
        label="Description"
        value={description}
        onChange={(e) => setDescription(e.target.value)}
        errors={errors.byField.description}
        hint="Needed to publish the role to talent and agents."
      />
      <FormMessage errors={errors.form} />
      <button type="submit" disabled={state.fetching}>
        {state.fetching ? 'Adding…' : 'Add role'}
      </button>
    </form>
  );
}

function HoldTalent({ roles }: { roles: RoleRow[] }) {
  const [roleId, setRoleId] = useState('');
  const [talentId, setTalentId] = useState('');
  const [errors, setErrors] = useState<FieldErrors>(NO_ERRORS);
  const [state, hold] = useMutation(HoldTalentMutation);
  const talents = useMemo(() => recentTalents(), []);
  const chosenRole = roleId || roles[0]?.id || '';

  async function submit(e: FormEvent) {
    e.preventDefault();
    setErrors(NO_ERRORS);
    const result = await hold({ input: { roleId: chosenRole, talentId: talentId.trim() } });
    if (result.error) return setErrors({ byField: {}, form: [describeError(result.error)] });
    const payload = result.data?.holdTalent;
    if (payload?.userErrors.length) return setErrors(groupErrors(payload.userErrors, ['roleId', 'talentId']));
    setTalentId('');
  }

  if (!roles.length) return null;
  return (
    <form onSubmit={submit} className="card" aria-labelledby="hold-title" noValidate>
      <h2 id="hold-title">Put talent on hold</h2>
      <SelectField
        id="hold-role"
        label="Role"
        value={chosenRole}
        onChange={(e) => setRoleId(e.target.value)}
        options={roles.map((r) => ({ value: r.id, label: r.name }))}
        errors={errors.byField.roleId}
      />
      <TextField
        id="hold-talent"
        label="Talent id"
        list="recent-talents"
        value={talentId}
        onChange={(e) => setTalentId(e.target.value)}
        errors={errors.byField.talentId}
        hint={
          <>
            Talent registered here are suggested; <Link to="/talent/new">register a talent</Link>.
          </>
        }
        required
      />
      <datalist id="recent-talents">
        {talents.map((t) => (
          <option key={t.id} value={t.id} label={t.name} />
        ))}
      </datalist>
      <FormMessage errors={errors.form} />
      <button type="submit" disabled={state.fetching}>
        {state.fetching ? 'Holding…' : 'Hold'}
      </button>
    </form>
  );
}

function Summary({ production }: { production: Production }) {
  const bookings = production.roles.flatMap((r) => r.bookings);
  const counts = countByStatus(bookings);
  const cost = committedCost(bookings);
  const contracts = bookings.filter((b) => b.contract);
  return (
    <section className="card summary" aria-labelledby="summary-title">
      <h2 id="summary-title">At a glance</h2>
      <dl className="figures">
        {STATUSES.map((s) => (
          <div key={s}>
            <dt>{s.replace('_', ' ').toLowerCase()}</dt>
            <dd data-testid={`count-${s}`}>{counts[s]}</dd>
          </div>
        ))}
        <div>
          <dt>estimated cost booked</dt>
          <dd data-testid="committed">{cost.length ? cost.map((c) => formatMoney(c.amount, c.currency)).join(' + ') : '—'}</dd>
        </div>
        <div>
          <dt>contracts (signed)</dt>
          <dd>
            {contracts.length} ({contracts.filter((b) => b.contract?.status === 'SIGNED' || b.contract?.status === 'COUNTERSIGNED').length})
          </dd>
        </div>
        <NextShootDay production={production} />
      </dl>
    </section>
  );
}

function LiveIndicator({ state, last }: { state: LiveState; last: string | null }) {
  const label = state === 'connected' ? 'Live' : state === 'connecting' ? 'Connecting…' : 'Offline';
  return (
    <p className={`live live-${state}`}>
      <span className="dot" aria-hidden="true" /> {label}
      <span className="sr-only" role="status" aria-live="polite">
        {last ?? ''}
      </span>
      {last ? <span className="hint"> · {last}</span> : null}
    </p>
  );
}

function NextShootDay({ production }: { production: Production }) {
  const today = new Date().toISOString().slice(0, 10);
  const next = production.shootDays.find((d) => d.date >= today);
  return (
    <div>
      <dt>next shoot day</dt>
      <dd data-testid="next-shoot-day">
        {next ? (
          <Link to={`/productions/${encodeURIComponent(production.id)}/schedule`}>
            {next.date} · call {next.generalCall}
          </Link>
        ) : (
          '—'
        )}
      </dd>
    </div>
  );
}

export interface DashboardAccess {
  canWrite: boolean;
  canSeeCompliance: boolean;
  canSeePay: boolean;
  canSeeContracts: boolean;
}

export function Dashboard({
  id,
  live,
  canWrite,
  canSeeCompliance = false,
  canSeePay = false,
  canSeeContracts = false,
  canSeeLifecycle = false,
  canAdvance = false,
}: { id: string; live: LiveState; canSeeLifecycle?: boolean; canAdvance?: boolean } & Partial<DashboardAccess> & { canWrite: boolean }) {
  const [{ data, error, fetching }] = useQuery({ query: ProductionDashboardQuery, variables: { id } });
  const [{ data: event }] = useSubscription({ query: BookingEventsSubscription, variables: { productionId: id } });
  const last = event?.bookingEvents
    ? `${event.bookingEvents.booking.talent?.name ?? 'A talent'} ${event.bookingEvents.kind.toLowerCase()}`
    : null;

  if (error && !data) return <p role="alert" className="form-error">{describeError(error)}</p>;
  if (!data) return fetching ? <p aria-busy="true">Loading the production…</p> : null;
  const production = data.production;
  if (!production) {
    return (
      <>
        <h1 tabIndex={-1}>Production not found</h1>
        <p>
          <Link to="/productions">All productions</Link>
        </p>
      </>
    );
  }

  return (
    <>
      <nav aria-label="Breadcrumb" className="hint">
        <Link to="/productions">Productions</Link> › {production.title}
      </nav>
      <h1 tabIndex={-1}>{production.title}</h1>
      <p>
        {production.client || 'No client'} · {production.kind.replace('_', ' ').toLowerCase()} · <StatusBadge status={production.stage} /> ·{' '}
        {production.timezone}
      </p>
      <ProductionTabs id={production.id} show={{ pay: canSeePay, legal: canSeeContracts }} />
      <LiveIndicator state={live} last={last} />
      <div className="split">
        <div>
          <Summary production={production} />
          {canSeeLifecycle ? <Lifecycle productionId={production.id} canAdvance={canAdvance} /> : null}
          {canSeeCompliance ? (
            <section className="card" aria-labelledby="blockers-title">
              <h2 id="blockers-title">Compliance blockers</h2>
              <ComplianceReport productionId={production.id} compact />
            </section>
          ) : null}
          <section aria-labelledby="roles-title">
            <h2 id="roles-title">Roles and bookings</h2>
            {production.roles.length ? production.roles.map((r) => <RoleSection key={r.id} role={r} canWrite={canWrite} />) : <p className="hint">No roles yet.</p>}
          </section>
        </div>
        {canWrite ? (
          <div>
            <CreateRole productionId={production.id} />
            <HoldTalent roles={production.roles} />
          </div>
        ) : null}
      </div>
    </>
  );
}
