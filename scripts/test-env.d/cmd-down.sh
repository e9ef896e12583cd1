# shellcheck shell=bash
# Sourced by scripts/test-env: `down`.

# delete every pod while the kubelet still runs, so it tears down sandboxes and
# their networks properly; whatever is left goes with the node container
drain_pods() {
  phase=down
  [[ $(node_container_state) == running ]] && running kube-apiserver && api_ok 2>/dev/null || return 0
  local n i
  n=$(kc get pods --all-namespaces --no-headers 2>/dev/null | wc -l)
  ((n)) || return 0
  kc delete pods --all-namespaces --all --grace-period=0 --force --wait=false >/dev/null 2>&1 || true
  for ((i = 0; i < 40; i++)); do
    [[ -z $(docker_cli exec "$NODE_NAME" crictl pods -q 2>/dev/null) ]] && break
    sleep 0.5
  done
  log "deleted $n pod(s); the kubelet tore down their sandboxes"
}

cmd_down() {
  [[ $(id -u) == 0 ]] || die "run as root"
  mkdir -p "$RUN_DIR"
  exec 8>"$STATE/.up.lock"; flock 8
  phase=down
  rm -f "$STATE/env.json"
  # no controllers re-creating pods while we drain
  stop -KILL kube-controller-manager kube-scheduler
  drain_pods
  docker_ok >/dev/null 2>&1 && stop_node_container
  retire_host_node
  # the cluster's state is thrown away below: no graceful shutdown needed
  phase=down
  stop -KILL kube-apiserver etcd
  rm -rf "$STATE/etcd/data"
  cleanup_host
  stop registry dockerd
  rm -f /var/run/docker.pid
  local pidf
  for pidf in build tools-build render-tools-build; do
    if [[ -f "$RUN_DIR/$pidf.pid" ]] && kill -0 "$(<"$RUN_DIR/$pidf.pid")" 2>/dev/null; then
      log "note: a build is still running (pid $(<"$RUN_DIR/$pidf.pid")); it keeps going and fills the cache"
    fi
  done
  log "stopped; caches kept: $STATE/bin, $STATE/cache, $STATE/registry, Docker images and volume $(node_volume)"
}
