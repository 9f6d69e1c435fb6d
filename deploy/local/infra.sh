#!/usr/bin/env bash
# Local infrastructure for Slate, on loopback, without Docker:
#   Kafka 4.x (KRaft, one process)   127.0.0.1:9092 (controller 9093)   from Maven Central
#   FerretDB v1.24 (SQLite backend)   127.0.0.1:27017                   from the Go module proxy,
#                                                                       + ferretdb/patches (index use)
#   gateway npm packages + Node 24    services/gateway/node_modules       from npm
#   Jaeger v2 all-in-one (optional)   127.0.0.1:16686, OTLP 4317/4318    from the Go module proxy
#
# Usage: deploy/local/infra.sh install|start|stop|restart|status [COMPONENT...]
#   install  default: kafka ferretdb gateway      (idempotent; cached under .local/)
#   start    default: kafka ferretdb              (installs what is missing; reuses a healthy
#                                                  instance; waits for a real protocol answer)
#   stop     default: every component this checkout started
#   status   default: kafka ferretdb jaeger
# Components: kafka ferretdb gateway jaeger.   Env: INFRA_TIMEOUT (readiness, seconds; 90).
# A second, isolated instance (tests/soak runs one beside the shared one) is chosen by:
#   INFRA_STATE_DIR   run/ (pid files, lock), logs/, kafka/data, kafka/server.properties and
#                     ferretdb/data live here (default .local; installs stay in .local either way)
#   INFRA_KAFKA_PORT (9092), INFRA_KAFKA_CONTROLLER_PORT (9093), INFRA_FERRETDB_PORT (27017)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
HERE="$ROOT/deploy/local"
LOCAL="$ROOT/.local"
STATE="${INFRA_STATE_DIR:-$LOCAL}"  # what one instance owns; the installs below stay in .local
RUN="$STATE/run"
LOGS="$STATE/logs"
BIN="$LOCAL/bin"
PY="$ROOT/.venv/bin/python"
TIMEOUT="${INFRA_TIMEOUT:-90}"

KAFKA_HOME="$LOCAL/kafka"
KAFKA_LIBS="$KAFKA_HOME/libs"
KAFKA_DATA="$STATE/kafka/data"
KAFKA_CONFIG="$STATE/kafka/server.properties"
KAFKA_ADDR="127.0.0.1:${INFRA_KAFKA_PORT:-9092}"
KAFKA_CONTROLLER_PORT="${INFRA_KAFKA_CONTROLLER_PORT:-9093}"
KAFKA_HEAP="${KAFKA_HEAP:--Xms512m -Xmx1g}"

FERRET_BIN="$BIN/ferretdb"
FERRET_BUILD="$LOCAL/ferretdb/build"
FERRET_DATA="$STATE/ferretdb/data"
FERRET_ADDR="127.0.0.1:${INFRA_FERRETDB_PORT:-27017}"

GATEWAY="$ROOT/services/gateway"

JAEGER_BIN="$BIN/jaeger"
JAEGER_ADDR=127.0.0.1:16686

mkdir -p "$RUN" "$LOGS" "$BIN"

say() { printf '[infra] %s\n' "$*"; }
die() { printf '[infra] ERROR: %s\n' "$*" >&2; exit 1; }

need() {  # need CMD "what it is for"
  command -v "$1" >/dev/null 2>&1 || die "'$1' not found on PATH: it is needed $2. Install it (see deploy/local/README.md)."
}

need_venv() {
  [[ -x "$PY" ]] || die "$PY is missing: the readiness checks use pymongo/aiokafka from the workspace. Run 'make setup' first."
}

# A fingerprint of the files that define an install; stored next to the installed thing.
fingerprint() { cat "$@" | sha256sum | cut -d' ' -f1; }

# A timer for the install logs (cold/warm times are reported in README.md).
timed() {  # timed LABEL CMD...
  local label="$1" t0=$SECONDS; shift
  "$@"
  say "$label took $((SECONDS - t0))s"
}

# ---------------------------------------------------------------- process helpers
pid_of() { [[ -f "$RUN/$1.pid" ]] && cat "$RUN/$1.pid" || true; }

running() {  # running NAME -> 0 when the pid file names a live process started by us
  local pid; pid="$(pid_of "$1")"
  [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null && grep -qa "slate-local-$1" "/proc/$pid/environ" 2>/dev/null
}

port_owner() {  # port_owner PORT -> "pid=N (cmd)" or "" when nothing listens on 127.0.0.1:PORT
  local port="$1" line
  if command -v ss >/dev/null 2>&1; then
    line="$(ss -Hltnp "sport = :$port" 2>/dev/null | head -n1 || true)"
    [[ -z "$line" ]] && return 0
    if [[ "$line" =~ pid=([0-9]+) ]]; then
      local p="${BASH_REMATCH[1]}"
      printf 'pid=%s (%s)' "$p" "$(tr '\0' ' ' </proc/"$p"/cmdline 2>/dev/null | cut -c1-120)"
    else
      printf 'an unknown process'
    fi
  elif (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    printf 'an unknown process'
  fi
}

# Runs CMD... detached (own session), logging to LOG, marks it with SLATE_INFRA=slate-local-NAME,
# and writes its pid file.
launch() {  # launch NAME LOG CMD...
  local name="$1" log="$2"; shift 2
  printf '\n===== %s start %s =====\n' "$name" "$(date -Is)" >>"$log"
  # 9>&- : the daemon must not inherit (and hold forever) infra.sh's lock.
  SLATE_INFRA="slate-local-$name" setsid nohup "$@" >>"$log" 2>&1 </dev/null 8>&- 9>&- &
  echo $! >"$RUN/$name.pid"
}

wait_ready() {  # wait_ready NAME KIND ADDR LOG
  local name="$1" kind="$2" addr="$3" log="$4" rc=0
  "$PY" "$HERE/ready.py" "$kind" "$addr" --timeout "$TIMEOUT" --pid "$(pid_of "$name")" || rc=$?
  case $rc in
    0) ;;
    3) rm -f "$RUN/$name.pid"
       die "$name exited during start-up. Its log: $log (last lines below)
$(tail -n 25 "$log")" ;;
    *) die "$name did not answer on $addr within ${TIMEOUT}s (still starting? raise INFRA_TIMEOUT). Its log: $log" ;;
  esac
}

# Common start logic. Returns 0 if already serving (ours, or a foreign healthy one), 1 if it must
# be launched; dies when the port is taken by something that does not answer the protocol.
precheck_start() {  # precheck_start NAME KIND ADDR [EXTRA_PORT...]
  local name="$1" kind="$2" addr="$3"; shift 3
  if running "$name"; then
    if "$PY" "$HERE/ready.py" "$kind" "$addr" --timeout 2 --quiet; then
      say "$name already running (pid $(pid_of "$name")), healthy on $addr"
      return 0
    fi
    say "$name (pid $(pid_of "$name")) is running but not answering yet; waiting"
    wait_ready "$name" "$kind" "$addr" "$LOGS/$name.log"
    return 0
  fi
  rm -f "$RUN/$name.pid"
  local port owner
  for port in "${addr##*:}" "$@"; do
    owner="$(port_owner "$port")"
    [[ -z "$owner" ]] && continue
    if [[ "$port" == "${addr##*:}" ]] && "$PY" "$HERE/ready.py" "$kind" "$addr" --timeout 2 --quiet; then
      say "WARNING: port $port is served by $owner, not started by this checkout, and it answers as $kind: using it as is."
      return 0
    fi
    die "port $port is in use by $owner, which is not this checkout's $name (or does not answer as $kind). Stop it, then retry."
  done
  return 1
}

stop_one() {  # stop_one NAME [GRACE_SECONDS]
  local name="$1" grace="${2:-30}" pid
  if ! running "$name"; then
    rm -f "$RUN/$name.pid"
    say "$name not running (for this checkout)"
    return 0
  fi
  pid="$(pid_of "$name")"
  say "stopping $name (pid $pid)"
  kill -TERM "$pid" 2>/dev/null || true
  local i
  for ((i = 0; i < grace * 10; i++)); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "$pid" 2>/dev/null; then
    say "$name did not stop in ${grace}s; killing it"
    kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$RUN/$name.pid"
}

status_one() {  # status_one NAME KIND ADDR
  local name="$1" kind="$2" addr="$3" detail
  if running "$name"; then
    if detail="$("$PY" "$HERE/ready.py" "$kind" "$addr" --timeout 2 2>&1)"; then
      say "$name: running (pid $(pid_of "$name")), $detail"
    else
      say "$name: running (pid $(pid_of "$name")) but NOT answering on $addr"
    fi
  else
    local owner; owner="$(port_owner "${addr##*:}")"
    if [[ -n "$owner" ]]; then
      say "$name: not started by this checkout, but $addr is in use by $owner"
    else
      say "$name: stopped"
    fi
  fi
}

# ---------------------------------------------------------------- Kafka
install_kafka() {
  need java "to run Kafka (Java 17+)"
  need mvn "to fetch the Kafka jars from Maven Central"
  local fp; fp="$(fingerprint "$HERE/kafka/pom.xml")"
  if [[ -f "$KAFKA_LIBS/.installed" && "$(cat "$KAFKA_LIBS/.installed")" == "$fp" ]]; then
    say "kafka: jars up to date in $KAFKA_LIBS"
    return 0
  fi
  say "kafka: fetching jars (mvn, cached in ~/.m2)"
  rm -rf "$KAFKA_LIBS.tmp"
  timed "kafka jars" mvn -B -q -Dstyle.color=never -f "$HERE/kafka/pom.xml" dependency:copy-dependencies \
    -DoutputDirectory="$KAFKA_LIBS.tmp" >"$LOGS/kafka-install.log" 2>&1 \
    || die "mvn could not fetch the Kafka jars; its output: $LOGS/kafka-install.log
$(tail -n 30 "$LOGS/kafka-install.log")"
  rm -rf "$KAFKA_LIBS"
  mv "$KAFKA_LIBS.tmp" "$KAFKA_LIBS"
  echo "$fp" >"$KAFKA_LIBS/.installed"
}

kafka_java() {  # kafka_java JVM_ARGS... -- MAIN ARGS...
  java -Djava.awt.headless=true \
    -Dlog4j2.configurationFile="$HERE/kafka/log4j2.xml" -Dkafka.logs.dir="$LOGS" \
    -cp "$KAFKA_LIBS/*" "$@"
}

start_kafka() {
  need java "to run Kafka (Java 17+)"
  need_venv
  precheck_start kafka kafka "$KAFKA_ADDR" "$KAFKA_CONTROLLER_PORT" && return 0
  install_kafka
  mkdir -p "$KAFKA_DATA"
  # The template's listeners are 127.0.0.1:9092/9093; another instance gets its own ports.
  sed -e "s#@KAFKA_DATA@#$KAFKA_DATA#g" -e "s#127\.0\.0\.1:9092#$KAFKA_ADDR#g" \
    -e "s#127\.0\.0\.1:9093#127.0.0.1:$KAFKA_CONTROLLER_PORT#g" \
    "$HERE/kafka/server.properties" >"$KAFKA_CONFIG"
  if [[ ! -f "$KAFKA_DATA/meta.properties" ]]; then
    local cid
    cid="$(kafka_java kafka.tools.StorageTool random-uuid 2>>"$LOGS/kafka.log")"
    say "kafka: formatting $KAFKA_DATA (cluster id $cid, standalone KRaft controller)"
    kafka_java kafka.tools.StorageTool format --standalone -t "$cid" \
      -c "$KAFKA_CONFIG" >>"$LOGS/kafka.log" 2>&1 \
      || die "kafka storage format failed; see $LOGS/kafka.log"
  fi
  say "kafka: starting on $KAFKA_ADDR (log $LOGS/kafka.log)"
  local t0=$SECONDS
  # shellcheck disable=SC2086  # KAFKA_HEAP is a list of JVM options
  launch kafka "$LOGS/kafka.log" java $KAFKA_HEAP -XX:+UseG1GC -XX:MaxGCPauseMillis=20 \
    -XX:+ExitOnOutOfMemoryError -Djava.awt.headless=true \
    -Dlog4j2.configurationFile="$HERE/kafka/log4j2.xml" -Dkafka.logs.dir="$LOGS" \
    -cp "$KAFKA_LIBS/*" kafka.Kafka "$KAFKA_CONFIG"
  wait_ready kafka kafka "$KAFKA_ADDR" "$LOGS/kafka.log"
  say "kafka: ready in $((SECONDS - t0))s (pid $(pid_of kafka))"
}

# ---------------------------------------------------------------- FerretDB
# FerretDB is built from its module on the Go module proxy with the patches in ferretdb/patches
# applied (see ferretdb/patches/README.md: upstream's SQLite backend never uses an index, so every
# query scanned its collection). The launcher module is built against the patched copy through a
# `replace` in a scratch copy of its go.mod; the committed go.mod stays a plain module.
ferretdb_fingerprint() {
  local src="$HERE/ferretdb"
  fingerprint "$src/go.mod" "$src/go.sum" "$src/main.go" "$src"/patches/*.patch
}

install_ferretdb() {
  need go "to build FerretDB (Go 1.24+)"
  command -v git >/dev/null 2>&1 || need patch "to apply deploy/local/ferretdb/patches (or git)"
  local src="$HERE/ferretdb" fp mod dir p
  fp="$(ferretdb_fingerprint)"
  if [[ -x "$FERRET_BIN" && -f "$FERRET_BIN.installed" && "$(cat "$FERRET_BIN.installed")" == "$fp" ]]; then
    say "ferretdb: binary up to date at $FERRET_BIN"
    return 0
  fi
  say "ferretdb: building from the Go module proxy, with $(ls "$src"/patches/*.patch | wc -l) patch(es) (a cold build takes minutes; cached after)"
  (cd "$src" && go mod download github.com/FerretDB/FerretDB) \
    || die "go mod download of FerretDB failed (see the output above)"
  mod="$(cd "$src" && go list -m -f '{{.Path}}@{{.Version}}' github.com/FerretDB/FerretDB)"
  dir="$(cd "$src" && go list -m -f '{{.Dir}}' github.com/FerretDB/FerretDB)"
  [[ -d "$dir" ]] || die "cannot find the source of $mod in the Go module cache"
  rm -rf "$FERRET_BUILD"
  mkdir -p "$FERRET_BUILD/launcher"
  cp -R "$dir" "$FERRET_BUILD/src"
  chmod -R u+w "$FERRET_BUILD/src"
  for p in "$src"/patches/*.patch; do
    # The build directory lies inside this repository's work tree (.local is git-ignored): git
    # would take it for a subdirectory of our repository and silently skip every path of the
    # patch, so git is kept from looking above the build directory, and the result is checked
    # (the patch must now reverse cleanly).
    (cd "$FERRET_BUILD/src" && export GIT_CEILING_DIRECTORIES="$FERRET_BUILD" \
      && if command -v git >/dev/null 2>&1; then
           git apply "$p" && git apply --reverse --check "$p"
         else patch -s -p1 --forward <"$p" && patch -s -p1 --reverse --dry-run <"$p" >/dev/null; fi) \
      || die "$(basename "$p") does not apply to $mod (was the FerretDB version in go.mod changed?)"
  done
  cp "$src/go.mod" "$src/go.sum" "$src/main.go" "$FERRET_BUILD/launcher/"
  (cd "$FERRET_BUILD/launcher" \
    && go mod edit -replace "github.com/FerretDB/FerretDB=../src" \
    && timed "ferretdb build" env CGO_ENABLED=0 go build -trimpath -o "$FERRET_BIN.tmp" .) \
    || die "go build of deploy/local/ferretdb (patched $mod) failed (see the output above)"
  mv "$FERRET_BIN.tmp" "$FERRET_BIN"
  echo "$fp" >"$FERRET_BIN.installed"
}

start_ferretdb() {
  need_venv
  install_ferretdb
  local built; built="$(cat "$FERRET_BIN.installed")"
  if running ferretdb && [[ "$(cat "$RUN/ferretdb.build" 2>/dev/null)" != "$built" ]]; then
    # Started from an older build (before the index patch, or older patches). It is not
    # restarted behind the back of whoever is using it (tests, a running stack): it keeps serving,
    # correctly but slower, until it is restarted; the data directory is the same either way.
    say "WARNING: ferretdb (pid $(pid_of ferretdb)) runs an older build than $FERRET_BIN (queries may scan instead of using indexes)."
    say "         To switch, when nothing is using it: deploy/local/infra.sh restart ferretdb   (data is kept)"
  fi
  precheck_start ferretdb mongo "$FERRET_ADDR" && return 0
  mkdir -p "$FERRET_DATA"
  say "ferretdb: starting on $FERRET_ADDR, SQLite in $FERRET_DATA (log $LOGS/ferretdb.log)"
  local t0=$SECONDS
  launch ferretdb "$LOGS/ferretdb.log" "$FERRET_BIN" --listen-addr="$FERRET_ADDR" \
    --sqlite-url="file:$FERRET_DATA/" --log-level=info
  echo "$built" >"$RUN/ferretdb.build"
  wait_ready ferretdb mongo "$FERRET_ADDR" "$LOGS/ferretdb.log"
  say "ferretdb: ready in $((SECONDS - t0))s (pid $(pid_of ferretdb))"
}

# ---------------------------------------------------------------- gateway (npm + Node 24)
install_gateway() {
  need npm "to install the gateway's packages (any Node >= 18 runs npm; the gateway runs on Node 24 from npm)"
  [[ -f "$GATEWAY/package-lock.json" ]] || die "$GATEWAY/package-lock.json is missing"
  local fp; fp="$(fingerprint "$GATEWAY/package-lock.json")"
  if [[ -f "$GATEWAY/node_modules/.slate-installed" && "$(cat "$GATEWAY/node_modules/.slate-installed")" == "$fp" ]]; then
    say "gateway: node_modules up to date"
  else
    say "gateway: npm ci (cached in ~/.npm)"
    (cd "$GATEWAY" && timed "npm ci" npm ci --no-audit --no-fund --loglevel=error) \
      || die "npm ci failed in $GATEWAY"
    echo "$fp" >"$GATEWAY/node_modules/.slate-installed"
  fi
  local node; node="$("$HERE/node.sh" --path)"
  say "gateway: node $("$node" --version) at $node; hive-gateway $("$node" "$GATEWAY/node_modules/.bin/hive-gateway" --version 2>/dev/null | tail -n1)"
}

# ---------------------------------------------------------------- Jaeger (optional)
install_jaeger() {
  need go "to build Jaeger (Go 1.24+)"
  local src="$HERE/jaeger" fp
  [[ -f "$src/go.mod" ]] || die "$src/go.mod is missing"
  fp="$(fingerprint "$src/go.mod" "$src/go.sum")"
  if [[ -x "$JAEGER_BIN" && -f "$JAEGER_BIN.installed" && "$(cat "$JAEGER_BIN.installed")" == "$fp" ]]; then
    say "jaeger: binary up to date at $JAEGER_BIN"
    return 0
  fi
  say "jaeger: building from the Go module proxy (a cold build takes 10-20 min; cached after)"
  (cd "$src" && timed "jaeger build" env CGO_ENABLED=0 go build -trimpath -o "$JAEGER_BIN.tmp" github.com/jaegertracing/jaeger/cmd/jaeger) \
    || die "go build of Jaeger failed (see the output above)"
  mv "$JAEGER_BIN.tmp" "$JAEGER_BIN"
  echo "$fp" >"$JAEGER_BIN.installed"
}

start_jaeger() {
  need_venv
  precheck_start jaeger jaeger "$JAEGER_ADDR" 4317 4318 && return 0
  [[ -x "$JAEGER_BIN" ]] || die "$JAEGER_BIN is missing (the build runs before the lock; see above)"
  say "jaeger: starting (UI/query $JAEGER_ADDR, OTLP 127.0.0.1:4317 grpc / 4318 http; log $LOGS/jaeger.log)"
  launch jaeger "$LOGS/jaeger.log" "$JAEGER_BIN" --config "file:$HERE/jaeger/config.yaml"
  wait_ready jaeger jaeger "$JAEGER_ADDR" "$LOGS/jaeger.log"
  say "jaeger: ready (pid $(pid_of jaeger)); UI http://$JAEGER_ADDR"
}

# ---------------------------------------------------------------- main
usage() { sed -n '2,19p' "$0" | sed 's/^# \{0,1\}//'; exit 2; }

cmd="${1:-}"; [[ -n "$cmd" ]] || usage; shift || true
components=("$@")

# Jaeger's build takes minutes: do it before the shared lock, under a lock of its own, so that
# `infra.sh start` of Kafka/FerretDB by others is not kept waiting meanwhile.
if [[ "$cmd" =~ ^(install|start|up|restart)$ && " ${components[*]} " == *" jaeger "* ]]; then
  exec 8>"$RUN/jaeger-build.lock"
  flock 8
  install_jaeger
  exec 8>&-
fi

# One infra.sh at a time per checkout (several engineers share it).
exec 9>"$RUN/infra.lock"
if ! flock -n 9; then
  say "waiting for another infra.sh in this checkout (lock $RUN/infra.lock)"
  flock -w 900 9 || die "another infra.sh has held $RUN/infra.lock for 15 minutes"
fi

case "$cmd" in
  install)
    [[ ${#components[@]} -gt 0 ]] || components=(kafka ferretdb gateway)
    # The FerretDB build is CPU-bound, mvn and npm mostly wait on the network: overlap them.
    fdb_pid=""
    if [[ ${#components[@]} -gt 1 && " ${components[*]} " == *" ferretdb "* ]]; then
      install_ferretdb >"$LOGS/ferretdb-install.log" 2>&1 &
      fdb_pid=$!
      rest=()
      for c in "${components[@]}"; do [[ "$c" == ferretdb ]] || rest+=("$c"); done
      components=("${rest[@]}")
    fi
    for c in "${components[@]}"; do
      case "$c" in
        kafka|ferretdb|gateway) "install_$c" ;;
        jaeger) ;;  # built above, outside the shared lock
        *) die "unknown component '$c' (kafka ferretdb gateway jaeger)" ;;
      esac
    done
    if [[ -n "$fdb_pid" ]]; then
      rc=0; wait "$fdb_pid" || rc=$?
      cat "$LOGS/ferretdb-install.log"
      [[ $rc -eq 0 ]] || die "FerretDB install failed (log above, also in $LOGS/ferretdb-install.log)"
    fi ;;
  start|up)
    [[ ${#components[@]} -gt 0 ]] || components=(kafka ferretdb)
    for c in "${components[@]}"; do
      case "$c" in
        kafka|ferretdb|jaeger) "start_$c" ;;
        *) die "unknown component '$c' to start (kafka ferretdb jaeger)" ;;
      esac
    done ;;
  stop|down)
    [[ ${#components[@]} -gt 0 ]] || components=(jaeger ferretdb kafka)
    for c in "${components[@]}"; do
      case "$c" in
        kafka|ferretdb|jaeger) stop_one "$c" ;;
        *) die "unknown component '$c' to stop (kafka ferretdb jaeger)" ;;
      esac
    done ;;
  restart)
    [[ ${#components[@]} -gt 0 ]] || components=(kafka ferretdb)
    for c in "${components[@]}"; do stop_one "$c"; "start_$c"; done ;;
  status)
    need_venv
    status_one kafka kafka "$KAFKA_ADDR"
    status_one ferretdb mongo "$FERRET_ADDR"
    if running ferretdb && [[ "$(cat "$RUN/ferretdb.build" 2>/dev/null)" != "$(cat "$FERRET_BIN.installed" 2>/dev/null)" ]]; then
      say "ferretdb: runs an older build than $FERRET_BIN; 'deploy/local/infra.sh restart ferretdb' switches (data is kept)"
    fi
    status_one jaeger jaeger "$JAEGER_ADDR" ;;
  *) usage ;;
esac
