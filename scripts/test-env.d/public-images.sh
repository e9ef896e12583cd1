# shellcheck shell=bash
# Sourced by scripts/test-env: the base images images.sh makes, served under
# their public names. Projects run public images beside their own (a busybox
# or debian sidecar, a StatefulSet); with no Docker Hub here, the registry
# holds them at the paths docker.io names resolve to (busybox:1.36 is
# docker.io/library/busybox:1.36), and the node's containerd
# (node/docker.io-hosts.toml) and dockerd (registry-mirrors in
# dockerd/daemon.json) ask it first for docker.io.

PUBLIC_IMAGES=(busybox:1.36 busybox:latest debian:bookworm-slim)

# the digest the registry serves for library/NAME:TAG (empty if none)
served_digest() {
  local name=${1%%:*} tag=${1#*:}
  curl -fsS -I -H 'Accept: application/vnd.docker.distribution.manifest.v2+json' \
    "http://127.0.0.1:$REGISTRY_PORT/v2/library/$name/manifests/$tag" 2>/dev/null |
    awk 'tolower($1) == "docker-content-digest:" {sub(/\r$/, "", $2); print $2}'
}

# pushed IMAGE: the registry serves this very image (Docker recorded the
# digest it pushed as one of the image's RepoDigests)
pushed() {
  local digest; digest=$(served_digest "$1")
  [[ -n $digest ]] && docker_cli image inspect -f '{{range .RepoDigests}}{{println .}}{{end}}' "$1" |
    grep -qxF "$REGISTRY_HOST/library/${1%%:*}@$digest"
}

serve_public_images() {
  phase=public-images
  local image pushed_now=()
  for image in "${PUBLIC_IMAGES[@]}"; do
    pushed "$image" && continue
    docker_cli tag "$image" "$REGISTRY_HOST/library/$image"
    docker_cli push "$REGISTRY_HOST/library/$image" >"$LOG_DIR/public-images.log" 2>&1 ||
      { tail -20 "$LOG_DIR/public-images.log" >&2; die "pushing $REGISTRY_HOST/library/$image failed"; }
    pushed_now+=("$image")
  done
  ((${#pushed_now[@]})) && log "pushed ${pushed_now[*]} as $REGISTRY_HOST/library/…"
  log "served as docker.io/library/…: ${PUBLIC_IMAGES[*]}"
}

# The node pulls busybox:1.36 by its public name, as a pod would, and gets the
# image Docker has (so it came from the registry, not from elsewhere).
check_public_images() {
  phase=public-images
  local got want
  got=$(docker_cli exec "$NODE_NAME" crictl pull busybox:1.36 2>"$LOG_DIR/public-images.log") ||
    { cat "$LOG_DIR/public-images.log" >&2; die "the node could not pull busybox:1.36 through its docker.io mirror"; }
  want=$(docker_cli image inspect -f '{{.Id}}' busybox:1.36)
  [[ $got == *"$want"* ]] || die "the node pulled busybox:1.36 as ${got##* }, not Docker's $want"
  log "the node pulls busybox:1.36 from the registry (docker.io mirror)"
}
