# shellcheck shell=bash
# Sourced by scripts/test-env: the cluster once its node is up: Ready, labelled
# as k3d labels a server, the registry announced as k3d announces it, and
# env.json, which says the environment is ready.

node_ready() {
  [[ $(kc get node "$NODE_NAME" -o jsonpath='{.status.conditions[?(@.type=="Ready")].status}' 2>/dev/null) == True ]]
}

finish_cluster() {
  phase=cluster
  wait_for 120 node node_ready || die "node $NODE_NAME did not become Ready"
  kc label node "$NODE_NAME" --overwrite node-role.kubernetes.io/control-plane=true node-role.kubernetes.io/master=true >/dev/null
  wait_for 60 kube-controller-manager kc -n default get serviceaccount default || die "no default ServiceAccount"
  # KEP-1755, as k3d writes it (pkg/client/registry.go; yaml field order of LocalRegistryHostingV1)
  kc apply --server-side --force-conflicts --field-manager=k3d -f - >/dev/null <<EOF
apiVersion: v1
kind: ConfigMap
metadata:
  name: local-registry-hosting
  namespace: kube-public
data:
  localRegistryHosting.v1: |
    host: $REGISTRY_HOST
    hostFromClusterNetwork: $REGISTRY_FROM_CLUSTER
    hostFromContainerRuntime: $REGISTRY_FROM_CLUSTER
    help: https://k3d.io/stable/usage/registries/#using-a-local-registry
EOF
  # kubectl for people and tools on this machine, if none is installed
  if [[ ! -e /usr/local/bin/kubectl || $(readlink /usr/local/bin/kubectl) == "$STATE"/bin/* ]]; then
    ln -sfn "$BIN/kubectl" /usr/local/bin/kubectl
  fi
  log "node $NODE_NAME Ready; default ServiceAccount and kube-public/local-registry-hosting present"
}

write_env_json() {
  local tmp="$STATE/env.json.tmp"
  cat >"$tmp" <<EOF
{
  "kubeconfig": "$KUBECONFIG_PATH",
  "context": "$CONTEXT",
  "cluster": "$CLUSTER_NAME",
  "registryHost": "$REGISTRY_HOST",
  "registryFromCluster": "$REGISTRY_FROM_CLUSTER",
  "k3dBinDir": "$K3D_DIR",
  "k3dVersion": "$K3D_VERSION",
  "nodeImage": "$NODE_IMAGE",
  "dockerHost": "unix://$DOCKER_SOCK",
  "kubernetesVersion": "$K8S_VERSION",
  "kubectl": "$BIN/kubectl",
  "nodeName": "$NODE_NAME",
  "ready": true
}
EOF
  mv -f "$tmp" "$STATE/env.json"
}
