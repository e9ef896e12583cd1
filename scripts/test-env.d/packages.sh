# shellcheck shell=bash
# Sourced by scripts/test-env: the Debian packages the environment runs on.

PACKAGES=(docker.io docker-registry catatonit debootstrap busybox-static openssl iptables kmod curl ca-certificates jq)

install_packages() {
  phase=packages
  local missing=() p
  for p in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  if ((${#missing[@]} == 0)); then log "all present"; return; fi
  log "installing ${missing[*]}"
  # never let package scripts start the system's docker/containerd services
  local policy_created=
  if [[ ! -e /usr/sbin/policy-rc.d ]]; then
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d; chmod +x /usr/sbin/policy-rc.d; policy_created=1
  fi
  DEBIAN_FRONTEND=noninteractive apt-get update -qq >"$LOG_DIR/apt.log" 2>&1 || { cat "$LOG_DIR/apt.log" >&2; die "apt-get update failed"; }
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >>"$LOG_DIR/apt.log" 2>&1 \
    || { tail -30 "$LOG_DIR/apt.log" >&2; die "apt-get install failed"; }
  [[ -n $policy_created ]] && rm -f /usr/sbin/policy-rc.d
  log "installed"
}
