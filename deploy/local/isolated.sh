#!/usr/bin/env bash
# A private copy of the whole stack -- its own Kafka, FerretDB, four services, gateway and trace
# sink on a block of ports, its state under one directory -- for an engineer who must run the
# end-to-end tests against code that the shared stack (make run, ports 4000-4004) is not running.
# The shared infrastructure and stack are never touched: every start and stop goes through pid
# files under the state directory. It is the soak run's isolation (tests/soak/run.sh), kept running.
#
# Usage: deploy/local/isolated.sh start|stop|restart-app|env BASE
#   start        infrastructure and stack on the block BASE.. (state .local/isolated-BASE, emptied)
#   restart-app  the services and gateway again (new code), keeping Kafka and FerretDB and data
#   stop         everything this script started for BASE
#   env          the exports that point tests and tools at that copy:
#                  eval "$(deploy/local/isolated.sh env 24000)"; .venv/bin/pytest tests/e2e/test_x.py
# Ports: gateway BASE, services BASE+1..4, gRPC BASE+1051..1054, trace sink BASE+319,
#        Kafka BASE+5092 (controller BASE+5093), FerretDB BASE+13117.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cmd="${1:-}" BASE="${2:-}"
die() { printf '[isolated] ERROR: %s\n' "$*" >&2; exit 2; }
[[ "$BASE" =~ ^[0-9]+$ && "$BASE" -ge 1024 && "$BASE" -le 52000 ]] \
  || die "usage: $0 start|stop|restart-app|env BASE (BASE a port number 1024-52000, e.g. 24000)"
[[ "$BASE" != 4000 ]] || die "4000 is the shared stack's block"
# The soak run (tests/soak/run.sh) takes these exports too, with its own state directory and heap.
STATE="${ISOLATED_STATE_DIR:-$ROOT/.local/isolated-$BASE}"
HEAP="${ISOLATED_KAFKA_HEAP:--Xms256m -Xmx512m -XX:TieredStopAtLevel=1}"

exports() {
  cat <<EOF
export INFRA_STATE_DIR="$STATE" STACK_STATE_DIR="$STATE"
export INFRA_KAFKA_PORT=$((BASE + 5092)) INFRA_KAFKA_CONTROLLER_PORT=$((BASE + 5093))
export INFRA_FERRETDB_PORT=$((BASE + 13117))
export KAFKA_HEAP="$HEAP"
export SLATE_KAFKA_BOOTSTRAP="127.0.0.1:$((BASE + 5092))"
export SLATE_MONGO_URL="mongodb://127.0.0.1:$((BASE + 13117))/?directConnection=true&retryWrites=false"
export SLATE_CASTING_HTTP_PORT=$((BASE + 1)) SLATE_PAYROLL_HTTP_PORT=$((BASE + 2))
export SLATE_SCHEDULING_HTTP_PORT=$((BASE + 3)) SLATE_LEGAL_HTTP_PORT=$((BASE + 4))
export SLATE_CASTING_GRPC_PORT=$((BASE + 1051)) SLATE_PAYROLL_GRPC_PORT=$((BASE + 1052))
export SLATE_SCHEDULING_GRPC_PORT=$((BASE + 1053)) SLATE_LEGAL_GRPC_PORT=$((BASE + 1054))
export SLATE_GATEWAY_PORT=$BASE STACK_SINK_PORT=$((BASE + 319)) STACK_WEB=0
export SLATE_GATEWAY_URL="http://127.0.0.1:$BASE/graphql"
unset SLATE_CASTING_GRPC SLATE_PAYROLL_GRPC SLATE_SCHEDULING_GRPC SLATE_LEGAL_GRPC \
  SLATE_CASTING_URL SLATE_PAYROLL_URL SLATE_SCHEDULING_URL SLATE_LEGAL_URL SLATE_SUPERGRAPH \
  OTEL_EXPORTER_OTLP_ENDPOINT OTEL_EXPORTER_OTLP_TRACES_ENDPOINT SLATE_DATABASE
EOF
}

case "$cmd" in
  env) exports ;;
  start)
    eval "$(exports)"
    "$0" stop "$BASE" >/dev/null 2>&1 || true
    mkdir -p "$STATE" && find "$STATE" -mindepth 1 -delete && mkdir -p "$STATE/logs"
    "$ROOT/deploy/local/infra.sh" start kafka ferretdb
    "$ROOT/deploy/local/stack.sh" start
    printf '[isolated] up: gateway %s; point tests at it with: eval "$(%s env %s)"\n' \
      "$SLATE_GATEWAY_URL" "$0" "$BASE"
    ;;
  restart-app)
    eval "$(exports)"
    "$ROOT/deploy/local/stack.sh" stop
    "$ROOT/deploy/local/stack.sh" start
    ;;
  stop)
    eval "$(exports)"
    [[ -d "$STATE/run" ]] || exit 0
    "$ROOT/deploy/local/stack.sh" stop || true
    "$ROOT/deploy/local/infra.sh" stop ferretdb kafka || true
    ;;
  *) die "unknown command '$cmd' (start|stop|restart-app|env)" ;;
esac
