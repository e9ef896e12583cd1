#!/bin/sh
# k3d for the devloop test environment (made by scripts/test-env from
# scripts/test-env.d/k3d-wrapper.sh): the real k3d CLI, built from the Go
# module proxy, talking to the environment's dockerd (20.10: Docker API 1.41).
export DOCKER_API_VERSION="${DOCKER_API_VERSION:-1.41}"
export DOCKER_HOST="${DOCKER_HOST:-unix://@DOCKER_SOCK@}"
exec "@K3D_BIN@" "$@"
