# shellcheck shell=bash
# Sourced by scripts/test-env: what the environment needs of this machine:
# its capabilities, the node's IP address, kernel settings, /etc/hosts.

# CAP_SYS_RESOURCE (bit 24) in our bounding set?
has_cap_sys_resource() { (( (0x$(awk '/^CapBnd/ {print $2}' /proc/self/status) >> 24) & 1 )); }
node_ip() {
  local ip
  ip=$(ip -4 route get 1.1.1.1 2>/dev/null | awk '{for (i = 1; i < NF; i++) if ($i == "src") { print $(i + 1); exit }}')
  if [[ -z $ip ]]; then
    ip=$(ip -4 -o addr show scope global 2>/dev/null | awk '$2 !~ /^(docker|devloop|veth|br-)/ {split($4, a, "/"); print a[1]; exit}')
  fi
  if [[ -z $ip ]]; then   # offline machine without a global address: a dummy interface
    ip link show devloop-node0 >/dev/null 2>&1 || {
      ip link add devloop-node0 type dummy && ip addr add 10.87.0.1/32 dev devloop-node0 && ip link set devloop-node0 up; }
    ip=10.87.0.1
  fi
  echo "$ip"
}
prepare_host() {
  phase=host
  if ! grep -qE "^127\.0\.0\.1([[:space:]]+[^[:space:]]+)*[[:space:]]+${REGISTRY_NAME//./\\.}([[:space:]]|$)" /etc/hosts; then
    echo "127.0.0.1 $REGISTRY_NAME" >>/etc/hosts
    log "added '127.0.0.1 $REGISTRY_NAME' to /etc/hosts"
  fi
  modprobe overlay 2>/dev/null || true
  modprobe br_netfilter 2>/dev/null || true
  sysctl -qw net.ipv4.ip_forward=1
  if [[ -e /proc/sys/net/bridge/bridge-nf-call-iptables ]]; then sysctl -qw net.bridge.bridge-nf-call-iptables=1; fi
  local kv
  for kv in fs.inotify.max_user_instances=1024 fs.inotify.max_user_watches=524288; do
    if (($(sysctl -n "${kv%=*}") < ${kv#*=})); then sysctl -qw "$kv"; fi
  done
  # the kubelet wants shared mount propagation and /dev/kmsg (kind's entrypoint does the same)
  mount --make-rshared / 2>/dev/null || log "warning: mount --make-rshared / failed"
  if [[ ! -e /dev/kmsg ]]; then ln -s /dev/console /dev/kmsg; log "linked /dev/kmsg -> /dev/console"; fi
  mkdir -p "$RUN_DIR" "$LOG_DIR"
  log "ready (node IP $(node_ip))"
}
