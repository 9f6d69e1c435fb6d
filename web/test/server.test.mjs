// server.mjs: the dev sign-in's validation, and what it serves in development and production.
import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { tokenArgs } from '../server.mjs';

describe('dev sign-in request', () => {
  it('turns a valid request into `slate token` arguments', () => {
    const [argv, errors] = tokenArgs({ org: 'acme', roles: ['talent'], talentId: 'tal_1', sub: 'ana' });
    expect(errors).toEqual([]);
    expect(argv).toEqual(['token', '--org', 'acme', '--sub', 'ana', '--role', 'talent', '--talent', 'tal_1']);
  });
  it('names each bad field', () => {
    const [, errors] = tokenArgs({ org: '--role=legal', roles: ['root', 'talent'] });
    expect(errors.map((e) => e.field)).toEqual(['org', 'roles', 'talentId']);
    expect(tokenArgs({ org: 'acme', roles: [] })[1].map((e) => e.field)).toEqual(['roles']);
  });
});

async function withServer(env, fn) {
  const port = 38000 + Math.floor(Math.random() * 1000);
  const child = spawn(process.execPath, [fileURLToPath(new URL('../server.mjs', import.meta.url))], {
    env: { ...process.env, ...env, SLATE_WEB_PORT: String(port), SLATE_GATEWAY_URL: 'http://127.0.0.1:9' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  try {
    await once(child.stdout, 'data');
    await fn(`http://127.0.0.1:${port}`);
  } finally {
    child.kill();
  }
}

describe('server modes', () => {
  it('offers the dev sign-in in development only', async () => {
    await withServer({ SLATE_ENV: 'dev' }, async (base) => {
      expect(await (await fetch(`${base}/config.json`)).json()).toMatchObject({ mode: 'dev', devSignIn: true, oidc: null });
      const bad = await fetch(`${base}/dev/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"org":""}' });
      expect(bad.status).toBe(400);
      const cross = await fetch(`${base}/dev/token`, { method: 'POST', headers: { 'content-type': 'application/json', origin: 'http://evil.example' }, body: '{}' });
      expect(cross.status).toBe(403);
    });
    await withServer({ SLATE_ENV: 'prod', SLATE_OIDC_ISSUER: 'https://id.example.com', SLATE_OIDC_CLIENT_ID: 'slate-web' }, async (base) => {
      expect(await (await fetch(`${base}/config.json`)).json()).toMatchObject({
        mode: 'prod',
        devSignIn: false,
        oidc: { issuer: 'https://id.example.com', clientId: 'slate-web' },
      });
      const res = await fetch(`${base}/dev/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"org":"acme","roles":["producer"]}' });
      expect(res.status).toBe(404);
    });
  });
  it('answers 502 with a GraphQL error when the gateway is down, and refuses paths outside dist', async () => {
    await withServer({}, async (base) => {
      const res = await fetch(`${base}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query":"{__typename}"}' });
      expect(res.status).toBe(502);
      expect((await res.json()).errors[0].extensions.code).toBe('SERVICE_UNAVAILABLE');
      expect((await fetch(`${base}/..%2f..%2fMakefile`)).status).toBe(404);
    });
  });
});
