# shellcheck shell=bash
# Sourced by scripts/test-env: `stop` and `start` of one component.

# stop/start one component, for the fault tests (test/faults/): the rest keeps
# running; `up` also brings back whatever is stopped.
ONE_COMPONENTS="registry, dockerd or kube-apiserver"
cmd_stop_one() {
  [[ $(id -u) == 0 ]] || die "run as root"
  exec 8>"$STATE/.up.lock"; flock 8
  phase=stop
  case ${1:-} in
    registry) stop registry ;;
    dockerd) running dockerd || die "dockerd was not started by test-env; not stopping it"; stop dockerd; rm -f /var/run/docker.pid ;;
    kube-apiserver) stop kube-apiserver ;;
    *) die "stop: expected $ONE_COMPONENTS" ;;
  esac
}
cmd_start_one() {
  [[ $(id -u) == 0 ]] || die "run as root"
  exec 8>"$STATE/.up.lock"; flock 8
  case ${1:-} in
    registry) start_registry ;;
    dockerd) start_docker ;;
    kube-apiserver) start_apiserver ;;
    *) phase=start; die "start: expected $ONE_COMPONENTS" ;;
  esac
}
