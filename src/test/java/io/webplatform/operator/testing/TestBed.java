package io.webplatform.operator.testing;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.util.Map;

/**
 * Prepares the real API server for the in-process operator: installs the committed CRDs with
 * kubectl, as a user would, before the operator starts; resyncs every few seconds so drift tests
 * do not wait five minutes.
 */
public class TestBed implements QuarkusTestResourceLifecycleManager {
    @Override
    public Map<String, String> start() {
        Emulator.endpoint();
        Kubectl.run("apply", "--server-side", "--force-conflicts", "-f", "crds/").ok();
        Kubectl.run("wait", "--for=condition=Established", "crd/securebuckets.webplatform.io",
                "crd/webplatforms.webplatform.io", "--timeout=60s").ok();
        return Map.of("webplatform.resync-period", "PT4S");
    }

    @Override
    public void stop() {
    }
}
