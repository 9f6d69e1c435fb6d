#!/usr/bin/env bash
# The Slate application processes on loopback: the four services, the gateway and a trace sink.
# Infrastructure (Kafka, FerretDB) is deploy/local/infra.sh's job; this script expects it running.
#
# Usage: deploy/local/stack.sh start|stop|status|restart
#   start   starts whatever is not already running and healthy, then waits until every
#           /readyz answers 200 and the gateway answers a query
#   Env:    OTEL_EXPORTER_OTLP_ENDPOINT  where traces go (default: the local trace sink
#           on 127.0.0.1:4319, writing .local/traces.jsonl)
#           STACK_TIMEOUT                readiness wait, seconds (default 90)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
LOCAL="$ROOT/.local"
RUN="$LOCAL/run"
LOGS="$LOCAL/logs"
PY="$ROOT/.venv/bin/python"
TIMEOUT="${STACK_TIMEOUT:-90}"
SINK_PORT=4319
export OTEL_EXPORTER_OTLP_ENDPOINT="${OTEL_EXPORTER_OTLP_ENDPOINT:-http://127.0.0.1:$SINK_PORT}"
export SLATE_HOME="$ROOT"

# name:port of each Python service (HTTP); gRPC ports follow DESIGN.md (50051-50054).
SERVICES=(casting:4001 payroll:4002 scheduling:4003 legal:4004)
GATEWAY_PORT=4000
WEB_PORT=3000  # web/server.mjs: the built app (make web-build), /graphql proxied to the gateway

mkdir -p "$RUN" "$LOGS"
say() { printf '[stack] %s\n' "$*"; }
die() { printf '[stack] ERROR: %s\n' "$*" >&2; exit 1; }

alive() {  # alive NAME -> 0 when our pid file names a live process of ours
  local pid
  pid="$(cat "$RUN/$1.pid" 2>/dev/null || true)"
  [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null && grep -qa "SLATE_PROC=$1" "/proc/$pid/environ" 2>/dev/null
}

http_ok() {  # http_ok URL -> 0 on HTTP 200
  curl -fsS -o /dev/null --max-time 3 "$1" 2>/dev/null
}

port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

launch() {  # launch NAME PORT CMD... : start in the background with its own log and pid file
  local name="$1" port="$2"; shift 2
  if alive "$name"; then return 0; fi
  if port_busy "$port"; then
    die "port $port (for $name) is in use by another process; stop it or run 'make stop'"
  fi
  : >"$LOGS/$name.log"
  SLATE_PROC="$name" setsid "$@" >>"$LOGS/$name.log" 2>&1 < /dev/null &
  echo $! >"$RUN/$name.pid"
  say "started $name (pid $!, log .local/logs/$name.log)"
}

wait_for() {  # wait_for NAME URL
  local name="$1" url="$2" deadline=$((SECONDS + TIMEOUT))
  until http_ok "$url"; do
    if ! alive "$name"; then
      tail -n 30 "$LOGS/$name.log" >&2 || true
      die "$name exited during start; see .local/logs/$name.log"
    fi
    if (( SECONDS > deadline )); then
      tail -n 30 "$LOGS/$name.log" >&2 || true
      die "$name not ready after ${TIMEOUT}s ($url); see .local/logs/$name.log"
    fi
    sleep 0.3
  done
}

start() {
  [[ -x "$PY" ]] || die "$PY missing: run 'make setup'"
  if [[ "$OTEL_EXPORTER_OTLP_ENDPOINT" == "http://127.0.0.1:$SINK_PORT" ]]; then
    launch trace-sink "$SINK_PORT" "$PY" -m slate_tools.trace_sink --port "$SINK_PORT" --out "$LOCAL/traces.jsonl"
  fi
  for entry in "${SERVICES[@]}"; do
    launch "${entry%%:*}" "${entry##*:}" "$PY" -m "${entry%%:*}"
  done
  for entry in "${SERVICES[@]}"; do
    wait_for "${entry%%:*}" "http://127.0.0.1:${entry##*:}/readyz"
  done
  launch gateway "$GATEWAY_PORT" bash "$ROOT/services/gateway/start.sh"
  wait_for gateway "http://127.0.0.1:$GATEWAY_PORT/readiness"
  if [[ -f "$ROOT/web/dist/index.html" ]]; then
    launch web "$WEB_PORT" "$ROOT/deploy/local/node.sh" "$ROOT/web/server.mjs"
    wait_for web "http://127.0.0.1:$WEB_PORT/healthz"
    say "web app at http://127.0.0.1:$WEB_PORT/"
  fi
  say "ready: GraphQL at http://127.0.0.1:$GATEWAY_PORT/graphql"
}

stop() {
  for name in web gateway casting payroll scheduling legal trace-sink; do
    if alive "$name"; then
      local pid; pid="$(cat "$RUN/$name.pid")"
      kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
      for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      kill -KILL -- "-$pid" 2>/dev/null || true
      say "stopped $name"
    fi
    rm -f "$RUN/$name.pid"
  done
}

status() {
  for name in trace-sink casting payroll scheduling legal gateway web; do
    if alive "$name"; then say "$name: running (pid $(cat "$RUN/$name.pid"))"; else say "$name: stopped"; fi
  done
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  restart) stop; start ;;
  status) status ;;
  *) echo "usage: $0 start|stop|restart|status" >&2; exit 2 ;;
esac
