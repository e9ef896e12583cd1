# shellcheck shell=bash
# Sourced by scripts/test-env: `env`, the export lines for tests and devloop.

cmd_env() {
  cat <<EOF
export KUBECONFIG=$KUBECONFIG_PATH
export DEVLOOP_TEST_CONTEXT=$CONTEXT
export DEVLOOP_TEST_CLUSTER=$CLUSTER_NAME
export DEVLOOP_TEST_REGISTRY_HOST=$REGISTRY_HOST
export DEVLOOP_TEST_REGISTRY_CLUSTER=$REGISTRY_FROM_CLUSTER
export DEVLOOP_TEST_K3D_BIN_DIR=$K3D_DIR
export DEVLOOP_TEST_ENV_HOME=$STATE
export DOCKER_HOST=unix://$DOCKER_SOCK
EOF
}
