// The signed-in session: a bearer token (a development token from the dev sign-in, or an OpenID
// Connect access token in production) kept in sessionStorage, and the claims the app reads from
// it to choose screens. The gateway verifies the token; these claims only shape the UI.

export const ROLES = ['producer', 'casting', 'accounting', 'legal', 'viewer', 'talent'] as const;
export type Role = (typeof ROLES)[number];

export interface Claims {
  sub: string;
  org: string;
  roles: string[];
  talentId: string | null;
  exp: number | null;
}

export interface Session {
  token: string;
  claims: Claims;
}

const KEY = 'slate.session.token';

function base64UrlDecode(part: string): string {
  const padded = part.replace(/-/g, '+').replace(/_/g, '/').padEnd(Math.ceil(part.length / 4) * 4, '=');
  const bytes = Uint8Array.from(atob(padded), (c) => c.charCodeAt(0));
  return new TextDecoder().decode(bytes);
}

/** The claims of a JWT (not verified: the gateway does that), or null when it is not one. */
export function decodeClaims(token: string): Claims | null {
  const parts = token.split('.');
  if (parts.length !== 3 || !parts[1]) return null;
  try {
    const raw: unknown = JSON.parse(base64UrlDecode(parts[1]));
    if (typeof raw !== 'object' || raw === null) return null;
    const c = raw as Record<string, unknown>;
    return {
      sub: typeof c.sub === 'string' ? c.sub : '',
      org: typeof c.org === 'string' ? c.org : '',
      roles: Array.isArray(c.roles) ? c.roles.filter((r): r is string => typeof r === 'string') : [],
      talentId: typeof c.talent_id === 'string' ? c.talent_id : null,
      exp: typeof c.exp === 'number' ? c.exp : null,
    };
  } catch {
    return null;
  }
}

export function isExpired(claims: Claims, nowSeconds = Date.now() / 1000): boolean {
  return claims.exp !== null && claims.exp <= nowSeconds;
}

export function sessionOf(token: string | null): Session | null {
  if (!token) return null;
  const claims = decodeClaims(token);
  if (!claims || isExpired(claims)) return null;
  return { token, claims };
}

export function loadSession(): Session | null {
  const session = sessionOf(sessionStorage.getItem(KEY));
  if (!session) sessionStorage.removeItem(KEY);
  return session;
}

export function saveSession(token: string): Session | null {
  const session = sessionOf(token);
  if (session) sessionStorage.setItem(KEY, token);
  return session;
}

export function clearSession(): void {
  sessionStorage.removeItem(KEY);
}

export function isTalentOnly(claims: Claims): boolean {
  return claims.roles.includes('talent') && claims.roles.every((r) => r === 'talent');
}

export function hasAny(claims: Claims, ...roles: Role[]): boolean {
  return roles.some((r) => claims.roles.includes(r));
}

const RETURN = 'slate.returnTo';

/** A signing link opened before signing in: come back to it afterwards (only those paths). */
export function rememberReturn(pathname: string): void {
  if (/^\/sign\/[^/]+$/.test(pathname)) sessionStorage.setItem(RETURN, pathname);
}

/** Where a user lands after signing in: a remembered signing link (once), else their home. */
export function homeOf(claims: Claims): string {
  const back = typeof sessionStorage === 'undefined' ? null : sessionStorage.getItem(RETURN);
  if (back && claims.talentId) {
    sessionStorage.removeItem(RETURN);
    return back;
  }
  return isTalentOnly(claims) ? '/me' : '/productions';
}
