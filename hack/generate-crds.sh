#!/usr/bin/env bash
# Regenerates crds/ and the chart's copy from the Java API classes.
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B test -Dtest=CrdGenerationTest -Dcrds.update=true -Dsurefire.failIfNoSpecifiedTests=false
