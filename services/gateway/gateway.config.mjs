// Hive Gateway configuration for Slate.
//   hive-gateway supergraph <supergraph.graphql> -c gateway.config.mjs   (see start.sh)
//
// Environment (all optional):
//   SLATE_GATEWAY_HOST / SLATE_GATEWAY_PORT   listen address (default 127.0.0.1:4000)
//   SLATE_JWT_JWKS_URL     remote JWKS (production); otherwise the dev keys in SLATE_DEV_KEY_DIR
//   SLATE_DEV_KEY_DIR      dev key directory with jwks.json and/or public.pem (default <repo>/.local/dev)
//   SLATE_JWT_ISSUER       expected `iss` (default slate-dev)
//   SLATE_JWT_AUDIENCE     expected `aud` (default slate)
//   SLATE_GATEWAY_MAX_DEPTH / _MAX_TOKENS / _MAX_ALIASES / _MAX_COST / _LIST_SIZE / _RATE_LIMIT /
//   SLATE_GATEWAY_MAX_BODY_BYTES / _MAX_DOCUMENT_BYTES / _MAX_NESTING /
//   SLATE_GATEWAY_UPSTREAM_TIMEOUT_MS   limits, see below
//   SLATE_GATEWAY_GRAPHIQL  0 to turn GraphiQL off (default on)
//   SLATE_GATEWAY_SECRET / SLATE_GATEWAY_TRUSTED_PROXIES   client address and user agent, see client-info.mjs
//   OTEL_EXPORTER_OTLP_ENDPOINT  when set, traces go to ${endpoint}/v1/traces over OTLP HTTP
//   OTEL_EXPORTER_OTLP_TRACES_ENDPOINT  full traces URL (takes precedence)
//   OTEL_SERVICE_NAME      default slate-gateway
import { createPublicKey } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRemoteJwksSigningKeyProvider, defineConfig } from '@graphql-hive/gateway';
import { GraphQLError } from 'graphql';
import {
  RedactingSpanProcessor,
  createScrubbingLogger,
  generateRequestId,
  inputLimits,
  maskUnexpected,
  maxAliasesRule,
  requestScope,
} from './hardening.mjs';
import { CLIENT_HEADER, clientHeader, secretSource } from './client-info.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(process.env.SLATE_REPO_ROOT ?? join(HERE, '..', '..'));
const env = process.env;
const intEnv = (name, fallback) => {
  const raw = env[name];
  if (raw == null || raw === '') return fallback;
  const value = Number.parseInt(raw, 10);
  if (!Number.isFinite(value)) throw new Error(`${name} must be an integer, got "${raw}"`);
  return value;
};

// ---------------------------------------------------------------- JWT verification keys
// Dev: the services (slate.auth.ensure_dev_keys) write .local/dev/jwks.json and public.pem,
// possibly after the gateway started, so the files are read lazily and re-read when they change.
const KEY_DIR = resolve(env.SLATE_DEV_KEY_DIR ?? join(ROOT, '.local', 'dev'));
const JWKS_FILE = join(KEY_DIR, 'jwks.json');
const PEM_FILE = join(KEY_DIR, 'public.pem');
let devKeyCache = { stamp: null, byKid: new Map(), all: [] };

function loadDevKeys() {
  const files = [JWKS_FILE, PEM_FILE].filter((f) => existsSync(f));
  const stamp = files.map((f) => `${f}:${statSync(f).mtimeMs}`).join('|');
  if (stamp === devKeyCache.stamp) return devKeyCache;
  const byKid = new Map();
  const all = [];
  if (existsSync(JWKS_FILE)) {
    const { keys = [] } = JSON.parse(readFileSync(JWKS_FILE, 'utf8'));
    for (const jwk of keys) {
      if (jwk.kty !== 'RSA' || (jwk.use && jwk.use !== 'sig')) continue;
      const pem = createPublicKey({ key: jwk, format: 'jwk' }).export({ type: 'spki', format: 'pem' });
      if (jwk.kid) byKid.set(jwk.kid, pem);
      all.push(pem);
    }
  }
  if (existsSync(PEM_FILE)) all.push(readFileSync(PEM_FILE, 'utf8'));
  devKeyCache = { stamp, byKid, all };
  return devKeyCache;
}

function devSigningKey(kid) {
  const { byKid, all } = loadDevKeys();
  if (kid && byKid.has(kid)) return byKid.get(kid);
  if (all.length) return all[0]; // unknown or absent kid: verification decides (-> Unauthenticated)
  console.error(
    `[slate-gateway] no JWT verification key: neither ${JWKS_FILE} nor ${PEM_FILE} exists ` +
      '(they are written by `slate token` / the services at start)',
  );
  return null;
}

const signingKeyProvider = env.SLATE_JWT_JWKS_URL
  ? createRemoteJwksSigningKeyProvider({
      jwksUri: env.SLATE_JWT_JWKS_URL,
      cache: true,
      cacheMaxAge: 10 * 60 * 1000,
      rateLimit: true,
      jwksRequestsPerMinute: 10,
    })
  : devSigningKey;

// Token from `Authorization: Bearer <jwt>`, or for WebSocket clients of the gateway from the
// graphql-ws connection_init payload ({"Authorization": "Bearer <jwt>"}).
function lookupToken({ request, serverContext }) {
  const params = serverContext?.connectionParams;
  const value =
    request?.headers?.get('authorization') ||
    (params && (params.Authorization || params.authorization)) ||
    undefined;
  if (!value) return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(value);
  if (!match) return undefined; // not a bearer token: rejected by rejectInvalidToken
  return { prefix: 'Bearer', token: match[1] };
}

// The JWT plugin runs with reject.invalidToken=false: its own rejection is a bare "Unauthenticated"
// without `extensions.code` (and over WebSocket it leaks `extensions.http`). Instead, once the
// context is built, a request that carried a token but has no verified `jwt` is rejected here with
// a clear message and code UNAUTHENTICATED, the same code the subgraphs use for field errors.
function carriesToken(context) {
  const params = context.connectionParams;
  return Boolean(
    context.request?.headers?.get('authorization') || (params && (params.Authorization || params.authorization)),
  );
}
const rejectInvalidToken = {
  onContextBuilding() {
    return ({ context }) => {
      if (!context.jwt && carriesToken(context)) {
        throw new GraphQLError(
          'Unauthenticated: the Authorization token is not a valid "Bearer <JWT>" for this platform ' +
            '(bad signature, expired, wrong issuer/audience, or malformed).',
          { extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } } },
        );
      }
    };
  },
};

// The context's `headers` merges the graphql-ws connectionParams as given (e.g. "Authorization");
// normalise to the lower-case key used for forwarding below.
const normaliseAuthHeader = {
  onContextBuilding({ context }) {
    const h = context.headers;
    if (h && !h.authorization && typeof h.Authorization === 'string') h.authorization = h.Authorization;
  },
};

function rateLimitKey(context) {
  const claims = context.jwt?.payload;
  if (claims?.sub) return `user ${claims.org ?? '-'}/${claims.sub}`;
  const addr = context.req?.socket?.remoteAddress || context.request?.headers?.get('x-forwarded-for');
  return `anonymous ${addr ?? 'unknown'}`;
}

// A subgraph that is down or too slow would surface as a bare "Unexpected error.": say which
// service is unavailable instead (code SERVICE_UNAVAILABLE, retriable). Then maskUnexpected
// (hardening.mjs): coded errors pass (UNAUTHENTICATED, FORBIDDEN, INVALID, …, and the gateway's own
// parse/validation errors, malformed input as 400); a subgraph's uncoded error (internal text such as
// "'utf-8' codec can't encode…") and any exception become "Unexpected error … (request id …)";
// the original goes to the gateway log, scrubbed, with the same request id.
function maskError(error) {
  for (let e = error, depth = 0; e && depth < 5; e = e.originalError, depth++) {
    if (e.message === 'Authentication is not available at the moment.') {
      // The JWT plugin found no verification key (dev key files missing / JWKS unreachable).
      return new GraphQLError(
        'Token verification is unavailable: the gateway has no JWT verification key yet ' +
          '(dev: .local/dev/jwks.json is written by `slate token` or a service at start).',
        { extensions: { code: 'SERVICE_UNAVAILABLE', service: 'gateway-auth', retriable: true, http: { status: 503 } } },
      );
    }
    const ext = e.extensions ?? {};
    // A 502/503/504 page instead of a GraphQL response (a proxy in front of a subgraph that is down)
    // is the same as no answer.
    const unavailablePage = ext.code === 'RESPONSE_VALIDATION_FAILED' && [502, 503, 504].includes(ext.response?.status);
    if (['SUBREQUEST_HTTP_ERROR', 'TIMEOUT_ERROR', 'GATEWAY_TIMEOUT'].includes(ext.code) || unavailablePage) {
      const service = ext.serviceName ?? 'a subgraph';
      const what = ['TIMEOUT_ERROR', 'GATEWAY_TIMEOUT'].includes(ext.code) ? 'did not answer in time' : 'is unavailable';
      return new GraphQLError(`The ${service} service ${what}; try again shortly.`, {
        nodes: error.nodes,
        path: error.path,
        extensions: { code: 'SERVICE_UNAVAILABLE', service: ext.serviceName, retriable: true },
      });
    }
  }
  return maskUnexpected(error);
}

// The secret `x-slate-client` is signed with, and the proxies whose X-Forwarded-For is believed.
const gatewaySecret = secretSource({ env, keyDir: KEY_DIR });
const TRUSTED_PROXIES = new Set(
  (env.SLATE_GATEWAY_TRUSTED_PROXIES ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean),
);

// ---------------------------------------------------------------- OpenTelemetry
let openTelemetry;
const otlpBase = env.OTEL_EXPORTER_OTLP_ENDPOINT;
const otlpTraces = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT || (otlpBase && `${otlpBase.replace(/\/+$/, '')}/v1/traces`);
if (otlpTraces && !/^(1|true)$/i.test(env.OTEL_SDK_DISABLED ?? '')) {
  // Transitive dependencies of @graphql-hive/gateway (hoisted by npm).
  const { openTelemetrySetup } = await import('@graphql-hive/gateway/opentelemetry/setup');
  const { AsyncLocalStorageContextManager } = await import('@opentelemetry/context-async-hooks');
  const { OTLPTraceExporter } = await import('@opentelemetry/exporter-trace-otlp-http');
  openTelemetrySetup({
    contextManager: new AsyncLocalStorageContextManager(),
    resource: { serviceName: env.OTEL_SERVICE_NAME || 'slate-gateway' },
    // Every span is redacted as it ends, before the batch processor queues it (hardening.mjs):
    // `graphql.document` with its literals replaced (removed when it does not parse), no URL query
    // string, no values in exception/status messages. Documents past the gateway's limits were
    // refused: removed, not parsed again (the token limit doubled: graphql-js and the armor plugin
    // count apart).
    traces: {
      processors: [
        new RedactingSpanProcessor({
          maxChars: intEnv('SLATE_GATEWAY_MAX_DOCUMENT_BYTES', 32 << 10),
          maxTokens: 2 * intEnv('SLATE_GATEWAY_MAX_TOKENS', 2000),
          maxNesting: intEnv('SLATE_GATEWAY_MAX_NESTING', 64),
        }),
      ],
      exporter: new OTLPTraceExporter({ url: otlpTraces }),
    },
  });
  // Continues the client's `traceparent` (inheritContext) and sends it to every subgraph
  // over HTTP (propagateContext); both default to true.
  openTelemetry = { traces: true, inheritContext: true, propagateContext: true };
}

// ---------------------------------------------------------------- the gateway
const UPSTREAM_TIMEOUT_MS = intEnv('SLATE_GATEWAY_UPSTREAM_TIMEOUT_MS', 30_000);
// Hive Gateway 2.15.1 has no alias limit of its own: a validation rule (fragments counted).
const aliasLimit = (() => {
  const rule = maxAliasesRule(intEnv('SLATE_GATEWAY_MAX_ALIASES', 30));
  return { onValidate: ({ addValidationRule }) => addValidationRule(rule) };
})();
// Body 1 MiB (yoga's own default would be 25 MB; the subgraphs refuse over 1 MiB), documents 32 KiB
// (2,000 tokens fit; the parse caches hold 1,024 documents each, so this bounds them in bytes),
// 64 levels of brackets in a document or of JSON in variables (graphql-js parses recursively).
const limits = inputLimits({
  maxBodyBytes: intEnv('SLATE_GATEWAY_MAX_BODY_BYTES', 1 << 20),
  maxDocumentBytes: intEnv('SLATE_GATEWAY_MAX_DOCUMENT_BYTES', 32 << 10),
  maxNesting: intEnv('SLATE_GATEWAY_MAX_NESTING', 64),
});

export const gatewayConfig = defineConfig({
  host: env.SLATE_GATEWAY_HOST || '127.0.0.1',
  port: intEnv('SLATE_GATEWAY_PORT', 4000),
  graphqlEndpoint: '/graphql',
  // Built in: GET /healthcheck (alive) and GET /readiness (supergraph loaded).
  healthCheckEndpoint: '/healthcheck',
  readinessCheckEndpoint: '/readiness',
  graphiql: env.SLATE_GATEWAY_GRAPHIQL !== '0',
  landingPage: false,
  maskedErrors: { maskError },
  // Never writes documents, variables, bodies, subgraph data or tokens; error text is scrubbed of
  // quoted values and numbers; lines written while a request runs carry its requestId.
  logging: createScrubbingLogger(),
  // The id in `x-request-id`, in the logs and in masked error messages (see hardening.mjs).
  requestId: { generateRequestId },
  // `hive-gateway supergraph <file>` watches the file (fs.watch) and reloads when compose.mjs
  // rewrites it; polling does not apply to a local file.

  jwt: {
    signingKeyProviders: [signingKeyProvider],
    tokenLookupLocations: [lookupToken],
    tokenVerification: {
      algorithms: ['RS256'],
      issuer: env.SLATE_JWT_ISSUER || 'slate-dev',
      audience: env.SLATE_JWT_AUDIENCE || 'slate',
      clockTolerance: 5,
    },
    // No token: passed through, each subgraph answers UNAUTHENTICATED per protected field.
    // A token that is present but invalid: rejected by `rejectInvalidToken` below (401, code
    // UNAUTHENTICATED).
    reject: { missingToken: false, invalidToken: false },
    extendContext: 'jwt',
  },

  // Forward the caller's Authorization header to every subgraph (they verify it again), and the
  // client's address and user agent, signed for that header (client-info.mjs). Nothing else the
  // client sent is forwarded, so a client's own `x-slate-client` never reaches a subgraph.
  propagateHeaders: {
    fromClientToSubgraphs({ context, request }) {
      const authorization =
        context?.headers?.authorization || context?.headers?.Authorization || request?.headers?.get('authorization');
      return {
        authorization,
        [CLIENT_HEADER]: clientHeader({
          context,
          request,
          authorization,
          secret: gatewaySecret(),
          trustedProxies: TRUSTED_PROXIES,
        }),
      };
    },
  },

  // Subscriptions go to the subgraphs over graphql-transport-ws on the same /graphql path
  // (SSE from strawberry is dropped by the gateway). The token goes both in connection_init
  // (connectionParams) and on the upgrade request's headers. One upstream socket per token.
  transportEntries: {
    '*.http': {
      options: {
        subscriptions: {
          kind: 'ws',
          headers: [['authorization', '{context.headers.authorization}']],
          options: {
            connectionParams: { Authorization: '{context.headers.authorization}' },
          },
        },
      },
    },
  },

  // Limits (DESIGN.md: depth, aliases, tokens, cost; rate limit per token). Aliases, body, document
  // size and nesting: `aliasLimit` and `limits` above.
  maxDepth: intEnv('SLATE_GATEWAY_MAX_DEPTH', 12),
  maxTokens: intEnv('SLATE_GATEWAY_MAX_TOKENS', 2000),
  blockFieldSuggestions: true,
  // Cost: 1 per object, lists assumed SLATE_GATEWAY_LIST_SIZE long unless a subgraph declares
  // @listSize (federation 2.9), mutations +10.
  demandControl: {
    maxCost: intEnv('SLATE_GATEWAY_MAX_COST', 10_000),
    listSize: intEnv('SLATE_GATEWAY_LIST_SIZE', 20),
  },
  // Not for subscriptions: in 2.15.1 the timer is not cleared when a subscription ends, and its
  // rejection then goes unhandled and kills the process (seen with a 3-event subscription); a
  // longer subscription is cut off at the timeout. Queries/mutations and the `_entities` calls
  // made for subscription events still get it.
  upstreamTimeout: ({ executionRequest }) =>
    executionRequest?.operationType === 'subscription' ? undefined : UPSTREAM_TIMEOUT_MS,
  // Per verified user (org + sub), or per client address without a token; counted per root
  // field per minute. The key never contains the token (the built-in default would be the raw
  // Authorization header, which then appears in the error message).
  rateLimiting: ['Query', 'Mutation'].map((type) => ({
    type,
    field: '*',
    max: intEnv('SLATE_GATEWAY_RATE_LIMIT', 600),
    ttl: 60_000,
    identifyFn: rateLimitKey,
  })),

  openTelemetry,
  plugins: () => [requestScope, limits, aliasLimit, normaliseAuthHeader, rejectInvalidToken],
});
