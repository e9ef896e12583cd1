# shellcheck shell=bash
# Sourced by scripts/test-env: the base images tests and the node need, made
# locally (busybox from Debian's static busybox, debian:bookworm-slim by
# debootstrap, the pause image from catatonit), never pulled.

PAUSE_IMAGE="devloop.local/pause:catatonit"

has_image() { docker_cli image inspect "$1" >/dev/null 2>&1; }

start_debian_tarball() {
  DEBIAN_TAR="$STATE/cache/debian-bookworm-minbase.tar"
  mkdir -p "$STATE/cache"
  [[ -f $DEBIAN_TAR ]] && return
  if [[ -f "$RUN_DIR/debootstrap.pid" ]] && kill -0 "$(<"$RUN_DIR/debootstrap.pid")" 2>/dev/null; then return; fi
  phase=images; log "debootstrap --variant=minbase bookworm in the background (once; cached in $STATE/cache)"
  setsid "$D/make-debian-tar.sh" "$DEBIAN_TAR" >"$LOG_DIR/debootstrap.log" 2>&1 </dev/null 8>&- &
  echo $! >"$RUN_DIR/debootstrap.pid"
}

make_images() {
  phase=images
  local label='LABEL org.opencontainers.image.vendor=devloop-test-env'
  if ! has_image busybox:latest || ! has_image busybox:1.36; then
    local root; root=$(mktemp -d)
    mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,etc,root,home,var/www,tmp}
    chmod 1777 "$root/tmp"
    ldd /bin/busybox >/dev/null 2>&1 && die "/bin/busybox is not static (install busybox-static)"
    cp /bin/busybox "$root/bin/busybox"
    local a
    for a in $("$root/bin/busybox" --list-full); do
      [[ $a == bin/busybox || -e "$root/$a" ]] || { mkdir -p "$root/${a%/*}"; ln -s /bin/busybox "$root/$a"; }
    done
    printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/home:/bin/false\n' >"$root/etc/passwd"
    printf 'root:x:0:\nnobody:x:65534:\n' >"$root/etc/group"
    tar --numeric-owner -C "$root" -c . | docker_cli import -c 'CMD ["sh"]' -c "$label" - busybox:latest >/dev/null
    docker_cli tag busybox:latest busybox:1.36
    rm -rf "$root"
    log "made busybox:latest and busybox:1.36 from Debian's static busybox $(/bin/busybox | head -1 | awk '{print $2}')"
  fi
  if ! has_image debian:bookworm-slim; then
    if [[ ! -f $DEBIAN_TAR ]]; then
      log "waiting for debootstrap"
      while [[ -f "$RUN_DIR/debootstrap.pid" ]] && kill -0 "$(<"$RUN_DIR/debootstrap.pid")" 2>/dev/null; do sleep 2; done
      [[ -f $DEBIAN_TAR ]] || { tail -20 "$LOG_DIR/debootstrap.log" >&2; die "debootstrap failed"; }
    fi
    docker_cli import -c 'CMD ["bash"]' -c "$label" "$DEBIAN_TAR" debian:bookworm-slim >/dev/null
    log "made debian:bookworm-slim from $DEBIAN_TAR"
  fi
  rm -f "$RUN_DIR/debootstrap.pid"
  if ! has_image "$PAUSE_IMAGE"; then
    local root; root=$(mktemp -d)
    cp /usr/bin/catatonit "$root/catatonit"
    tar --numeric-owner -C "$root" -c . | docker_cli import -c 'ENTRYPOINT ["/catatonit", "-P"]' -c "$label" - "$PAUSE_IMAGE" >/dev/null
    rm -rf "$root"
    log "made $PAUSE_IMAGE (catatonit -P)"
  fi
  log "busybox:latest busybox:1.36 debian:bookworm-slim $PAUSE_IMAGE present"
}
