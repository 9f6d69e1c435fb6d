// The talent portal: my bookings with their contracts, my calls (published call sheets, confirmed
// from here), and my pay (issued stubs from every employer, with the PDF).
import { useState, type FormEvent } from 'react';
import { useMutation, useQuery } from 'urql';
import { ContractQuery, PortalQuery } from '../ops/legal';
import { knownContracts } from '../recentTalents';
import { MyPayQuery } from '../ops/pay';
import { ConfirmCallSheetMutation } from '../ops/schedule';
import type { ShootDayFieldsFragment } from '../gql/graphql';
import { FormMessage, StatusBadge, TextField } from '../components/Form';
import { UpdateProfileMutation } from '../ops/casting';
import type { PortalQuery as PortalData } from '../gql/graphql';
import { describeError, formatMoney, mutationErrors, NO_ERRORS, type FieldErrors } from '../userErrors';
import { StubCard } from './Pay';

function CallRow({ day, title, talentId, timezone }: { day: ShootDayFieldsFragment; title: string; talentId: string; timezone: string }) {
  const [state, confirm] = useMutation(ConfirmCallSheetMutation);
  const [errors, setErrors] = useState<FieldErrors>(NO_ERRORS);
  const me = day.callSheet.cast.find((c) => c.talent.id === talentId);
  if (!me) return null;
  return (
    <li className="card" aria-label={`Call ${day.date} ${title}`}>
      <div className="booking-head">
        <strong>{day.date}</strong> · {title}
      </div>
      <p>
        Your call: <strong>{me.callTime}</strong> ({timezone}) · general call {day.generalCall}
        {day.location ? <> · {day.location.name}</> : null}
      </p>
      {day.callSheet.pdfUrl ? (
        <p>
          <a href={day.callSheet.pdfUrl} download={`call-sheet-${day.date}.pdf`}>
            Call sheet (PDF)
          </a>
        </p>
      ) : null}
      {me.confirmedAt ? (
        <p data-testid="call-confirmed">✓ Confirmed {new Date(me.confirmedAt).toLocaleString()}</p>
      ) : (
        <button
          type="button"
          disabled={state.fetching}
          onClick={async () => setErrors(mutationErrors(await confirm({ input: { callSheetId: day.callSheet.id } }), 'confirmCallSheet') ?? NO_ERRORS)}
        >
          Confirm my call
        </button>
      )}
      <FormMessage errors={[...errors.form, ...Object.values(errors.byField).flat()]} />
    </li>
  );
}

function KnownContract({ id }: { id: string }) {
  const [{ data, error }] = useQuery({ query: ContractQuery, variables: { id } });
  if (error && !data) return <li className="form-error">{describeError(error)}</li>;
  const c = data?.contract;
  if (!c) return null;
  return (
    <li className="card" data-testid="my-contract" aria-label={`Contract ${c.roleName}`}>
      <strong>{c.roleName}</strong> <StatusBadge status={c.status} /> <span className="hint">{CONTRACT_HINT[c.status] ?? ''}</span>
      {c.pdfUrl ? (
        <>
          {' '}
          <a href={c.pdfUrl} download={`contract-${c.id}.pdf`}>
            {c.status === 'COUNTERSIGNED' ? 'Executed copy (PDF)' : 'PDF'}
          </a>
        </>
      ) : null}
    </li>
  );
}

const list = (s: string) =>
  s
    .split(',')
    .map((w) => w.trim())
    .filter(Boolean);

/** The talent's own profile: what casting searches (skills, languages, home base, bio). */
function MyProfile({ talent }: { talent: NonNullable<PortalData['talent']> }) {
  const [pronouns, setPronouns] = useState(talent.pronouns);
  const [homeBase, setHomeBase] = useState(talent.homeBase);
  const [skills, setSkills] = useState(talent.skills.join(', '));
  const [languages, setLanguages] = useState(talent.languages.join(', '));
  const [bio, setBio] = useState(talent.bio);
  const [errors, setErrors] = useState<FieldErrors>(NO_ERRORS);
  const [saved, setSaved] = useState(false);
  const [state, save] = useMutation(UpdateProfileMutation);
  async function onSubmit(e: FormEvent) {
    e.preventDefault();
    setSaved(false);
    const input = { talentId: talent.id, pronouns, homeBase, skills: list(skills), languages: list(languages), bio };
    const found = mutationErrors(await save({ input }), 'updateTalentProfile', ['pronouns', 'homeBase', 'skills', 'languages', 'bio']);
    setErrors(found ?? NO_ERRORS);
    setSaved(!found);
  }
  return (
    <details className="card">
      <summary>My profile</summary>
      <form onSubmit={onSubmit} noValidate aria-label="My profile">
        <TextField id="profile-pronouns" label="Pronouns" value={pronouns} onChange={(e) => setPronouns(e.target.value)} errors={errors.byField.pronouns} />
        <TextField id="profile-home" label="Home base" value={homeBase} onChange={(e) => setHomeBase(e.target.value)} errors={errors.byField.homeBase} />
        <TextField id="profile-skills" label="Skills" value={skills} onChange={(e) => setSkills(e.target.value)} errors={errors.byField.skills} hint="Comma-separated." />
        <TextField id="profile-languages" label="Languages" value={languages} onChange={(e) => setLanguages(e.target.value)} errors={errors.byField.languages} />
        <TextField id="profile-bio" label="Bio" value={bio} onChange={(e) => setBio(e.target.value)} errors={errors.byField.bio} />
        <FormMessage errors={errors.form} />
        <button type="submit" disabled={state.fetching}>
          Save profile
        </button>
        <p role="status">{saved ? 'Profile saved.' : ''}</p>
      </form>
    </details>
  );
}

function MyPay() {
  const [{ data, error, fetching }] = useQuery({ query: MyPayQuery });
  if (error && !data) return <p role="alert" className="form-error">{describeError(error)}</p>;
  if (!data) return fetching ? <p aria-busy="true">Loading your pay…</p> : null;
  const stubs = data.myPay.stubs;
  return stubs.length ? (
    <ul className="list" aria-label="My pay stubs">
      {stubs.map((s) => (
        <li key={s.id}>
          <StubCard stub={s} />
        </li>
      ))}
    </ul>
  ) : (
    <p className="hint">No pay stubs yet: they appear here once a pay run is issued.</p>
  );
}

function MyContracts({ talentId, onBookings }: { talentId: string; onBookings: string[] }) {
  const ids = [...new Set([...knownContracts(talentId)])].filter((id) => !onBookings.includes(id));
  if (!ids.length) return null;
  return (
    <>
      <h2>My contracts</h2>
      <ul className="list" aria-label="My contracts">
        {ids.map((id) => (
          <KnownContract key={id} id={id} />
        ))}
      </ul>
    </>
  );
}

const CONTRACT_HINT: Record<string, string> = {
  DRAFT: 'being prepared',
  SENT: 'waiting for your signature: open the signing link you were sent',
  SIGNED: 'signed by you; waiting for the producer to countersign',
  COUNTERSIGNED: 'fully executed',
  VOID: 'void',
};

export function MyBookings({ talentId }: { talentId: string }) {
  const [{ data, error, fetching }] = useQuery({ query: PortalQuery, variables: { talentId } });
  if (error && !data) return <p role="alert" className="form-error">{describeError(error)}</p>;
  if (!data) return fetching ? <p aria-busy="true">Loading your bookings…</p> : null;
  const productions = data.productions.edges.map((e) => e.node);
  const mine = productions.flatMap((node) => node.bookings.filter((b) => b.talent?.id === talentId).map((b) => ({ production: node, booking: b })));
  const calls = productions
    .flatMap((p) => p.shootDays.filter((d) => d.callSheet.published && d.callSheet.cast.some((c) => c.talent.id === talentId)).map((d) => ({ p, d })))
    .sort((a, b) => a.d.date.localeCompare(b.d.date));
  return (
    <div className="narrow">
      <h1 tabIndex={-1}>My bookings</h1>
      {data.talent ? (
        <p>
          {data.talent.name}
          {data.talent.email ? <span className="hint"> · {data.talent.email}</span> : null}
        </p>
      ) : null}
      {data.talent ? <MyProfile talent={data.talent} /> : null}
      {mine.length ? (
        <ul className="list" aria-label="My bookings">
          {mine.map(({ production, booking }) => (
            <li key={booking.id} className="card booking">
              <div className="booking-head">
                <strong>{production.title}</strong> <StatusBadge status={booking.status} />
              </div>
              <p>
                {booking.role?.name ?? 'Role'}
                {booking.role ? <> · {formatMoney(booking.role.rate.amount, booking.role.rate.currency)} {booking.role.rate.unit.toLowerCase()}</> : null}
              </p>
              <p className="hint">
                {booking.workDates.join(', ')} ({production.timezone})
              </p>
              {booking.contract ? (
                <p data-testid="my-contract">
                  Contract: <StatusBadge status={booking.contract.status} /> <span className="hint">{CONTRACT_HINT[booking.contract.status] ?? ''}</span>
                  {booking.contract.pdfUrl ? (
                    <>
                      {' '}
                      <a href={booking.contract.pdfUrl} download={`contract-${booking.contract.id}.pdf`}>
                        PDF
                      </a>
                    </>
                  ) : null}
                </p>
              ) : null}
            </li>
          ))}
        </ul>
      ) : (
        <p className="hint">No bookings yet.</p>
      )}
      <MyContracts talentId={talentId} onBookings={mine.flatMap(({ booking }) => (booking.contract ? [booking.contract.id] : []))} />
      <h2>My calls</h2>
      {calls.length ? (
        <ul className="list" aria-label="My calls">
          {calls.map(({ p, d }) => (
            <CallRow key={d.id} day={d} title={p.title} talentId={talentId} timezone={p.timezone} />
          ))}
        </ul>
      ) : (
        <p className="hint">No published call sheets for you yet.</p>
      )}
      <h2>My pay</h2>
      <MyPay />
    </div>
  );
}
