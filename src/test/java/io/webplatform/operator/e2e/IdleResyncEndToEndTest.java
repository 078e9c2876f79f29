package io.webplatform.operator.e2e;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.webplatform.operator.testing.Emulator;
import io.webplatform.operator.testing.Kubectl;
import io.webplatform.operator.testing.TestBed;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import static io.webplatform.operator.e2e.SecureBucketEndToEndTest.jsonpath;
import static io.webplatform.operator.e2e.SecureBucketEndToEndTest.sample;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The idle gate in the running operator: with a drift-check period of an hour (resync every 4 s), a
 * converged SecureBucket's resyncs make no full pass (status.lastDriftCheck stays, nothing is written to
 * the API server) until a shared listing shows a change: a trail deleted by hand is made again at a
 * following resync, by a full pass that records its time.
 */
@QuarkusTest
@QuarkusTestResource(TestBed.class)
@TestProfile(IdleResyncEndToEndTest.DriftCheckHourly.class)
class IdleResyncEndToEndTest extends RunningOperatorTest {

    public static class DriftCheckHourly implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("webplatform.drift-check-period", "PT1H");
        }
    }

    @Test
    void anIdleResyncMakesNoFullPassUntilAListingShowsAChange() throws IOException {
        String ns = Kubectl.newNamespace("e2e-idle");
        Kubectl.apply(ns, sample("securebucket.yaml", ns)).ok();
        Kubectl.run("wait", "--for=condition=Ready", "securebucket/app-logs", "-n", ns, "--timeout=120s").ok();

        // Converged: a write, a full pass, a full pass that records the baseline; then idle: the status stays as it is.
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1)).until(() -> {
            String version = jsonpath(ns, "securebucket", "app-logs", ".metadata.resourceVersion");
            Thread.sleep(9_000);
            return version.equals(jsonpath(ns, "securebucket", "app-logs", ".metadata.resourceVersion"));
        });
        String lastCheck = jsonpath(ns, "securebucket", "app-logs", ".status.lastDriftCheck");
        assertThat(lastCheck).isNotEmpty();
        String version = jsonpath(ns, "securebucket", "app-logs", ".metadata.resourceVersion");
        // Three more resyncs: still no full pass.
        await().during(Duration.ofSeconds(12)).atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofSeconds(1))
                .until(() -> jsonpath(ns, "securebucket", "app-logs", ".metadata.resourceVersion").equals(version));
        assertThat(jsonpath(ns, "securebucket", "app-logs", ".status.lastDriftCheck")).isEqualTo(lastCheck);

        // A trail deleted by hand: DescribeTrails shows it gone, the next resync is a full pass that makes it again.
        String trailArn = jsonpath(ns, "securebucket", "app-logs", ".status.outputs.trailArn");
        String trail = trailArn.substring(trailArn.indexOf("trail/") + 6);
        var cloudTrail = aws.cloudTrail(Emulator.REGION);
        cloudTrail.deleteTrail(r -> r.name(trail));
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1)).until(() ->
                cloudTrail.describeTrails(r -> r.trailNameList(trail)).trailList().size() == 1
                        && cloudTrail.getTrailStatus(r -> r.name(trail)).isLogging());
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofSeconds(1)).until(() ->
                Instant.parse(jsonpath(ns, "securebucket", "app-logs", ".status.lastDriftCheck")).isAfter(Instant.parse(lastCheck)));

        Kubectl.run("delete", "securebucket/app-logs", "-n", ns, "--timeout=120s").ok();
    }

    @Test
    void aConvergedWebPlatformIdlesToo() throws IOException {
        String ns = Kubectl.newNamespace("e2e-idle-wp");
        Kubectl.apply(ns, sample("securebucket.yaml", ns)).ok();
        Kubectl.apply(ns, sample("webplatform.yaml", ns)).ok();
        Kubectl.run("wait", "--for=condition=Ready", "webplatform/shop", "-n", ns, "--timeout=180s").ok();

        // Its status holds maps (security groups by tier) the API server returns ordered by key: still the status
        // the last full pass wrote, so the resyncs after its baseline make no full pass and write nothing.
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(1)).until(() -> {
            String version = jsonpath(ns, "webplatform", "shop", ".metadata.resourceVersion");
            Thread.sleep(9_000);
            return version.equals(jsonpath(ns, "webplatform", "shop", ".metadata.resourceVersion"));
        });
        String lastCheck = jsonpath(ns, "webplatform", "shop", ".status.lastDriftCheck");
        assertThat(lastCheck).isNotEmpty();
        await().during(Duration.ofSeconds(12)).atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofSeconds(1))
                .until(() -> jsonpath(ns, "webplatform", "shop", ".status.lastDriftCheck").equals(lastCheck));

        Kubectl.run("delete", "webplatform/shop", "-n", ns, "--timeout=180s").ok();
        Kubectl.run("delete", "securebucket/app-logs", "-n", ns, "--timeout=120s").ok();
    }
}
