# shellcheck shell=bash
# Sourced by scripts/test-env: the Kubernetes node image, assembled locally
# (node/Dockerfile) from debian:bookworm-slim, Debian's containerd, runc and
# CNI plugins, the kubelet built by build-k8s.sh and crictl built by
# tools.sh, plus the pause image as a tarball the node imports at start.
# Rebuilt only when one of those inputs changed (a hash in an image label).

NODE_IMAGE="devloop.local/k3d-node:$K8S_VERSION"
NODE_IMAGE_HASH_LABEL=org.devloop.test-env.inputs

node_image_inputs_hash() {
  {
    sha256sum "$D/node/Dockerfile" "$D/node/entrypoint.sh" "$D/node/crictl.yaml"
    stat -c '%n %s %Y' "$BIN/kubelet" "$CRICTL_BIN"
    docker_cli image inspect -f '{{.Id}}' debian:bookworm-slim "$PAUSE_IMAGE"
  } | sha256sum | cut -c1-16
}

build_node_image() {
  phase=node-image
  local hash current
  hash=$(node_image_inputs_hash)
  current=$(docker_cli image inspect -f "{{index .Config.Labels \"$NODE_IMAGE_HASH_LABEL\"}}" "$NODE_IMAGE" 2>/dev/null || true)
  if [[ $current == "$hash" ]]; then log "$NODE_IMAGE present"; return; fi
  log "building $NODE_IMAGE (apt-get in the build: about a minute)"
  local ctx="$STATE/build/node-image"
  rm -rf "$ctx"; mkdir -p "$ctx/images"
  cp "$D/node/Dockerfile" "$D/node/entrypoint.sh" "$D/node/crictl.yaml" "$ctx/"
  cp "$BIN/kubelet" "$CRICTL_BIN" "$ctx/"
  docker_cli save "$PAUSE_IMAGE" -o "$ctx/images/pause.tar"
  echo "$PAUSE_IMAGE" >"$ctx/images/pause.ref"
  docker_cli build -q --network host --label "$NODE_IMAGE_HASH_LABEL=$hash" \
    --label org.opencontainers.image.vendor=devloop-test-env -t "$NODE_IMAGE" "$ctx" >"$LOG_DIR/node-image.log" 2>&1 \
    || { tail -30 "$LOG_DIR/node-image.log" >&2; die "building $NODE_IMAGE failed (log: $LOG_DIR/node-image.log)"; }
  rm -rf "$ctx"
  log "built $NODE_IMAGE"
}
