package io.webplatform.operator.e2e;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.webplatform.operator.testing.Ec2Inventory;
import io.webplatform.operator.testing.Emulator;
import io.webplatform.operator.testing.Kubectl;
import io.webplatform.operator.testing.MutationsByNamespace;
import io.webplatform.operator.testing.TestBed;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;

import static io.webplatform.operator.e2e.SecureBucketEndToEndTest.jsonpath;
import static io.webplatform.operator.e2e.SecureBucketEndToEndTest.sample;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The classic trap: `kubectl delete namespace` while it holds both kinds. The test bed's real
 * kube-controller-manager (namespace controller) deletes the namespace's objects all at once, the
 * SecureBucket together with the WebPlatform whose flow logs it receives; each finalizer tears its
 * part down in AWS, and only then does the namespace go away.
 */
@QuarkusTest
@QuarkusTestResource(TestBed.class)
class NamespaceDeletionEndToEndTest extends RunningOperatorTest {
    /** The WebPlatform's own deletion on the test bed takes about a minute (NAT gateways, database, load balancer). */
    private static final Duration NAMESPACE_GONE_WITHIN = Duration.ofMinutes(4);

    @Inject
    MutationsByNamespace mutations;

    @Test
    void deletingTheNamespaceTearsDownBothSamplesInAwsThenTheNamespaceGoes() throws IOException {
        String ns = Kubectl.newNamespace("e2e-nsdel");
        // The samples as a user applies them, with deletion policies that keep nothing (the samples retain the
        // bucket, its key and a final snapshot; what Retain and Snapshot keep is proven by the samples' own tests).
        String bucketSample = sample("securebucket.yaml", ns).replace("\n  deletionPolicy: Retain\n", "\n  deletionPolicy: Delete\n  emptyOnDelete: true\n");
        String platformSample = sample("webplatform.yaml", ns).replace("    deletionPolicy: Snapshot", "    deletionPolicy: Delete");
        assertThat(bucketSample).contains("deletionPolicy: Delete");
        assertThat(platformSample).contains("deletionPolicy: Delete");
        Kubectl.apply(ns, bucketSample).ok();
        Kubectl.apply(ns, platformSample).ok();
        Kubectl.run("wait", "--for=condition=Ready", "securebucket/app-logs", "webplatform/shop", "-n", ns, "--timeout=240s").ok();

        // EC2 resources carry the stack's key (installation, kind, namespace, name) as their owner tag.
        String ownerKey = jsonpath(ns, "webplatform", "shop", ".status.ownerKey");
        assertThat(Ec2Inventory.of(aws.ec2(Emulator.REGION), ownerKey)).containsEntry("vpc", 1).containsEntry("natgateway", 2);
        Leftovers platform = Leftovers.of(ns, "WebPlatform", "shop");
        Leftovers bucket = Leftovers.of(ns, "SecureBucket", "app-logs");
        assertThat(platform.left(aws)).as("what the WebPlatform made").hasSizeGreaterThan(10).anyMatch(s -> s.startsWith("database "));
        // Bucket, backup, key, role, and its place in the shared trail (the trail and its log bucket are the installation's).
        assertThat(bucket.left(aws)).as("what the SecureBucket made").hasSize(5);
        int callsBefore = mutations.of(ns).size();

        long started = System.nanoTime();
        Kubectl.run("delete", "namespace", ns, "--wait=false").ok();
        await().atMost(NAMESPACE_GONE_WITHIN).pollInterval(Duration.ofSeconds(2))
                .until(() -> Kubectl.run("get", "namespace", ns).exit() != 0);
        double seconds = (System.nanoTime() - started) / 1e9;

        // Nothing of either is left: EC2 by the owner tag, database and snapshots, load balancer, alarms and topic; the three
        // buckets, trail and replication role, and the key scheduled for deletion.
        assertThat(platform.left(aws)).as("left of the WebPlatform").isEmpty();
        assertThat(bucket.left(aws)).as("left of the SecureBucket").isEmpty();
        System.out.printf("[measure] kubectl delete namespace holding both samples: gone in %.1f s, %d mutating AWS calls to tear down%n",
                seconds, mutations.of(ns).size() - callsBefore);
    }
}
