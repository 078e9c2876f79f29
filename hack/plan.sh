#!/usr/bin/env bash
# The plan: what the operator would create for a manifest, as CloudFormation templates, with no AWS or
# Kubernetes call. Runs the packaged operator (built when missing) with its "plan" command.
#   hack/plan.sh [--region REGION] FILE.yaml|-
set -euo pipefail
cd "$(dirname "$0")/.."
JAR=target/quarkus-app/quarkus-run.jar
if [[ ! -f "$JAR" ]]; then
  mvn -B -q -o package -DskipTests >&2 || mvn -B -q package -DskipTests >&2
fi
exec java -jar "$JAR" plan "$@"
