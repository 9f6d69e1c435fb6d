// The GraphQL client: urql with the normalised cache, HTTP for queries and mutations and
// graphql-ws (through the same origin's /graphql, proxied to the gateway) for subscriptions.
// One client per signed-in token; signing out disposes it.
import { Client, fetchExchange, mapExchange, subscriptionExchange } from 'urql';
import { createClient as createWsClient, type Client as WsClient } from 'graphql-ws';
import { slateCache } from './cache';

export type LiveState = 'connecting' | 'connected' | 'closed';

/** The WebSocket's state, for the "live" indicator (useSyncExternalStore). */
export class LiveStatus {
  private state: LiveState = 'closed';
  private listeners = new Set<() => void>();
  get = (): LiveState => this.state;
  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };
  set(state: LiveState): void {
    if (state === this.state) return;
    this.state = state;
    for (const l of this.listeners) l();
  }
}

export interface SlateClient {
  client: Client;
  live: LiveStatus;
  dispose(): void;
}

export function graphqlUrl(loc: Pick<Location, 'protocol' | 'host'> = window.location): { http: string; ws: string } {
  const ws = loc.protocol === 'https:' ? 'wss:' : 'ws:';
  return { http: `${loc.protocol}//${loc.host}/graphql`, ws: `${ws}//${loc.host}/graphql` };
}

function isUnauthenticated(error: { response?: { status?: number }; graphQLErrors: readonly { extensions?: Record<string, unknown> }[] }): boolean {
  return error.response?.status === 401 || error.graphQLErrors.some((e) => e.extensions?.code === 'UNAUTHENTICATED');
}

export function makeClient(token: string, onUnauthenticated: () => void): SlateClient {
  const urls = graphqlUrl();
  const live = new LiveStatus();
  const ws: WsClient = createWsClient({
    url: urls.ws,
    lazy: true,
    keepAlive: 15_000,
    retryAttempts: 20,
    shouldRetry: () => true,
    connectionParams: { Authorization: `Bearer ${token}` },
    on: {
      connecting: () => live.set('connecting'),
      connected: () => live.set('connected'),
      closed: () => live.set('closed'),
    },
  });
  const client = new Client({
    url: urls.http,
    requestPolicy: 'cache-and-network',
    fetchOptions: () => ({ headers: { Authorization: `Bearer ${token}` } }),
    exchanges: [
      mapExchange({
        onError(error) {
          if (isUnauthenticated(error)) onUnauthenticated();
        },
      }),
      slateCache(),
      fetchExchange,
      subscriptionExchange({
        forwardSubscription(request) {
          const input = { ...request, query: request.query ?? '' };
          return {
            subscribe(sink) {
              const unsubscribe = ws.subscribe(input, sink);
              return { unsubscribe };
            },
          };
        },
      }),
    ],
  });
  return { client, live, dispose: () => void ws.dispose() };
}
