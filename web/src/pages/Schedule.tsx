// A production's schedule (producers): locations and scenes, the stripboard the optimiser proposes
// (its order, talent cost, whether proved optimal and the lower bound) applied into shoot days,
// and each day's call sheet with who has confirmed.
import { useState, type FormEvent, type ReactNode } from 'react';
import { useMutation, useQuery } from 'urql';
import {
  ApplyStripboardMutation,
  CreateLocationMutation,
  CreateSceneMutation,
  ProductionScheduleQuery,
  ProposeStripboardMutation,
  PublishCallSheetMutation,
  SetCallTimesMutation,
} from '../ops/schedule';
import type { ProductionScheduleQuery as ScheduleData, ProposeStripboardMutation as ProposeData, ShootDayFieldsFragment } from '../gql/graphql';
import { FormMessage, SelectField, StatusBadge, TextField } from '../components/Form';
import { describeError, formatMoney, mutationErrors, NO_ERRORS, splitDates, type FieldErrors } from '../userErrors';
import { fromMinor } from '../board';
import { Link } from '../router';

type Production = NonNullable<ScheduleData['production']>;

function LocationForm({ productionId }: { productionId: string }) {
  const [name, setName] = useState('');
  const [address, setAddress] = useState('');
  const [keepTogether, setKeep] = useState(false);
  const [errors, setErrors] = useState<FieldErrors>(NO_ERRORS);
  const [state, create] = useMutation(CreateLocationMutation);
  async function onSubmit(e: FormEvent) {
    e.preventDefault();
    const found = mutationErrors(await create({ input: { productionId, name, address, keepTogether } }), 'createLocation', ['name', 'address']);
    setErrors(found ?? NO_ERRORS);
    if (!found) {
      setName('');
      setAddress('');
    }
  }
  return (
    <form onSubmit={onSubmit} className="card" aria-labelledby="location-title" noValidate>
      <h2 id="location-title">Add a location</h2>
      <TextField id="location-name" label="Location name" value={name} onChange={(e) => setName(e.target.value)} errors={errors.byField.name} required />
      <TextField id="location-address" label="Address" value={address} onChange={(e) => setAddress(e.target.value)} errors={errors.byField.address} required />
      <label className="check">
        <input type="checkbox" checked={keepTogether} onChange={(e) => setKeep(e.target.checked)} /> Shoot its scenes in a row
      </label>
      <FormMessage errors={errors.form} />
      <button type="submit" disabled={state.fetching}>
        Add location
      </button>
    </form>
  );
}

function SceneForm({ production }: { production: Production }) {
  const [number, setNumber] = useState('');
  const [locationId, setLocationId] = useState('');
  const [duration, setDuration] = useState('1');
  const [roleIds, setRoleIds] = useState<string[]>([]);
  const [description, setDescription] = useState('');
  const [errors, setErrors] = useState<FieldErrors>(NO_ERRORS);
  const [state, create] = useMutation(CreateSceneMutation);
  const location = locationId || production.locations[0]?.id || '';
  if (!production.locations.length) return <p className="hint card">Add a location before its scenes.</p>;
  async function onSubmit(e: FormEvent) {
    e.preventDefault();
    const input = { productionId: production.id, number, locationId: location, duration: Number(duration), roleIds, description };
    const found = mutationErrors(await create({ input }), 'createScene', ['number', 'locationId', 'duration', 'roleIds', 'description', 'fixedDate']);
    setErrors(found ?? NO_ERRORS);
    if (!found) {
      setNumber('');
      setDescription('');
    }
  }
  return (
    <form onSubmit={onSubmit} className="card" aria-labelledby="scene-title" noValidate>
      <h2 id="scene-title">Add a scene</h2>
      <div className="row">
        <TextField id="scene-number" label="Scene number" value={number} onChange={(e) => setNumber(e.target.value)} errors={errors.byField.number} required />
        <TextField id="scene-duration" label="Shoot days" inputMode="numeric" value={duration} onChange={(e) => setDuration(e.target.value)} errors={errors.byField.duration} />
      </div>
      <SelectField
        id="scene-location"
        label="Location"
        value={location}
        onChange={(e) => setLocationId(e.target.value)}
        options={production.locations.map((l) => ({ value: l.id, label: l.name }))}
        errors={errors.byField.locationId}
      />
      <fieldset className="field" aria-describedby={errors.byField.roleIds ? 'scene-roles-error' : undefined}>
        <legend>Roles in the scene</legend>
        <div className="checks">
          {production.roles.map((r) => (
            <label key={r.id} className="check">
              <input
                type="checkbox"
                checked={roleIds.includes(r.id)}
                onChange={(e) => setRoleIds((ids) => (e.target.checked ? [...ids, r.id] : ids.filter((x) => x !== r.id)))}
              />{' '}
              {r.name}
            </label>
          ))}
        </div>
        {errors.byField.roleIds ? (
          <p className="field-error" id="scene-roles-error">
            {errors.byField.roleIds.join(' ')}
          </p>
        ) : null}
      </fieldset>
      <TextField id="scene-description" label="Description" value={description} onChange={(e) => setDescription(e.target.value)} errors={errors.byField.description} />
      <FormMessage errors={errors.form} />
      <button type="submit" disabled={state.fetching}>
        Add scene
      </button>
    </form>
  );
}

type Proposal = NonNullable<ProposeData['proposeStripboard']['proposal']>;

function Stripboard({ production }: { production: Production }) {
  const [startDate, setStart] = useState('');
  const [skipWeekends, setSkip] = useState(false);
  const [off, setOff] = useState('');
  const [proposal, setProposal] = useState<Proposal | null>(null);
  const [errors, setErrors] = useState<FieldErrors>(NO_ERRORS);
  const [applied, setApplied] = useState<string | null>(null);
  const [proposeState, propose] = useMutation(ProposeStripboardMutation);
  const [applyState, apply] = useMutation(ApplyStripboardMutation);
  const fields = ['startDate', 'nonShootingDates', 'skipWeekends', 'sceneIds'];
  const sceneNumber = (id: string) => production.scenes.find((s) => s.id === id);

  async function onPropose(e: FormEvent) {
    e.preventDefault();
    setApplied(null);
    const result = await propose({ input: { productionId: production.id, startDate: startDate || null, nonShootingDates: splitDates(off), skipWeekends } });
    const found = mutationErrors(result, 'proposeStripboard', fields);
    setErrors(found ?? NO_ERRORS);
    setProposal(found ? null : (result.data?.proposeStripboard.proposal ?? null));
  }
  async function onApply() {
    if (!proposal) return;
    const result = await apply({ input: { productionId: production.id, sceneIds: proposal.sceneIds, startDate, nonShootingDates: splitDates(off), skipWeekends } });
    const found = mutationErrors(result, 'applyStripboard', fields);
    setErrors(found ?? NO_ERRORS);
    if (!found) setApplied(`${result.data?.applyStripboard.shootDays.length ?? 0} shoot days scheduled.`);
  }

  return (
    <section className="card" aria-labelledby="stripboard-title">
      <h2 id="stripboard-title">Stripboard</h2>
      {production.scenes.length < 1 ? <p className="hint">Add scenes to propose a shooting order.</p> : null}
      <form onSubmit={onPropose} noValidate aria-label="Propose a stripboard">
        <div className="row">
          <TextField id="strip-start" label="First shoot date" type="date" value={startDate} onChange={(e) => setStart(e.target.value)} errors={errors.byField.startDate} />
          <TextField id="strip-off" label="Non-shooting dates" value={off} onChange={(e) => setOff(e.target.value)} errors={errors.byField.nonShootingDates} hint="YYYY-MM-DD, commas" />
        </div>
        <label className="check">
          <input type="checkbox" checked={skipWeekends} onChange={(e) => setSkip(e.target.checked)} /> Skip weekends
        </label>
        <FormMessage errors={[...errors.form, ...(errors.byField.sceneIds ?? []), ...(errors.byField.skipWeekends ?? [])]} />
        <div className="actions">
          <button type="submit" disabled={proposeState.fetching || production.scenes.length < 1}>
            {proposeState.fetching ? 'Optimising…' : 'Propose order'}
          </button>
        </div>
      </form>
      {proposal ? (
        <div data-testid="proposal">
          <dl className="figures">
            <div>
              <dt>talent cost</dt>
              <dd data-testid="proposal-cost">{formatMoney(fromMinor(proposal.cost), proposal.currency)}</dd>
            </div>
            <div>
              <dt>lower bound</dt>
              <dd data-testid="proposal-bound">{formatMoney(fromMinor(proposal.lowerBound), proposal.currency)}</dd>
            </div>
            <div>
              <dt>order</dt>
              <dd data-testid="proposal-optimal">{proposal.optimal ? 'optimal' : 'best found, not proved optimal'}</dd>
            </div>
          </dl>
          <ol className="strips" aria-label="Proposed order">
            {proposal.sceneIds.map((id) => {
              const s = sceneNumber(id);
              return (
                <li key={id}>
                  <strong>Sc. {s?.number ?? id}</strong> {s?.location?.name ? <>· {s.location.name}</> : null} · {s?.duration ?? 1}d
                  {s?.description ? <span className="hint"> · {s.description}</span> : null}
                </li>
              );
            })}
          </ol>
          <button type="button" onClick={onApply} disabled={applyState.fetching || !startDate}>
            Apply into shoot days
          </button>
          {!startDate ? <p className="hint">Choose the first shoot date to apply.</p> : null}
        </div>
      ) : null}
      <p role="status">{applied}</p>
    </section>
  );
}

/** The day's general call, estimated wrap, each talent's call and notes (a changed call must be
 *  confirmed again by the talent). */
function CallTimesForm({ day }: { day: ShootDayFieldsFragment }) {
  const [generalCall, setGeneral] = useState(day.generalCall);
  const [wrapTime, setWrap] = useState(day.wrapTime);
  const [notes, setNotes] = useState(day.notes);
  const [calls, setCalls] = useState<Record<string, string>>(() => Object.fromEntries(day.callSheet.cast.map((c) => [c.talent.id, c.callTime])));
  const [errors, setErrors] = useState<FieldErrors>(NO_ERRORS);
  const [state, save] = useMutation(SetCallTimesMutation);
  const id = `times-${day.id}`;
  const fields = ['generalCall', 'wrapTime', 'notes', 'calls'];
  async function onSubmit(e: FormEvent) {
    e.preventDefault();
    const input = { shootDayId: day.id, generalCall, wrapTime, notes, calls: Object.entries(calls).map(([talentId, callTime]) => ({ talentId, callTime })) };
    setErrors(mutationErrors(await save({ input }), 'setCallTimes', fields) ?? NO_ERRORS);
  }
  return (
    <details>
      <summary>Call times</summary>
      <form onSubmit={onSubmit} noValidate aria-label={`Call times of ${day.date}`}>
        <div className="row">
          <TextField id={`${id}-general`} label="General call" value={generalCall} onChange={(e) => setGeneral(e.target.value)} errors={errors.byField.generalCall} hint="HH:MM" />
          <TextField id={`${id}-wrap`} label="Estimated wrap" value={wrapTime} onChange={(e) => setWrap(e.target.value)} errors={errors.byField.wrapTime} />
        </div>
        {day.callSheet.cast.map((c) => (
          <TextField
            key={c.talent.id}
            id={`${id}-${c.talent.id}`}
            label={`Call for ${c.talent.name}`}
            value={calls[c.talent.id] ?? ''}
            onChange={(e) => setCalls((cs) => ({ ...cs, [c.talent.id]: e.target.value }))}
          />
        ))}
        <TextField id={`${id}-notes`} label="Notes" value={notes} onChange={(e) => setNotes(e.target.value)} errors={errors.byField.notes} />
        <FormMessage errors={[...errors.form, ...(errors.byField.calls ?? [])]} />
        <button type="submit" className="secondary" disabled={state.fetching}>
          Save call times
        </button>
      </form>
    </details>
  );
}

export function ShootDayCard({ day, production, canPublish }: { day: ShootDayFieldsFragment; production: Pick<Production, 'roles'>; canPublish: boolean }) {
  const [state, publish] = useMutation(PublishCallSheetMutation);
  const [errors, setErrors] = useState<FieldErrors>(NO_ERRORS);
  const roleName = (id: string) => production.roles.find((r) => r.id === id)?.name ?? 'role';
  const sheet = day.callSheet;
  const confirmed = sheet.cast.filter((c) => c.confirmedAt).length;
  return (
    <li className="card" aria-label={`Shoot day ${day.date}`}>
      <div className="booking-head">
        <h3>{day.date}</h3>
        <span>
          general call {day.generalCall}
          {day.wrapTime ? <> · wrap {day.wrapTime}</> : null}
        </span>
        <span className="hint">{day.location?.name}</span>
        <StatusBadge status={sheet.published ? 'published' : 'draft'} />
      </div>
      <p className="hint">Scenes {day.scenes.map((s) => s.number).join(', ') || '—'}</p>
      <h4>
        Call sheet · <span data-testid="confirmed-count">{confirmed}</span> of {sheet.cast.length} confirmed
      </h4>
      {sheet.cast.length ? (
        <table className="table">
          <thead>
            <tr>
              <th scope="col">Talent</th>
              <th scope="col">Role</th>
              <th scope="col">Call</th>
              <th scope="col">Confirmed</th>
            </tr>
          </thead>
          <tbody>
            {sheet.cast.map((c) => (
              <tr key={c.talent.id} aria-label={`Call ${c.talent.name ?? c.talent.id}`}>
                <td>{c.talent.name ?? c.talent.id}</td>
                <td>{c.roleIds.map(roleName).join(', ')}</td>
                <td>{c.callTime}</td>
                <td>{c.confirmedAt ? `✓ ${new Date(c.confirmedAt).toLocaleString()}` : 'not yet'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p className="hint">No booked talent in this day's scenes.</p>
      )}
      {sheet.conflicts.length ? (
        <ul className="list" aria-label={`Conflicts on ${day.date}`}>
          {sheet.conflicts.map((c, i) => (
            <li key={`${c.kind}-${c.talent.id}-${i}`} className="finding">
              <span className="badge badge-blocking">{c.kind.replace(/_/g, ' ').toLowerCase()}</span> {c.message}
            </li>
          ))}
        </ul>
      ) : null}
      {day.notes ? <p className="hint">{day.notes}</p> : null}
      {sheet.pdfUrl ? (
        <p>
          <a href={sheet.pdfUrl} download={`call-sheet-${day.date}.pdf`}>
            Call sheet (PDF)
          </a>
        </p>
      ) : null}
      {canPublish ? <CallTimesForm key={`${day.generalCall}-${day.wrapTime}`} day={day} /> : null}
      {canPublish && !sheet.published ? (
        <button type="button" disabled={state.fetching} onClick={async () => setErrors(mutationErrors(await publish({ input: { shootDayId: day.id } }), 'publishCallSheet') ?? NO_ERRORS)}>
          Publish call sheet
        </button>
      ) : null}
      <FormMessage errors={[...errors.form, ...Object.values(errors.byField).flat()]} />
    </li>
  );
}

export function Schedule({ id, canEdit, tabs = null }: { id: string; tabs?: ReactNode; canEdit: boolean }) {
  const [{ data, error, fetching }] = useQuery({ query: ProductionScheduleQuery, variables: { id } });
  if (error && !data) return <p role="alert" className="form-error">{describeError(error)}</p>;
  if (!data) return fetching ? <p aria-busy="true">Loading the schedule…</p> : null;
  const production = data.production;
  if (!production) return <h1 tabIndex={-1}>Production not found</h1>;
  const roleName = (rid: string) => production.roles.find((r) => r.id === rid)?.name ?? rid;
  return (
    <>
      <nav aria-label="Breadcrumb" className="hint">
        <Link to="/productions">Productions</Link> › <Link to={`/productions/${encodeURIComponent(production.id)}`}>{production.title}</Link> › Schedule
      </nav>
      <h1 tabIndex={-1}>Schedule: {production.title}</h1>
      {tabs}
      <p className="hint">Dates and times in {production.timezone}.</p>
      <div className="split">
        <div>
          <section className="card" aria-labelledby="scenes-title">
            <h2 id="scenes-title">Scenes ({production.scenes.length})</h2>
            {production.scenes.length ? (
              <ul className="list" aria-label="Scenes">
                {production.scenes.map((s) => (
                  <li key={s.id}>
                    <strong>Sc. {s.number}</strong> · {s.location?.name} · {s.duration}d · {s.roleIds.map(roleName).join(', ') || 'no cast'}
                    {s.fixedDate ? <> · fixed {s.fixedDate}</> : null}
                  </li>
                ))}
              </ul>
            ) : (
              <p className="hint">No scenes yet.</p>
            )}
          </section>
          {canEdit ? <Stripboard production={production} /> : null}
          <section aria-labelledby="days-title">
            <h2 id="days-title">Shoot days</h2>
            {production.shootDays.length ? (
              <ul className="list" aria-label="Shoot days">
                {production.shootDays.map((d) => (
                  <ShootDayCard key={d.id} day={d} production={production} canPublish={canEdit} />
                ))}
              </ul>
            ) : (
              <p className="hint">No shoot days: apply a stripboard.</p>
            )}
          </section>
        </div>
        {canEdit ? (
          <div>
            <LocationForm productionId={production.id} />
            <SceneForm production={production} />
          </div>
        ) : null}
      </div>
    </>
  );
}
