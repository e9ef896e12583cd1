# shellcheck shell=bash
# Sourced by scripts/test-env: `status`, one line per component.

COMPONENTS=(dockerd registry etcd kube-apiserver kube-controller-manager kube-scheduler node)

cmd_status() {
  local all=0 c state addr pid
  for c in "${COMPONENTS[@]}"; do
    case $c in
      dockerd) addr="unix://$DOCKER_SOCK"; docker_ok >/dev/null 2>&1 && state=running || state=stopped ;;
      registry) addr="127.0.0.1:$REGISTRY_PORT"; running "$c" && registry_ok 2>/dev/null && state=running || state=stopped ;;
      etcd) addr="http://127.0.0.1:2379"; running "$c" && etcd_ok 2>/dev/null && state=running || state=stopped ;;
      kube-apiserver) addr="https://127.0.0.1:$API_PORT"; running "$c" && api_ok 2>/dev/null && state=running || state=stopped ;;
      kube-controller-manager) addr="https://127.0.0.1:10257"; running "$c" && healthz_ok 10257 2>/dev/null && state=running || state=stopped ;;
      kube-scheduler) addr="https://127.0.0.1:10259"; running "$c" && healthz_ok 10259 2>/dev/null && state=running || state=stopped ;;
      node) addr="container $NODE_NAME, kubelet https://$(node_ip):$KUBELET_PORT"
        [[ $(node_container_state) == running ]] && node_kubelet_ok && state=running || state=stopped ;;
    esac
    pid=$(running "$c" && pid_of "$c" || echo -)
    [[ $c == node && $state == running ]] && pid=$(docker_cli inspect -f '{{.State.Pid}}' "$NODE_NAME" 2>/dev/null || echo -)
    [[ $c == dockerd && $state == running && $pid == - ]] && pid="external"
    printf '%-24s %-8s pid %-8s %s\n' "$c" "$state" "$pid" "$addr"
    [[ $state == running ]] || all=1
  done
  if ((all == 0)) && [[ -x $BIN/kubectl ]]; then
    if node_ready; then printf '%-24s %-8s %-12s %s\n' node Ready "" "$NODE_NAME (context $CONTEXT)"
    else printf '%-24s %-8s %-12s %s\n' node NotReady "" "$NODE_NAME"; all=1; fi
  fi
  return $all
}
