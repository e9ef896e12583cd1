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
  go_builds_in_background tools-build "crictl $CRICTL_VERSION, k3d $K3D_VERSION and buildx $BUILDX_VERSION" \
    "$CRICTL_BIN" sigs.k8s.io/cri-tools "$CRICTL_VERSION" sigs.k8s.io/cri-tools/cmd/crictl \
    "-X sigs.k8s.io/cri-tools/pkg/version.Version=$CRICTL_VERSION" \
    "$K3D_BIN" github.com/k3d-io/k3d/v5 "$K3D_VERSION" github.com/k3d-io/k3d/v5 \
    "-X github.com/k3d-io/k3d/v5/version.Version=$K3D_VERSION -X github.com/k3d-io/k3d/v5/version.K3sVersion=$K3D_K3S_VERSION" \
    "$BUILDX_BIN" github.com/docker/buildx "$BUILDX_VERSION" github.com/docker/buildx/cmd/buildx \
    "-X github.com/docker/buildx/version.Version=$BUILDX_VERSION"
}

wait_tools_build() { wait_go_builds tools-build "crictl, k3d and buildx" tools_present; }

# go_builds_in_background NAME WHAT  OUT MODULE VERSION PACKAGE LDFLAGS  [OUT MODULE ...]
# Builds the tools one after another (build-go-tool.sh) in one background job
# at low priority: pid in $RUN_DIR/NAME.pid, output in $LOG_DIR/NAME.log.
go_builds_in_background() {
  local name=$1 what=$2; shift 2
  command -v go >/dev/null || die "Go is needed (looked in /usr/local/go/bin and PATH)"
  if [[ -f "$RUN_DIR/$name.pid" ]] && kill -0 "$(<"$RUN_DIR/$name.pid")" 2>/dev/null; then
    log "a build is already running (pid $(<"$RUN_DIR/$name.pid")), log $LOG_DIR/$name.log"; return
  fi
  log "building $what from the Go module proxy in the background (log: $LOG_DIR/$name.log)"
  # shellcheck disable=SC2016 # the inner shell expands its own arguments
  setsid nice -n 5 bash -c 'tool=$1; shift; while (($# >= 5)); do "$tool" "$1" "$2" "$3" "$4" "$5" || exit 1; shift 5; done' \
    build "$D/build-go-tool.sh" "$@" >"$LOG_DIR/$name.log" 2>&1 </dev/null 8>&- &
  echo $! >"$RUN_DIR/$name.pid"
}

# wait_go_builds NAME WHAT PRESENT: waits for go_builds_in_background NAME;
# dies with the log's tail when PRESENT (a function) still fails after it.
wait_go_builds() {
  local name=$1 what=$2 present=$3 pid
  phase=tools
  "$present" && return 0
  pid=$(cat "$RUN_DIR/$name.pid" 2>/dev/null || echo 0)
  log "waiting for the $what build"
  while kill -0 "$pid" 2>/dev/null; do sleep 2; done
  "$present" || { tail -30 "$LOG_DIR/$name.log" >&2; die "building $what failed (log: $LOG_DIR/$name.log)"; }
  rm -f "$RUN_DIR/$name.pid"
  log "$(grep -h '^build-go-tool: built' "$LOG_DIR/$name.log" | sed 's/^build-go-tool: //' | paste -sd ';' -)"
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
  local helm_flags="-X helm.sh/helm/v3/internal/version.version=$HELM_VERSION -X helm.sh/helm/v3/internal/version.gitTreeState=clean"
  local k
  for k in pkg/lint/rules pkg/chartutil; do
    helm_flags+=" -X helm.sh/helm/v3/$k.k8sVersionMajor=1 -X helm.sh/helm/v3/$k.k8sVersionMinor=$HELM_K8S_MINOR"
  done
  go_builds_in_background render-tools-build "kustomize $KUSTOMIZE_VERSION and helm $HELM_VERSION" \
    "$KUSTOMIZE_BIN" sigs.k8s.io/kustomize/kustomize/v5 "$KUSTOMIZE_VERSION" sigs.k8s.io/kustomize/kustomize/v5 \
    "-X sigs.k8s.io/kustomize/api/provenance.version=$KUSTOMIZE_VERSION" \
    "$HELM_BIN" helm.sh/helm/v3 "$HELM_VERSION" helm.sh/helm/v3/cmd/helm "$helm_flags"
}

wait_render_tools_build() { wait_go_builds render-tools-build "helm and kustomize" render_tools_present; }

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
