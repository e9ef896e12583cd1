# shellcheck shell=bash
# Sourced by scripts/test-env: the control plane on the host: etcd,
# kube-apiserver, kube-controller-manager and kube-scheduler.

kc() { "$BIN/kubectl" --kubeconfig "$KUBECONFIG_PATH" --context "$CONTEXT" "$@"; }

etcd_ok() { curl -fsS "http://127.0.0.1:2379/health" | grep -q '"health":"true"'; }
api_ok() { curl -fsS --cacert "$PKI/ca.crt" --cert "$PKI/admin.crt" --key "$PKI/admin.key" "https://127.0.0.1:$API_PORT/readyz" | grep -qx ok; }
healthz_ok() { curl -fsSk "https://127.0.0.1:$1/healthz" | grep -qx ok; }

start_etcd() {
  phase=etcd
  if running etcd && etcd_ok; then log "running (pid $(pid_of etcd))"; return; fi
  mkdir -p "$STATE/etcd"; chmod 700 "$STATE/etcd"
  spawn etcd "$BIN/etcd" --name "$CLUSTER_NAME" --data-dir "$STATE/etcd/data" \
    --listen-client-urls http://127.0.0.1:2379 --advertise-client-urls http://127.0.0.1:2379 \
    --listen-peer-urls http://127.0.0.1:2380 --initial-advertise-peer-urls http://127.0.0.1:2380 \
    --initial-cluster "$CLUSTER_NAME=http://127.0.0.1:2380" --listen-metrics-urls http://127.0.0.1:2381 \
    --unsafe-no-fsync --snapshot-count 10000 --quota-backend-bytes 2147483648 --log-level warn
  wait_for 30 etcd etcd_ok || die "etcd did not start (log: $LOG_DIR/etcd.log)"
  log "started $("$BIN/etcd" --version | awk '/etcd Version/ {print $3}') on 127.0.0.1:2379 (pid $(pid_of etcd))"
}

start_apiserver() {
  phase=kube-apiserver
  if running kube-apiserver && api_ok; then log "running (pid $(pid_of kube-apiserver))"; return; fi
  spawn kube-apiserver "$BIN/kube-apiserver" \
    --bind-address=127.0.0.1 --secure-port="$API_PORT" --advertise-address="$(node_ip)" \
    --etcd-servers=http://127.0.0.1:2379 \
    --tls-cert-file="$PKI/apiserver.crt" --tls-private-key-file="$PKI/apiserver.key" \
    --client-ca-file="$PKI/ca.crt" --anonymous-auth=false \
    --authorization-mode=AlwaysAllow \
    --service-account-key-file="$PKI/sa.pub" --service-account-signing-key-file="$PKI/sa.key" \
    --service-account-issuer=https://kubernetes.default.svc.cluster.local \
    --service-cluster-ip-range="$SERVICE_SUBNET" \
    --kubelet-client-certificate="$PKI/apiserver-kubelet-client.crt" --kubelet-client-key="$PKI/apiserver-kubelet-client.key" \
    --kubelet-certificate-authority="$PKI/ca.crt" --kubelet-preferred-address-types=InternalIP \
    --allow-privileged=true --profiling=false --event-ttl=1h --v=1
  wait_for 90 kube-apiserver api_ok || die "kube-apiserver did not become ready (log: $LOG_DIR/kube-apiserver.log)"
  log "ready on https://127.0.0.1:$API_PORT (pid $(pid_of kube-apiserver))"
}

start_controller_manager() {
  phase=controller-manager
  if running kube-controller-manager && healthz_ok 10257; then log "running (pid $(pid_of kube-controller-manager))"; return; fi
  local kcfg="$PKI/controller-manager.kubeconfig"
  spawn kube-controller-manager "$BIN/kube-controller-manager" \
    --kubeconfig="$kcfg" --authentication-kubeconfig="$kcfg" --authorization-kubeconfig="$kcfg" \
    --bind-address=127.0.0.1 --leader-elect=false --cluster-name="$CLUSTER_NAME" \
    --service-account-private-key-file="$PKI/sa.key" --root-ca-file="$PKI/ca.crt" \
    --cluster-signing-cert-file="$PKI/ca.crt" --cluster-signing-key-file="$PKI/ca.key" \
    --use-service-account-credentials=true --service-cluster-ip-range="$SERVICE_SUBNET" \
    --controllers='*,bootstrapsigner,tokencleaner' --v=1
  wait_for 60 kube-controller-manager healthz_ok 10257 || die "kube-controller-manager did not start"
  log "started (pid $(pid_of kube-controller-manager))"
}

start_scheduler() {
  phase=scheduler
  if running kube-scheduler && healthz_ok 10259; then log "running (pid $(pid_of kube-scheduler))"; return; fi
  local kcfg="$PKI/scheduler.kubeconfig"
  spawn kube-scheduler "$BIN/kube-scheduler" \
    --kubeconfig="$kcfg" --authentication-kubeconfig="$kcfg" --authorization-kubeconfig="$kcfg" \
    --bind-address=127.0.0.1 --leader-elect=false --v=1
  wait_for 60 kube-scheduler healthz_ok 10259 || die "kube-scheduler did not start"
  log "started (pid $(pid_of kube-scheduler))"
}
