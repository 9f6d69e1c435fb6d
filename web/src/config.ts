// What the server says at start (server.mjs, /config.json): the mode, whether the development
// sign-in is offered, and the OpenID Connect settings in production.
export interface OidcConfig {
  issuer: string;
  clientId: string;
  scope: string;
}

export interface AppConfig {
  mode: string;
  devSignIn: boolean;
  oidc: OidcConfig | null;
}

declare const __DEV_SIGNIN__: boolean;
/** False in `npm run build:prod`: the dev sign-in is then not in the bundle at all. */
export const DEV_SIGNIN_BUILT = typeof __DEV_SIGNIN__ === 'undefined' ? true : __DEV_SIGNIN__;

export async function loadConfig(): Promise<AppConfig> {
  try {
    const res = await fetch('/config.json', { headers: { accept: 'application/json' } });
    if (!res.ok) throw new Error(String(res.status));
    const raw = (await res.json()) as Partial<AppConfig>;
    return { mode: raw.mode ?? 'prod', devSignIn: DEV_SIGNIN_BUILT && raw.devSignIn === true, oidc: raw.oidc ?? null };
  } catch {
    return { mode: 'prod', devSignIn: false, oidc: null };
  }
}
