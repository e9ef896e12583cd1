#!/bin/bash
# The node container's init (under catatonit): prepares the container the way
# kind's entrypoint does for a Kubernetes node in Docker, then runs containerd
# and the kubelet. Configuration comes read-only from /etc/devloop-node
# (written by scripts/test-env.d/node-container.sh); the node's name and IP
# from DEVLOOP_NODE_NAME and DEVLOOP_NODE_IP.
set -euo pipefail
CONF=/etc/devloop-node
log() { echo "devloop-node: $*"; }

# shared mount propagation (volume mounts of pods), writable /sys
mount --make-rshared /
mount -o remount,rw /sys

# cgroup v1: Docker mounts each hierarchy read-only with the container's own
# cgroup as its root, while /proc/self/cgroup still names the full path. Make
# them writable and bind each root at that path too, so the kubelet, cAdvisor
# and runc find the cgroups /proc reports; the kubelet's cgroupRoot then lies
# inside this container's cgroup.
if [[ ! -f /sys/fs/cgroup/cgroup.controllers ]]; then
  mount -o remount,rw /sys/fs/cgroup
  own=$(awk -F: '$2 ~ /(^|,)memory(,|$)/ {print $3}' /proc/self/cgroup)
  mapfile -t hierarchies < <(findmnt -rn -t cgroup -o TARGET)
  for target in "${hierarchies[@]}"; do
    mount -o remount,rw "$target" 2>/dev/null || mount -o remount,rw,bind "$target"
    if [[ -n $own && $own != / ]] && ! mountpoint -q "$target$own"; then
      mkdir -p "$target$own"
      mount --bind "$target" "$target$own"
    fi
    mkdir -p "$target/kubelet"   # the kubelet's cgroupRoot
  done
fi
[[ -s /etc/machine-id ]] || tr -d - </proc/sys/kernel/random/uuid >/etc/machine-id

# the iptables variant the host uses: the node shares the host's network, so
# the pods' NAT and firewall rules must sit beside Docker's (kind does the same)
legacy=$(iptables-legacy-save 2>/dev/null | grep -c '^-' || true)
nft=$(iptables-nft-save 2>/dev/null | grep -c '^-' || true)
if ((legacy > nft)); then
  update-alternatives --set iptables /usr/sbin/iptables-legacy >/dev/null
  update-alternatives --set ip6tables /usr/sbin/ip6tables-legacy >/dev/null
fi

mkdir -p /var/lib/kubelet /var/log/pods /run/containerd /etc/containerd
[[ -e /dev/kmsg ]] || ln -s /dev/console /dev/kmsg

children=()
stop_all() {
  log "stopping"
  kill -TERM "${children[@]}" 2>/dev/null || true
  wait || true
  exit 0
}
trap stop_all TERM INT

containerd --config "$CONF/containerd.toml" --log-level warn &
children+=($!)
for ((i = 0; i < 120; i++)); do ctr version >/dev/null 2>&1 && break; sleep 0.25; done
ctr version >/dev/null 2>&1 || { log "containerd did not start"; exit 1; }
# The CRI plugin initialises after the daemon answers, and takes longer when it
# recovers the sandboxes of a node that was killed (no clean stop): a kubelet
# started before it is ready exits at once, and the node would restart forever.
for ((i = 0; i < 480; i++)); do crictl info >/dev/null 2>&1 && break; sleep 0.25; done
crictl info >/dev/null 2>&1 || { log "containerd's CRI did not become ready within 120 s"; exit 1; }
log "containerd $(ctr version 2>/dev/null | awk '/Version/ {print $2; exit}') ready"

# images the node has without a registry (the pause image)
for tar in /var/lib/devloop-node/images/*.tar; do
  [[ -f $tar ]] || continue
  name=$(basename "$tar" .tar)
  if ! ctr images ls -q | grep -qxF "$(cat "/var/lib/devloop-node/images/$name.ref")"; then
    ctr images import "$tar" >/dev/null && log "imported $(cat "/var/lib/devloop-node/images/$name.ref")"
  fi
done

kubelet --config="$CONF/kubelet-config.yaml" --kubeconfig="$CONF/kubelet.kubeconfig" \
  --hostname-override="$DEVLOOP_NODE_NAME" --node-ip="$DEVLOOP_NODE_IP" --root-dir=/var/lib/kubelet \
  ${DEVLOOP_NODE_LABELS:+--node-labels="$DEVLOOP_NODE_LABELS"} \
  ${DEVLOOP_NODE_TAINTS:+--register-with-taints="$DEVLOOP_NODE_TAINTS"} --v=1 &
children+=($!)
log "kubelet started as node $DEVLOOP_NODE_NAME ($DEVLOOP_NODE_IP)"

# either daemon ending ends the node (Docker's restart policy brings it back)
set +e
wait -n
status=$?
log "a daemon exited ($status); stopping the node"
kill -TERM "${children[@]}" 2>/dev/null
wait
exit "$status"
