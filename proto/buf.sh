#!/usr/bin/env bash
# buf from npm (@bufbuild/buf, pinned by proto/package-lock.json), installed into
# proto/node_modules once per lock: `npm ci` runs only when the lock's fingerprint changed.
#
#   proto/buf.sh lint              buf lint proto/
#   proto/buf.sh breaking [REF]    buf breaking: proto/ (working tree) against proto/ at REF
#                                  (default HEAD~1); skipped when REF is not in the clone
#   proto/buf.sh install           only install
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(dirname "$HERE")"
BUF="$HERE/node_modules/.bin/buf"
STAMP="$HERE/node_modules/.slate-installed"

say() { echo "proto: $*"; }
die() { echo "proto: $*" >&2; exit 1; }

installed() { [[ -x "$BUF" && -f "$STAMP" && "$(cat "$STAMP")" == "$1" ]]; }

install() {
  [[ -f "$HERE/package-lock.json" ]] || die "$HERE/package-lock.json is missing"
  local fp; fp="$(sha256sum "$HERE/package-lock.json" | cut -d' ' -f1)"
  installed "$fp" && return 0
  command -v npm >/dev/null || die "npm is needed to install buf (any Node >= 18)"
  # Several engineers share the checkout: one npm ci at a time, then re-check.
  mkdir -p "$ROOT/.local"
  exec 7>"$ROOT/.local/proto-npm.lock"
  flock -w 300 7 || die "another npm ci has held $ROOT/.local/proto-npm.lock for 5 minutes"
  if ! installed "$fp"; then
    say "npm ci (buf, cached in ~/.npm)"
    local t0=$SECONDS
    (cd "$HERE" && npm ci --no-audit --no-fund --loglevel=error) || die "npm ci failed in $HERE"
    echo "$fp" >"$STAMP"
    say "buf $("$BUF" --version) installed in $((SECONDS - t0))s"
  fi
  exec 7>&-
}

breaking() {
  local ref="${1:-HEAD~1}" sha
  if ! git -C "$ROOT" rev-parse --git-dir >/dev/null 2>&1; then
    say "breaking: not a git checkout; skipped"
    return 0
  fi
  if ! sha="$(git -C "$ROOT" rev-parse --verify -q "$ref^{commit}")"; then
    say "breaking: no commit $ref in this clone (first commit or shallow clone); skipped"
    return 0
  fi
  if ! git -C "$ROOT" cat-file -e "$sha:proto/buf.yaml" 2>/dev/null; then
    say "breaking: proto/buf.yaml does not exist at $ref; skipped"
    return 0
  fi
  TMP="$(mktemp -d)"
  trap 'rm -rf "$TMP"' EXIT
  git -C "$ROOT" archive "$sha" proto | tar -x -C "$TMP"
  say "breaking: proto/ against $ref (${sha:0:12})"
  (cd "$HERE" && "$BUF" breaking --against "$TMP/proto")
}

cmd="${1:-lint}"
shift || true
install
case "$cmd" in
  install) ;;
  lint) cd "$HERE" && "$BUF" lint "$@" ;;
  breaking) breaking "$@" ;;
  *) die "usage: $0 lint | breaking [REF] | install" ;;
esac
