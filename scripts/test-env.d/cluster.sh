# shellcheck shell=bash
# Sourced by scripts/test-env: the cluster once its node is up: Ready, labelled
# as k3d labels a server, the registry announced as k3d announces it, and
# env.json, which says the environment is ready (rendered from cluster/).

node_ready() {
  [[ $(kc get node "$NODE_NAME" -o jsonpath='{.status.conditions[?(@.type=="Ready")].status}' 2>/dev/null) == True ]]
}

finish_cluster() {
  phase=cluster
  wait_for 120 node node_ready || die "node $NODE_NAME did not become Ready"
  kc label node "$NODE_NAME" --overwrite node-role.kubernetes.io/control-plane=true node-role.kubernetes.io/master=true >/dev/null
  wait_for 60 kube-controller-manager kc -n default get serviceaccount default || die "no default ServiceAccount"
  # KEP-1755, as k3d writes it (pkg/client/registry.go; yaml field order of LocalRegistryHostingV1)
  local manifest; manifest=$(mktemp)
  render "$D/cluster/local-registry-hosting.yaml" "$manifest" REGISTRY_HOST="$REGISTRY_HOST" REGISTRY_FROM_CLUSTER="$REGISTRY_FROM_CLUSTER"
  kc apply --server-side --force-conflicts --field-manager=k3d -f - >/dev/null <"$manifest"
  rm -f "$manifest"
  # kubectl for people and tools on this machine, if none is installed
  if [[ ! -e /usr/local/bin/kubectl || $(readlink /usr/local/bin/kubectl) == "$STATE"/bin/* ]]; then
    ln -sfn "$BIN/kubectl" /usr/local/bin/kubectl
  fi
  log "node $NODE_NAME Ready; default ServiceAccount and kube-public/local-registry-hosting present"
}

write_env_json() {
  local tmp="$STATE/env.json.tmp"
  render "$D/cluster/env.json" "$tmp" KUBECONFIG_PATH="$KUBECONFIG_PATH" CONTEXT="$CONTEXT" CLUSTER_NAME="$CLUSTER_NAME" \
    REGISTRY_HOST="$REGISTRY_HOST" REGISTRY_FROM_CLUSTER="$REGISTRY_FROM_CLUSTER" K3D_DIR="$K3D_DIR" K3D_VERSION="$K3D_VERSION" \
    NODE_IMAGE="$NODE_IMAGE" DOCKER_SOCK="$DOCKER_SOCK" K8S_VERSION="$K8S_VERSION" BIN="$BIN" NODE_NAME="$NODE_NAME"
  mv -f "$tmp" "$STATE/env.json"
}
