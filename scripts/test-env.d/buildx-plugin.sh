#!/bin/sh
# docker buildx for the devloop test environment (made by scripts/test-env
# from scripts/test-env.d/buildx-plugin.sh): the real plugin, built from the
# Go module proxy. Its Engine API client does not negotiate down to dockerd
# 20.10, so the API version is pinned to 1.41 unless the caller chose one.
export DOCKER_API_VERSION="${DOCKER_API_VERSION:-1.41}"
exec "@BUILDX_BIN@" "$@"
