package io.webplatform.operator.e2e;

import io.webplatform.operator.aws.AwsClients;
import io.webplatform.operator.testing.Ec2Inventory;
import io.webplatform.operator.testing.Emulator;
import io.webplatform.operator.testing.Kubectl;
import io.webplatform.operator.testing.OperatorProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Pattern;

import static io.webplatform.operator.e2e.SecureBucketEndToEndTest.jsonpath;
import static io.webplatform.operator.e2e.SecureBucketEndToEndTest.sample;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The packaged operator as it is deployed: separate processes, each with only the identity the chart
 * gives it (its ServiceAccount's token, minted by the API server). Proves the chart's RBAC suffices
 * for a whole SecureBucket life and a WebPlatform; that two replicas elect one leader and the other
 * finishes a reconcile when the leader is killed in the middle of it, without creating anything twice;
 * and that two deployments split the cluster by namespace and by label. Runs after `package` (failsafe).
 */
class OperatorDeploymentIT {
    private static AwsClients aws;

    @BeforeAll
    static void clients() {
        aws = Emulator.clients();
    }

    @AfterAll
    static void close() {
        aws.close();
    }

    @Test
    void twoReplicasOneLeaderTheOtherFinishesAfterTheLeaderIsKilled() throws Exception {
        String opNs = Kubectl.newNamespace("op-ha");
        OperatorProcess.installChart(opNs, opNs);
        String lease = opNs + "-webplatform-operator";
        Path identity = OperatorProcess.kubeconfigFor(lease, opNs);
        String ns = Kubectl.newNamespace("e2e-ha");

        try (OperatorProcess a = OperatorProcess.start("a", identity, opNs, lease, 18281, Map.of());
             OperatorProcess b = OperatorProcess.start("b", identity, opNs, lease, 18282, Map.of())) {
            String holder = await().atMost(Duration.ofSeconds(60)).until(() -> leaseHolder(opNs, lease), h -> !h.isBlank());
            OperatorProcess leader = holder.endsWith("-" + a.pid()) ? a : b;
            OperatorProcess follower = leader == a ? b : a;
            assertThat(holder).endsWith("-" + leader.pid());

            // A whole SecureBucket life with the chart's RBAC only: create, Ready, delete (finalizer removed).
            Kubectl.apply(ns, sample("securebucket.yaml", ns)).ok();
            Kubectl.run("wait", "--for=condition=Ready", "securebucket/app-logs", "-n", ns, "--timeout=120s").ok();

            // The leader dies right after its first create for the WebPlatform, in the middle of the pass.
            Kubectl.apply(ns, sample("webplatform.yaml", ns)).ok();
            Pattern firstCreate = Pattern.compile("WebPlatform " + ns + "/shop: created ");
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50)).until(() -> firstCreate.matcher(leader.log()).find());
            leader.kill();
            assertThat(follower.log()).as("the follower reconciled nothing while the other led").doesNotContain("WebPlatform " + ns + "/shop: created");

            long killedAt = System.nanoTime();
            Kubectl.run("wait", "--for=condition=Ready", "webplatform/shop", "-n", ns, "--timeout=240s").ok();
            System.out.printf("[measure] leader killed mid-reconcile -> Ready under the new leader in %.1f s (lease 15 s)%n",
                    (System.nanoTime() - killedAt) / 1e9);
            assertThat(leaseHolder(opNs, lease)).endsWith("-" + follower.pid());
            assertThat(follower.log()).contains("WebPlatform " + ns + "/shop: created");

            String ownerKey = jsonpath(ns, "webplatform", "shop", ".status.ownerKey");
            assertThat(Ec2Inventory.of(aws.ec2(Emulator.REGION), ownerKey)).as("nothing made twice").isEqualTo(Map.ofEntries(
                    Map.entry("elastic-ip", 2), Map.entry("internet-gateway", 1), Map.entry("instance", 2),
                    Map.entry("natgateway", 2), Map.entry("route-table", 3), Map.entry("network-acl", 2), Map.entry("security-group", 3),
                    Map.entry("subnet", 4), Map.entry("volume", 2), Map.entry("vpc", 1), Map.entry("vpc-flow-log", 1)));
            assertThat(aws.rds(Emulator.REGION).describeDBInstances().dbInstances().stream()
                    .filter(d -> d.dbInstanceIdentifier().startsWith("wp-" + ns + "-shop-")).count()).as("one database").isEqualTo(1);

            Kubectl.run("delete", "webplatform", "shop", "-n", ns, "--timeout=240s").ok();
            assertThat(Ec2Inventory.of(aws.ec2(Emulator.REGION), ownerKey)).isEmpty();
            Kubectl.run("delete", "securebucket", "app-logs", "-n", ns, "--timeout=120s").ok();
            assertThat(leader.log() + follower.log()).as("the chart's RBAC refused nothing").doesNotContainIgnoringCase("forbidden");
            // A pod stopped by Kubernetes (SIGTERM) ends promptly, as leader too: no wait for the grace period's SIGKILL.
            assertThat(follower.terminate(Duration.ofSeconds(10))).as("the leader exits within 10 s of SIGTERM:\n" + follower.log()).isTrue();
        } finally {
            OperatorProcess.uninstallChart(opNs, opNs);
        }
    }

    @Test
    void twoDeploymentsSplitTheClusterByNamespaceAndByLabel() throws Exception {
        String nsA = Kubectl.newNamespace("e2e-shard-a");
        String nsB = Kubectl.newNamespace("e2e-shard-b");
        String opA = Kubectl.newNamespace("op-a");
        String opB = Kubectl.newNamespace("op-b");
        // A: only namespace nsA, with namespaced Roles there (and none elsewhere). B: every namespace, label shard=b.
        OperatorProcess.installChart(opA, opA, "watchNamespaces={" + nsA + "}");
        OperatorProcess.installChart(opB, opB, "labelSelector=shard=b");
        String saA = opA + "-webplatform-operator";
        String saB = opB + "-webplatform-operator";
        assertThat(Kubectl.run("auth", "can-i", "list", "securebuckets", "-n", nsB, "--as=system:serviceaccount:" + opA + ":" + saA)
                .out().trim()).isEqualTo("no");
        assertThat(Kubectl.run("auth", "can-i", "list", "securebuckets", "-n", nsA, "--as=system:serviceaccount:" + opA + ":" + saA)
                .out().trim()).isEqualTo("yes");

        String bucket = "apiVersion: webplatform.io/v1alpha1\nkind: SecureBucket\nmetadata: {name: %s, labels: {%s}}\n"
                + "spec: {region: eu-west-3, deletionPolicy: Delete, replication: {enabled: false}, trail: {enabled: false}}\n";
        try (OperatorProcess b = OperatorProcess.start("shard-b", OperatorProcess.kubeconfigFor(saB, opB), opB, saB, 18284,
                Map.of("WATCH_LABEL_SELECTOR", "shard=b"))) {
            Kubectl.apply(nsB, bucket.formatted("labelled", "shard: b")).ok();
            Kubectl.apply(nsB, bucket.formatted("unclaimed", "shard: c")).ok();
            // Selected by both releases: by its label (b), and by its namespace (a, started later).
            Kubectl.apply(nsA, bucket.formatted("overlap", "shard: b")).ok();
            Kubectl.run("wait", "--for=condition=Ready", "securebucket/labelled", "-n", nsB, "--timeout=120s").ok();
            Kubectl.run("wait", "--for=condition=Ready", "securebucket/overlap", "-n", nsA, "--timeout=120s").ok();
            assertThat(jsonpath(nsA, "securebucket", "overlap", ".status.reconciledBy.release")).isEqualTo(opB + "/" + saB);
            assertThat(jsonpath(nsA, "securebucket", "overlap", ".status.reconciledBy.labelSelector")).isEqualTo("shard=b");

            try (OperatorProcess a = OperatorProcess.start("shard-a", OperatorProcess.kubeconfigFor(saA, opA), opA, saA, 18283,
                    Map.of("WATCH_NAMESPACES", nsA, "WEBPLATFORM_LOG_JSON", "true"))) {
                Kubectl.apply(nsA, bucket.formatted("in-a", "")).ok();
                Kubectl.run("wait", "--for=condition=Ready", "securebucket/in-a", "-n", nsA, "--timeout=120s").ok();
                assertThat(a.log()).contains("SecureBucket " + nsA + "/in-a: created").doesNotContain(nsB + "/");
                // Shard a logs JSON: one object per line; an action line carries resource, component and AWS id as fields.
                var json = new com.fasterxml.jackson.databind.ObjectMapper();
                var created = a.log().lines().filter(l -> l.startsWith("{") && l.contains("/in-a: created Bucket")).findFirst().orElseThrow();
                var mdc = json.readTree(created).path("mdc");
                assertThat(mdc.path("resource").asText()).isEqualTo("SecureBucket " + nsA + "/in-a");
                assertThat(mdc.path("component").asText()).isEqualTo("Bucket");
                assertThat(mdc.path("awsId").asText()).startsWith("arn:aws:s3:::");
                assertThat(a.log().lines().filter(l -> !l.isBlank())).allMatch(l -> l.startsWith("{"), "every line is JSON");
                assertThat(b.log()).contains("SecureBucket " + nsB + "/labelled: created").doesNotContain(nsA + "/in-a")
                        .doesNotContain("/unclaimed");
                assertThat(jsonpath(nsB, "securebucket", "unclaimed", ".status")).as("no deployment claims shard c").isEmpty();

                // Release a sees the overlapping object too, but b recorded itself and still selects it: a leaves it,
                // says why once, and makes nothing.
                await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(Kubectl.run("get", "events", "-n", nsA,
                        "--field-selector", "involvedObject.name=overlap,reason=ReconciledByAnotherRelease", "-o", "name").ok().out())
                        .isNotBlank());
                assertThat(a.log()).contains("/overlap").doesNotContain(nsA + "/overlap: created");
                String stack = jsonpath(nsA, "securebucket", "overlap", ".status.ownerKey");

                // Moving it is a label change: b no longer selects it, so a takes it over, with the same stack.
                Kubectl.run("label", "securebucket", "overlap", "-n", nsA, "shard=a", "--overwrite").ok();
                await().atMost(Duration.ofSeconds(90)).untilAsserted(() ->
                        assertThat(jsonpath(nsA, "securebucket", "overlap", ".status.reconciledBy.release")).isEqualTo(opA + "/" + saA));
                Kubectl.run("wait", "--for=condition=Ready", "securebucket/overlap", "-n", nsA, "--timeout=120s").ok();
                assertThat(jsonpath(nsA, "securebucket", "overlap", ".status.ownerKey")).isEqualTo(stack);
                assertThat(a.log()).doesNotContain(nsA + "/overlap: created");

                Kubectl.run("delete", "securebucket", "in-a", "-n", nsA, "--timeout=120s").ok();
                Kubectl.run("delete", "securebucket", "overlap", "-n", nsA, "--timeout=120s").ok();
                assertThat(a.log()).contains(nsA + "/overlap: deleted");
                Kubectl.run("delete", "securebucket", "labelled", "-n", nsB, "--timeout=120s").ok();
                Kubectl.run("delete", "securebucket", "unclaimed", "-n", nsB, "--timeout=30s").ok();
            }
        } finally {
            OperatorProcess.uninstallChart(opA, opA);
            OperatorProcess.uninstallChart(opB, opB);
        }
    }

    private static String leaseHolder(String namespace, String lease) {
        Kubectl.Result r = Kubectl.run("get", "lease", lease, "-n", namespace, "-o", "jsonpath={.spec.holderIdentity}");
        return r.exit() == 0 ? r.out().trim() : "";
    }
}
