#!/usr/bin/env bash
# README command 1: the local sandbox. Starts etcd + kube-apiserver (+ kube-controller-manager) + the moto AWS emulator on
# loopback, installs the chart (CRDs, ServiceAccount, RBAC; its Deployment scaled to 0, as no
# kubelet runs here), runs the operator as a local process with ONLY the chart's ServiceAccount
# identity, applies samples/securebucket.yaml and samples/webplatform.yaml (whose network sends its
# flow logs to that bucket), waits for Ready and prints what they made.
#   hack/sandbox.sh            run in the foreground until Ctrl-C, then stop everything
#   hack/sandbox.sh --detach   leave it running and return
#   hack/sandbox.sh stop       stop the operator and the test bed
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$(pwd)"
export TESTBED_DIR="${TESTBED_DIR:-$HOME/.webplatform/sandbox}"
export ETCD_PORT="${ETCD_PORT:-23791}" APISERVER_PORT="${APISERVER_PORT:-16443}" MOTO_PORT="${MOTO_PORT:-15000}"
OPERATOR_HTTP_PORT="${OPERATOR_HTTP_PORT:-8180}"
OPERATOR_NS=webplatform-system
JAR="$ROOT/target/quarkus-app/quarkus-run.jar"
say() { printf '[sandbox] %s\n' "$*"; }

stop() {
  if [ -f "$TESTBED_DIR/operator.pid" ] && kill -0 "$(cat "$TESTBED_DIR/operator.pid")" 2>/dev/null; then
    kill "$(cat "$TESTBED_DIR/operator.pid")" && say "stopped the operator"
  fi
  rm -f "$TESTBED_DIR/operator.pid"
  hack/testbed.sh stop
}

if [ "${1:-}" = "stop" ]; then stop; exit 0; fi
DETACH=false
[ "${1:-}" = "--detach" ] && DETACH=true

hack/testbed.sh start
# shellcheck disable=SC1091
source "$TESTBED_DIR/env"

if [ ! -f "$JAR" ] || [ -n "$(find src pom.xml -newer "$JAR" -print -quit)" ]; then
  say "building the operator (mvn package)"
  mvn -B package -DskipTests -Dquarkus.package.jar.type=fast-jar > "$TESTBED_DIR/build.log" 2>&1 \
    || { tail -30 "$TESTBED_DIR/build.log"; exit 1; }
fi

say "installing the chart: CRDs, ServiceAccount, RBAC"
kubectl create namespace "$OPERATOR_NS" --dry-run=client -o yaml | kubectl apply -f - >/dev/null
helm upgrade --install webplatform helm/webplatform-operator --namespace "$OPERATOR_NS" \
  --set replicas=0 --set aws.region="$AWS_REGION" --set aws.endpoint="$AWS_ENDPOINT_URL" --wait=false >/dev/null
kubectl wait --for=condition=Established crd/securebuckets.webplatform.io crd/webplatforms.webplatform.io --timeout=60s >/dev/null

# The operator's own identity: a token for the chart's ServiceAccount, nothing more.
TOKEN="$(kubectl create token webplatform-webplatform-operator -n "$OPERATOR_NS" --duration=24h)"
OPERATOR_KUBECONFIG="$TESTBED_DIR/operator.kubeconfig"
sed "s#token: .*#token: $TOKEN#" "$KUBECONFIG" > "$OPERATOR_KUBECONFIG"

if [ -f "$TESTBED_DIR/operator.pid" ] && kill -0 "$(cat "$TESTBED_DIR/operator.pid")" 2>/dev/null; then
  kill "$(cat "$TESTBED_DIR/operator.pid")"; sleep 2
fi
say "starting the operator as ServiceAccount $OPERATOR_NS/webplatform-webplatform-operator (log: $TESTBED_DIR/operator.log)"
# Leader election as in the chart: the Lease webplatform-webplatform-operator in the operator's namespace.
KUBECONFIG="$OPERATOR_KUBECONFIG" HTTP_PORT="$OPERATOR_HTTP_PORT" WEBPLATFORM_RESYNC_PERIOD=PT30S \
  OPERATOR_NAMESPACE="$OPERATOR_NS" WEBPLATFORM_LEASE_NAME=webplatform-webplatform-operator \
  nohup java -jar "$JAR" > "$TESTBED_DIR/operator.log" 2>&1 &
echo $! > "$TESTBED_DIR/operator.pid"
for _ in $(seq 1 120); do
  curl -fsS "http://127.0.0.1:$OPERATOR_HTTP_PORT/q/health/ready" >/dev/null 2>&1 && break
  kill -0 "$(cat "$TESTBED_DIR/operator.pid")" 2>/dev/null || { tail -30 "$TESTBED_DIR/operator.log"; exit 1; }
  sleep 0.5
done

say "applying samples/securebucket.yaml"
kubectl create namespace demo --dry-run=client -o yaml | kubectl apply -f - >/dev/null
kubectl apply -f samples/securebucket.yaml
kubectl wait --for=condition=Ready securebucket/app-logs -n demo --timeout=180s
echo
kubectl get securebuckets -n demo
echo
say "status.outputs and conditions:"
kubectl get securebucket app-logs -n demo -o json | python3 hack/print-status.py
echo
say "what exists in AWS (the emulator), read back with the AWS SDK:"
BUCKET="$(kubectl get securebucket app-logs -n demo -o jsonpath='{.status.outputs.bucketName}')"
python3 hack/aws-state.py "$BUCKET" | sed 's/^/  /'
echo
say "applying samples/webplatform.yaml (this version converges its network)"
kubectl apply -f samples/webplatform.yaml
kubectl wait --for=condition=Ready webplatform/shop -n demo --timeout=300s
echo
kubectl get webplatforms -n demo
kubectl get webplatform shop -n demo -o json | python3 hack/print-status.py
echo
say "the network in AWS (the emulator):"
python3 hack/aws-state.py --vpc "$(kubectl get webplatform shop -n demo -o jsonpath='{.status.outputs.vpcId}')" | sed 's/^/  /'
echo
say "ready. In another shell:"
echo "  export KUBECONFIG=$KUBECONFIG"
echo "  kubectl get securebuckets,webplatforms -A; kubectl describe webplatform shop -n demo"
echo "  metrics: curl -s http://127.0.0.1:$OPERATOR_HTTP_PORT/q/metrics | grep webplatform_aws_api_calls"
echo "  stop:    hack/sandbox.sh stop"
if $DETACH; then exit 0; fi
trap 'echo; stop; exit 0' INT TERM
say "running; Ctrl-C stops everything"
wait "$(cat "$TESTBED_DIR/operator.pid")" || true
