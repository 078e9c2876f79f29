#!/usr/bin/env bash
# README command 2: every test. Builds the test bed if missing (kube-apiserver, kube-controller-manager, etcd, helm from the Go
# module proxy; moto checked), starts it on loopback, runs unit, emulator and end-to-end tests with
# Maven, and stops the test bed again.
set -euo pipefail
cd "$(dirname "$0")/.."
export TESTBED_DIR="${TESTBED_DIR:-$HOME/.webplatform/testbed-tests}"
export ETCD_PORT="${ETCD_PORT:-23891}" APISERVER_PORT="${APISERVER_PORT:-16543}" MOTO_PORT="${MOTO_PORT:-15100}"
command -v mvn >/dev/null || { echo "Maven is required (apt-get install maven)"; exit 1; }
command -v java >/dev/null || { echo "A Java 17 JDK is required (apt-get install openjdk-17-jdk-headless)"; exit 1; }
trap 'hack/testbed.sh stop' EXIT
hack/testbed.sh start
# shellcheck disable=SC1091
source "$TESTBED_DIR/env"
mvn -B verify "$@"
