import { useState, type FormEvent } from 'react';
import { ROLES, homeOf, saveSession, type Session } from '../auth';
import { DEV_SIGNIN_BUILT, type AppConfig } from '../config';
import { FormMessage, TextField } from '../components/Form';
import { startSignIn } from '../oidc';
import { groupErrors, NO_ERRORS, type FieldErrors } from '../userErrors';
import { navigate } from '../router';

const PRESETS: { label: string; roles: string[] }[] = [
  { label: 'Producer', roles: ['producer', 'casting'] },
  { label: 'Casting director', roles: ['casting'] },
  { label: 'Accountant', roles: ['accounting'] },
  { label: 'Talent', roles: ['talent'] },
];

/** Development sign-in: the server mints a token with `slate token` (development mode only). */
function DevSignIn({ onSignedIn }: { onSignedIn: (s: Session) => void }) {
  const [org, setOrg] = useState('acme');
  const [sub, setSub] = useState('dev-user');
  const [roles, setRoles] = useState<string[]>(['producer', 'casting']);
  const [talentId, setTalentId] = useState('');
  const [errors, setErrors] = useState<FieldErrors>(NO_ERRORS);
  const [busy, setBusy] = useState(false);

  const toggle = (role: string, on: boolean) =>
    setRoles((rs) => (on ? [...rs.filter((r) => r !== role), role] : rs.filter((r) => r !== role)));

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setErrors(NO_ERRORS);
    try {
      const res = await fetch('/dev/token', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ org, sub, roles, talentId: talentId || undefined }),
      });
      const body = (await res.json().catch(() => ({}))) as { token?: string; errors?: { field: string | null; message: string }[] };
      if (!res.ok || !body.token) {
        setErrors(groupErrors(body.errors ?? [{ field: null, message: `sign-in failed (${res.status})` }], ['org', 'sub', 'roles', 'talentId']));
        return;
      }
      const session = saveSession(body.token);
      if (!session) {
        setErrors({ byField: {}, form: ['the server returned a token this app cannot read'] });
        return;
      }
      onSignedIn(session);
      navigate(homeOf(session.claims));
    } catch (err) {
      setErrors({ byField: {}, form: [`Network error: ${(err as Error).message}`] });
    } finally {
      setBusy(false);
    }
  }

  return (
    <form onSubmit={submit} aria-labelledby="dev-signin-title" className="card">
      <h2 id="dev-signin-title">Development sign-in</h2>
      <p className="hint">
        Mints a development token, like <code>slate token</code>, signed with the local stack’s key. Offered only while the
        stack runs in development mode.
      </p>
      <div className="presets" role="group" aria-label="Presets">
        {PRESETS.map((p) => (
          <button
            type="button"
            key={p.label}
            className="secondary"
            aria-pressed={p.roles.length === roles.length && p.roles.every((r) => roles.includes(r))}
            onClick={() => setRoles(p.roles)}
          >
            {p.label}
          </button>
        ))}
      </div>
      <TextField id="signin-org" label="Organisation" value={org} onChange={(e) => setOrg(e.target.value)} errors={errors.byField.org} required autoComplete="organization" />
      <TextField id="signin-sub" label="User id" value={sub} onChange={(e) => setSub(e.target.value)} errors={errors.byField.sub} autoComplete="username" />
      <fieldset className="field" aria-describedby={errors.byField.roles ? 'signin-roles-error' : undefined}>
        <legend>Roles</legend>
        <div className="checks">
          {ROLES.map((r) => (
            <label key={r} className="check">
              <input type="checkbox" checked={roles.includes(r)} onChange={(e) => toggle(r, e.target.checked)} /> {r}
            </label>
          ))}
        </div>
        {errors.byField.roles ? (
          <p className="field-error" id="signin-roles-error">
            {errors.byField.roles.join(' ')}
          </p>
        ) : null}
      </fieldset>
      <TextField
        id="signin-talent"
        label="Talent id"
        value={talentId}
        onChange={(e) => setTalentId(e.target.value)}
        errors={errors.byField.talentId}
        hint="Required with the talent role: the id a producer got when registering you."
      />
      <FormMessage errors={errors.form} />
      <button type="submit" disabled={busy}>
        {busy ? 'Signing in…' : 'Sign in'}
      </button>
    </form>
  );
}

export function SignIn({ config, onSignedIn }: { config: AppConfig; onSignedIn: (s: Session) => void }) {
  const [error, setError] = useState<string | null>(null);
  const oidc = config.oidc;
  return (
    <div className="narrow">
      <h1 tabIndex={-1}>Sign in to Slate</h1>
      {oidc ? (
        <div className="card">
          <button
            type="button"
            onClick={() => startSignIn(oidc).catch((e: Error) => setError(e.message))}
          >
            Sign in with your organisation
          </button>
          <FormMessage errors={error ? [error] : []} />
        </div>
      ) : null}
      {DEV_SIGNIN_BUILT && config.devSignIn ? <DevSignIn onSignedIn={onSignedIn} /> : null}
      {!oidc && !(DEV_SIGNIN_BUILT && config.devSignIn) ? (
        <p role="alert" className="form-error">
          Sign-in is not configured: set SLATE_OIDC_ISSUER and SLATE_OIDC_CLIENT_ID for the web server (see README).
        </p>
      ) : null}
    </div>
  );
}
