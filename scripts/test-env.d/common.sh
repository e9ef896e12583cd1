# shellcheck shell=bash disable=SC2034 # variables for the scripts that source this
# Shared names and paths of the devloop test environment.
# Sourced by scripts/test-env: variables and helpers, no side effects.

STATE=${DEVLOOP_TEST_ENV_HOME:-/var/lib/devloop-test-env}
K8S_VERSION=${DEVLOOP_TEST_K8S_VERSION:-v1.34.10}
BIN="$STATE/bin/$K8S_VERSION"
RUN_DIR="$STATE/run"          # pid files
LOG_DIR="$STATE/logs"
PKI="$STATE/pki"

CLUSTER_NAME=devloop-test
CONTEXT="k3d-$CLUSTER_NAME"
NODE_NAME="k3d-$CLUSTER_NAME-server-0"

REGISTRY_PORT=5000
REGISTRY_NAME=k3d-registry.localhost
REGISTRY_HOST="localhost:$REGISTRY_PORT"                  # what the host pushes to
REGISTRY_FROM_CLUSTER="$REGISTRY_NAME:$REGISTRY_PORT"      # what the node pulls from

API_PORT=6443
POD_SUBNET=${DEVLOOP_TEST_POD_SUBNET:-10.88.0.0/16}
SERVICE_SUBNET=10.96.0.0/16

# Where earlier versions ran the node's containerd on the host (retired by
# `up`; the node is a container now).
NODE_RUNTIME_DIR=/run/devloop-test-env
CONTAINERD_SOCK="$NODE_RUNTIME_DIR/containerd.sock"
DOCKER_SOCK=/var/run/docker.sock
KUBECONFIG_PATH="$STATE/kubeconfig"

pidfile() { echo "$RUN_DIR/$1.pid"; }

# running NAME: the recorded pid is alive and is still the program test-env started
running() {
  local f pid exe
  f=$(pidfile "$1"); [[ -f $f ]] || return 1
  pid=$(<"$f"); [[ -n $pid && -d /proc/$pid ]] || return 1
  exe=$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | cut -d' ' -f1)
  [[ -f "$RUN_DIR/$1.exe" && $(basename "$exe") == "$(<"$RUN_DIR/$1.exe")" ]]
}

pid_of() { cat "$(pidfile "$1")" 2>/dev/null || echo -; }

# render TEMPLATE OUT KEY=VALUE...: copy TEMPLATE to OUT with every @KEY@ replaced
render() {
  local template=$1 out=$2 kv key value script=()
  shift 2
  for kv in "$@"; do
    key=${kv%%=*}; value=${kv#*=}
    value=${value//\\/\\\\}; value=${value//|/\\|}; value=${value//&/\\&}
    script+=(-e "s|@${key}@|${value}|g")
  done
  sed "${script[@]}" "$template" >"$out"
  if grep -q '@[A-Z_]*@' "$out"; then
    echo "render: $template: unreplaced $(grep -o '@[A-Z_]*@' "$out" | sort -u | paste -sd' ' -)" >&2; return 1
  fi
}
