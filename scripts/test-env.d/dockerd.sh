# shellcheck shell=bash
# Sourced by scripts/test-env: the Docker engine, Debian's dockerd, started by
# test-env unless another engine already answers on its socket. Its
# daemon.json is rendered from dockerd/daemon.json.

docker_cli() { docker --host "unix://$DOCKER_SOCK" "$@"; }
docker_ok() { docker_cli version --format '{{.Server.Version}}'; }

# live-restore: containers (the node) keep running while dockerd restarts;
# registry-mirrors: docker.io names are looked up in the registry first
# (public-images.sh puts the base images there);
# the runtime devloop-runc: runc without CAP_SYS_RESOURCE, for --privileged
# containers and execs on VMs that withhold it (see the script)
write_docker_config() {
  mkdir -p "$STATE/docker"
  install -m 755 "$D/runc-without-sys-resource" "$STATE/docker/runc-without-sys-resource"
  render "$D/dockerd/daemon.json" "$STATE/docker/daemon.json.new" \
    REGISTRY_HOST="$REGISTRY_HOST" REGISTRY_FROM_CLUSTER="$REGISTRY_FROM_CLUSTER" STATE="$STATE"
  if cmp -s "$STATE/docker/daemon.json.new" "$STATE/docker/daemon.json"; then rm -f "$STATE/docker/daemon.json.new"; return 1; fi
  mv -f "$STATE/docker/daemon.json.new" "$STATE/docker/daemon.json"
}

start_docker() {
  phase=dockerd
  local changed=; write_docker_config && changed=1
  if docker_ok >/dev/null 2>&1; then
    if running dockerd; then
      # insecure-registries, registry-mirrors, live-restore and runtimes are reloadable: SIGHUP, no restart
      [[ -n $changed ]] && { kill -HUP "$(pid_of dockerd)"; log "reloaded $STATE/docker/daemon.json"; }
      log "running (pid $(pid_of dockerd))"
    else log "an engine not started by test-env answers on $DOCKER_SOCK; using it"; fi
    return
  fi
  local mode_file="$STATE/docker/network-mode" mode
  mode=$(cat "$mode_file" 2>/dev/null || echo bridge)
  rm -f "$DOCKER_SOCK" /var/run/docker.pid
  local args=(dockerd --config-file "$STATE/docker/daemon.json" --host "unix://$DOCKER_SOCK")
  [[ $mode == none ]] && args+=(--iptables=false --bridge=none)
  spawn dockerd "${args[@]}"
  if ! wait_for 30 dockerd docker_ok; then
    [[ $mode == none ]] && die "dockerd did not start (log: $LOG_DIR/dockerd.log)"
    log "dockerd with the default bridge failed; retrying with --iptables=false --bridge=none"
    stop dockerd >/dev/null; rm -f "$DOCKER_SOCK" /var/run/docker.pid
    echo none >"$mode_file"
    spawn dockerd "${args[@]}" --iptables=false --bridge=none
    wait_for 30 dockerd docker_ok || die "dockerd did not start (log: $LOG_DIR/dockerd.log)"
    mode=none
  fi
  echo "$mode" >"$mode_file"
  log "started $(docker_ok) (pid $(pid_of dockerd), network: $mode)"
}
