# shellcheck shell=bash
# Sourced by scripts/test-env: the Kubernetes node as a Docker container, the
# way k3d runs k3s: named k3d-<cluster>-server-0, carrying the labels k3d
# reads (pkg/types, pkg/runtimes/docker/translate.go), with containerd and the
# kubelet inside (node-image.sh). It uses the host's network, as
# `k3d cluster create --network host` does, so the control plane on the host,
# the registry on 127.0.0.1 and the node reach each other directly.
#
# Settings (defaults for the one node of the test cluster):
#   NODE_NAME CLUSTER_NAME  container and Kubernetes node name, k3d cluster
#   KUBELET_PORT=10250 KUBELET_HEALTHZ_PORT=10248
#   CNI_BRIDGE=devloop-cni0 POD_SUBNET   the pods' bridge and addresses
#   NODE_TAINTS                          --register-with-taints, e.g. for a trial node

KUBELET_PORT=${KUBELET_PORT:-10250}
KUBELET_HEALTHZ_PORT=${KUBELET_HEALTHZ_PORT:-10248}
CNI_BRIDGE=${CNI_BRIDGE:-devloop-cni0}
NODE_TAINTS=${NODE_TAINTS:-}
NODE_CONFIG_LABEL=org.devloop.test-env.config

node_conf_dir() { echo "$STATE/node/$NODE_NAME"; }
node_volume() { echo "$NODE_NAME-containerd"; }

# the node's configuration, rendered from scripts/test-env.d/node/ into the
# directory mounted read-only at /etc/devloop-node
write_node_config() {
  local dir; dir=$(node_conf_dir)
  local ip oom=-999 restrict=false dns hp
  ip=$(node_ip)
  has_cap_sys_resource || { oom=0; restrict=true; }
  dns=$(awk '$1 == "nameserver" && $2 ~ /^[0-9.]+$/ && $2 !~ /^127\./ {print $2; exit}' /etc/resolv.conf 2>/dev/null || true)
  rm -rf "$dir.new"; mkdir -p "$dir.new/pki" "$dir.new/cni"
  render "$D/node/containerd.toml" "$dir.new/containerd.toml" PAUSE_IMAGE="$PAUSE_IMAGE" RESTRICT_OOM="$restrict"
  render "$D/node/kubelet-config.yaml" "$dir.new/kubelet-config.yaml" NODE_IP="$ip" KUBELET_PORT="$KUBELET_PORT" \
    HEALTHZ_PORT="$KUBELET_HEALTHZ_PORT" DNS="$dns" OOM_SCORE_ADJ="$oom"
  render "$D/node/cni.conflist" "$dir.new/cni/10-devloop-test.conflist" BRIDGE="$CNI_BRIDGE" POD_SUBNET="$POD_SUBNET"
  for hp in "$REGISTRY_FROM_CLUSTER" "$REGISTRY_HOST"; do
    mkdir -p "$dir.new/certs.d/$hp"
    render "$D/node/hosts.toml" "$dir.new/certs.d/$hp/hosts.toml" HOST_PORT="$hp"
  done
  mkdir -p "$dir.new/certs.d/docker.io"
  render "$D/node/docker.io-hosts.toml" "$dir.new/certs.d/docker.io/hosts.toml" MIRROR="$REGISTRY_FROM_CLUSTER"
  cp "$PKI/ca.crt" "$PKI/kubelet.crt" "$PKI/kubelet.key" "$PKI/kubelet-client.crt" "$PKI/kubelet-client.key" "$dir.new/pki/"
  PKI=/etc/devloop-node/pki component_kubeconfig "$dir.new/kubelet.kubeconfig" "system:node:$NODE_NAME" kubelet-client
  chmod 700 "$dir.new/pki"
  # unchanged: keep the directory a running node has mounted (a replaced one
  # would vanish under it); changed: the node is re-created with the new one
  if diff -rq "$dir.new" "$dir" >/dev/null 2>&1; then rm -rf "$dir.new"; else rm -rf "$dir"; mv "$dir.new" "$dir"; fi
}

node_config_hash() {
  { (cd "$(node_conf_dir)" && find . -type f -print0 | sort -z | xargs -0 sha256sum)
    docker_cli image inspect -f '{{.Id}}' "$NODE_IMAGE"
    echo "$NODE_TAINTS $K3D_VERSION $(node_privileges)"; } | sha256sum | cut -c1-16
}

node_container_state() {
  local state; state=$(docker_cli inspect -f '{{.State.Status}}' "$NODE_NAME" 2>/dev/null) || state=
  echo "${state:-absent}"
}
node_kubelet_ok() { curl -fsS "http://127.0.0.1:$KUBELET_HEALTHZ_PORT/healthz" 2>/dev/null | grep -qx ok; }

# Privileged, as k3d and kind run nodes. Where the VM withholds
# CAP_SYS_RESOURCE, Docker's --privileged (and k3d's privileged exec) fails in
# runc; the runtime devloop-runc (scripts/test-env.d/runc-without-sys-resource,
# registered in daemon.json) drops just that capability.
node_privileges() {
  echo --privileged
  has_cap_sys_resource || echo --runtime=devloop-runc
}

start_node_container() {
  phase=node
  write_node_config
  local hash state current
  hash=$(node_config_hash)
  state=$(node_container_state)
  current=$(docker_cli inspect -f "{{index .Config.Labels \"$NODE_CONFIG_LABEL\"}}" "$NODE_NAME" 2>/dev/null || true)
  if [[ $state == running && $current == "$hash" ]] && node_kubelet_ok; then
    log "running (container $NODE_NAME)"; return
  fi
  if [[ $state != absent ]]; then
    log "container $NODE_NAME is $state$([[ $current != "$hash" ]] && echo ', configuration changed'): re-creating it"
    docker_cli rm -f "$NODE_NAME" >/dev/null
    remove_pod_nat_chains   # its pods went with it (the only node: every pod chain was its)
  fi
  docker_cli volume inspect "$(node_volume)" >/dev/null 2>&1 ||
    docker_cli volume create --label app=k3d --label "k3d.cluster=$CLUSTER_NAME" "$(node_volume)" >/dev/null
  local privileges; mapfile -t privileges < <(node_privileges)
  local kmsg=(); [[ -e /dev/kmsg ]] && kmsg=(--device /dev/kmsg)
  docker_cli run -d --name "$NODE_NAME" --network host --restart unless-stopped \
    "${privileges[@]}" "${kmsg[@]}" --tmpfs /run --tmpfs /tmp \
    -v /lib/modules:/lib/modules:ro -v "$(node_volume):/var/lib/containerd" -v "$(node_conf_dir):/etc/devloop-node:ro" \
    --add-host "$REGISTRY_NAME:127.0.0.1" \
    -e "DEVLOOP_NODE_NAME=$NODE_NAME" -e "DEVLOOP_NODE_IP=$(node_ip)" -e "DEVLOOP_NODE_TAINTS=$NODE_TAINTS" \
    --label app=k3d --label "k3d.version=$K3D_VERSION" --label "k3d.cluster=$CLUSTER_NAME" --label k3d.role=server \
    --label k3d.cluster.network=host --label k3d.cluster.network.external=true \
    --label "k3d.cluster.url=https://$NODE_NAME:$API_PORT" \
    --label k3d.server.api.host=127.0.0.1 --label k3d.server.api.hostIP=127.0.0.1 --label "k3d.server.api.port=$API_PORT" \
    --label "$NODE_CONFIG_LABEL=$hash" \
    "$NODE_IMAGE" >/dev/null || die "could not start the node container $NODE_NAME"
  wait_for 60 node node_kubelet_ok || { docker_cli logs --tail 30 "$NODE_NAME" >&2; die "the kubelet in $NODE_NAME did not start (docker logs $NODE_NAME)"; }
  log "started container $NODE_NAME (kubelet on $(node_ip):$KUBELET_PORT)"
}

stop_node_container() {
  [[ $(node_container_state) == absent ]] && return 0
  docker_cli rm -f "$NODE_NAME" >/dev/null && log "removed container $NODE_NAME (images stay in volume $(node_volume))"
}
