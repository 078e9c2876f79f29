#!/usr/bin/env bash
# The local test bed on loopback: etcd + a real kube-apiserver + kube-controller-manager + the moto AWS emulator.
#   hack/testbed.sh start   builds what is missing (hack/testbed-build.sh), starts all four,
#                           writes $TESTBED_DIR/kubeconfig and $TESTBED_DIR/env
#   hack/testbed.sh stop    stops them (and any throw-away cluster left running in $TESTBED_DIR/clusters)
#   hack/testbed.sh status  says what runs
#   hack/testbed.sh start-cluster   only etcd + kube-apiserver + kube-controller-manager (fresh data, its own certificates and
#                                   kubeconfig in $TESTBED_DIR), for a throw-away cluster that shares
#                                   the test bed's moto (ThrowAwayCluster: a rebuilt cluster, same AWS)
#   hack/testbed.sh delete-cluster  stops that cluster and deletes its data (etcd, certificates,
#                                   kubeconfig); its logs stay for a post-mortem. Never touches moto.
# kube-controller-manager runs only its namespace and garbage-collector controllers: `kubectl delete
# namespace` deletes the namespace's objects and then the namespace, and ownerReferences are honoured,
# as on a real cluster. Nothing else: no kubelet, no Deployment or ReplicaSet controller, so pods never run.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
K8S_VERSION="${K8S_VERSION:-1.34.4}"
BIN_DIR="${KUBE_API_TEST_DIR:-$HOME/.kubeapitest}/k8s/${K8S_VERSION}-linux-amd64"
TESTBED_DIR="${TESTBED_DIR:-$HOME/.webplatform/testbed}"
ETCD_PORT="${ETCD_PORT:-23791}"
APISERVER_PORT="${APISERVER_PORT:-16443}"
MOTO_PORT="${MOTO_PORT:-15000}"
say() { printf '[testbed] %s\n' "$*"; }

pid_alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

stop() { # processes...
  for p in "$@"; do
    if pid_alive "$TESTBED_DIR/$p.pid"; then
      kill "$(cat "$TESTBED_DIR/$p.pid")" 2>/dev/null || true
      for _ in $(seq 1 50); do pid_alive "$TESTBED_DIR/$p.pid" || break; sleep 0.1; done
      pid_alive "$TESTBED_DIR/$p.pid" && kill -9 "$(cat "$TESTBED_DIR/$p.pid")" 2>/dev/null || true
      say "stopped $p"
    fi
    rm -f "$TESTBED_DIR/$p.pid"
  done
}

certs() {
  local d="$TESTBED_DIR/pki"
  [ -f "$d/serving.crt" ] && return
  mkdir -p "$d"
  say "generating certificates in $d"
  openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=webplatform-testbed-ca" \
    -keyout "$d/ca.key" -out "$d/ca.crt" 2>/dev/null
  openssl req -newkey rsa:2048 -nodes -subj "/CN=kube-apiserver" -keyout "$d/serving.key" -out "$d/serving.csr" 2>/dev/null
  printf 'subjectAltName=IP:127.0.0.1,DNS:localhost,DNS:kubernetes.default.svc\nextendedKeyUsage=serverAuth\n' > "$d/ext.cnf"
  openssl x509 -req -in "$d/serving.csr" -CA "$d/ca.crt" -CAkey "$d/ca.key" -CAcreateserial -days 3650 \
    -extfile "$d/ext.cnf" -out "$d/serving.crt" 2>/dev/null
  openssl genrsa -out "$d/sa.key" 2048 2>/dev/null
  openssl rsa -in "$d/sa.key" -pubout -out "$d/sa.pub" 2>/dev/null
  # An admin token (system:masters bypasses RBAC); RBAC itself is on, so tests can prove the chart's roles.
  echo "$(openssl rand -hex 24),admin,admin,system:masters" > "$d/tokens.csv"
}

wait_for() { # url what tries [curl args...]
  local url="$1" what="$2" tries="$3"; shift 3
  for _ in $(seq 1 "$tries"); do
    if curl -fsS "$@" "$url" >/dev/null 2>&1; then return 0; fi
    sleep 0.5
  done
  say "$what did not come up; see $TESTBED_DIR/$what.log"; tail -20 "$TESTBED_DIR/$what.log" >&2 || true
  return 1
}

start_etcd() {
  if ! pid_alive "$TESTBED_DIR/etcd.pid"; then
    rm -rf "$TESTBED_DIR/etcd-data"
    "$BIN_DIR/etcd" --data-dir "$TESTBED_DIR/etcd-data" \
      --listen-client-urls "http://127.0.0.1:$ETCD_PORT" --advertise-client-urls "http://127.0.0.1:$ETCD_PORT" \
      --listen-peer-urls "http://127.0.0.1:$((ETCD_PORT + 1))" --initial-advertise-peer-urls "http://127.0.0.1:$((ETCD_PORT + 1))" \
      --initial-cluster "default=http://127.0.0.1:$((ETCD_PORT + 1))" \
      --unsafe-no-fsync --quota-backend-bytes 2147483648 > "$TESTBED_DIR/etcd.log" 2>&1 &
    echo $! > "$TESTBED_DIR/etcd.pid"
    wait_for "http://127.0.0.1:$ETCD_PORT/health" etcd 60
    say "etcd on 127.0.0.1:$ETCD_PORT"
  fi
}

start_apiserver() {
  local d="$TESTBED_DIR/pki"
  if ! pid_alive "$TESTBED_DIR/kube-apiserver.pid"; then
    "$BIN_DIR/kube-apiserver" \
      --etcd-servers "http://127.0.0.1:$ETCD_PORT" \
      --bind-address 127.0.0.1 --advertise-address 127.0.0.1 --secure-port "$APISERVER_PORT" \
      --tls-cert-file "$d/serving.crt" --tls-private-key-file "$d/serving.key" \
      --client-ca-file "$d/ca.crt" --token-auth-file "$d/tokens.csv" \
      --service-account-issuer https://kubernetes.default.svc --service-account-key-file "$d/sa.pub" \
      --service-account-signing-key-file "$d/sa.key" --api-audiences https://kubernetes.default.svc \
      --authorization-mode RBAC --service-cluster-ip-range 10.96.0.0/16 \
      --disable-admission-plugins ServiceAccount --allow-privileged=true \
      --cert-dir "$TESTBED_DIR/apiserver-certs" > "$TESTBED_DIR/kube-apiserver.log" 2>&1 &
    echo $! > "$TESTBED_DIR/kube-apiserver.pid"
    wait_for "https://127.0.0.1:$APISERVER_PORT/readyz" kube-apiserver 240 --cacert "$d/ca.crt" \
      -H "Authorization: Bearer $(cut -d, -f1 "$d/tokens.csv")"
    say "kube-apiserver v$K8S_VERSION on https://127.0.0.1:$APISERVER_PORT"
  fi
  cat > "$TESTBED_DIR/kubeconfig" <<KCFG
apiVersion: v1
kind: Config
clusters:
- name: testbed
  cluster:
    server: https://127.0.0.1:$APISERVER_PORT
    certificate-authority: $d/ca.crt
users:
- name: admin
  user:
    token: $(cut -d, -f1 "$d/tokens.csv")
contexts:
- name: testbed
  context: {cluster: testbed, user: admin, namespace: default}
current-context: testbed
KCFG
}

wait_for_log() { # what line tries: the component logged line (it serves no port to ask)
  local what="$1" line="$2" tries="$3"
  for _ in $(seq 1 "$tries"); do
    if grep -qF "$line" "$TESTBED_DIR/$what.log" 2>/dev/null; then return 0; fi
    pid_alive "$TESTBED_DIR/$what.pid" || break
    sleep 0.5
  done
  say "$what did not come up; see $TESTBED_DIR/$what.log"; tail -20 "$TESTBED_DIR/$what.log" >&2 || true
  return 1
}

start_controller_manager() {
  if ! pid_alive "$TESTBED_DIR/kube-controller-manager.pid"; then
    # With the admin kubeconfig (system:masters), no HTTPS port of its own (--secure-port 0), one instance (no election).
    "$BIN_DIR/kube-controller-manager" --kubeconfig "$TESTBED_DIR/kubeconfig" \
      --controllers namespace-controller,garbage-collector-controller --use-service-account-credentials=false \
      --leader-elect=false --secure-port 0 > "$TESTBED_DIR/kube-controller-manager.log" 2>&1 &
    echo $! > "$TESTBED_DIR/kube-controller-manager.pid"
    wait_for_log kube-controller-manager 'Proceeding to collect garbage' 120
    wait_for_log kube-controller-manager 'Caches are synced" controller="namespace"' 120
    say "kube-controller-manager v$K8S_VERSION (namespace and garbage-collector controllers)"
  fi
}

start_moto() {
  if ! pid_alive "$TESTBED_DIR/moto.pid"; then
    # AWS-managed IAM policies (AmazonSSMManagedInstanceCore) exist in every account; moto loads them on request.
    MOTO_IAM_LOAD_MANAGED_POLICIES=true python3 -m moto.server -H 127.0.0.1 -p "$MOTO_PORT" > "$TESTBED_DIR/moto.log" 2>&1 &
    echo $! > "$TESTBED_DIR/moto.pid"
    wait_for "http://127.0.0.1:$MOTO_PORT/moto-api/" moto 120
    say "moto (AWS emulator) on http://127.0.0.1:$MOTO_PORT"
  fi
}

write_env() {
  cat > "$TESTBED_DIR/env" <<ENV
export KUBECONFIG=$TESTBED_DIR/kubeconfig
export AWS_ENDPOINT_URL=http://127.0.0.1:$MOTO_PORT
export AWS_ACCESS_KEY_ID=testing
export AWS_SECRET_ACCESS_KEY=testing
export AWS_REGION=eu-west-3
# The emulator enforces no AWS quota and serves Service Quotas for vpc only: the operator plays an
# account whose quotas were raised (the quota tests set their own values).
export WEBPLATFORM_QUOTA_LIMITS='*=100000'
export PATH=$BIN_DIR:${WEBPLATFORM_TOOLS_DIR:-$HOME/.webplatform/bin}:\$PATH
ENV
  say "ready: source $TESTBED_DIR/env"
}

start() {
  "$HERE/testbed-build.sh" all
  mkdir -p "$TESTBED_DIR"
  certs
  start_etcd
  start_apiserver
  start_controller_manager
  start_moto
  write_env
}

# A throw-away cluster: what `start` makes but moto (the test bed's runs on, with the same AWS account).
start_cluster() {
  [ -x "$BIN_DIR/kube-apiserver" ] && [ -x "$BIN_DIR/kube-controller-manager" ] && [ -x "$BIN_DIR/etcd" ] || { say "no test bed binaries in $BIN_DIR: run hack/testbed.sh start first"; exit 1; }
  pid_alive "$TESTBED_DIR/moto.pid" && { say "$TESTBED_DIR holds a whole test bed (moto runs there): not a throw-away cluster"; exit 1; }
  mkdir -p "$TESTBED_DIR"
  certs
  start_etcd
  start_apiserver
  start_controller_manager
  write_env
}

delete_cluster() {
  pid_alive "$TESTBED_DIR/moto.pid" && { say "$TESTBED_DIR holds a whole test bed (moto runs there): not deleted"; exit 1; }
  stop kube-controller-manager kube-apiserver etcd
  rm -rf "$TESTBED_DIR/etcd-data" "$TESTBED_DIR/pki" "$TESTBED_DIR/apiserver-certs" "$TESTBED_DIR/kubeconfig" "$TESTBED_DIR/env"
  say "deleted the cluster's data in $TESTBED_DIR (logs kept)"
}

case "${1:-}" in
  start) start ;;
  stop)
    # Throw-away clusters a test left running (it was killed before its close()) go with the test bed.
    for c in "$TESTBED_DIR"/clusters/*/; do
      [ -d "$c" ] && (TESTBED_DIR="${c%/}" && stop kube-controller-manager kube-apiserver etcd)
    done
    stop moto kube-controller-manager kube-apiserver etcd ;;
  start-cluster) start_cluster ;;
  delete-cluster) delete_cluster ;;
  status) for p in etcd kube-apiserver kube-controller-manager moto; do pid_alive "$TESTBED_DIR/$p.pid" && say "$p running" || say "$p stopped"; done ;;
  *) echo "usage: $0 start|stop|status|start-cluster|delete-cluster"; exit 2 ;;
esac
