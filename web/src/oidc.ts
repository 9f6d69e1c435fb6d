// Production sign-in: OpenID Connect authorization code flow with PKCE (a public client; no
// secret in the browser). The access token it returns is sent to the gateway as the bearer token,
// so the identity provider must issue RS256 JWT access tokens with Slate's claims (org, roles,
// talent_id) for the audience the gateway checks (SLATE_JWT_ISSUER / SLATE_JWT_AUDIENCE /
// SLATE_JWT_JWKS_URL). Not yet exercised against a real provider: see README, Web app.
import type { OidcConfig } from './config';

const PENDING = 'slate.oidc.pending';
export const CALLBACK_PATH = '/auth/callback';

interface Discovery {
  authorization_endpoint: string;
  token_endpoint: string;
}

export function base64Url(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function randomString(): string {
  return base64Url(crypto.getRandomValues(new Uint8Array(32)));
}

export async function pkceChallenge(verifier: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier));
  return base64Url(new Uint8Array(digest));
}

async function discover(issuer: string): Promise<Discovery> {
  const res = await fetch(`${issuer.replace(/\/$/, '')}/.well-known/openid-configuration`);
  if (!res.ok) throw new Error(`OpenID discovery failed (${res.status})`);
  return (await res.json()) as Discovery;
}

export function authorizationUrl(
  endpoint: string,
  config: OidcConfig,
  redirectUri: string,
  state: string,
  challenge: string,
): string {
  const url = new URL(endpoint);
  url.search = new URLSearchParams({
    response_type: 'code',
    client_id: config.clientId,
    redirect_uri: redirectUri,
    scope: config.scope,
    state,
    code_challenge: challenge,
    code_challenge_method: 'S256',
  }).toString();
  return url.toString();
}

export async function startSignIn(config: OidcConfig): Promise<void> {
  const { authorization_endpoint } = await discover(config.issuer);
  const verifier = randomString();
  const state = randomString();
  sessionStorage.setItem(PENDING, JSON.stringify({ verifier, state }));
  const redirect = `${window.location.origin}${CALLBACK_PATH}`;
  window.location.assign(authorizationUrl(authorization_endpoint, config, redirect, state, await pkceChallenge(verifier)));
}

/** Exchange the code of the callback URL for an access token. */
export async function finishSignIn(config: OidcConfig, callback: URL): Promise<string> {
  const pending = JSON.parse(sessionStorage.getItem(PENDING) ?? 'null') as { verifier: string; state: string } | null;
  sessionStorage.removeItem(PENDING);
  const error = callback.searchParams.get('error');
  if (error) throw new Error(callback.searchParams.get('error_description') ?? error);
  const code = callback.searchParams.get('code');
  if (!pending || !code || callback.searchParams.get('state') !== pending.state) {
    throw new Error('This sign-in response does not match a sign-in started here; start again.');
  }
  const { token_endpoint } = await discover(config.issuer);
  const res = await fetch(token_endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      code,
      redirect_uri: `${window.location.origin}${CALLBACK_PATH}`,
      client_id: config.clientId,
      code_verifier: pending.verifier,
    }),
  });
  if (!res.ok) throw new Error(`The identity provider refused the sign-in (${res.status}).`);
  const body = (await res.json()) as { access_token?: string };
  if (!body.access_token) throw new Error('The identity provider returned no access token.');
  return body.access_token;
}
