# shellcheck shell=bash
# Sourced by scripts/test-env: the real k3d CLI, crictl and the docker buildx
# plugin, built from the Go module proxy once per version (build-go-tool.sh)
# in the background while the rest of `up` runs, cached in
# $STATE/bin/<tool>-<version>/.

K3D_VERSION=${DEVLOOP_TEST_K3D_VERSION:-v5.8.3}
# the k3s version k3d's release build stamps in as its default (Makefile K3S_TAG)
K3D_K3S_VERSION=v1.31.5-k3s1
CRICTL_VERSION=${DEVLOOP_TEST_CRICTL_VERSION:-v1.34.0}
K3D_BIN="$STATE/bin/k3d-$K3D_VERSION/k3d"
CRICTL_BIN="$STATE/bin/crictl-$CRICTL_VERSION/crictl"
BUILDX_VERSION=${DEVLOOP_TEST_BUILDX_VERSION:-v0.32.1}
BUILDX_BIN="$STATE/bin/buildx-$BUILDX_VERSION/docker-buildx"
# where the docker CLI looks for plugins system-wide
BUILDX_PLUGIN=/usr/local/lib/docker/cli-plugins/docker-buildx
# what tests and devloop put on PATH: a `k3d` that talks to this dockerd
K3D_DIR="$STATE/k3d/bin"

tools_present() { [[ -x $K3D_BIN && -x $CRICTL_BIN && -x $BUILDX_BIN ]]; }

start_tools_build() {
  phase=tools
  if tools_present; then log "cached k3d $K3D_VERSION, crictl $CRICTL_VERSION and buildx $BUILDX_VERSION"; return; fi
  command -v go >/dev/null || die "Go is needed (looked in /usr/local/go/bin and PATH)"
  if [[ -f "$RUN_DIR/tools-build.pid" ]] && kill -0 "$(<"$RUN_DIR/tools-build.pid")" 2>/dev/null; then
    log "a build is already running (pid $(<"$RUN_DIR/tools-build.pid")), log $LOG_DIR/tools-build.log"; return
  fi
  log "building crictl $CRICTL_VERSION, k3d $K3D_VERSION and buildx $BUILDX_VERSION from the Go module proxy in the background (log: $LOG_DIR/tools-build.log)"
  mkdir -p "${K3D_BIN%/*}" "${CRICTL_BIN%/*}" "${BUILDX_BIN%/*}"
  local k3d_flags="-X github.com/k3d-io/k3d/v5/version.Version=$K3D_VERSION -X github.com/k3d-io/k3d/v5/version.K3sVersion=$K3D_K3S_VERSION"
  local crictl_flags="-X sigs.k8s.io/cri-tools/pkg/version.Version=$CRICTL_VERSION"
  local buildx_flags="-X github.com/docker/buildx/version.Version=$BUILDX_VERSION"
  # shellcheck disable=SC2016 # the inner shell expands its own arguments
  setsid nice -n 5 bash -c '"$1" "$2" sigs.k8s.io/cri-tools "$3" sigs.k8s.io/cri-tools/cmd/crictl "$4" &&
    "$1" "$5" github.com/k3d-io/k3d/v5 "$6" github.com/k3d-io/k3d/v5 "$7" &&
    "$1" "$8" github.com/docker/buildx "$9" github.com/docker/buildx/cmd/buildx "${10}"' \
    build "$D/build-go-tool.sh" "$CRICTL_BIN" "$CRICTL_VERSION" "$crictl_flags" "$K3D_BIN" "$K3D_VERSION" "$k3d_flags" \
    "$BUILDX_BIN" "$BUILDX_VERSION" "$buildx_flags" \
    >"$LOG_DIR/tools-build.log" 2>&1 </dev/null 8>&- &
  echo $! >"$RUN_DIR/tools-build.pid"
}

wait_tools_build() {
  phase=tools
  tools_present && return 0
  local pid
  pid=$(cat "$RUN_DIR/tools-build.pid" 2>/dev/null || echo 0)
  log "waiting for the crictl, k3d and buildx build"
  while kill -0 "$pid" 2>/dev/null; do sleep 2; done
  tools_present || { tail -30 "$LOG_DIR/tools-build.log" >&2; die "building crictl/k3d/buildx failed (log: $LOG_DIR/tools-build.log)"; }
  rm -f "$RUN_DIR/tools-build.pid"
  log "$(grep -h '^build-go-tool: built' "$LOG_DIR/tools-build.log" | sed 's/^build-go-tool: //' | paste -sd ';' -)"
}

# The k3d on tests' PATH: the real binary with DOCKER_API_VERSION pinned to
# 1.41, the newest API Debian's dockerd 20.10 speaks (k3d's client negotiates
# down to it as well; the pin keeps that fixed).
install_k3d() {
  phase=k3d
  mkdir -p "$K3D_DIR"
  render "$D/k3d-wrapper.sh" "$K3D_DIR/k3d.new" K3D_BIN="$K3D_BIN" DOCKER_SOCK="$DOCKER_SOCK"
  chmod +x "$K3D_DIR/k3d.new"; mv -f "$K3D_DIR/k3d.new" "$K3D_DIR/k3d"
  # k3d for people and tools on this machine, if none is installed
  if [[ ! -e /usr/local/bin/k3d || $(readlink /usr/local/bin/k3d) == "$STATE"/* ]]; then
    ln -sfn "$K3D_DIR/k3d" /usr/local/bin/k3d
  fi
  log "$("$K3D_DIR/k3d" version | head -1) on PATH as $K3D_DIR/k3d"
}

# The buildx plugin where the docker CLI finds it, so `docker buildx` and
# devloop build with BuildKit (the engine's own, through buildx's `docker`
# driver). buildx's Engine API client does not negotiate down, so the plugin
# runs with DOCKER_API_VERSION pinned to 1.41 (dockerd 20.10) unless set.
# A plugin someone else installed is left alone.
install_buildx() {
  phase=buildx
  if [[ -e $BUILDX_PLUGIN ]] && ! grep -qs 'devloop test environment' "$BUILDX_PLUGIN"; then
    log "leaving the installed $BUILDX_PLUGIN alone"; return
  fi
  mkdir -p "${BUILDX_PLUGIN%/*}"
  render "$D/buildx-plugin.sh" "$BUILDX_PLUGIN.new" BUILDX_BIN="$BUILDX_BIN"
  chmod +x "$BUILDX_PLUGIN.new"; mv -f "$BUILDX_PLUGIN.new" "$BUILDX_PLUGIN"
  log "$(docker buildx version 2>&1 | head -1) as $BUILDX_PLUGIN"
}

# helm and kustomize, which devloop runs to render charts and overlays
# (`helm template`, `kustomize build`): built like the tools above, in a
# background build of their own, and linked into /usr/local/bin unless
# another helm or kustomize is installed there.
HELM_VERSION=${DEVLOOP_TEST_HELM_VERSION:-v3.22.0}
# the newest kustomize whose module builds with Go 1.26 (v5.8.3 needs Go 1.27)
KUSTOMIZE_VERSION=${DEVLOOP_TEST_KUSTOMIZE_VERSION:-v5.8.1}
HELM_BIN="$STATE/bin/helm-$HELM_VERSION/helm"
KUSTOMIZE_BIN="$STATE/bin/kustomize-$KUSTOMIZE_VERSION/kustomize"
# helm's release build stamps the Kubernetes version its client-go speaks (v0.37 -> 1.37) as the default capabilities
HELM_K8S_MINOR=37

render_tools_present() { [[ -x $HELM_BIN && -x $KUSTOMIZE_BIN ]]; }

start_render_tools_build() {
  phase=tools
  if render_tools_present; then log "cached helm $HELM_VERSION and kustomize $KUSTOMIZE_VERSION"; return; fi
  command -v go >/dev/null || die "Go is needed (looked in /usr/local/go/bin and PATH)"
  if [[ -f "$RUN_DIR/render-tools-build.pid" ]] && kill -0 "$(<"$RUN_DIR/render-tools-build.pid")" 2>/dev/null; then
    log "a build is already running (pid $(<"$RUN_DIR/render-tools-build.pid")), log $LOG_DIR/render-tools-build.log"; return
  fi
  log "building kustomize $KUSTOMIZE_VERSION and helm $HELM_VERSION from the Go module proxy in the background (log: $LOG_DIR/render-tools-build.log)"
  mkdir -p "${HELM_BIN%/*}" "${KUSTOMIZE_BIN%/*}"
  local kustomize_flags="-X sigs.k8s.io/kustomize/api/provenance.version=$KUSTOMIZE_VERSION"
  local helm_flags="-X helm.sh/helm/v3/internal/version.version=$HELM_VERSION -X helm.sh/helm/v3/internal/version.gitTreeState=clean"
  local k
  for k in pkg/lint/rules pkg/chartutil; do
    helm_flags+=" -X helm.sh/helm/v3/$k.k8sVersionMajor=1 -X helm.sh/helm/v3/$k.k8sVersionMinor=$HELM_K8S_MINOR"
  done
  # shellcheck disable=SC2016 # the inner shell expands its own arguments
  setsid nice -n 5 bash -c '"$1" "$2" sigs.k8s.io/kustomize/kustomize/v5 "$3" sigs.k8s.io/kustomize/kustomize/v5 "$4" &&
    "$1" "$5" helm.sh/helm/v3 "$6" helm.sh/helm/v3/cmd/helm "$7"' \
    build "$D/build-go-tool.sh" "$KUSTOMIZE_BIN" "$KUSTOMIZE_VERSION" "$kustomize_flags" "$HELM_BIN" "$HELM_VERSION" "$helm_flags" \
    >"$LOG_DIR/render-tools-build.log" 2>&1 </dev/null 8>&- &
  echo $! >"$RUN_DIR/render-tools-build.pid"
}

wait_render_tools_build() {
  phase=tools
  render_tools_present && return 0
  local pid
  pid=$(cat "$RUN_DIR/render-tools-build.pid" 2>/dev/null || echo 0)
  log "waiting for the helm and kustomize build"
  while kill -0 "$pid" 2>/dev/null; do sleep 2; done
  render_tools_present || { tail -30 "$LOG_DIR/render-tools-build.log" >&2; die "building helm/kustomize failed (log: $LOG_DIR/render-tools-build.log)"; }
  rm -f "$RUN_DIR/render-tools-build.pid"
  log "$(grep -h '^build-go-tool: built' "$LOG_DIR/render-tools-build.log" | sed 's/^build-go-tool: //' | paste -sd ';' -)"
}

# helm and kustomize for tests, devloop and people on this machine, where
# k3d is linked: an installed helm or kustomize is left alone.
install_render_tools() {
  phase=tools
  local tool bin
  for tool in helm kustomize; do
    [[ $tool == helm ]] && bin=$HELM_BIN || bin=$KUSTOMIZE_BIN
    if [[ ! -e /usr/local/bin/$tool || $(readlink "/usr/local/bin/$tool") == "$STATE"/* ]]; then
      ln -sfn "$bin" "/usr/local/bin/$tool"
    fi
  done
  log "helm $("$HELM_BIN" version --template '{{.Version}}') and kustomize $("$KUSTOMIZE_BIN" version) on PATH (/usr/local/bin)"
}
