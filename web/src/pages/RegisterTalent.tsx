import { useState, type FormEvent } from 'react';
import { useMutation } from 'urql';
import { RecordWorkPermitMutation, RegisterTalentMutation } from '../operations';
import type { TalentUnion } from '../gql/graphql';
import { FormMessage, SelectField, TextField } from '../components/Form';
import { describeError, groupErrors, NO_ERRORS, type FieldErrors } from '../userErrors';
import { rememberTalent } from '../recentTalents';

const UNIONS: { value: TalentUnion; label: string }[] = [
  { value: 'NONE', label: 'Non-union' },
  { value: 'SAG_AFTRA', label: 'SAG-AFTRA' },
];

/** A minor's Entertainment Work Permit (legal): without a valid one, confirming a minor is refused. */
function WorkPermit({ talentId: initial }: { talentId: string }) {
  const [talentId, setTalentId] = useState(initial);
  const [number, setNumber] = useState('');
  const [expiresOn, setExpiresOn] = useState('');
  const [errors, setErrors] = useState<FieldErrors>(NO_ERRORS);
  const [saved, setSaved] = useState<string | null>(null);
  const [state, record] = useMutation(RecordWorkPermitMutation);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setErrors(NO_ERRORS);
    setSaved(null);
    const result = await record({ input: { talentId: talentId.trim(), number, expiresOn } });
    if (result.error) return setErrors({ byField: {}, form: [describeError(result.error)] });
    const payload = result.data?.recordWorkPermit;
    if (payload?.userErrors.length) return setErrors(groupErrors(payload.userErrors, ['talentId', 'number', 'expiresOn']));
    if (payload?.workPermit) setSaved(`Permit ${payload.workPermit.number} recorded, valid until ${payload.workPermit.expiresOn}.`);
  }

  return (
    <form onSubmit={submit} className="card" aria-labelledby="permit-title" noValidate>
      <h2 id="permit-title">Record a work permit</h2>
      <p className="hint">A minor needs a valid Entertainment Work Permit before a booking can be confirmed.</p>
      <TextField id="permit-talent" label="Talent id of the minor" value={talentId} onChange={(e) => setTalentId(e.target.value)} errors={errors.byField.talentId} required />
      <TextField id="permit-number" label="Permit number" value={number} onChange={(e) => setNumber(e.target.value)} errors={errors.byField.number} required />
      <TextField id="permit-expires" label="Expires on" type="date" value={expiresOn} onChange={(e) => setExpiresOn(e.target.value)} errors={errors.byField.expiresOn} required />
      <FormMessage errors={errors.form} />
      <button type="submit" disabled={state.fetching}>
        {state.fetching ? 'Recording…' : 'Record permit'}
      </button>
      <p role="status">{saved}</p>
    </form>
  );
}

export function RegisterTalent({ canRecordPermits = false }: { canRecordPermits?: boolean }) {
  const [name, setName] = useState('');
  const [email, setEmail] = useState('');
  const [dateOfBirth, setDateOfBirth] = useState('');
  const [union, setUnion] = useState<TalentUnion>('NONE');
  const [errors, setErrors] = useState<FieldErrors>(NO_ERRORS);
  const [registered, setRegistered] = useState<{ id: string; name: string } | null>(null);
  const [state, register] = useMutation(RegisterTalentMutation);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setErrors(NO_ERRORS);
    setRegistered(null);
    const result = await register({ input: { name, email, dateOfBirth, union } });
    if (result.error) return setErrors({ byField: {}, form: [describeError(result.error)] });
    const payload = result.data?.registerTalent;
    if (payload?.userErrors.length) return setErrors(groupErrors(payload.userErrors, ['name', 'email', 'dateOfBirth', 'union']));
    if (payload?.talent) {
      rememberTalent({ id: payload.talent.id, name: payload.talent.name });
      setRegistered({ id: payload.talent.id, name: payload.talent.name });
      setName('');
      setEmail('');
      setDateOfBirth('');
    }
  }

  return (
    <div className="narrow">
      <h1 tabIndex={-1}>Register a talent</h1>
      <p className="hint">
        A talent profile is shared across the casting network. The birth date is stored encrypted and shown only to the talent and legal.
      </p>
      <form onSubmit={submit} className="card" aria-label="Register a talent" noValidate>
        <TextField id="talent-name" label="Name" value={name} onChange={(e) => setName(e.target.value)} errors={errors.byField.name} required autoComplete="off" />
        <TextField id="talent-email" label="Email" type="email" value={email} onChange={(e) => setEmail(e.target.value)} errors={errors.byField.email} required autoComplete="off" />
        <TextField
          id="talent-dob"
          label="Date of birth"
          type="date"
          value={dateOfBirth}
          onChange={(e) => setDateOfBirth(e.target.value)}
          errors={errors.byField.dateOfBirth}
          required
        />
        <SelectField id="talent-union" label="Union" value={union} onChange={(e) => setUnion(e.target.value as TalentUnion)} options={UNIONS} errors={errors.byField.union} />
        <FormMessage errors={errors.form} />
        <button type="submit" disabled={state.fetching}>
          {state.fetching ? 'Registering…' : 'Register talent'}
        </button>
      </form>
      <div role="status" aria-live="polite">
        {registered ? (
          <p className="card success">
            Registered {registered.name}. Talent id: <code data-testid="talent-id">{registered.id}</code> — use it to put them on hold, and
            for their own sign-in.
          </p>
        ) : null}
      </div>
      {canRecordPermits ? <WorkPermit key={registered?.id ?? ''} talentId={registered?.id ?? ''} /> : null}
    </div>
  );
}
