package io.webplatform.operator.e2e;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.webplatform.operator.testing.AwsReads;
import io.webplatform.operator.testing.Ec2Inventory;
import io.webplatform.operator.testing.Emulator;
import io.webplatform.operator.testing.Kubectl;
import io.webplatform.operator.testing.TestBed;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Base64;

import static io.webplatform.operator.e2e.SecureBucketEndToEndTest.jsonpath;
import static org.assertj.core.api.Assertions.assertThat;

/** The recovery drill as a user runs it: a snapshot on request, a restore from it, the app and the Secret following. */
@QuarkusTest
@QuarkusTestResource(TestBed.class)
class RecoveryEndToEndTest extends RunningOperatorTest {
    private static String secretHost(String ns) {
        return new String(Base64.getDecoder().decode(jsonpath(ns, "secret", "rec-database", ".data.host")));
    }

    @Test
    void snapshotRestoreAndTheAppFollowsTheNewEndpoint() {
        String ns = Kubectl.newNamespace("e2e-recover");
        Kubectl.apply(ns, """
                apiVersion: webplatform.io/v1alpha1
                kind: WebPlatform
                metadata: {name: rec}
                spec:
                  region: eu-west-3
                  network: {vpcCidr: 10.44.0.0/16, natGateways: Single}
                """).ok();
        Kubectl.run("wait", "--for=condition=Ready", "webplatform/rec", "-n", ns, "--timeout=180s").ok();
        String oldEndpoint = jsonpath(ns, "webplatform", "rec", ".status.outputs.databaseEndpoint");
        String oldDb = oldEndpoint.split("\\.")[0];
        String oldInstances = jsonpath(ns, "webplatform", "rec", ".status.outputs.instanceIds");
        assertThat(secretHost(ns)).isEqualTo(oldEndpoint);

        // 1. A snapshot on request.
        Kubectl.run("annotate", "webplatform/rec", "-n", ns, "webplatform.io/db-snapshot=drill-1").ok();
        Awaitility.await().atMost(Duration.ofSeconds(60)).until(() ->
                "available".equals(jsonpath(ns, "webplatform", "rec", ".status.snapshots[?(@.name==\"" + oldDb + "-drill-1\")].state")));
        String snapshot = oldDb + "-drill-1";

        // 2. Restore from it; time from the request to Ready again on the new database.
        long generation = Long.parseLong(jsonpath(ns, "webplatform", "rec", ".metadata.generation"));
        long start = System.nanoTime();
        Kubectl.run("patch", "webplatform/rec", "-n", ns, "--type=merge", "-p",
                "{\"spec\":{\"database\":{\"restore\":{\"fromSnapshot\":\"" + snapshot + "\"}}}}").ok();
        Awaitility.await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(200))
                .until(() -> readyOnAnotherDatabase(ns, generation + 1, oldEndpoint));
        double seconds = (System.nanoTime() - start) / 1e9;
        String newEndpoint = jsonpath(ns, "webplatform", "rec", ".status.outputs.databaseEndpoint");
        System.out.printf("[measure] recovery drill: restore requested -> Ready on the new database in %.1f s (emulator: the operator's own"
                + " overhead; the app instances rolled one at a time onto the new endpoint)%n", seconds);

        // 3. The Secret and the app instances follow; the old database is retired by the default policy (Snapshot).
        assertThat(newEndpoint).startsWith(oldDb + "-r");
        assertThat(secretHost(ns)).isEqualTo(newEndpoint);
        String newInstances = jsonpath(ns, "webplatform", "rec", ".status.outputs.instanceIds");
        assertThat(newInstances).isNotEqualTo(oldInstances);
        for (String id : newInstances.replaceAll("[{}\"]", "").split(",")) {
            String instanceId = id.substring(id.indexOf(':') + 1);
            String userData = new String(Base64.getDecoder().decode(aws.ec2(Emulator.REGION).describeInstanceAttribute(r -> r
                    .instanceId(instanceId).attribute("userData")).userData().value()));
            assertThat(userData).contains(newEndpoint).doesNotContain(oldEndpoint);
        }
        Awaitility.await().atMost(Duration.ofSeconds(60)).until(() ->
                !AwsReads.exists(() -> aws.rds(Emulator.REGION).describeDBInstances(r -> r.dbInstanceIdentifier(oldDb))));
        assertThat(aws.rds(Emulator.REGION).describeDBSnapshots(r -> r.snapshotType("manual")).dbSnapshots())
                .extracting(s -> s.dbSnapshotIdentifier()).anyMatch(id -> id.startsWith(oldDb + "-final-")).contains(snapshot);
        assertThat(jsonpath(ns, "webplatform", "rec", ".status.snapshots[*].name")).contains(snapshot);

        // 4. Then to a point in time of the restored database (its latest restorable time).
        String restoredDb = newEndpoint.split("\\.")[0];
        Kubectl.run("patch", "webplatform/rec", "-n", ns, "--type=merge", "-p",
                "{\"spec\":{\"database\":{\"restore\":{\"fromSnapshot\":null,\"fromInstance\":\"" + restoredDb + "\"}}}}").ok();
        Awaitility.await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(500))
                .until(() -> readyOnAnotherDatabase(ns, generation + 2, newEndpoint));
        assertThat(jsonpath(ns, "webplatform", "rec", ".status.outputs.databaseEndpoint")).startsWith(oldDb + "-r")
                .isNotEqualTo(newEndpoint);
        assertThat(secretHost(ns)).isEqualTo(jsonpath(ns, "webplatform", "rec", ".status.outputs.databaseEndpoint"));

        String ownerKey = jsonpath(ns, "webplatform", "rec", ".status.ownerKey");
        Kubectl.run("delete", "webplatform/rec", "-n", ns, "--timeout=180s").ok();
        assertThat(Ec2Inventory.of(aws.ec2(Emulator.REGION), ownerKey)).isEmpty();
    }

    /**
     * Ready for this generation, on a database other than {@code previousEndpoint}: the three facts in one
     * read, since read apart they could come from two different status updates.
     */
    private static boolean readyOnAnotherDatabase(String ns, long generation, String previousEndpoint) {
        String[] ready = Kubectl.run("get", "webplatform", "rec", "-n", ns, "-o", "jsonpath={.status.conditions[?(@.type==\"Ready\")].status}"
                + " {.status.conditions[?(@.type==\"Ready\")].observedGeneration} {.status.outputs.databaseEndpoint}").ok().out().split(" ");
        return ready.length == 3 && "True".equals(ready[0]) && String.valueOf(generation).equals(ready[1]) && !previousEndpoint.equals(ready[2]);
    }

    @Test
    void aRestoreFromASnapshotThatDoesNotExistStallsWithNothingCreated() {
        String ns = Kubectl.newNamespace("e2e-recover-bad");
        Kubectl.apply(ns, """
                apiVersion: webplatform.io/v1alpha1
                kind: WebPlatform
                metadata: {name: ghost}
                spec:
                  region: eu-west-3
                  network: {vpcCidr: 10.45.0.0/16}
                  database: {restore: {fromSnapshot: no-such-snapshot}}
                """).ok();
        Kubectl.run("wait", "--for=condition=Stalled", "webplatform/ghost", "-n", ns, "--timeout=60s").ok();
        assertThat(jsonpath(ns, "webplatform", "ghost", ".status.conditions[?(@.type==\"Stalled\")].reason")).isEqualTo("RestoreSourceNotFound");
        assertThat(jsonpath(ns, "webplatform", "ghost", ".status.conditions[?(@.type==\"Stalled\")].message"))
                .contains("DB snapshot no-such-snapshot does not exist");
        String ownerKey = jsonpath(ns, "webplatform", "ghost", ".status.ownerKey");
        assertThat(Ec2Inventory.of(aws.ec2(Emulator.REGION), ownerKey)).isEmpty();
        Kubectl.run("delete", "webplatform/ghost", "-n", ns, "--timeout=60s").ok();
    }
}
