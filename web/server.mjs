#!/usr/bin/env node
// Serves the built app (dist/) on http://127.0.0.1:3000 beside the gateway, with no dependencies:
//   /graphql        proxied to the gateway (HTTP and the graphql-ws WebSocket), so the app talks to
//                   one origin
//   /config.json    what the app needs at start: the mode, whether the dev sign-in is offered,
//                   the OpenID Connect settings in production
//   POST /dev/token a development token minted by `slate token` (the same JWT as the CLI) — only
//                   when SLATE_ENV is dev or test (the local stack's default); 404 otherwise
//   anything else   a file of dist/, or index.html for the app's own routes
//
// Environment: SLATE_WEB_HOST (127.0.0.1), SLATE_WEB_PORT (3000), SLATE_GATEWAY_URL
// (default http://127.0.0.1:$SLATE_GATEWAY_PORT, port 4000), SLATE_ENV (dev | test | prod; default dev, as the services),
// SLATE_WEB_DIST (dist/), SLATE_HOME (the repository, for .venv/bin/slate),
// SLATE_OIDC_ISSUER, SLATE_OIDC_CLIENT_ID, SLATE_OIDC_SCOPE (production sign-in; see README).
import { execFile } from 'node:child_process';
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer, request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import { dirname, extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(process.env.SLATE_HOME ?? join(HERE, '..'));
const DIST = resolve(process.env.SLATE_WEB_DIST ?? join(HERE, 'dist'));
const HOST = process.env.SLATE_WEB_HOST ?? '127.0.0.1';
const PORT = Number(process.env.SLATE_WEB_PORT ?? 3000);
const GATEWAY = new URL(process.env.SLATE_GATEWAY_URL ?? `http://127.0.0.1:${process.env.SLATE_GATEWAY_PORT ?? 4000}`);
const MODE = process.env.SLATE_ENV ?? 'dev';
const DEV = MODE === 'dev' || MODE === 'test';
const SLATE_CLI = join(ROOT, '.venv', 'bin', 'slate');
const ROLES = ['producer', 'casting', 'accounting', 'legal', 'viewer', 'talent'];
const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

const OIDC = process.env.SLATE_OIDC_ISSUER
  ? {
      issuer: process.env.SLATE_OIDC_ISSUER,
      clientId: process.env.SLATE_OIDC_CLIENT_ID ?? '',
      scope: process.env.SLATE_OIDC_SCOPE ?? 'openid profile',
    }
  : null;

/** @type {Record<string, string>} */
const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.map': 'application/json',
  '.txt': 'text/plain; charset=utf-8',
};

const CSP = [
  "default-src 'self'",
  "img-src 'self' data:",
  "style-src 'self'",
  `connect-src 'self'${OIDC ? ` ${new URL(OIDC.issuer).origin}` : ''}`,
  "frame-ancestors 'none'",
  "base-uri 'self'",
  "form-action 'self'",
].join('; ');

function send(res, status, body, headers = {}) {
  const data = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, {
    'content-type': typeof body === 'string' ? 'text/plain; charset=utf-8' : 'application/json',
    'cache-control': 'no-store',
    ...headers,
  });
  res.end(data);
}

function readJson(req, limit = 8192) {
  return new Promise((resolveBody, reject) => {
    let size = 0;
    /** @type {Buffer[]} */
    const chunks = [];
    req.on('data', (chunk) => {
      size += chunk.length;
      if (size > limit) {
        reject(new Error('body too large'));
        req.destroy();
      } else chunks.push(chunk);
    });
    req.on('end', () => {
      try {
        resolveBody(JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}'));
      } catch {
        reject(new Error('not JSON'));
      }
    });
    req.on('error', reject);
  });
}

/** Validate a dev sign-in request; returns [argv, errors] (errors by field, like userErrors). */
export function tokenArgs(body) {
  const errors = [];
  const org = typeof body.org === 'string' ? body.org.trim() : '';
  const sub = typeof body.sub === 'string' && body.sub.trim() ? body.sub.trim() : 'dev-user';
  const roles = Array.isArray(body.roles) ? body.roles : [];
  const talentId = typeof body.talentId === 'string' ? body.talentId.trim() : '';
  if (!NAME.test(org)) errors.push({ field: 'org', message: 'letters, digits, . _ - (at most 64)' });
  if (!NAME.test(sub)) errors.push({ field: 'sub', message: 'letters, digits, . _ - (at most 64)' });
  if (!roles.length) errors.push({ field: 'roles', message: 'choose at least one role' });
  else if (roles.some((r) => !ROLES.includes(r))) errors.push({ field: 'roles', message: 'unknown role' });
  if (roles.includes('talent') && !talentId) {
    errors.push({ field: 'talentId', message: 'a talent signs in with their talent id' });
  } else if (talentId && !NAME.test(talentId)) {
    errors.push({ field: 'talentId', message: 'letters, digits, . _ - (at most 64)' });
  }
  const argv = ['token', '--org', org, '--sub', sub];
  for (const r of new Set(roles)) argv.push('--role', r);
  if (talentId) argv.push('--talent', talentId);
  return [argv, errors];
}

async function devToken(req, res) {
  if (!DEV) return send(res, 404, 'not found');
  // Only the app's own pages may ask: a JSON body (no simple cross-site form) from this origin.
  const origin = req.headers.origin;
  if (origin && new URL(origin).host !== req.headers.host) return send(res, 403, { errors: [{ field: null, message: 'cross-origin request refused' }] });
  if (!String(req.headers['content-type'] ?? '').startsWith('application/json')) {
    return send(res, 415, { errors: [{ field: null, message: 'send JSON' }] });
  }
  let body;
  try {
    body = await readJson(req);
  } catch (err) {
    return send(res, 400, { errors: [{ field: null, message: err.message }] });
  }
  const [argv, errors] = tokenArgs(body ?? {});
  if (errors.length) return send(res, 400, { errors });
  // The CLI starts a Python interpreter: seconds on a loaded machine (32 s seen at load 25 on 2 cores).
  execFile(SLATE_CLI, argv, { timeout: 90000, env: { ...process.env, SLATE_HOME: ROOT } }, (err, stdout, stderr) => {
    if (err) {
      const message = (stderr || err.message).trim().split('\n').pop();
      return send(res, 500, { errors: [{ field: null, message: `slate token failed: ${message}` }] });
    }
    send(res, 200, { token: stdout.trim() });
  });
}

function proxyHttp(req, res) {
  const upstream = httpRequest(
    {
      host: GATEWAY.hostname,
      port: GATEWAY.port || 80,
      method: req.method,
      path: req.url,
      headers: { ...req.headers, host: GATEWAY.host, 'x-forwarded-for': req.socket.remoteAddress },
    },
    (up) => {
      res.writeHead(up.statusCode ?? 502, up.headers);
      up.pipe(res);
    },
  );
  upstream.on('error', () => {
    if (!res.headersSent) {
      send(res, 502, { errors: [{ message: 'The GraphQL gateway is unreachable; is the stack running?', extensions: { code: 'SERVICE_UNAVAILABLE' } }] });
    } else res.destroy();
  });
  req.pipe(upstream);
}

function proxyUpgrade(req, socket, head) {
  if (!req.url.startsWith('/graphql')) return socket.destroy();
  const upstream = connect(Number(GATEWAY.port || 80), GATEWAY.hostname, () => {
    const lines = [`${req.method} ${req.url} HTTP/1.1`];
    for (let i = 0; i < req.rawHeaders.length; i += 2) {
      const name = req.rawHeaders[i];
      lines.push(`${name}: ${name.toLowerCase() === 'host' ? GATEWAY.host : req.rawHeaders[i + 1]}`);
    }
    upstream.write(`${lines.join('\r\n')}\r\n\r\n`);
    if (head?.length) upstream.write(head);
    upstream.pipe(socket);
    socket.pipe(upstream);
  });
  const close = () => {
    upstream.destroy();
    socket.destroy();
  };
  upstream.on('error', close);
  socket.on('error', close);
  upstream.on('close', close);
  socket.on('close', close);
}

function serveFile(req, res) {
  const url = new URL(req.url, 'http://x');
  let path;
  try {
    path = normalize(join(DIST, decodeURIComponent(url.pathname)));
  } catch {
    return send(res, 400, 'bad path');
  }
  if (path !== DIST && !path.startsWith(DIST + sep)) return send(res, 404, 'not found');
  let file = path;
  if (!existsSync(file) || statSync(file).isDirectory()) {
    // The app's own routes (no file extension) get index.html; a missing asset is a 404.
    if (extname(url.pathname)) return send(res, 404, 'not found');
    file = join(DIST, 'index.html');
    if (!existsSync(file)) return send(res, 503, 'the app is not built: run `make web-build`');
  }
  const immutable = file.startsWith(join(DIST, 'assets') + sep);
  res.writeHead(200, {
    'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
    'cache-control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
    'content-security-policy': CSP,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
  });
  if (req.method === 'HEAD') return res.end();
  createReadStream(file).pipe(res);
}

export function handler(req, res) {
  const { pathname } = new URL(req.url, 'http://x');
  if (pathname === '/graphql') return proxyHttp(req, res);
  if (pathname === '/healthz') return send(res, 200, 'ok');
  if (pathname === '/config.json') {
    return send(res, 200, { mode: MODE, devSignIn: DEV, oidc: OIDC, roles: ROLES });
  }
  if (pathname === '/dev/token' && req.method === 'POST') return devToken(req, res);
  if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'method not allowed');
  return serveFile(req, res);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const server = createServer(handler);
  server.on('upgrade', proxyUpgrade);
  server.listen(PORT, HOST, () => {
    console.log(`[web] serving ${DIST} on http://${HOST}:${PORT}/ (mode ${MODE}${DEV ? ', dev sign-in on' : ''}; GraphQL -> ${GATEWAY.origin})`);
  });
  const stop = () => {
    server.close();
    process.exit(0);
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}
