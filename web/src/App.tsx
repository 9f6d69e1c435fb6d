import { useCallback, useEffect, useMemo, useRef, useState, useSyncExternalStore } from 'react';
import { Provider } from 'urql';
import { clearSession, hasAny, homeOf, isTalentOnly, loadSession, rememberReturn, saveSession, type Session } from './auth';
import { makeClient } from './client';
import type { AppConfig } from './config';
import { CALLBACK_PATH, finishSignIn } from './oidc';
import { Link, matchRoute, navigate, useLocation } from './router';
import { SignIn } from './pages/SignIn';
import { Productions } from './pages/Productions';
import { Dashboard } from './pages/Dashboard';
import { RegisterTalent } from './pages/RegisterTalent';
import { MyBookings } from './pages/MyBookings';
import { RoleBoard } from './pages/RoleBoard';
import { TalentSearch } from './pages/TalentSearch';
import { Pay } from './pages/Pay';
import { Schedule } from './pages/Schedule';
import { Legal } from './pages/Legal';
import { SignContract } from './pages/SignContract';
import { ProductionTabs } from './components/ProductionTabs';

const ROUTES = {
  signin: '/signin',
  callback: CALLBACK_PATH,
  productions: '/productions',
  production: '/productions/:id',
  pay: '/productions/:id/pay',
  schedule: '/productions/:id/schedule',
  legal: '/productions/:id/legal',
  role: '/roles/:id',
  registerTalent: '/talent/new',
  searchTalent: '/talent/search',
  sign: '/sign/:token',
  me: '/me',
  home: '/',
};

function Callback({ config, onSignedIn }: { config: AppConfig; onSignedIn: (s: Session) => void }) {
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    if (!config.oidc) return;
    finishSignIn(config.oidc, new URL(window.location.href))
      .then((token) => {
        const session = saveSession(token);
        if (!session) throw new Error('The access token is not a JWT this app can read.');
        onSignedIn(session);
        navigate(homeOf(session.claims), { replace: true });
      })
      .catch((e: Error) => setError(e.message));
  }, [config, onSignedIn]);
  return error ? (
    <p role="alert" className="form-error">
      {error} <Link to="/signin">Sign in again</Link>
    </p>
  ) : (
    <p aria-busy="true">Signing in…</p>
  );
}

function Signed({ session, onSignOut }: { session: Session; onSignOut: () => void }) {
  // One client per token. Its WebSocket is lazy: it opens with the first subscription and closes
  // when the last one ends (a screen unmounting, signing out), so nothing needs disposing here.
  const slate = useMemo(() => makeClient(session.token, onSignOut), [session.token, onSignOut]);
  const live = useSyncExternalStore(slate.live.subscribe, slate.live.get);
  const location = useLocation();
  const match = matchRoute(location.pathname, ROUTES);
  const { claims } = session;
  const talentOnly = isTalentOnly(claims);
  const canWrite = hasAny(claims, 'producer', 'casting');

  useEffect(() => {
    if (!match || match.name === 'home' || match.name === 'signin' || match.name === 'callback') {
      navigate(homeOf(claims), { replace: true });
    }
  }, [match, claims]);

  const productionTabs = (id: string) => (
    <ProductionTabs id={id} show={{ pay: hasAny(claims, 'producer', 'accounting'), legal: hasAny(claims, 'producer', 'casting', 'accounting', 'legal') }} />
  );
  let page = null;
  if (match?.name === 'productions' && !talentOnly) page = <Productions canCreate={hasAny(claims, 'producer')} />;
  else if (match?.name === 'production' && !talentOnly) page = (
      <Dashboard
        id={match.params.id ?? ''}
        live={live}
        canWrite={canWrite}
        canSeeCompliance={hasAny(claims, 'producer', 'legal')}
        canSeePay={hasAny(claims, 'producer', 'accounting')}
        canSeeContracts={hasAny(claims, 'producer', 'casting', 'accounting', 'legal')}
        canSeeLifecycle={hasAny(claims, 'producer', 'accounting')}
        canAdvance={hasAny(claims, 'producer')}
      />
    );
  else if (match?.name === 'pay' && !talentOnly) page = <Pay id={match.params.id ?? ''} tabs={productionTabs(match.params.id ?? '')} canApprove={hasAny(claims, 'producer', 'accounting')} canIssue={hasAny(claims, 'accounting')} />;
  else if (match?.name === 'schedule' && !talentOnly) page = <Schedule id={match.params.id ?? ''} tabs={productionTabs(match.params.id ?? '')} canEdit={hasAny(claims, 'producer')} />;
  else if (match?.name === 'legal' && !talentOnly)
    page = (
      <Legal
        id={match.params.id ?? ''}
        tabs={productionTabs(match.params.id ?? '')}
        canSend={hasAny(claims, 'producer', 'legal')}
        canCountersign={hasAny(claims, 'producer')}
        canSeeCompliance={hasAny(claims, 'producer', 'legal')}
      />
    );
  else if (match?.name === 'role' && !talentOnly) page = <RoleBoard id={match.params.id ?? ''} live={live} canWrite={canWrite} />;
  else if (match?.name === 'searchTalent' && canWrite) page = <TalentSearch roleId={location.searchParams.get('role')} />;
  else if (match?.name === 'sign' && claims.talentId) page = <SignContract token={match.params.token ?? ''} talentId={claims.talentId} />;
  else if (match?.name === 'registerTalent') page = <RegisterTalent canRecordPermits={hasAny(claims, 'legal', 'producer')} />;
  else if (match?.name === 'me' && claims.talentId) page = <MyBookings talentId={claims.talentId} />;
  else if (match && match.name !== 'home') page = <p>This page is not for your roles.</p>;

  return (
    <Provider value={slate.client}>
      <Header session={session} onSignOut={onSignOut} talentOnly={talentOnly} current={location.pathname} />
      <main id="main">{page}</main>
    </Provider>
  );
}

function Header({ session, onSignOut, talentOnly, current }: { session: Session; onSignOut: () => void; talentOnly: boolean; current: string }) {
  const links = talentOnly
    ? [{ to: '/me', label: 'My bookings' }]
    : [
        { to: '/productions', label: 'Productions' },
        ...(hasAny(session.claims, 'producer', 'casting') ? [{ to: '/talent/search', label: 'Talent search' }] : []),
        ...(hasAny(session.claims, 'producer', 'casting', 'legal') ? [{ to: '/talent/new', label: 'Register talent' }] : []),
        ...(session.claims.talentId ? [{ to: '/me', label: 'My bookings' }] : []),
      ];
  return (
    <header className="top">
      <a className="skip" href="#main">
        Skip to content
      </a>
      <span className="brand">Slate</span>
      <nav aria-label="Main">
        <ul>
          {links.map((l) => (
            <li key={l.to}>
              <Link to={l.to} aria-current={current === l.to || current.startsWith(`${l.to}/`) ? 'page' : undefined}>
                {l.label}
              </Link>
            </li>
          ))}
        </ul>
      </nav>
      <div className="who">
        <span>
          {session.claims.sub} @ {session.claims.org} <span className="hint">({session.claims.roles.join(', ')})</span>
        </span>
        <button type="button" className="secondary" onClick={onSignOut}>
          Sign out
        </button>
      </div>
    </header>
  );
}

export function App({ config }: { config: AppConfig }) {
  const [session, setSession] = useState<Session | null>(() => loadSession());
  const location = useLocation();
  const mainRef = useRef<string>('');

  const signOut = useCallback(() => {
    clearSession();
    setSession(null);
    navigate('/signin');
  }, []);

  // Move focus to the new screen's heading on navigation (screen readers announce it).
  useEffect(() => {
    if (mainRef.current === location.pathname) return;
    const first = mainRef.current === '';
    mainRef.current = location.pathname;
    if (first) return;
    requestAnimationFrame(() => document.querySelector<HTMLElement>('main h1')?.focus());
  }, [location.pathname]);

  useEffect(() => {
    const base = 'Slate';
    document.title = session ? `${base} · ${location.pathname.split('/')[1] || 'home'}` : `${base} · sign in`;
  }, [session, location.pathname]);

  useEffect(() => {
    if (!session && location.pathname !== CALLBACK_PATH && location.pathname !== '/signin') {
      rememberReturn(location.pathname);
      navigate('/signin', { replace: true });
    }
  }, [session, location.pathname]);

  if (!session) {
    const onCallback = location.pathname === CALLBACK_PATH;
    return (
      <>
        <header className="top">
          <span className="brand">Slate</span>
        </header>
        <main id="main">{onCallback ? <Callback config={config} onSignedIn={setSession} /> : <SignIn config={config} onSignedIn={setSession} />}</main>
      </>
    );
  }
  return <Signed session={session} onSignOut={signOut} />;
}
