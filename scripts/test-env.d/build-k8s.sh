#!/usr/bin/env bash
# Builds Kubernetes components and etcd from the Go module proxy through a
# small wrapper module generated in the state dir. Nothing is cloned.
#
#   build-k8s.sh <k8s-version> <out-dir> <component>...
#
# Components: kubelet kube-apiserver kube-controller-manager kube-scheduler
#             kubectl etcd
# Each binary is built into <out-dir>.tmp and moved into <out-dir> only when
# complete, so an interrupted build never leaves a half-written binary.
set -euo pipefail

K8S_VERSION=$1; OUT=$2; shift 2
[[ $# -gt 0 ]] || { echo "usage: $0 <version> <out-dir> <component>..." >&2; exit 2; }

export PATH=/usr/local/go/bin:$PATH
export GOTOOLCHAIN=local CGO_ENABLED=0 GOFLAGS="-buildvcs=false -mod=mod"
export GOPROXY=${GOPROXY:-https://proxy.golang.org,direct}

STAGING_VERSION="v0${K8S_VERSION#v1}"          # v1.34.12 -> v0.34.12
ETCD_VERSION=${ETCD_VERSION:-}
WORK="$(dirname "$OUT")/../build/$K8S_VERSION"
mkdir -p "$WORK" "$OUT"
WORK=$(cd "$WORK" && pwd)

lock="$WORK/.lock"
exec 9>"$lock"
flock 9   # one build at a time per version (shares the module + build cache)

if [[ ! -f "$WORK/go.mod.done" ]]; then
  echo "build-k8s: generating wrapper module for k8s.io/kubernetes $K8S_VERSION in $WORK"
  # k8s.io/kubernetes' own go.mod, through the module cache (checksum-verified)
  empty=$(mktemp -d)
  modfile=$(cd "$empty" && GOFLAGS='' go mod download -json "k8s.io/kubernetes@$K8S_VERSION" |
    sed -n 's/^[[:space:]]*"GoMod": "\(.*\)",$/\1/p')
  rmdir "$empty"
  [[ -f $modfile ]] || { echo "build-k8s: could not download k8s.io/kubernetes@$K8S_VERSION" >&2; exit 1; }
  upstream_mod=$(<"$modfile")
  # etcd version the apiserver is tested with (k8s go.mod requires client/server at it)
  if [[ -z "$ETCD_VERSION" ]]; then
    ETCD_VERSION=$(awk '$1=="go.etcd.io/etcd/server/v3"{print $2; exit}' <<<"$upstream_mod")
  fi
  {
    echo "module devloop.local/k8s-build"
    echo
    echo "go 1.25.0"
    echo
    echo "godebug default=go1.24"
    echo
    echo "require ("
    echo "	k8s.io/kubernetes $K8S_VERSION"
    echo "	go.etcd.io/etcd/server/v3 $ETCD_VERSION"
    echo ")"
    echo
    echo "replace ("
    # every staging module k8s.io/X => ./staging/src/k8s.io/X becomes k8s.io/X vSTAGING
    awk '$2=="=>" && $3 ~ /^\.\/staging\/src\// {print "\t" $1 " => " $1 " '"$STAGING_VERSION"'"}' <<<"$upstream_mod"
    echo ")"
  } > "$WORK/go.mod"
  mkdir -p "$WORK/cmd/etcd"
  cat > "$WORK/cmd/etcd/main.go" <<'GO'
// etcd server, same entry point as etcd's own server/main.go.
package main

import (
	"os"

	"go.etcd.io/etcd/server/v3/etcdmain"
)

func main() { etcdmain.Main(os.Args) }
GO
  echo "$ETCD_VERSION" > "$WORK/etcd.version"
  touch "$WORK/go.mod.done"
fi
ETCD_VERSION=$(cat "$WORK/etcd.version")

now=$(date -u +%Y-%m-%dT%H:%M:%SZ)
major=${K8S_VERSION#v}; major=${major%%.*}
minor=${K8S_VERSION#v*.}; minor=${minor%%.*}
ldflags="-s -w"
for p in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
  ldflags+=" -X $p.gitVersion=$K8S_VERSION -X $p.gitMajor=$major -X $p.gitMinor=$minor"
  ldflags+=" -X $p.gitTreeState=clean -X $p.buildDate=$now"
done

pkgs=()
for c in "$@"; do
  if [[ -x "$OUT/$c" ]]; then echo "build-k8s: $c already built"; continue; fi
  case $c in
    etcd) pkgs+=("./cmd/etcd") ;;
    kubelet|kube-apiserver|kube-controller-manager|kube-scheduler|kubectl|kube-proxy)
      pkgs+=("k8s.io/kubernetes/cmd/$c") ;;
    *) echo "build-k8s: unknown component $c" >&2; exit 2 ;;
  esac
done
[[ ${#pkgs[@]} -gt 0 ]] || exit 0

tmp="$OUT.tmp.$$"
mkdir -p "$tmp"
trap 'rm -rf "$tmp"' EXIT
start=$SECONDS
echo "build-k8s: go build ${pkgs[*]} (k8s $K8S_VERSION, etcd $ETCD_VERSION) started $(date -u +%H:%M:%S)"
(cd "$WORK" && go build -trimpath -ldflags "$ldflags" -o "$tmp/" "${pkgs[@]}")
built=$(cd "$tmp" && echo *)
for f in "$tmp"/*; do mv -f "$f" "$OUT/"; done
echo "build-k8s: built $built in $((SECONDS-start))s"
