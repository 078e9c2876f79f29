#!/usr/bin/env bash
# Optional README command 3: the benchmark. What N copies of both samples cost the operator and the
# emulator, measured, not timed: it starts its own test bed (hack/testbed.sh, on its own ports), installs
# the chart RBAC-only and runs the packaged operator as a local process with the chart's ServiceAccount
# token (as hack/sandbox.sh does), with its JVM limited as the chart's 512 MiB container limit limits it,
# applies N copies of samples/securebucket.yaml and samples/webplatform.yaml at once, and prints one
# markdown table: seconds until all Ready, peak and idle RSS, CPU seconds of the operator and of the
# emulator, AWS calls per platform to converge, reads per platform per resync window while idle, writes
# while idle (must be 0), the same for a rolling change to all N, and the deletion of all N.
#   hack/bench.sh N [--cap MIN] [--kinds webplatform|securebucket|both] [--windows K] [--keep] [--dumps]
#     --cap MIN     give up waiting for Ready (and for the deletions) after MIN minutes (default 15)
#     --kinds K     which samples to copy (default both; a WebPlatform alone makes its own flow-log bucket)
#     --windows K   idle phase: K resync windows (default 2), after one in which each object takes its idle baseline
#     --keep        leave the objects, the operator and the test bed running (no delete phase);
#                   `hack/bench.sh stop` stops them
#     --dumps       every minute while converging, a thread dump, a class histogram (-all: no forced GC)
#                   and native memory use; a live class histogram (a full GC) once all are Ready
#   hack/bench.sh stop
# Environment: TESTBED_DIR, ETCD_PORT, APISERVER_PORT, MOTO_PORT, OPERATOR_HTTP_PORT,
# WEBPLATFORM_RESYNC_PERIOD (default PT60S), BENCH_JAVA_OPTS (instead of the container emulation below),
# BENCH_EXTRA_JAVA_OPTS (added to it, e.g. -Dquarkus.operator-sdk.concurrent-reconciliation-threads=10).
# The raw figures and the table stay in $TESTBED_DIR/runs/<time>/.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$(pwd)"
export TESTBED_DIR="${TESTBED_DIR:-$HOME/.webplatform/bench}"
export ETCD_PORT="${ETCD_PORT:-23991}" APISERVER_PORT="${APISERVER_PORT:-16643}" MOTO_PORT="${MOTO_PORT:-15200}"
OPERATOR_HTTP_PORT="${OPERATOR_HTTP_PORT:-8280}"
RESYNC="${WEBPLATFORM_RESYNC_PERIOD:-PT60S}"
OPERATOR_NS=webplatform-system
JAR="$ROOT/target/quarkus-app/quarkus-run.jar"
METRICS="http://127.0.0.1:$OPERATOR_HTTP_PORT/q/metrics"
say() { printf '[bench] %s\n' "$*" >&2; }
usage() { sed -n '10,22p' "$0" | sed 's/^# \{0,1\}//'; exit 2; }

stop_operator() {
  if [ -f "$TESTBED_DIR/operator.pid" ] && kill -0 "$(cat "$TESTBED_DIR/operator.pid")" 2>/dev/null; then
    kill "$(cat "$TESTBED_DIR/operator.pid")" && say "stopped the operator"
  fi
  rm -f "$TESTBED_DIR/operator.pid"
}
if [ "${1:-}" = "stop" ]; then stop_operator; hack/testbed.sh stop; exit 0; fi

N="" CAP_MIN=15 KINDS=both WINDOWS=2 KEEP=false DUMPS=false
while [ $# -gt 0 ]; do
  case "$1" in
    --cap) CAP_MIN="$2"; shift ;;
    --kinds) KINDS="$2"; shift ;;
    --windows) WINDOWS="$2"; shift ;;
    --keep) KEEP=true ;;
    --dumps) DUMPS=true ;;
    -h|--help) usage ;;
    *) [[ "$1" =~ ^[0-9]+$ ]] && [ -z "$N" ] && N="$1" || usage ;;
  esac
  shift
done
[ -n "$N" ] && [ "$N" -ge 1 ] || usage
case "$KINDS" in webplatform) RESOURCES=webplatforms.webplatform.io ;;
  securebucket) RESOURCES=securebuckets.webplatform.io ;;
  both) RESOURCES=webplatforms.webplatform.io,securebuckets.webplatform.io ;;
  *) usage ;; esac
[ "$KINDS" = both ] && EXPECTED=$((2 * N)) || EXPECTED=$N
CAP_S=$((CAP_MIN * 60))
RESYNC_S="$(python3 -c 'import re,sys; m=re.fullmatch(r"PT(?:(\d+)M)?(?:(\d+)S)?", sys.argv[1]); print(int(m[1] or 0)*60+int(m[2] or 0))' "$RESYNC")"
NAMESPACES=$(( N < 5 ? N : 5 ))

# The chart's container: limits.memory 512Mi (helm/webplatform-operator/values.yaml); the image's run-java.sh
# (ubi9/openjdk-17-runtime) starts java with -XX:MaxRAMPercentage=80.0 -XX:+UseParallelGC -XX:MinHeapFreeRatio=10
# -XX:MaxHeapFreeRatio=20 -XX:GCTimeRatio=4 -XX:AdaptiveSizePolicyWeight=90 -XX:+ExitOnOutOfMemoryError, then
# operator/Dockerfile's JAVA_OPTS_APPEND (the last -XX:MaxRAMPercentage wins), with the Dockerfile's MALLOC_ARENA_MAX.
# Without a container, -XX:MaxRAM=512m stands for the cgroup limit the JVM would see.
IMAGE_JAVA_OPTS="$(sed -n 's/^ENV JAVA_OPTS_APPEND="\(.*\)"$/\1/p' operator/Dockerfile)"
IMAGE_MALLOC_ARENA_MAX="$(sed -n 's/^ENV MALLOC_ARENA_MAX=\(.*\)$/\1/p' operator/Dockerfile)"
[ -n "$IMAGE_JAVA_OPTS" ] && [ -n "$IMAGE_MALLOC_ARENA_MAX" ] || { say "operator/Dockerfile sets no JAVA_OPTS_APPEND or MALLOC_ARENA_MAX"; exit 1; }
export MALLOC_ARENA_MAX="$IMAGE_MALLOC_ARENA_MAX"
CONTAINER_JAVA_OPTS="-XX:MaxRAM=512m -XX:MaxRAMPercentage=80.0 -XX:+UseParallelGC -XX:MinHeapFreeRatio=10 -XX:MaxHeapFreeRatio=20"
CONTAINER_JAVA_OPTS+=" -XX:GCTimeRatio=4 -XX:AdaptiveSizePolicyWeight=90 -XX:+ExitOnOutOfMemoryError $IMAGE_JAVA_OPTS"
JAVA_OPTS="${BENCH_JAVA_OPTS:-$CONTAINER_JAVA_OPTS}${BENCH_EXTRA_JAVA_OPTS:+ $BENCH_EXTRA_JAVA_OPTS}"
$DUMPS && JAVA_OPTS+=" -XX:NativeMemoryTracking=summary"

RUN="$TESTBED_DIR/runs/$(date -u +%Y%m%dT%H%M%SZ)-n$N-$KINDS"
mkdir -p "$RUN"
meta() { printf '%s=%s\n' "$1" "$2" >> "$RUN/meta"; }
SAMPLER="" DUMPER=""
cleanup() {
  [ -n "$DUMPER" ] && kill "$DUMPER" 2>/dev/null || true
  [ -n "$SAMPLER" ] && kill "$SAMPLER" 2>/dev/null || true
  if $KEEP; then
    say "left running (--keep): export KUBECONFIG=$TESTBED_DIR/kubeconfig; metrics $METRICS; stop: hack/bench.sh stop"
  else
    stop_operator
    hack/testbed.sh stop >&2 || true
  fi
}
trap cleanup EXIT

# A fresh test bed: an empty etcd and an empty emulator, whatever an earlier run left.
hack/testbed.sh stop >&2
hack/testbed.sh start >&2
# shellcheck disable=SC1091
source "$TESTBED_DIR/env"
MOTO_PID="$(cat "$TESTBED_DIR/moto.pid")"

if [ ! -f "$JAR" ] || [ -n "$(find src pom.xml -newer "$JAR" -print -quit)" ]; then
  say "building the operator (mvn package)"
  mvn -B -o package -DskipTests -Dquarkus.package.jar.type=fast-jar > "$TESTBED_DIR/build.log" 2>&1 \
    || mvn -B package -DskipTests -Dquarkus.package.jar.type=fast-jar > "$TESTBED_DIR/build.log" 2>&1 \
    || { tail -30 "$TESTBED_DIR/build.log" >&2; exit 1; }
fi

say "installing the chart: CRDs, ServiceAccount, RBAC"
kubectl create namespace "$OPERATOR_NS" --dry-run=client -o yaml | kubectl apply -f - >/dev/null
helm upgrade --install webplatform helm/webplatform-operator --namespace "$OPERATOR_NS" \
  --set replicas=0 --set aws.region="$AWS_REGION" --set aws.endpoint="$AWS_ENDPOINT_URL" --wait=false >/dev/null
kubectl wait --for=condition=Established crd/securebuckets.webplatform.io crd/webplatforms.webplatform.io --timeout=60s >/dev/null
TOKEN="$(kubectl create token webplatform-webplatform-operator -n "$OPERATOR_NS" --duration=24h)"
OPERATOR_KUBECONFIG="$TESTBED_DIR/operator.kubeconfig"
sed "s#token: .*#token: $TOKEN#" "$KUBECONFIG" > "$OPERATOR_KUBECONFIG"

stop_operator
say "starting the operator: java $JAVA_OPTS (log: $RUN/operator.log)"
# The DEBUG line of ManagedReconciler names the AWS calls of each pass: the idle reads per kind come from it.
# shellcheck disable=SC2086
KUBECONFIG="$OPERATOR_KUBECONFIG" HTTP_PORT="$OPERATOR_HTTP_PORT" WEBPLATFORM_RESYNC_PERIOD="$RESYNC" \
  OPERATOR_NAMESPACE="$OPERATOR_NS" WEBPLATFORM_LEASE_NAME=webplatform-webplatform-operator \
  nohup java $JAVA_OPTS '-Dquarkus.log.category."io.webplatform.operator.engine.ManagedReconciler".level=DEBUG' \
  -jar "$JAR" > "$RUN/operator.log" 2>&1 &
OPERATOR_PID=$!
echo "$OPERATOR_PID" > "$TESTBED_DIR/operator.pid"
for _ in $(seq 1 240); do
  curl -fsS "http://127.0.0.1:$OPERATOR_HTTP_PORT/q/health/ready" >/dev/null 2>&1 && break
  kill -0 "$OPERATOR_PID" 2>/dev/null || { tail -30 "$RUN/operator.log" >&2; exit 1; }
  sleep 0.5
done
python3 hack/bench.py sample "$OPERATOR_PID" "$RUN/rss.samples" &
SAMPLER=$!

meta n "$N"; meta kinds "$KINDS"; meta windows "$WINDOWS"; meta resync "$RESYNC"; meta log "$RUN/operator.log"
meta jvm "${BENCH_JAVA_OPTS:-as in a 512 MiB container: -XX:MaxRAM=512m, the options of run-java.sh, then $IMAGE_JAVA_OPTS, MALLOC_ARENA_MAX=$MALLOC_ARENA_MAX}${BENCH_EXTRA_JAVA_OPTS:+ $BENCH_EXTRA_JAVA_OPTS}"
meta cpus "$(nproc)"
snap() { python3 hack/bench.py snapshot "$METRICS" "$OPERATOR_PID" "$MOTO_PID" > "$RUN/snap-$1.json"; }
log_offset() { stat -c %s "$RUN/operator.log"; }
seconds() { [[ "$1" =~ ^[0-9]+$ ]] && echo "$1 s" || echo "$1"; }
rss_mib() { awk '/VmRSS/ {printf "%d", $2 / 1024}' "/proc/$OPERATOR_PID/status" 2>/dev/null || echo "?"; }

# wait_for ready|gone PHASE: polls every 3 s until all EXPECTED objects are Ready at their current
# generation (or, for gone, until none is left), at most CAP_S seconds; sets WAITED (seconds) and DONE.
wait_for() {
  local goal="$1" phase="$2" start now ready total detail last_print=0 progress
  start=$(date +%s.%N)
  while true; do
    read -r ready total detail < <(kubectl get "$RESOURCES" -A -l bench=true -o json 2>/dev/null | python3 hack/bench.py ready \
      || echo "0 $EXPECTED unknown")
    now=$(date +%s.%N)
    WAITED=$(python3 -c "print(round($now - $start))")
    for kd in $detail; do  # the first time each kind is all Ready, e.g. SecureBucket=50/50
      if [ "$goal" = ready ] && [ "${kd#*=}" = "$N/$N" ] && ! grep -q "^${phase}_all_${kd%%=*}=" "$RUN/meta"; then
        meta "${phase}_all_${kd%%=*}" "$WAITED"
      fi
    done
    if [ "$goal" = ready ] && [ "$ready" -ge "$EXPECTED" ]; then DONE="$ready of $EXPECTED Ready"; return 0; fi
    if [ "$goal" = gone ] && [ "$total" -eq 0 ]; then DONE="all $EXPECTED gone"; return 0; fi
    if [ "$WAITED" -ge "$CAP_S" ]; then
      if [ "$goal" = ready ]; then DONE="$ready of $EXPECTED Ready ($detail)"; else DONE="$total of $EXPECTED left"; fi
      WAITED="not after $CAP_MIN min"
      return 1
    fi
    if [ $((${WAITED%.*} - last_print)) -ge 30 ]; then
      last_print=${WAITED%.*}
      if [ "$goal" = ready ]; then progress="$ready of $total Ready ($detail)"; else progress="$total of $EXPECTED left"; fi
      say "$phase: ${WAITED} s, $progress, operator RSS $(rss_mib) MiB, load $(cut -d' ' -f1 /proc/loadavg)"
    fi
    sleep 3
  done
}

dump() { # NAME [live]: a thread dump, a class histogram and native memory use of the operator
  jcmd "$OPERATOR_PID" Thread.print > "$RUN/threads-$1.txt" 2>&1 || true
  if [ "${2:-}" = live ]; then
    jcmd "$OPERATOR_PID" GC.class_histogram 2>&1 | head -60 > "$RUN/histogram-$1-live.txt" || true
  else
    jcmd "$OPERATOR_PID" GC.class_histogram -all 2>&1 | head -60 > "$RUN/histogram-$1.txt" || true
  fi
  jcmd "$OPERATOR_PID" VM.native_memory summary > "$RUN/nmt-$1.txt" 2>&1 || true
}

kubectl create --dry-run=client -o json -f samples/securebucket.yaml > "$RUN/securebucket.json"
kubectl create --dry-run=client -o json -f samples/webplatform.yaml > "$RUN/webplatform.json"
python3 hack/bench.py manifests "$RUN/securebucket.json" "$RUN/webplatform.json" "$N" "$KINDS" "$NAMESPACES" > "$RUN/objects.json"
python3 hack/bench.py manifests "$RUN/securebucket.json" "$RUN/webplatform.json" "$N" "$KINDS" "$NAMESPACES" rolled > "$RUN/objects-rolled.json"

say "applying $EXPECTED objects ($N × $KINDS) over $NAMESPACES namespaces; waiting for Ready (at most $CAP_MIN min)"
snap apply
if $DUMPS; then (i=0; while sleep 60; do i=$((i + 60)); dump "converge-${i}s"; done) & DUMPER=$!; fi
kubectl apply -f "$RUN/objects.json" >/dev/null
CONVERGED=true
wait_for ready converge || CONVERGED=false
snap converged
meta converge_seconds "$WAITED"; meta converge_done "$DONE"
say "converge: $(seconds "$WAITED"), $DONE"
if [ -n "$DUMPER" ]; then kill "$DUMPER" 2>/dev/null || true; DUMPER=""; fi

if $CONVERGED; then
  $DUMPS && dump converged live
  # Settle: a pass that was already running when the last object turned Ready is not idle, and each object takes
  # its idle baseline at its first resync after its writes settled (engine/IdleGate): one resync window.
  say "settle: one resync window of $RESYNC_S s (each object takes its idle baseline)"
  sleep $((RESYNC_S + 10))
  say "idle: $WINDOWS resync windows of $RESYNC_S s"
  snap idle-start; meta idle_log_start "$(log_offset)"
  sleep $((WINDOWS * RESYNC_S))
  snap idle-end; meta idle_log_end "$(log_offset)"

  say "rolling change to all $EXPECTED"
  snap rollout-start
  kubectl apply -f "$RUN/objects-rolled.json" >/dev/null
  wait_for ready rollout || true
  snap rolled-out
  meta rollout_seconds "$WAITED"; meta rollout_done "$DONE"
  say "rolling change: $(seconds "$WAITED"), $DONE"
else
  meta idle_skipped "not all Ready"; meta rollout_skipped "not all Ready"
fi

if ! $KEEP; then
  say "deleting all $EXPECTED"
  snap delete-start
  kubectl delete "$RESOURCES" -A -l bench=true --wait=false >/dev/null
  wait_for gone delete || true
  snap deleted
  meta delete_seconds "$WAITED"; meta delete_done "$DONE"
  say "delete: $(seconds "$WAITED"), $DONE"
  kubectl delete namespace -l bench=true --wait=false >/dev/null 2>&1 || true
fi

echo
python3 hack/bench.py table "$RUN" | tee "$RUN/table.md"
echo
say "raw figures: $RUN"
