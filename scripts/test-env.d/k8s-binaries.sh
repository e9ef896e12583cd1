# shellcheck shell=bash
# Sourced by scripts/test-env: the Kubernetes binaries and etcd, built once per
# version by build-k8s.sh in the background while the rest of `up` runs.

K8S_COMPONENTS=(kubelet kube-apiserver kube-controller-manager kube-scheduler kubectl etcd)

binaries_present() {
  local c; for c in "${K8S_COMPONENTS[@]}"; do [[ -x "$BIN/$c" ]] || return 1; done
}

start_build() {
  phase=build
  if binaries_present; then log "cached binaries in $BIN"; return; fi
  command -v go >/dev/null || die "Go is needed (looked in /usr/local/go/bin and PATH)"
  mkdir -p "$BIN" "$LOG_DIR"
  if [[ -f "$RUN_DIR/build.pid" ]] && kill -0 "$(<"$RUN_DIR/build.pid")" 2>/dev/null; then
    log "a build is already running (pid $(<"$RUN_DIR/build.pid")), log $LOG_DIR/build.log"; return
  fi
  # kubelet first (the riskiest part), then the rest; one shared Go build cache
  log "building Kubernetes $K8S_VERSION + etcd from the Go module proxy in the background (log: $LOG_DIR/build.log)"
  mkdir -p "$RUN_DIR"
  # shellcheck disable=SC2016 # the inner shell expands its own arguments
  setsid bash -c '"$1" "$2" "$3" kubelet && "$1" "$2" "$3" kube-apiserver kube-controller-manager kube-scheduler kubectl etcd' \
    build "$D/build-k8s.sh" "$K8S_VERSION" "$BIN" >"$LOG_DIR/build.log" 2>&1 </dev/null 8>&- &
  echo $! >"$RUN_DIR/build.pid"
}

wait_build() {
  phase=build
  binaries_present && return 0
  local pid last=$SECONDS
  pid=$(cat "$RUN_DIR/build.pid" 2>/dev/null || echo 0)
  log "waiting for the build (cold: ~15 min on 2 cores)"
  while kill -0 "$pid" 2>/dev/null; do
    sleep 5
    if ((SECONDS - last >= 60)); then
      last=$SECONDS
      log "still building: $({ grep '^build-k8s:' "$LOG_DIR/build.log" || echo 'waiting for the build lock'; } | tail -1 | cut -c1-120)"
    fi
  done
  { grep '^build-k8s: built' "$LOG_DIR/build.log" || true; } | while read -r l; do log "${l#build-k8s: }"; done
  binaries_present || { tail -30 "$LOG_DIR/build.log" >&2; die "build failed (log: $LOG_DIR/build.log)"; }
  rm -f "$RUN_DIR/build.pid"
}
