#!/usr/bin/env bash
# Regenerates crds/ and the chart's copy from the Java API classes.
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B test -Dtest=CrdGenerationTest -Dcrds.update=true -Dsurefire.failIfNoSpecifiedTests=false
# The plain install is the chart rendered with its defaults.
"${HELM:-$HOME/.webplatform/bin/helm}" template webplatform helm/webplatform-operator --namespace webplatform-system \
  --kube-version 1.34.4 --include-crds > operator/install.yaml
