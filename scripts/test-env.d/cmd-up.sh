# shellcheck shell=bash
# Sourced by scripts/test-env: `up`.

# After a crash or reboot (no `down`), the cluster's old state would confuse
# the new processes: clear it, like `down` does, when no control plane runs.
# The node container (restarted by Docker, or still running) is re-created.
recover_stale() {
  local c
  for c in etcd kube-apiserver; do running "$c" && return 0; done
  if [[ -d $STATE/etcd/data ]]; then
    phase=recover; log "the cluster's processes are gone but their state is not (no 'down' after the last 'up'?): clearing it"
    rm -f "$STATE/env.json"
    rm -rf "$STATE/etcd/data"
    RECREATE_NODE=1
  fi
}

cmd_up() {
  [[ $(id -u) == 0 ]] || die "run as root"
  mkdir -p "$STATE" "$RUN_DIR" "$LOG_DIR"
  exec 8>"$STATE/.up.lock"; flock 8
  UP=1
  set -E; trap 'rm -f "$STATE/env.json"' ERR   # nor one that stopped on an unexpected error
  recover_stale
  start_build
  start_tools_build
  start_render_tools_build
  install_packages
  start_debian_tarball
  prepare_host
  start_docker
  [[ -n ${RECREATE_NODE:-} ]] && stop_node_container
  start_registry
  make_images
  serve_public_images
  make_certs
  wait_build
  wait_tools_build
  install_k3d
  install_buildx
  wait_render_tools_build
  install_render_tools
  build_node_image
  start_etcd
  start_apiserver
  start_controller_manager
  start_scheduler
  retire_host_node
  start_node_container
  finish_cluster
  check_public_images
  write_env_json
  phase=up; log "ready: KUBECONFIG=$KUBECONFIG_PATH context $CONTEXT; registry $REGISTRY_HOST (pull as $REGISTRY_FROM_CLUSTER); k3d cluster $CLUSTER_NAME"
}
