// The end user's address and user agent for the subgraphs (slate.caller.current_client, e.g. an
// e-signature record). Only the gateway sees the client's connection; it sends them in
// `x-slate-client` signed with a secret shared with the services: "v1.<payload>.<mac>", payload =
// base64url(JSON {ip, ua}), mac = base64url(HMAC-SHA256(secret, "v1.<payload>\n<authorization>")).
// A copy the client sends itself is never forwarded (propagateHeaders forwards only what it
// returns), and one replayed with another token does not verify.
//
// Environment:
//   SLATE_GATEWAY_SECRET            the shared secret (production); otherwise the dev file
//                                   <SLATE_DEV_KEY_DIR>/gateway.secret the services create
//   SLATE_GATEWAY_TRUSTED_PROXIES   comma-separated addresses of proxies in front of the gateway
//                                   (e.g. the web server); from them, the right-most
//                                   X-Forwarded-For address that is not a trusted proxy is the
//                                   client's. Empty: the socket's peer address is.
import { createHmac } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { isIP } from 'node:net';
import { join } from 'node:path';

export const CLIENT_HEADER = 'x-slate-client';
const MAX_USER_AGENT = 512;

const unmapped = (address) => (address?.startsWith('::ffff:') && isIP(address.slice(7)) === 4 ? address.slice(7) : address);

export function clientAddress({ socketAddress, forwardedFor, trustedProxies }) {
  let address = unmapped(socketAddress) || null;
  if (address && trustedProxies.has(address) && forwardedFor) {
    const hops = forwardedFor
      .split(',')
      .map((hop) => unmapped(hop.trim()))
      .filter(Boolean);
    while (hops.length) {
      const hop = hops.pop();
      if (!isIP(hop)) break; // a malformed hop: stop at the last address we could trust
      address = hop;
      if (!trustedProxies.has(hop)) break;
    }
  }
  return address && isIP(address) ? address : null;
}

export function signClient(secret, { ip, userAgent }, authorization) {
  const ua = userAgent ? String(userAgent).slice(0, MAX_USER_AGENT) : null;
  const payload = Buffer.from(JSON.stringify({ ip: ip ?? null, ua })).toString('base64url');
  const mac = createHmac('sha256', secret).update(`v1.${payload}\n${authorization}`).digest('base64url');
  return `v1.${payload}.${mac}`;
}

// The secret: from the environment, else the dev file (read lazily and again when it changes:
// the services may create it after the gateway started).
export function secretSource({ env, keyDir }) {
  if (env.SLATE_GATEWAY_SECRET) {
    const fixed = Buffer.from(env.SLATE_GATEWAY_SECRET);
    return () => fixed;
  }
  const file = join(keyDir, 'gateway.secret');
  let cache = { stamp: null, secret: null };
  return () => {
    if (!existsSync(file)) return null;
    const stamp = statSync(file).mtimeMs;
    if (stamp !== cache.stamp) {
      const text = readFileSync(file, 'utf8').trim();
      cache = { stamp, secret: text ? Buffer.from(text) : null };
    }
    return cache.secret;
  };
}

// The header for one request (undefined: nothing to forward — no token, or no secret).
export function clientHeader({ context, request, authorization, secret, trustedProxies }) {
  if (!authorization || !secret) return undefined;
  const headers = request?.headers ?? context?.request?.headers;
  const ip = clientAddress({
    socketAddress: context?.req?.socket?.remoteAddress ?? context?.socket?.remoteAddress,
    forwardedFor: headers?.get?.('x-forwarded-for'),
    trustedProxies,
  });
  return signClient(secret, { ip, userAgent: headers?.get?.('user-agent') }, authorization);
}
