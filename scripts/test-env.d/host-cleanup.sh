# shellcheck shell=bash
# Sourced by scripts/test-env: what pods and the former host node leave on the
# host, and taking that node away.

# Earlier versions ran containerd and the kubelet on the host itself. If they
# still run, or left state behind, take them away: the node is a container now.
# Their pods come back in the container (same node name) from their specs.
retire_host_node() {
  phase=host-node
  local c had=
  for c in kubelet containerd; do running "$c" && had=1; done
  [[ -n $had || -d $NODE_RUNTIME_DIR/containerd || -d $STATE/kubelet || -f $STATE/containerd/config.toml ]] || return 0
  log "retiring the kubelet and containerd that ran on the host (the node is the container $NODE_NAME now)"
  stop kubelet
  local ctr=(ctr --address "$CONTAINERD_SOCK" --namespace k8s.io) id
  if running containerd; then
    for id in $("${ctr[@]}" tasks ls -q 2>/dev/null); do "${ctr[@]}" tasks kill -s SIGKILL "$id" >/dev/null 2>&1 || true; done
  fi
  stop containerd
  cleanup_host
  rm -f /etc/cni/net.d/10-devloop-test.conflist
  for c in "$REGISTRY_FROM_CLUSTER" "$REGISTRY_HOST"; do
    if grep -qs 'written by devloop scripts/test-env' "/etc/containerd/certs.d/$c/hosts.toml"; then
      rm -f "/etc/containerd/certs.d/$c/hosts.toml"; rmdir "/etc/containerd/certs.d/$c" 2>/dev/null || true
    fi
  done
  rm -rf "$STATE/containerd" "$STATE/kubelet-config.yaml"
  log "retired (its image store $STATE/containerd is gone; the node's lives in volume $(node_volume))"
}

# What pods and the former host node may leave on the host: processes in the
# host kubelet's cgroups, its containerd's shims and mounts, CNI's network
# namespaces and per-pod NAT chains. Never touches a running node container's
# pods (their cgroups live under the container's own).
cleanup_host() {
  local f p m
  # processes of the kubelet's pods that outlived it: everything in its cgroups
  while read -r f; do
    while read -r p; do kill -KILL "$p" 2>/dev/null || true; done <"$f"
  done < <(find /sys/fs/cgroup/pids/kubepods /sys/fs/cgroup/kubepods -name cgroup.procs 2>/dev/null)
  # container processes by the init pids containerd recorded, then the shims our
  # containerd started (they name its socket, which is ours alone)
  for f in "$NODE_RUNTIME_DIR"/containerd/io.containerd.runtime.v2.task/k8s.io/*/init.pid; do
    [[ -f $f ]] && { kill -KILL "$(<"$f")" 2>/dev/null || true; }
  done
  while read -r f; do
    p=${f#/proc/}; p=${p%/cmdline}
    if [[ $(tr '\0' '\n' <"$f" 2>/dev/null | head -1) == *containerd-shim* ]]; then kill -KILL "$p" 2>/dev/null || true; fi
  done < <(grep -la -- "$CONTAINERD_SOCK" /proc/[0-9]*/cmdline 2>/dev/null || true)
  # mounts left under the kubelet's dir, containerd's state, and CNI's network namespaces
  for m in $(findmnt -rn -o TARGET | grep -E "^($STATE/kubelet|$NODE_RUNTIME_DIR|/run/netns/cni-)" | sort -r); do
    umount -l "$m" 2>/dev/null || true
  done
  rm -f /run/netns/cni-* 2>/dev/null || true
  rm -rf "$STATE/cni/networks" "$NODE_RUNTIME_DIR/containerd" "$STATE/kubelet"
  rm -f "$CONTAINERD_SOCK" "$CONTAINERD_SOCK.ttrpc"
  remove_pod_nat_chains
}

# The per-pod NAT chains the bridge plugin made in the host's network (which
# the node shares), once the pods are gone: a node container that is removed
# takes its pods down without telling CNI.
remove_pod_nat_chains() {
  local rule chain
  while read -r rule; do
    eval "iptables -t nat ${rule/-A/-D}" 2>/dev/null || true
  done < <(iptables -t nat -S POSTROUTING 2>/dev/null | grep -- '-j CNI-' || true)
  for chain in $(iptables -t nat -S 2>/dev/null | awk '$1 == "-N" && $2 ~ /^CNI-[0-9a-f]+$/ {print $2}'); do
    iptables -t nat -F "$chain" 2>/dev/null || true; iptables -t nat -X "$chain" 2>/dev/null || true
  done
  iptables -F CNI-FORWARD 2>/dev/null || true
}
