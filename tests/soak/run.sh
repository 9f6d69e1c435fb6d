#!/usr/bin/env bash
# The soak run (make soak): an isolated copy of the stack -- its own Kafka, FerretDB, four services,
# gateway and trace sink, on other ports, with its state under .local/soak/ -- then tests/soak/soak.py
# drives holds and confirmations through it while it kills a consumer, restarts Kafka and restarts
# FerretDB, and checks what was left behind. The shared infrastructure and stack (9092, 27017,
# 4000-4004, 50051-50054, 4319) are never touched: every start, stop and kill goes through pid files
# under .local/soak/. Everything this script started is stopped on exit, failure and Ctrl-C.
#
# Usage: tests/soak/run.sh [soak.py options]        (make soak; RUNS=3 by default)
# Env:   SOAK_PORT_BASE  first port of the block used (default 14000):
#          gateway BASE, services BASE+1..4, gRPC BASE+1051..1054, trace sink BASE+319,
#          Kafka BASE+5092 (controller BASE+5093), FerretDB BASE+13117
#        SOAK_STATE_DIR  state, logs and data (default .local/soak; emptied at start)
#        SOAK_KAFKA_HEAP JVM options of the soak's Kafka (default -Xms256m -Xmx512m, C1 only)
#        SOAK_KEEP=1     leave the isolated stack running afterwards (for a look; stop it with
#                        SOAK_KEEP=0 tests/soak/run.sh --stop-only)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
PY="$ROOT/.venv/bin/python"
BASE="${SOAK_PORT_BASE:-14000}"
STATE="${SOAK_STATE_DIR:-$ROOT/.local/soak}"

say() { printf '[soak] %s\n' "$*"; }
die() { printf '[soak] ERROR: %s\n' "$*" >&2; exit 2; }

[[ "$BASE" =~ ^[0-9]+$ && "$BASE" -ge 1024 && "$BASE" -le 52000 ]] \
  || die "SOAK_PORT_BASE must be a number between 1024 and 52000 (got '$BASE')"
[[ -x "$PY" ]] || die "$PY is missing: run 'make setup' (make soak does)"
mkdir -p "$STATE"
[[ "$(cd "$STATE" && pwd -P)" != "$(mkdir -p "$ROOT/.local" && cd "$ROOT/.local" && pwd -P)" ]] \
  || die "SOAK_STATE_DIR must not be .local itself: that is the shared stack's state"
# The state directory is emptied at start: only the default one, one the soak made (marked), or
# an empty one.
if [[ "$STATE" != "$ROOT/.local/soak" && ! -f "$STATE/.slate-soak" && -n "$(ls -A "$STATE")" ]]; then
  die "$STATE is not empty and was not made by the soak; choose another SOAK_STATE_DIR"
fi
touch "$STATE/.slate-soak"

# ---------------------------------------------------------------- the isolated copy's settings
# C1 only: the JVM starts in about half the time on a busy 2-core machine (restarted every run).
eval "$(ISOLATED_STATE_DIR="$STATE" \
  ISOLATED_KAFKA_HEAP="${SOAK_KAFKA_HEAP:--Xms256m -Xmx512m -XX:TieredStopAtLevel=1}" \
  "$ROOT/deploy/local/isolated.sh" env "$BASE")"
export SOAK_GATEWAY_URL="http://127.0.0.1:$BASE/graphql"
PORTS=("$BASE" $((BASE + 1)) $((BASE + 2)) $((BASE + 3)) $((BASE + 4)) $((BASE + 1051))
  $((BASE + 1052)) $((BASE + 1053)) $((BASE + 1054)) $((BASE + 319)) "$INFRA_KAFKA_PORT"
  "$INFRA_KAFKA_CONTROLLER_PORT" "$INFRA_FERRETDB_PORT")

stop_all() {  # only what the pid files under $STATE name (the scripts check each is ours)
  [[ -d "$STATE/run" ]] || return 0
  "$ROOT/deploy/local/stack.sh" stop 2>&1 | sed 's/^/  /' || true
  "$ROOT/deploy/local/infra.sh" stop ferretdb kafka 2>&1 | sed 's/^/  /' || true
}

port_user() {  # port_user PORT -> "" when free on 127.0.0.1, else who holds it
  if (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; then
    local line; line="$(ss -Hltnp "sport = :$1" 2>/dev/null | head -n1 || true)"
    printf '%s' "${line:-something}"
  fi
}

if [[ "${1:-}" == --stop-only ]]; then stop_all; exit 0; fi

# A previous soak interrupted hard (SIGKILL) may have left its processes: stop them by their pid
# files before the state is wiped, then insist that the whole port block is free.
stop_all
for port in "${PORTS[@]}"; do
  user="$(port_user "$port")"
  [[ -z "$user" ]] || die "port $port is in use ($user); the soak needs ${PORTS[*]} free on \
127.0.0.1 (another SOAK_PORT_BASE picks another block)"
done
find "$STATE" -mindepth 1 -delete
mkdir -p "$STATE/logs"
touch "$STATE/.slate-soak"

harness=""
cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  if [[ -n "$harness" ]] && kill -0 "$harness" 2>/dev/null; then
    say "stopping the harness (pid $harness) and the scripts it runs"
    kill -TERM -- "-$harness" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$harness" 2>/dev/null || break; sleep 0.1; done
    kill -KILL -- "-$harness" 2>/dev/null || true
  fi
  if [[ "${SOAK_KEEP:-0}" == 1 ]]; then
    say "SOAK_KEEP=1: the isolated stack keeps running (gateway $SOAK_GATEWAY_URL); stop it with tests/soak/run.sh --stop-only"
  else
    say "stopping the isolated stack and infrastructure"
    stop_all
  fi
  say "logs: ${STATE#"$ROOT"/}/logs/"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

t0=$SECONDS
say "isolated copy: gateway :$BASE, services :$((BASE + 1))-$((BASE + 4)), Kafka :$INFRA_KAFKA_PORT, FerretDB :$INFRA_FERRETDB_PORT, state ${STATE#"$ROOT"/}"
"$ROOT/deploy/local/infra.sh" start kafka ferretdb
"$ROOT/deploy/local/stack.sh" start
say "isolated stack up in $((SECONDS - t0))s"

# In its own process group, waited for in the background: a TERM or INT to this script runs the
# trap at once (bash defers traps while a foreground child runs), and the trap stops the group.
setsid "$PY" "$ROOT/tests/soak/soak.py" "$@" &
harness=$!
wait "$harness"
