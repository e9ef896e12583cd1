#!/usr/bin/env bash
# Builds one Go command from the Go module proxy through a wrapper module that
# only requires its module; nothing is cloned. The binary lands in OUT only
# when complete, so an interrupted build never leaves a half-written file.
#
#   build-go-tool.sh OUT MODULE VERSION PACKAGE [LDFLAGS]
#   e.g. build-go-tool.sh $STATE/bin/k3d-v5.8.3/k3d github.com/k3d-io/k3d/v5 v5.8.3 github.com/k3d-io/k3d/v5
#
# A module that does not build as a plain requirement (replace directives,
# files missing from its module zip) names a command in GO_TOOL_PREPARE: it runs
# in the wrapper module's directory after go.mod is written, before the build.
# CGO_ENABLED=1 in the environment builds with cgo (the default is a static binary).
set -euo pipefail

OUT=$1 MODULE=$2 VERSION=$3 PACKAGE=$4 LDFLAGS=${5:-}
export PATH=/usr/local/go/bin:$PATH
export GOTOOLCHAIN=local CGO_ENABLED=${CGO_ENABLED:-0} GOFLAGS="-buildvcs=false -mod=mod"
export GOPROXY=${GOPROXY:-https://proxy.golang.org,direct}

[[ -x $OUT ]] && { echo "build-go-tool: $OUT already built"; exit 0; }
name=$(basename "$OUT")
work="$(dirname "$OUT")/.build-$name"
mkdir -p "$work"
exec 9>"$work/.lock"
flock 9   # one build per tool at a time
[[ -x $OUT ]] && exit 0

go_minor=$(go env GOVERSION | sed -E 's/^go([0-9]+\.[0-9]+).*/\1/')
printf 'module devloop.local/%s-build\n\ngo %s\n\nrequire %s %s\n' "$name" "$go_minor" "$MODULE" "$VERSION" >"$work/go.mod"
rm -f "$work/go.sum"
if [[ -n ${GO_TOOL_PREPARE:-} ]]; then (cd "$work" && $GO_TOOL_PREPARE); fi
start=$SECONDS
echo "build-go-tool: go build $PACKAGE ($MODULE $VERSION) started $(date -u +%H:%M:%S)"
(cd "$work" && go build -trimpath -ldflags "-s -w $LDFLAGS" -o "$OUT.tmp.$$" "$PACKAGE")
mv -f "$OUT.tmp.$$" "$OUT"
echo "build-go-tool: built $name in $((SECONDS - start))s"
