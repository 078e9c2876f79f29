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
import software.amazon.awssdk.services.kms.model.KeyState;

import java.io.IOException;
import java.time.Duration;
import java.util.List;

import static io.webplatform.operator.e2e.SecureBucketEndToEndTest.jsonpath;
import static io.webplatform.operator.e2e.SecureBucketEndToEndTest.sample;
import static io.webplatform.operator.testing.AwsReads.exists;
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
        String dbId = jsonpath(ns, "webplatform", "shop", ".status.outputs.databaseEndpoint").split("\\.")[0];
        String dnsName = jsonpath(ns, "webplatform", "shop", ".status.outputs.loadBalancerDnsName");
        String topic = jsonpath(ns, "webplatform", "shop", ".status.outputs.alarmTopicArn");
        List<String> alarms = List.of(jsonpath(ns, "webplatform", "shop", ".status.alarms[*].name").split(" "));
        List<String> buckets = List.of(jsonpath(ns, "securebucket", "app-logs", ".status.outputs.bucketName"),
                jsonpath(ns, "securebucket", "app-logs", ".status.outputs.backupBucketName"),
                jsonpath(ns, "securebucket", "app-logs", ".status.outputs.logBucketName"));
        String keyArn = jsonpath(ns, "securebucket", "app-logs", ".status.outputs.keyArn");
        String trailArn = jsonpath(ns, "securebucket", "app-logs", ".status.outputs.trailArn");
        String roleArn = jsonpath(ns, "securebucket", "app-logs", ".status.outputs.replicationRoleArn");
        var ec2 = aws.ec2(Emulator.REGION);
        assertThat(Ec2Inventory.of(ec2, ownerKey)).containsEntry("vpc", 1).containsEntry("natgateway", 2);
        assertThat(alarms).hasSize(8);
        int callsBefore = mutations.of(ns).size();

        long started = System.nanoTime();
        Kubectl.run("delete", "namespace", ns, "--wait=false").ok();
        await().atMost(NAMESPACE_GONE_WITHIN).pollInterval(Duration.ofSeconds(2))
                .until(() -> Kubectl.run("get", "namespace", ns).exit() != 0);
        double seconds = (System.nanoTime() - started) / 1e9;

        // The WebPlatform: nothing tagged with it in EC2, no database and no snapshot of it, no load balancer, alarm or topic.
        assertThat(Ec2Inventory.of(ec2, ownerKey)).isEmpty();
        var rds = aws.rds(Emulator.REGION);
        assertThat(exists(() -> rds.describeDBInstances(r -> r.dbInstanceIdentifier(dbId)))).isFalse();
        assertThat(rds.describeDBSnapshots().dbSnapshots()).noneMatch(s -> s.dbSnapshotIdentifier().startsWith(dbId));
        assertThat(aws.elbv2(Emulator.REGION).describeLoadBalancers().loadBalancers()).noneMatch(l -> l.dnsName().equals(dnsName));
        assertThat(aws.cloudWatch(Emulator.REGION).describeAlarms(r -> r.alarmNames(alarms)).metricAlarms()).isEmpty();
        assertThat(exists(() -> aws.sns(Emulator.REGION).getTopicAttributes(r -> r.topicArn(topic)))).isFalse();
        // The SecureBucket: its three buckets, trail and replication role gone, its key scheduled for deletion.
        var s3 = aws.s3(Emulator.REGION);
        for (String bucket : buckets) {
            assertThat(exists(() -> s3.headBucket(r -> r.bucket(bucket)))).as(bucket).isFalse();
        }
        assertThat(exists(() -> aws.cloudTrail(Emulator.REGION).getTrail(r -> r.name(trailArn)))).isFalse();
        String roleName = roleArn.substring(roleArn.indexOf("role/") + 5);
        assertThat(exists(() -> aws.iam(Emulator.REGION).getRole(r -> r.roleName(roleName)))).isFalse();
        assertThat(aws.kms(Emulator.REGION).describeKey(r -> r.keyId(keyArn)).keyMetadata().keyState()).isEqualTo(KeyState.PENDING_DELETION);
        System.out.printf("[measure] kubectl delete namespace holding both samples: gone in %.1f s, %d mutating AWS calls to tear down%n",
                seconds, mutations.of(ns).size() - callsBefore);
    }
}
