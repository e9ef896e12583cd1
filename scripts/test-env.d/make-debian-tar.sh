#!/usr/bin/env bash
# Makes a minimal Debian bookworm root filesystem tarball with debootstrap
# (--variant=minbase), trimmed like the official -slim images, for
# `docker import` as debian:bookworm-slim.   usage: make-debian-tar.sh OUT.tar
set -euo pipefail
out=$1
mirror=${DEVLOOP_TEST_DEBIAN_MIRROR:-http://deb.debian.org/debian}
work=$(mktemp -d "${out%/*}/debootstrap.XXXXXX")
trap 'rm -rf "$work"' EXIT
debootstrap --variant=minbase bookworm "$work/root" "$mirror" > "$work/../debootstrap.log" 2>&1 || {
  echo "make-debian-tar: debootstrap failed, last lines of ${out%/*}/debootstrap.log:" >&2
  tail -20 "${out%/*}/debootstrap.log" >&2; exit 1; }
r=$work/root
# like debian:*-slim: no apt lists or caches, no docs/man/locales
chroot "$r" apt-get clean
rm -rf "$r"/var/lib/apt/lists/* "$r"/var/cache/apt/*.bin "$r"/var/log/*.log \
       "$r"/usr/share/doc/* "$r"/usr/share/man/* "$r"/usr/share/info/* "$r"/usr/share/locale/*
cat > "$r/etc/apt/sources.list" <<SRC
deb $mirror bookworm main
deb $mirror bookworm-updates main
deb http://deb.debian.org/debian-security bookworm-security main
SRC
# no policy in image that blocks daemons; the container runtime writes these
: > "$r/etc/hostname"; : > "$r/etc/resolv.conf"
tar --numeric-owner -C "$r" -cf "$out.tmp" .
mv -f "$out.tmp" "$out"
