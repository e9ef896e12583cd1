# shellcheck shell=bash
# Sourced by scripts/test-env: the cluster's CA, the certificates of each
# component, their kubeconfigs, and the kubeconfig for tests and devloop
# (rendered from certs/).

# cert NAME SUBJECT EXTENSIONS: a key and a certificate signed by our CA
cert() {
  local name=$1 subj=$2 ext=$3
  openssl req -new -nodes -newkey rsa:2048 -keyout "$PKI/$name.key" -out "$PKI/$name.csr" -subj "$subj" 2>/dev/null
  openssl x509 -req -in "$PKI/$name.csr" -CA "$PKI/ca.crt" -CAkey "$PKI/ca.key" -CAcreateserial \
    -days 3650 -sha256 -out "$PKI/$name.crt" -extfile <(printf '%b' "$ext") 2>/dev/null
  rm -f "$PKI/$name.csr"
}

# component_kubeconfig FILE USER CERT: a kubeconfig referring to files in $PKI
component_kubeconfig() {
  render "$D/certs/component.kubeconfig" "$1" CONTEXT="$CONTEXT" API_PORT="$API_PORT" PKI="$PKI" USER="$2" CERT="$3"
}

make_certs() {
  phase=certs
  mkdir -p "$PKI"; chmod 700 "$PKI"
  local ip made=()
  ip=$(node_ip)
  local client='basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=clientAuth'
  local server='basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth'
  if [[ ! -f $PKI/ca.crt ]]; then
    openssl req -x509 -new -nodes -newkey rsa:2048 -keyout "$PKI/ca.key" -out "$PKI/ca.crt" -days 3650 -sha256 \
      -subj "/CN=devloop-test-ca" -addext "basicConstraints=critical,CA:TRUE" \
      -addext "keyUsage=critical,keyCertSign,cRLSign,digitalSignature" 2>/dev/null
    rm -f "$PKI"/*.crt.done; made+=(ca)
  fi
  [[ -f $PKI/sa.key ]] || { openssl genrsa -out "$PKI/sa.key" 2048 2>/dev/null; openssl rsa -in "$PKI/sa.key" -pubout -out "$PKI/sa.pub" 2>/dev/null; made+=(service-account); }
  [[ -f $PKI/apiserver.crt ]] || { cert apiserver "/CN=kube-apiserver" "$server\nsubjectAltName=DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local,DNS:localhost,IP:127.0.0.1,IP:${SERVICE_SUBNET%.0/*}.1"; made+=(apiserver); }
  [[ -f $PKI/apiserver-kubelet-client.crt ]] || { cert apiserver-kubelet-client "/O=system:masters/CN=kube-apiserver-kubelet-client" "$client"; made+=(apiserver-kubelet-client); }
  [[ -f $PKI/admin.crt ]] || { cert admin "/O=system:masters/CN=admin" "$client"; made+=(admin); }
  [[ -f $PKI/controller-manager.crt ]] || { cert controller-manager "/CN=system:kube-controller-manager" "$client"; made+=(controller-manager); }
  [[ -f $PKI/scheduler.crt ]] || { cert scheduler "/CN=system:kube-scheduler" "$client"; made+=(scheduler); }
  [[ -f $PKI/kubelet-client.crt ]] || { cert kubelet-client "/O=system:nodes/CN=system:node:$NODE_NAME" "$client"; made+=(kubelet-client); }
  if [[ ! -f $PKI/kubelet.crt ]] || ! openssl x509 -in "$PKI/kubelet.crt" -noout -checkip "$ip" 2>/dev/null | grep -q 'does match'; then
    cert kubelet "/CN=$NODE_NAME" "$server\nsubjectAltName=DNS:$NODE_NAME,DNS:localhost,IP:127.0.0.1,IP:$ip"; made+=(kubelet)
  fi
  component_kubeconfig "$PKI/controller-manager.kubeconfig" system:kube-controller-manager controller-manager
  component_kubeconfig "$PKI/scheduler.kubeconfig" system:kube-scheduler scheduler
  component_kubeconfig "$PKI/kubelet.kubeconfig" "system:node:$NODE_NAME" kubelet-client
  # the kubeconfig for tests and devloop: self-contained, k3d's naming
  local tmp="$KUBECONFIG_PATH.tmp"
  render "$D/certs/admin.kubeconfig" "$tmp" CONTEXT="$CONTEXT" API_PORT="$API_PORT" CA_DATA="$(base64 -w0 "$PKI/ca.crt")" \
    CERT_DATA="$(base64 -w0 "$PKI/admin.crt")" KEY_DATA="$(base64 -w0 "$PKI/admin.key")"
  chmod 600 "$tmp"; mv -f "$tmp" "$KUBECONFIG_PATH"
  if ((${#made[@]})); then log "made ${made[*]}"; else log "present in $PKI"; fi
}
