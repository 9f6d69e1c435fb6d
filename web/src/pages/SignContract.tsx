// The performer's signing page, opened from the single-use link legal sends (/sign/<token>): the
// talent signs with their name and explicit consent to sign electronically.
import { useState, type FormEvent } from 'react';
import { useMutation } from 'urql';
import { SignContractMutation } from '../ops/legal';
import { FormMessage, StatusBadge, TextField } from '../components/Form';
import { mutationErrors, NO_ERRORS, type FieldErrors } from '../userErrors';
import { Link } from '../router';
import { rememberContract } from '../recentTalents';

export function SignContract({ token, talentId, defaultName = '' }: { token: string; talentId: string; defaultName?: string }) {
  const [name, setName] = useState(defaultName);
  const [consent, setConsent] = useState(false);
  const [errors, setErrors] = useState<FieldErrors>(NO_ERRORS);
  const [state, sign] = useMutation(SignContractMutation);
  const [signed, setSigned] = useState<{ status: string; role: string; pdfUrl: string | null } | null>(null);

  async function onSubmit(e: FormEvent) {
    e.preventDefault();
    const result = await sign({ input: { signingToken: token, signerName: name, consent } });
    const found = mutationErrors(result, 'signContract', ['signerName', 'consent']);
    setErrors(found ?? NO_ERRORS);
    const c = result.data?.signContract.contract;
    if (!found && c) rememberContract(talentId, c.id);
    if (!found && c) setSigned({ status: c.status, role: c.roleName, pdfUrl: c.pdfUrl });
  }

  if (signed) {
    return (
      <div className="narrow">
        <h1 tabIndex={-1}>Contract signed</h1>
        <p role="status">
          Your contract for {signed.role} is <StatusBadge status={signed.status} />. The producer countersigns next; the executed copy then appears in your portal.
        </p>
        {signed.pdfUrl ? (
          <p>
            <a href={signed.pdfUrl} download="contract.pdf">
              The signed contract (PDF)
            </a>
          </p>
        ) : null}
        <p>
          <Link to="/me">Back to my bookings</Link>
        </p>
      </div>
    );
  }
  return (
    <div className="narrow">
      <h1 tabIndex={-1}>Sign your contract</h1>
      <form onSubmit={onSubmit} className="card" aria-label="Sign the contract" noValidate>
        <p className="hint">This link works once. Signing records your name, the time and the exact document you signed.</p>
        <TextField id="sign-name" label="Your full name" value={name} onChange={(e) => setName(e.target.value)} errors={errors.byField.signerName} autoComplete="name" required />
        <div className="field">
          <label className="check" htmlFor="sign-consent">
            <input
              id="sign-consent"
              type="checkbox"
              checked={consent}
              onChange={(e) => setConsent(e.target.checked)}
              aria-invalid={errors.byField.consent ? true : undefined}
              aria-describedby={errors.byField.consent ? 'sign-consent-error' : undefined}
            />
            I agree to sign this contract electronically.
          </label>
          {errors.byField.consent ? (
            <p className="field-error" id="sign-consent-error">
              {errors.byField.consent.join(' ')}
            </p>
          ) : null}
        </div>
        <FormMessage errors={errors.form} />
        <button type="submit" disabled={state.fetching}>
          {state.fetching ? 'Signing…' : 'Sign'}
        </button>
      </form>
    </div>
  );
}
