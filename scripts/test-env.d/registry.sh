# shellcheck shell=bash
# Sourced by scripts/test-env: Debian's docker-registry standing in for k3d's
# registry, on 127.0.0.1, configured by registry/config.yml.

registry_ok() { curl -fsS -o /dev/null "http://127.0.0.1:$REGISTRY_PORT/v2/"; }

start_registry() {
  phase=registry
  if running registry && registry_ok; then log "running (pid $(pid_of registry))"; return; fi
  registry_ok 2>/dev/null && die "something else answers on 127.0.0.1:$REGISTRY_PORT"
  mkdir -p "$STATE/registry/data"
  render "$D/registry/config.yml" "$STATE/registry/config.yml" STATE="$STATE" REGISTRY_PORT="$REGISTRY_PORT"
  spawn registry docker-registry serve "$STATE/registry/config.yml"
  wait_for 20 registry registry_ok || die "registry did not start"
  log "started on 127.0.0.1:$REGISTRY_PORT as $REGISTRY_HOST and $REGISTRY_FROM_CLUSTER (pid $(pid_of registry))"
}
