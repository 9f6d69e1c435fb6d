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
#   A second, isolated stack (tests/soak runs one beside the shared one) is chosen by:
#           STACK_STATE_DIR              run/ (pid files), logs/, traces.jsonl and
#                                        gateway/supergraph.graphql live here (default .local)
#           SLATE_<SVC>_HTTP_PORT / SLATE_<SVC>_GRPC_PORT   a service's ports, read by the
#                                        service itself (defaults 4001-4004 / 50051-50054); when
#                                        set, its peers' SLATE_<SVC>_GRPC and the gateway's
#                                        SLATE_<SVC>_URL follow unless those are set too
#           SLATE_GATEWAY_PORT (4000), STACK_SINK_PORT (4319), SLATE_WEB_PORT (3000; the web
#                                        server reads it, and SLATE_GATEWAY_URL for its upstream)
#           STACK_WEB=0                  do not start the web app even when web/dist exists
#           STACK_LOG_MAX_BYTES (10 MiB), STACK_LOG_KEEP (3)   each process's log under logs/
#                                        rotates at that size, that many older files kept
#                                        (deploy/local/logpipe.py)
#           SLATE_MONGO_URL, SLATE_KAFKA_BOOTSTRAP   the infrastructure (read by the services)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
LOCAL="${STACK_STATE_DIR:-$ROOT/.local}"
RUN="$LOCAL/run"
LOGS="$LOCAL/logs"
PY="$ROOT/.venv/bin/python"
TIMEOUT="${STACK_TIMEOUT:-90}"
SINK_PORT="${STACK_SINK_PORT:-4319}"
export OTEL_EXPORTER_OTLP_ENDPOINT="${OTEL_EXPORTER_OTLP_ENDPOINT:-http://127.0.0.1:$SINK_PORT}"
export SLATE_HOME="$ROOT"
if [[ -n "${STACK_STATE_DIR:-}" && -z "${SLATE_SUPERGRAPH:-}" ]]; then
  export SLATE_SUPERGRAPH="$LOCAL/gateway/supergraph.graphql"  # not the shared gateway's file
fi

# name:port of each Python service (HTTP); gRPC ports follow DESIGN.md (50051-50054).
SERVICES=(casting:4001 payroll:4002 scheduling:4003 legal:4004)
for i in "${!SERVICES[@]}"; do
  name="${SERVICES[$i]%%:*}"; NAME="${name^^}"
  http_var="SLATE_${NAME}_HTTP_PORT" grpc_var="SLATE_${NAME}_GRPC_PORT"
  if [[ -n "${!http_var:-}" ]]; then
    SERVICES[i]="$name:${!http_var}"
    url_var="SLATE_${NAME}_URL"
    [[ -n "${!url_var:-}" ]] || export "$url_var=http://127.0.0.1:${!http_var}/graphql"
  fi
  if [[ -n "${!grpc_var:-}" ]]; then
    target_var="SLATE_${NAME}_GRPC"
    [[ -n "${!target_var:-}" ]] || export "$target_var=127.0.0.1:${!grpc_var}"
  fi
done
GATEWAY_PORT="${SLATE_GATEWAY_PORT:-4000}"
WEB_PORT="${SLATE_WEB_PORT:-3000}"  # web/server.mjs: the built app (make web-build), /graphql proxied to the gateway

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
  # Output through logpipe.py: the log rotates by size (STACK_LOG_MAX_BYTES, STACK_LOG_KEEP);
  # $! is still the process itself (the pipe's reader is forked by the redirection). The reader
  # must not hold this script's own output open, or a caller reading it (`stack.sh | tail`)
  # would wait for the stack to stop.
  SLATE_PROC="$name" setsid "$@" \
    > >(exec "$PY" "$ROOT/deploy/local/logpipe.py" "$LOGS/$name.log" >/dev/null 2>&1) \
    2>&1 < /dev/null &
  echo $! >"$RUN/$name.pid"
  say "started $name (pid $!, log ${LOGS#"$ROOT"/}/$name.log)"
}

wait_for() {  # wait_for NAME URL
  local name="$1" url="$2" deadline=$((SECONDS + TIMEOUT))
  until http_ok "$url"; do
    if ! alive "$name"; then
      tail -n 30 "$LOGS/$name.log" >&2 || true
      die "$name exited during start; see ${LOGS#"$ROOT"/}/$name.log"
    fi
    if (( SECONDS > deadline )); then
      tail -n 30 "$LOGS/$name.log" >&2 || true
      die "$name not ready after ${TIMEOUT}s ($url); see ${LOGS#"$ROOT"/}/$name.log"
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
  if [[ "${STACK_WEB:-1}" != 0 && -f "$ROOT/web/dist/index.html" ]]; then
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
