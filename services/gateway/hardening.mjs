// Input limits, error masking and personal-data hygiene for the Slate gateway (issue 8, findings
// 6, 7 and 10). gateway.config.mjs wires these in; each piece is a plain function or plugin.
//
//   inputLimits(...)          plugin: request body size, document size and nesting, variables
//                             nesting and well-formed strings, clear 4xx for what cannot be parsed
//   maxAliasesRule(n)         validation rule: at most n aliases per operation (fragments included)
//   requestScope              plugin: request id for every request, kept in an AsyncLocalStorage
//                             so error masking and the log writer can name it
//   maskUnexpected(error)     the tail of maskError: subgraph errors without a code of their own
//                             and the gateway's own unexpected errors become a generic message with
//                             the request id; coded errors (UNAUTHENTICATED, FORBIDDEN, INVALID, …)
//                             pass unchanged
//   redactDocument(text)      the document with every literal replaced, or null if it does not parse
//   RedactingSpanProcessor    redacts each span as it ends: no document literal, URL query string,
//                             quoted value or number in an exception message leaves the process
//   createScrubbingLogger()   the gateway's logger: never writes documents, variables, bodies,
//                             response data or tokens, and scrubs values out of error messages
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import { ConsoleLogWriter, JSONLogWriter, Logger } from '@graphql-hive/gateway';
import { trace } from '@opentelemetry/api';
import { GraphQLError, Kind, parse, print, visit } from 'graphql';

// ------------------------------------------------------------------ request scope
// The request id is the one Hive Gateway puts in the logger and the `x-request-id` response header
// (`requestId.generateRequestId` below makes it ours); a client's own `x-request-id` is used when it
// is a plain token of at most 128 characters.
const scope = new AsyncLocalStorage();
const requestIds = new WeakMap();
const CLIENT_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

export function requestIdFor(request) {
  let id = requestIds.get(request);
  if (!id) {
    const given = request.headers?.get?.('x-request-id');
    id = given && CLIENT_REQUEST_ID.test(given) ? given : randomUUID();
    requestIds.set(request, id);
  }
  return id;
}

export const generateRequestId = ({ request }) => requestIdFor(request);

export const requestScope = {
  instrumentation: {
    // Wraps the whole request, before any plugin's onRequest (the runtime's request-id plugin reads
    // the header there): a client-chosen id that is not a plain short token is dropped, so the
    // runtime asks generateRequestId, and every log line and the response header carry ours.
    request({ request }, wrapped) {
      const given = request.headers?.get?.('x-request-id');
      if (given != null && !CLIENT_REQUEST_ID.test(given)) {
        try {
          request.headers.delete('x-request-id');
        } catch {
          // immutable headers: the runtime keeps the client's value, masked errors name ours
        }
      }
      return scope.run({ requestId: requestIdFor(request) }, wrapped);
    },
  },
};

/** The current request's id and trace id (when tracing is on), for messages and log lines. */
export function currentIds() {
  const ids = {};
  const store = scope.getStore();
  if (store?.requestId) ids.requestId = store.requestId;
  const traceId = trace.getActiveSpan()?.spanContext().traceId;
  if (traceId && !/^0+$/.test(traceId)) ids.traceId = traceId;
  return ids;
}

// ------------------------------------------------------------------ input limits
const badRequest = (message, { status = 400, code = 'BAD_REQUEST' } = {}) =>
  new GraphQLError(message, { extensions: { code, http: { status } } });

/** The deepest nesting of (), [] and {} in a GraphQL document, outside strings and comments;
 *  stops counting past `limit`. Iterative: a 50,000-deep literal costs one pass, no recursion. */
export function documentNesting(text, limit = Infinity) {
  let depth = 0;
  let max = 0;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x23) {
      // # comment to the end of the line
      while (i < n && text.charCodeAt(i) !== 0x0a && text.charCodeAt(i) !== 0x0d) i++;
    } else if (c === 0x22) {
      if (text.startsWith('"""', i)) {
        let j = i + 3;
        while (j < n && !text.startsWith('"""', j)) j += text.startsWith('\\"""', j) ? 4 : 1;
        i = j + 2;
      } else {
        let j = i + 1;
        while (j < n) {
          const d = text.charCodeAt(j);
          if (d === 0x22 || d === 0x0a || d === 0x0d) break;
          j += d === 0x5c ? 2 : 1;
        }
        i = j;
      }
    } else if (c === 0x28 || c === 0x5b || c === 0x7b) {
      depth++;
      if (depth > max) {
        max = depth;
        if (max > limit) return max;
      }
    } else if (c === 0x29 || c === 0x5d || c === 0x7d) {
      depth--;
    }
  }
  return max;
}

/** First problem in a JSON value (variables): nesting past `maxDepth` or a string (or key) that
 *  is not well-formed Unicode (a lone surrogate). Iterative. */
export function jsonProblem(value, maxDepth) {
  const stack = [[value, 1]];
  while (stack.length) {
    const [item, level] = stack.pop();
    if (typeof item === 'string') {
      if (!item.isWellFormed()) return 'a string is not valid Unicode (lone surrogate)';
    } else if (item !== null && typeof item === 'object') {
      if (level > maxDepth) return `nested deeper than ${maxDepth} levels`;
      if (Array.isArray(item)) {
        for (const v of item) stack.push([v, level + 1]);
      } else {
        for (const [k, v] of Object.entries(item)) {
          if (!k.isWellFormed()) return 'a key is not valid Unicode (lone surrogate)';
          stack.push([v, level + 1]);
        }
      }
    }
  }
  return null;
}

/**
 * Refuse, with a 4xx and a message, what must not reach the parser or the subgraphs:
 * - a body over `maxBodyBytes` (413, also for chunked bodies without Content-Length);
 * - a POST whose content type the gateway does not read (415 with a message, not an empty body);
 * - a document over `maxDocumentBytes`, nested deeper than `maxNesting` (brackets of any kind:
 *   graphql-js parses recursively, and a 3,000-deep list literal overflowed the stack: a 500), or
 *   not well-formed Unicode;
 * - variables nested deeper than `maxNesting` or holding a lone surrogate (which a Python subgraph
 *   cannot encode: "'utf-8' codec can't encode…").
 * Nothing refused here is parsed, so nothing refused enters the parse caches.
 */
export function inputLimits({ maxBodyBytes, maxDocumentBytes, maxNesting }) {
  const tooLarge = () =>
    badRequest(`Request body too large: at most ${maxBodyBytes} bytes.`, {
      status: 413,
      code: 'REQUEST_ENTITY_TOO_LARGE',
    });
  function limitBody(request, fetchAPI) {
    if (!request.body) return request;
    const Transform = request.body instanceof ReadableStream ? globalThis.TransformStream : fetchAPI.TransformStream;
    let read = 0;
    const body = request.body.pipeThrough(
      new Transform({
        transform(chunk, controller) {
          read += chunk.byteLength;
          if (read > maxBodyBytes) controller.error(tooLarge());
          else controller.enqueue(chunk);
        },
      }),
    );
    return new fetchAPI.Request(request.url, {
      method: request.method,
      headers: request.headers,
      signal: request.signal,
      body,
      duplex: 'half',
    });
  }
  return {
    onRequestParse({ request, requestParser, setRequestParser, fetchAPI }) {
      const declared = request.headers.get('content-length');
      if (declared != null && /^\d+$/.test(declared) && Number(declared) > maxBodyBytes) throw tooLarge();
      if (!requestParser) {
        if (request.method === 'POST') {
          throw badRequest(
            `Unsupported content type "${(request.headers.get('content-type') || 'none').slice(0, 80)}": ` +
              'send GraphQL requests as application/json.',
            { status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' },
          );
        }
        return;
      }
      if (request.body == null) return;
      setRequestParser((req) =>
        // The JSON parser's own error for a body cut off by the limit would be "invalid JSON".
        Promise.resolve()
          .then(() => requestParser(limitBody(req, fetchAPI)))
          .catch((err) => {
            for (let e = err, i = 0; e && i < 4; e = e.originalError ?? e.cause, i++) {
              if (e.extensions?.code === 'REQUEST_ENTITY_TOO_LARGE') throw tooLarge();
            }
            throw err;
          }),
      );
    },
    onParams({ params }) {
      const query = params?.query;
      if (typeof query === 'string') {
        if (query.length > maxDocumentBytes || Buffer.byteLength(query) > maxDocumentBytes) {
          throw badRequest(`Document too large: at most ${maxDocumentBytes} bytes; pass values as variables.`);
        }
        if (!query.isWellFormed()) {
          throw badRequest('Document is not valid Unicode (lone surrogate).', { code: 'GRAPHQL_PARSE_FAILED' });
        }
        if (documentNesting(query, maxNesting) > maxNesting) {
          throw badRequest(`Document nested too deep: at most ${maxNesting} levels of (), [] and {}.`, {
            code: 'GRAPHQL_PARSE_FAILED',
          });
        }
      }
      if (params?.variables != null && typeof params.variables === 'object') {
        const problem = jsonProblem(params.variables, maxNesting);
        if (problem) throw badRequest(`Invalid variables: ${problem}.`);
      }
    },
  };
}

/** Validation rule: at most `limit` aliases in an operation, counting each fragment spread with the
 *  aliases of the fragment it spreads (so 30 spreads of a 30-alias fragment count 900). */
export function maxAliasesRule(limit) {
  return function MaxAliasesRule(context) {
    const fragments = new Map();
    for (const def of context.getDocument().definitions) {
      if (def.kind === Kind.FRAGMENT_DEFINITION) fragments.set(def.name.value, def);
    }
    const memo = new Map();
    const count = (selectionSet, seen) => {
      let n = 0;
      for (const sel of selectionSet?.selections ?? []) {
        if (sel.kind === Kind.FIELD) n += (sel.alias ? 1 : 0) + count(sel.selectionSet, seen);
        else if (sel.kind === Kind.INLINE_FRAGMENT) n += count(sel.selectionSet, seen);
        else if (sel.kind === Kind.FRAGMENT_SPREAD) {
          const name = sel.name.value;
          if (memo.has(name)) n += memo.get(name);
          else if (!seen.has(name) && fragments.has(name)) {
            seen.add(name);
            const c = count(fragments.get(name).selectionSet, seen);
            seen.delete(name);
            memo.set(name, c);
            n += c;
          }
        }
        if (n > limit) return n; // enough to refuse
      }
      return n;
    };
    return {
      OperationDefinition(node) {
        const n = count(node.selectionSet, new Set());
        if (n > limit) {
          context.reportError(
            new GraphQLError(`Too many aliases: at most ${limit} per operation.`, {
              nodes: [node],
              extensions: { code: 'GRAPHQL_VALIDATION_FAILED' },
            }),
          );
        }
        return false;
      },
    };
  };
}

// ------------------------------------------------------------------ error masking
// Codes the gateway itself gives a subgraph's failure (no code from the subgraph, an unusable
// response, a failed or timed-out request): their messages and extensions are internal text
// (the upstream request body with its variables, the response body, exception messages).
const GATEWAY_CODES = new Set([
  'DOWNSTREAM_SERVICE_ERROR',
  'RESPONSE_VALIDATION_FAILED',
  'SUBREQUEST_HTTP_ERROR',
  'TIMEOUT_ERROR',
  'GATEWAY_TIMEOUT',
  'INTERNAL_SERVER_ERROR',
  'INTERNAL_ERROR',
  'INTERNAL',
]);
// Extensions a subgraph error may carry that never go to a client (stack traces in dev servers).
const PRIVATE_EXTENSIONS = new Set(['exception', 'stacktrace', 'stack', 'request', 'response', 'originalError']);

function isOriginalGraphQLError(error) {
  for (let e = error, i = 0; i < 10; e = e.originalError, i++) {
    if (!(e instanceof GraphQLError) && e?.name !== 'GraphQLError') return false;
    if (e.originalError == null) return true;
  }
  return false;
}

function internalError(error, service) {
  const ids = currentIds();
  const ref = ids.requestId ? ` (request id ${ids.requestId})` : '';
  const where = service ? `in the ${service} service` : 'in the gateway';
  return new GraphQLError(`Unexpected error ${where}${ref}; it has been logged.`, {
    nodes: error.nodes,
    path: error.path,
    // With data beside it the response stays 200 (this error on its path); without, yoga answers 500.
    extensions: { code: 'INTERNAL_SERVER_ERROR', ...(service ? { service } : {}), ...ids },
  });
}

/**
 * The generic part of maskError (after the gateway's own SERVICE_UNAVAILABLE mapping):
 * - a subgraph's error (`extensions.serviceName`) keeps its message only when the subgraph sent it
 *   with a code of its own (UNAUTHENTICATED, FORBIDDEN, INVALID, NOT_FOUND, …); one without a code
 *   (the gateway then marks it DOWNSTREAM_SERVICE_ERROR), or a failure the gateway coded itself
 *   (RESPONSE_VALIDATION_FAILED: a 500 page, …), is internal text and is masked;
 * - the gateway's own GraphQL errors (parse, validation, variables, limits) stay; a document that
 *   cannot be parsed or a request that is not GraphQL answers 400 whatever the Accept header;
 * - anything else (an exception) is masked.
 * A masked error's message names the request id (also in the `x-request-id` response header and in
 * the log line of the original error).
 */
export function maskUnexpected(error) {
  const ext = error.extensions ?? {};
  if (ext.serviceName) {
    const coded = typeof ext.code === 'string' && !GATEWAY_CODES.has(ext.code);
    if (!coded || !isOriginalGraphQLError(error)) return internalError(error, ext.serviceName);
    if (!Object.keys(ext).some((k) => PRIVATE_EXTENSIONS.has(k))) return error;
    return new GraphQLError(error.message, {
      nodes: error.nodes,
      path: error.path,
      extensions: Object.fromEntries(Object.entries(ext).filter(([k]) => !PRIVATE_EXTENSIONS.has(k))),
    });
  }
  if (isOriginalGraphQLError(error)) {
    if ((ext.code === 'GRAPHQL_PARSE_FAILED' || ext.code === 'BAD_REQUEST') && (!ext.http?.status || ext.http.spec)) {
      // GraphQL over HTTP lets application/json answer these with 200; they are malformed input.
      // Changed in place: returning the same error keeps yoga from logging it as an internal one.
      try {
        error.extensions.http = { ...ext.http, spec: false, status: ext.http?.status || 400 };
      } catch {
        // frozen: keep the spec's status
      }
    }
    return error;
  }
  return internalError(error, null);
}

// ------------------------------------------------------------------ documents without literals
const REDACTED_STRING = Object.freeze({ kind: Kind.STRING, value: '<redacted>' });
const REDACTED_OTHER = Object.freeze({ kind: Kind.ENUM, value: 'REDACTED' });
const redactVisitor = {
  StringValue: { leave: () => REDACTED_STRING },
  IntValue: { leave: () => REDACTED_OTHER },
  FloatValue: { leave: () => REDACTED_OTHER },
  BooleanValue: { leave: () => REDACTED_OTHER },
  EnumValue: { leave: () => REDACTED_OTHER },
};
// Documents past the gateway's own limits were refused and are only dropped here: parsing them
// again for every span would cost more than the request did.
const REDACT_DEFAULTS = { maxChars: 32 * 1024, maxTokens: 4000, maxNesting: 64 };
const redactCache = new Map(); // bounded LRU: the same documents come back on every request
const REDACT_CACHE_SIZE = 256;

/** The document printed with every literal replaced (strings by "<redacted>", numbers, booleans
 *  and enum values by REDACTED; null stays), comments dropped; null when it does not parse. */
export function redactDocument(text, limits = REDACT_DEFAULTS) {
  if (typeof text !== 'string') return null;
  if (redactCache.has(text)) {
    const hit = redactCache.get(text);
    redactCache.delete(text);
    redactCache.set(text, hit);
    return hit;
  }
  const { maxChars, maxTokens, maxNesting } = { ...REDACT_DEFAULTS, ...limits };
  if (text.length > maxChars) return null; // not cached: the cache must not hold big strings
  let out = null;
  if (documentNesting(text, maxNesting) <= maxNesting) {
    try {
      out = print(visit(parse(text, { noLocation: true, maxTokens }), redactVisitor));
    } catch {
      out = null;
    }
  }
  redactCache.set(text, out);
  if (redactCache.size > REDACT_CACHE_SIZE) redactCache.delete(redactCache.keys().next().value);
  return out;
}

// Values in free text (exception and status messages, logged errors): quoted strings (except
// $variable names), e-mail addresses, dates and free-standing numbers. Every step is linear in the
// input (no pattern here backtracks more than a bounded amount), only the first 16 KiB are read
// and at most 4 KiB written: a message that quotes a 1 MiB variable costs next to nothing.
const QUOTED = /"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|`(?:[^`\\\n]|\\.)*`/g;
const DATE = /\b\d{4}-\d{1,2}-\d{1,2}(?:[T ][\d:.]{1,20}(?:Z|[+-]\d{2}:?\d{2})?)?\b/g;
const NUMBER = /(?<![\w.:/#-])-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?(?![\w.:/-])/g;
const SCRUB_INPUT_MAX_CHARS = 16 * 1024;
const SCRUB_MAX_CHARS = 4096;
const NOT_IN_EMAIL = new Set([...' \t\n\r\f\v"\'`<>()[]{},;:@']);

function scrubEmails(text) {
  let at = text.indexOf('@');
  if (at === -1) return text;
  let out = '';
  let last = 0;
  while (at !== -1) {
    let a = at;
    while (a > last && !NOT_IN_EMAIL.has(text[a - 1])) a--;
    let b = at + 1;
    while (b < text.length && !NOT_IN_EMAIL.has(text[b])) b++;
    if (a < at && b > at + 1) {
      out += `${text.slice(last, a)}<redacted>`;
      last = b;
    }
    at = text.indexOf('@', Math.max(b, at + 1));
  }
  return out + text.slice(last);
}

// A quote left open where a long text was cut would leave the start of a value unredacted: the
// text then ends before the first quote that is not part of a redacted value or a $variable.
const KEPT_QUOTED = /["'`](?:<redacted>|\$[_A-Za-z][_0-9A-Za-z]*)["'`]/y;
function cutAtStrayQuote(text) {
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c !== '"' && c !== "'" && c !== '`') continue;
    KEPT_QUOTED.lastIndex = i;
    const m = KEPT_QUOTED.exec(text);
    if (!m || m[0][0] !== m[0][m[0].length - 1]) return text.slice(0, i);
    i += m[0].length - 1;
  }
  return text;
}

export function scrubText(text) {
  if (typeof text !== 'string' || !text) return text;
  const cut = text.length > SCRUB_INPUT_MAX_CHARS;
  let out = (cut ? text.slice(0, SCRUB_INPUT_MAX_CHARS) : text).replace(QUOTED, (m) =>
    /^["'`]\$[_A-Za-z][_0-9A-Za-z]*["'`]$/.test(m) ? m : `${m[0]}<redacted>${m[0]}`,
  );
  if (cut) out = cutAtStrayQuote(out);
  const short = out.length > SCRUB_MAX_CHARS ? out.slice(0, SCRUB_MAX_CHARS) : out;
  const scrubbed = scrubEmails(short).replace(DATE, '<redacted>').replace(NUMBER, '<n>');
  return cut || short !== out ? `${scrubbed}…[truncated]` : scrubbed;
}

const DOCUMENT_ATTRIBUTES = new Set(['graphql.document', 'graphql.source', 'graphql.query']);
const URL_ATTRIBUTES = new Set(['http.url', 'url.full', 'http.target']);
const TEXT_ATTRIBUTES = new Set(['exception.message', 'exception.stacktrace', 'error.message']);

function redactAttributes(attributes, limits) {
  if (!attributes) return attributes;
  const out = {};
  for (const [key, value] of Object.entries(attributes)) {
    if (DOCUMENT_ATTRIBUTES.has(key)) {
      const doc = redactDocument(value, limits);
      if (doc != null) out[key] = doc;
    } else if (URL_ATTRIBUTES.has(key) && typeof value === 'string') {
      out[key] = value.replace(/[?#].*$/s, '');
    } else if (key === 'url.query') {
      // dropped: GET /graphql?query=…&variables=…
    } else if (TEXT_ATTRIBUTES.has(key)) {
      out[key] = scrubText(value);
    } else {
      out[key] = value;
    }
  }
  return out;
}

/**
 * A span processor that redacts each span as it ends, while it is still mutable and before the
 * batch processor queues it: `graphql.document` re-printed without literals (removed when it does
 * not parse or is past the gateway's limits), URLs without their query string, exception and status
 * messages without values. Redacting here rather than in the exporter also bounds what the export
 * queue (up to 2,048 spans) holds: a refused 1 MiB document does not wait there for the next export.
 * `limits` (maxChars, maxTokens, maxNesting): pass the gateway's own.
 */
export class RedactingSpanProcessor {
  constructor(limits = {}) {
    this.limits = { ...REDACT_DEFAULTS, ...limits };
  }
  onStart() {}
  onEnding(span) {
    redactSpanInPlace(span, this.limits);
  }
  onEnd() {}
  forceFlush() {
    return Promise.resolve();
  }
  shutdown() {
    return Promise.resolve();
  }
}

export function redactSpanInPlace(span, limits = REDACT_DEFAULTS) {
  const attributes = span.attributes;
  if (attributes) {
    const redacted = redactAttributes(attributes, limits);
    for (const key of Object.keys(attributes)) {
      if (Object.hasOwn(redacted, key)) attributes[key] = redacted[key];
      else delete attributes[key];
    }
  }
  if (span.status?.message) span.status = { ...span.status, message: scrubText(span.status.message) };
  for (const event of span.events ?? []) {
    if (event.attributes) event.attributes = redactAttributes(event.attributes, limits);
  }
}

// ------------------------------------------------------------------ logs
// Attribute keys whose values are never written: documents, variables, request and response
// bodies, subgraph results, WebSocket payloads, credentials.
const DROPPED_LOG_KEYS = new Set([
  'query',
  'document',
  'variables',
  'body',
  'data',
  'payload',
  'params',
  'connectionparams',
  'authorization',
  'cookie',
  'token',
]);
const TEXT_LOG_KEYS = new Set(['message', 'stack', 'reason', 'detail', 'msg']);

export function sanitizeLogValue(value, key = '', depth = 0) {
  if (DROPPED_LOG_KEYS.has(key.toLowerCase())) return '[redacted]';
  if (typeof value === 'string') return TEXT_LOG_KEYS.has(key) ? scrubText(value) : value;
  if (value === null || typeof value !== 'object') return value;
  if (depth > 8) return '[…]';
  if (Array.isArray(value)) return value.map((v) => sanitizeLogValue(v, '', depth + 1));
  const out = {};
  for (const [k, v] of Object.entries(value)) out[k] = sanitizeLogValue(v, k, depth + 1);
  return out;
}

export class ScrubbingLogWriter {
  constructor(inner) {
    this.inner = inner;
  }
  write(level, attrs, msg) {
    let clean = attrs == null ? attrs : sanitizeLogValue(attrs);
    const { requestId } = currentIds();
    if (requestId && (clean == null || (typeof clean === 'object' && !Array.isArray(clean) && !clean.requestId))) {
      clean = { ...(clean ?? {}), requestId };
    }
    const text = msg && (level === 'error' || level === 'warn') ? scrubText(msg) : msg;
    return this.inner.write(level, clean, text);
  }
  flush() {
    return this.inner.flush?.();
  }
}

/** The gateway's logger: LOG_LEVEL (default info), JSON lines when LOG_JSON is set, scrubbed. */
export function createScrubbingLogger() {
  const json = /^(1|true|yes)$/i.test(process.env.LOG_JSON ?? '');
  return new Logger({ writers: [new ScrubbingLogWriter(json ? new JSONLogWriter() : new ConsoleLogWriter())] });
}
