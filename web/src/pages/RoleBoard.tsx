// The casting board of one role: who was put forward (submissions with their shortlist ranks and
// auditions), who is on hold (by rank) and who is booked; holds and bookings change live through
// the production's bookingEvents, like the dashboard.
import { useMemo, useState, type FormEvent } from 'react';
import { useMutation, useQuery, useSubscription } from 'urql';
import { BookingEventsSubscription, ConfirmBookingMutation, HoldTalentMutation, ReleaseBookingMutation } from '../operations';
import {
  CloseRoleMutation,
  CreateAuditionSessionMutation,
  DeclineSubmissionMutation,
  InviteToAuditionMutation,
  PublishRoleMutation,
  RoleBoardQuery,
  ShortlistMutation,
  SubmitTalentMutation,
} from '../ops/casting';
import type { BookingFieldsFragment, SubmissionFieldsFragment } from '../gql/graphql';
import { FormMessage, SelectField, StatusBadge, TextField } from '../components/Form';
import { describeError, formatMoney, groupErrors, mutationErrors, NO_ERRORS, type FieldErrors } from '../userErrors';

const errs = async (p: Promise<Parameters<typeof mutationErrors>[0]>, key: string, fields: readonly string[]) => mutationErrors(await p, key, fields);
import { recentTalents } from '../recentTalents';
import { Link } from '../router';
import type { LiveState } from '../client';
import { holdsByRank, SHORTLIST_RANKS } from '../board';

function SubmissionRow({ s, canWrite, roleId, sessionId }: { s: SubmissionFieldsFragment; canWrite: boolean; roleId: string; sessionId: string | null }) {
  const name = s.talent?.name ?? 'Unknown talent';
  const [rank, setRank] = useState(String(s.shortlistRank ?? 1));
  const [errors, setErrors] = useState<FieldErrors>(NO_ERRORS);
  const [shortlistState, shortlist] = useMutation(ShortlistMutation);
  const [, decline] = useMutation(DeclineSubmissionMutation);
  const [holdState, hold] = useMutation(HoldTalentMutation);
  const [inviteState, invite] = useMutation(InviteToAuditionMutation);
  const undecided = s.status === 'SUBMITTED' || s.status === 'VIEWED' || s.status === 'SHORTLISTED';
  const id = `sub-${s.id}`;

  const act = async (p: Promise<FieldErrors | null>) => setErrors((await p) ?? NO_ERRORS);
  return (
    <li className="booking" aria-label={`Submission: ${name}`}>
      <div className="booking-head">
        <strong>{name}</strong> <StatusBadge status={s.status} />
        {s.shortlistRank ? <span className="badge badge-rank" data-testid="shortlist-rank">select #{s.shortlistRank}</span> : null}
        {s.selfSubmitted ? <span className="hint">self-submitted</span> : null}
      </div>
      {s.note ? <p className="hint">“{s.note}”</p> : null}
      {s.auditions.length ? (
        <ul className="hint" aria-label={`Auditions of ${name}`}>
          {s.auditions.map((a) => (
            <li key={a.id}>
              {a.kind.toLowerCase()} {new Date(a.startsAt).toLocaleString()} · room {a.room} · <StatusBadge status={a.status} />
            </li>
          ))}
        </ul>
      ) : null}
      {canWrite && undecided ? (
        <form
          className="actions inline"
          aria-label={`Decide on ${name}`}
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            void act(errs(shortlist({ input: { submissionId: s.id, rank: Number(rank) } }), 'shortlistSubmission', ['rank']));
          }}
        >
          <SelectField
            id={`${id}-rank`}
            label="Shortlist rank"
            value={rank}
            onChange={(e) => setRank(e.target.value)}
            options={SHORTLIST_RANKS.map((r) => ({ value: String(r), label: `#${r}` }))}
            errors={errors.byField.rank}
          />
          <button type="submit" disabled={shortlistState.fetching} aria-label={`Shortlist ${name}`}>
            Shortlist
          </button>
          <button
            type="button"
            className="secondary"
            disabled={holdState.fetching}
            aria-label={`Put ${name} on hold`}
            onClick={() => s.talent && void act(errs(hold({ input: { roleId, talentId: s.talent.id } }), 'holdTalent', []))}
          >
            Hold
          </button>
          {sessionId ? (
            <button
              type="button"
              className="secondary"
              disabled={inviteState.fetching}
              aria-label={`Invite ${name} to audition`}
              onClick={() => void act(errs(invite({ input: { sessionId, submissionId: s.id } }), 'inviteToAudition', []))}
            >
              Invite to audition
            </button>
          ) : null}
          <button
            type="button"
            className="secondary"
            aria-label={`Decline ${name}`}
            onClick={() => void act(errs(decline({ input: { submissionId: s.id } }), 'declineSubmission', []))}
          >
            Decline
          </button>
        </form>
      ) : null}
      <FormMessage errors={errors.form} />
    </li>
  );
}

function HoldRow({ b, canWrite, roleName }: { b: BookingFieldsFragment; canWrite: boolean; roleName: string }) {
  const [, confirm] = useMutation(ConfirmBookingMutation);
  const [, release] = useMutation(ReleaseBookingMutation);
  const [errors, setErrors] = useState<FieldErrors>(NO_ERRORS);
  const name = b.talent?.name ?? 'Unknown talent';
  const act = async (p: Promise<FieldErrors | null>) => setErrors((await p) ?? NO_ERRORS);
  return (
    <li className="booking" aria-label={`Hold: ${name}`}>
      <div className="booking-head">
        {b.status === 'ON_HOLD' ? <span className="badge badge-rank" data-testid="hold-rank">hold #{b.rank}</span> : null}
        <strong>{name}</strong> <StatusBadge status={b.status} />
        {b.isMinor ? <span className="badge badge-minor">minor</span> : null}
      </div>
      <p className="hint">
        {b.workDates.join(', ')}
        {b.status === 'ON_HOLD' && b.expiresAt ? <> · lapses {new Date(b.expiresAt).toLocaleString()}</> : null}
        {b.engagement?.estimatedCost ? <> · est. {formatMoney(b.engagement.estimatedCost.total.amount, b.engagement.estimatedCost.total.currency)}</> : null}
        {b.contract ? <> · contract {b.contract.status.toLowerCase()}</> : null}
      </p>
      {canWrite && (b.status === 'ON_HOLD' || b.status === 'BOOKED') ? (
        <div className="actions">
          {b.status === 'ON_HOLD' ? (
            <button
              type="button"
              aria-label={`Confirm ${name} for ${roleName}`}
              onClick={() => void act(errs(confirm({ input: { bookingId: b.id } }), 'confirmBooking', []))}
            >
              Confirm
            </button>
          ) : null}
          <button
            type="button"
            className="secondary"
            aria-label={`Release ${name} from ${roleName}`}
            onClick={() => void act(errs(release({ input: { bookingId: b.id, reason: '' } }), 'releaseBooking', []))}
          >
            Release
          </button>
        </div>
      ) : null}
      <FormMessage errors={errors.form} />
    </li>
  );
}

function SubmitForm({ roleId }: { roleId: string }) {
  const [talentId, setTalentId] = useState('');
  const [note, setNote] = useState('');
  const [errors, setErrors] = useState<FieldErrors>(NO_ERRORS);
  const [state, submit] = useMutation(SubmitTalentMutation);
  const talents = useMemo(() => recentTalents(), []);
  async function onSubmit(e: FormEvent) {
    e.preventDefault();
    const found = await errs(submit({ input: { roleId, talentId: talentId.trim(), note } }), 'submitTalent', ['talentId', 'note', 'roleId']);
    setErrors(found ?? NO_ERRORS);
    if (!found) {
      setTalentId('');
      setNote('');
    }
  }
  return (
    <form onSubmit={onSubmit} className="card" aria-labelledby="submit-title" noValidate>
      <h2 id="submit-title">Put a talent forward</h2>
      <TextField
        id="submit-talent"
        label="Talent id"
        list="board-talents"
        value={talentId}
        onChange={(e) => setTalentId(e.target.value)}
        errors={errors.byField.talentId}
        hint={
          <>
            Or <Link to={`/talent/search?role=${encodeURIComponent(roleId)}`}>search talent</Link> and submit from the results.
          </>
        }
        required
      />
      <datalist id="board-talents">
        {talents.map((t) => (
          <option key={t.id} value={t.id} label={t.name} />
        ))}
      </datalist>
      <TextField id="submit-note" label="Note" value={note} onChange={(e) => setNote(e.target.value)} errors={errors.byField.note} />
      <FormMessage errors={[...errors.form, ...(errors.byField.roleId ?? [])]} />
      <button type="submit" disabled={state.fetching}>
        Submit
      </button>
    </form>
  );
}

function AuditionSessionForm({ productionId, timezone, onCreated }: { productionId: string; timezone: string; onCreated: (id: string, label: string) => void }) {
  const [date, setDate] = useState('');
  const [start, setStart] = useState('10:00');
  const [end, setEnd] = useState('12:00');
  const [slot, setSlot] = useState('15');
  const [room, setRoom] = useState('A');
  const [errors, setErrors] = useState<FieldErrors>(NO_ERRORS);
  const [state, create] = useMutation(CreateAuditionSessionMutation);
  async function onSubmit(e: FormEvent) {
    e.preventDefault();
    setErrors(NO_ERRORS);
    const result = await create({ input: { productionId, date, timezone, start, end, slotMinutes: Number(slot), rooms: [room] } });
    if (result.error) return setErrors({ byField: {}, form: [describeError(result.error)] });
    const payload = result.data?.createAuditionSession;
    if (payload?.userErrors.length) return setErrors(groupErrors(payload.userErrors, ['date', 'start', 'end', 'slotMinutes', 'rooms']));
    if (payload?.session) onCreated(payload.session.id, `${payload.session.date} ${payload.session.start}-${payload.session.end}`);
  }
  return (
    <form onSubmit={onSubmit} className="card" aria-labelledby="session-title" noValidate>
      <h2 id="session-title">Audition session</h2>
      <TextField id="session-date" label="Date" type="date" value={date} onChange={(e) => setDate(e.target.value)} errors={errors.byField.date} required />
      <div className="row">
        <TextField id="session-start" label="From" type="time" value={start} onChange={(e) => setStart(e.target.value)} errors={errors.byField.start} />
        <TextField id="session-end" label="To" type="time" value={end} onChange={(e) => setEnd(e.target.value)} errors={errors.byField.end} />
      </div>
      <div className="row">
        <TextField id="session-slot" label="Slot minutes" inputMode="numeric" value={slot} onChange={(e) => setSlot(e.target.value)} errors={errors.byField.slotMinutes} />
        <TextField id="session-room" label="Room" value={room} onChange={(e) => setRoom(e.target.value)} errors={errors.byField.rooms} />
      </div>
      <p className="hint">Times in {timezone}.</p>
      <FormMessage errors={errors.form} />
      <button type="submit" disabled={state.fetching}>
        Create session
      </button>
    </form>
  );
}

function HoldByRank({ roleId }: { roleId: string }) {
  const [talentId, setTalentId] = useState('');
  const [rank, setRank] = useState('');
  const [errors, setErrors] = useState<FieldErrors>(NO_ERRORS);
  const [state, hold] = useMutation(HoldTalentMutation);
  async function onSubmit(e: FormEvent) {
    e.preventDefault();
    const input = { roleId, talentId: talentId.trim(), ...(rank ? { rank: Number(rank) } : {}) };
    const found = await errs(hold({ input }), 'holdTalent', ['talentId', 'rank', 'expiresAt']);
    setErrors(found ?? NO_ERRORS);
    if (!found) setTalentId('');
  }
  return (
    <form onSubmit={onSubmit} className="card" aria-labelledby="rank-hold-title" noValidate>
      <h2 id="rank-hold-title">Hold at a rank</h2>
      <TextField id="rank-hold-talent" label="Talent to hold" value={talentId} onChange={(e) => setTalentId(e.target.value)} errors={errors.byField.talentId} required />
      <TextField id="rank-hold-rank" label="Hold rank" inputMode="numeric" value={rank} onChange={(e) => setRank(e.target.value)} errors={errors.byField.rank} hint="1 = first hold; empty: behind the others." />
      <FormMessage errors={errors.form} />
      <button type="submit" disabled={state.fetching}>
        Hold at rank
      </button>
    </form>
  );
}

export function RoleBoard({ id, live, canWrite }: { id: string; live: LiveState; canWrite: boolean }) {
  const [{ data, error, fetching }] = useQuery({ query: RoleBoardQuery, variables: { id } });
  const productionId = data?.role?.productionId ?? '';
  useSubscription({ query: BookingEventsSubscription, variables: { productionId }, pause: !productionId });
  const [session, setSession] = useState<{ id: string; label: string } | null>(null);
  const [statusErrors, setStatusErrors] = useState<FieldErrors>(NO_ERRORS);
  const [, publish] = useMutation(PublishRoleMutation);
  const [, close] = useMutation(CloseRoleMutation);

  if (error && !data) return <p role="alert" className="form-error">{describeError(error)}</p>;
  if (!data) return fetching ? <p aria-busy="true">Loading the casting board…</p> : null;
  const role = data.role;
  if (!role) {
    return (
      <>
        <h1 tabIndex={-1}>Role not found</h1>
        <p>
          <Link to="/productions">All productions</Link>
        </p>
      </>
    );
  }
  const { holds, booked, past } = holdsByRank(role.bookings);
  const submissions = [...role.submissions].sort((a, b) => (a.shortlistRank ?? 99) - (b.shortlistRank ?? 99));

  return (
    <>
      <nav aria-label="Breadcrumb" className="hint">
        <Link to="/productions">Productions</Link> › <Link to={`/productions/${encodeURIComponent(role.productionId)}`}>{role.production.title}</Link> › {role.name}
      </nav>
      <h1 tabIndex={-1}>Casting: {role.name}</h1>
      <p>
        <StatusBadge status={role.status} /> · {formatMoney(role.rate.amount, role.rate.currency)} {role.rate.unit.toLowerCase()} · books {role.quantity} ·{' '}
        {role.workDates.join(', ')} · <span className={`live live-${live} inline`}>{live === 'connected' ? 'Live' : live === 'connecting' ? 'Connecting…' : 'Offline'}</span>
      </p>
      {canWrite && role.status !== 'CLOSED' ? (
        <div className="actions">
          {role.status === 'DRAFT' ? (
            <button
              type="button"
              onClick={async () => setStatusErrors((await errs(publish({ input: { roleId: role.id } }), 'publishRole', [])) ?? NO_ERRORS)}
            >
              Publish to talent and agents
            </button>
          ) : (
            <button
              type="button"
              className="secondary"
              onClick={async () => setStatusErrors((await errs(close({ input: { roleId: role.id } }), 'closeRole', [])) ?? NO_ERRORS)}
            >
              Close submissions
            </button>
          )}
        </div>
      ) : null}
      <FormMessage errors={statusErrors.form} />
      <div className="split">
        <div>
          <section className="card" aria-labelledby="holds-title">
            <h2 id="holds-title">Holds and bookings</h2>
            {holds.length + booked.length ? (
              <ul className="list" aria-label="Holds and bookings">
                {[...booked, ...holds].map((b) => (
                  <HoldRow key={b.id} b={b} canWrite={canWrite} roleName={role.name} />
                ))}
              </ul>
            ) : (
              <p className="hint">No one on hold yet.</p>
            )}
            {past.length ? (
              <details>
                <summary>Released, cancelled and expired ({past.length})</summary>
                <ul className="list">
                  {past.map((b) => (
                    <HoldRow key={b.id} b={b} canWrite={false} roleName={role.name} />
                  ))}
                </ul>
              </details>
            ) : null}
          </section>
          <section className="card" aria-labelledby="submissions-title">
            <h2 id="submissions-title">Submissions ({submissions.length})</h2>
            {session ? <p className="hint">Inviting to the session of {session.label}.</p> : null}
            {submissions.length ? (
              <ul className="list" aria-label="Submissions">
                {submissions.map((s) => (
                  <SubmissionRow key={s.id} s={s} canWrite={canWrite} roleId={role.id} sessionId={session?.id ?? null} />
                ))}
              </ul>
            ) : (
              <p className="hint">{role.status === 'DRAFT' ? 'Publish the role to take submissions.' : 'No submissions yet.'}</p>
            )}
          </section>
        </div>
        {canWrite ? (
          <div>
            {role.status === 'PUBLISHED' ? <SubmitForm roleId={role.id} /> : null}
            <HoldByRank roleId={role.id} />
            <AuditionSessionForm productionId={role.productionId} timezone={role.production.timezone} onCreated={(sid, label) => setSession({ id: sid, label })} />
          </div>
        ) : null}
      </div>
    </>
  );
}
