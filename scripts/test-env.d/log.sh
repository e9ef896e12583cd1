# shellcheck shell=bash
# Sourced by scripts/test-env: its progress lines, one per step, named for the
# phase they belong to, and how it stops on an error.

phase=main
log() { printf 'test-env: %-18s %s  [%ds]\n' "$phase" "$*" "$SECONDS"; }
die() {
  printf 'test-env: %-18s ERROR: %s  [%ds]\n' "$phase" "$*" "$SECONDS" >&2
  [[ -n ${UP:-} ]] && rm -f "$STATE/env.json"   # a failed `up` must not look ready
  exit 1
}
