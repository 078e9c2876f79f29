package io.webplatform.operator.e2e;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.webplatform.operator.aws.AwsClients;
import io.webplatform.operator.testing.Ec2Inventory;
import io.webplatform.operator.testing.Emulator;
import io.webplatform.operator.testing.Kubectl;
import io.webplatform.operator.testing.SlowNatGateways;
import jakarta.inject.Inject;
import io.webplatform.operator.testing.TestBed;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ec2.model.VpcAttributeName;

import java.io.IOException;
import java.util.Map;

import static io.webplatform.operator.e2e.SecureBucketEndToEndTest.jsonpath;
import static io.webplatform.operator.e2e.SecureBucketEndToEndTest.sample;
import static org.assertj.core.api.Assertions.assertThat;

/** The WebPlatform network as a user meets it: the samples applied with kubectl, Ready, AWS checked, deleted to nothing. */
@QuarkusTest
@QuarkusTestResource(TestBed.class)
class WebPlatformEndToEndTest {
    private static AwsClients aws;

    @Inject
    SlowNatGateways slowNatGateways;

    @BeforeAll
    static void clients() {
        aws = Emulator.clients();
    }

    @AfterAll
    static void close() {
        aws.close();
    }

    @Test
    void theSamplesBringUpTheNetworkAndDeleteLeavesNothingTagged() throws IOException {
        String ns = Kubectl.newNamespace("e2e-wp");
        Kubectl.apply(ns, sample("securebucket.yaml", ns)).ok();
        Kubectl.apply(ns, sample("webplatform.yaml", ns)).ok();
        Kubectl.run("wait", "--for=condition=Ready", "webplatform/shop", "-n", ns, "--timeout=180s").ok();

        assertThat(jsonpath(ns, "webplatform", "shop", ".status.conditions[?(@.type==\"Ready\")].reason")).isEqualTo("NetworkReady");
        assertThat(jsonpath(ns, "webplatform", "shop", ".status.conditions[?(@.type==\"Ready\")].message"))
                .contains("network is ready").contains("not reconciled by this operator version yet");
        String uid = jsonpath(ns, "webplatform", "shop", ".metadata.uid");
        String vpcId = jsonpath(ns, "webplatform", "shop", ".status.outputs.vpcId");
        String bucketArn = jsonpath(ns, "securebucket", "app-logs", ".status.outputs.bucketArn");
        assertThat(vpcId).startsWith("vpc-");
        assertThat(jsonpath(ns, "webplatform", "shop", ".status.outputs.publicSubnetIds")).contains("eu-west-3a", "eu-west-3b");
        assertThat(jsonpath(ns, "webplatform", "shop", ".status.outputs.securityGroupIds")).contains("\"lb\"", "\"app\"", "\"db\"");
        assertThat(jsonpath(ns, "webplatform", "shop", ".status.outputs.flowLogDestination")).isEqualTo(bucketArn);
        assertThat(jsonpath(ns, "webplatform", "shop", ".status.findings[*].severity")).doesNotContain("HIGH", "CRITICAL", "MEDIUM");
        assertThat(Kubectl.run("get", "wp", "-n", ns).ok().out().lines().skip(1).findFirst().orElseThrow()).contains("shop", "True");

        var ec2 = aws.ec2(Emulator.REGION);
        assertThat(Ec2Inventory.of(ec2, uid)).isEqualTo(Map.of("elastic-ip", 2, "internet-gateway", 1, "natgateway", 2,
                "route-table", 3, "security-group", 3, "subnet", 4, "vpc", 1, "vpc-flow-log", 1));
        assertThat(ec2.describeVpcAttribute(r -> r.vpcId(vpcId).attribute(VpcAttributeName.ENABLE_DNS_SUPPORT)).enableDnsSupport().value()).isTrue();
        var flowLog = ec2.describeFlowLogs(r -> r.filter(f -> f.name("resource-id").values(vpcId))).flowLogs().get(0);
        assertThat(flowLog.trafficTypeAsString()).isEqualTo("REJECT");
        assertThat(flowLog.logDestination()).isEqualTo(bucketArn);
        assertThat(Kubectl.run("get", "events", "-n", ns, "--field-selector", "involvedObject.name=shop", "-o",
                "jsonpath={.items[*].message}").ok().out()).contains("NatGateways", "SecurityGroups", "created");

        Kubectl.run("delete", "webplatform/shop", "-n", ns, "--timeout=180s").ok();
        assertThat(Ec2Inventory.of(ec2, uid)).isEmpty();
        Kubectl.run("delete", "securebucket/app-logs", "-n", ns, "--timeout=120s").ok();
    }

    @Test
    void withoutABucketRefTheWebPlatformMakesAndRemovesItsOwnFlowLogBucket() {
        String ns = Kubectl.newNamespace("e2e-wp-own");
        Kubectl.apply(ns, """
                apiVersion: webplatform.io/v1alpha1
                kind: WebPlatform
                metadata: {name: solo}
                spec:
                  region: eu-west-3
                  network: {vpcCidr: 10.42.0.0/16, natGateways: Single}
                """).ok();
        Kubectl.run("wait", "--for=condition=Ready", "webplatform/solo", "-n", ns, "--timeout=180s").ok();
        assertThat(jsonpath(ns, "securebucket", "solo-flowlogs", ".status.conditions[?(@.type==\"Ready\")].status")).isEqualTo("True");
        assertThat(jsonpath(ns, "securebucket", "solo-flowlogs", ".metadata.ownerReferences[0].name")).isEqualTo("solo");
        String bucket = jsonpath(ns, "securebucket", "solo-flowlogs", ".status.outputs.bucketName");
        String uid = jsonpath(ns, "webplatform", "solo", ".metadata.uid");
        assertThat(Ec2Inventory.of(aws.ec2(Emulator.REGION), uid)).containsEntry("natgateway", 1).containsEntry("elastic-ip", 1);

        Kubectl.run("delete", "webplatform/solo", "-n", ns, "--timeout=180s").ok();
        assertThat(Kubectl.run("get", "securebucket", "solo-flowlogs", "-n", ns).exit()).isNotZero();
        assertThat(aws.s3(Emulator.REGION).listBuckets().buckets()).noneMatch(b -> b.name().equals(bucket));
        assertThat(Ec2Inventory.of(aws.ec2(Emulator.REGION), uid)).isEmpty();
    }

    @Test
    void whatOnlyTheOperatorCanJudgeStallsBeforeAnythingIsCreated() {
        String ns = Kubectl.newNamespace("e2e-wp-bad");
        String wp = """
                apiVersion: webplatform.io/v1alpha1
                kind: WebPlatform
                metadata: {name: %s}
                spec:
                  region: eu-west-3
                  network:
                    %s
                """;
        Kubectl.apply(ns, wp.formatted("nozone", "availabilityZones: [eu-west-3a, eu-west-3x]\n    flowLogs: {bucketRef: anything}")).ok();
        Kubectl.apply(ns, wp.formatted("nobucket", "flowLogs: {bucketRef: missing}")).ok();
        Kubectl.apply(ns, """
                apiVersion: webplatform.io/v1alpha1
                kind: SecureBucket
                metadata: {name: closed}
                spec: {region: eu-west-3}
                """).ok();
        Kubectl.apply(ns, wp.formatted("closedbucket", "flowLogs: {bucketRef: closed}")).ok();
        Kubectl.apply(ns, """
                apiVersion: webplatform.io/v1alpha1
                kind: SecureBucket
                metadata: {name: stuck}
                spec:
                  region: eu-west-3
                  allowLogDelivery: true
                  encryption: {mode: ExistingKey, keyArn: "arn:aws:kms:eu-west-3:123456789012:key/99999999-0000-0000-0000-000000000000"}
                """).ok();
        Kubectl.apply(ns, wp.formatted("waiting", "flowLogs: {bucketRef: stuck}")).ok();
        // A SecureBucket that happens to have the name a WebPlatform would give its own flow-log bucket.
        Kubectl.apply(ns, """
                apiVersion: webplatform.io/v1alpha1
                kind: SecureBucket
                metadata: {name: squatter-flowlogs}
                spec: {region: eu-west-3, allowLogDelivery: true}
                """).ok();
        Kubectl.apply(ns, wp.formatted("squatter", "vpcCidr: 10.0.0.0/16")).ok();

        for (String name : new String[] {"nozone", "nobucket", "closedbucket", "squatter"}) {
            Kubectl.run("wait", "--for=condition=Stalled", "webplatform/" + name, "-n", ns, "--timeout=60s").ok();
        }
        assertThat(jsonpath(ns, "webplatform", "nozone", ".status.conditions[?(@.type==\"Stalled\")].message"))
                .contains("availability zone eu-west-3x does not exist");
        assertThat(jsonpath(ns, "webplatform", "nobucket", ".status.conditions[?(@.type==\"Stalled\")].reason")).isEqualTo("FlowLogBucketNotFound");
        assertThat(jsonpath(ns, "webplatform", "closedbucket", ".status.conditions[?(@.type==\"Stalled\")].message"))
                .contains("set its spec.allowLogDelivery: true");
        assertThat(jsonpath(ns, "webplatform", "squatter", ".status.conditions[?(@.type==\"Stalled\")].message"))
                .contains("SecureBucket squatter-flowlogs exists but was not made by this WebPlatform");
        Kubectl.run("wait", "--for=condition=Reconciling", "webplatform/waiting", "-n", ns, "--timeout=60s").ok();
        assertThat(jsonpath(ns, "webplatform", "waiting", ".status.conditions[?(@.type==\"Reconciling\")].message"))
                .contains("waiting for SecureBucket stuck to be Ready").contains("KmsKeyNotUsable");
        for (String name : new String[] {"nozone", "nobucket", "closedbucket", "waiting", "squatter"}) {
            String uid = jsonpath(ns, "webplatform", name, ".metadata.uid");
            assertThat(Ec2Inventory.of(aws.ec2(Emulator.REGION), uid)).as(name).isEmpty();
            Kubectl.run("delete", "webplatform/" + name, "-n", ns, "--timeout=60s").ok();
        }
        // Deleting the WebPlatform left the SecureBucket it did not make alone.
        assertThat(Kubectl.run("get", "securebucket", "squatter-flowlogs", "-n", ns).exit()).isZero();
        Kubectl.run("delete", "securebucket/closed", "securebucket/stuck", "securebucket/squatter-flowlogs", "-n", ns,
                "--timeout=60s").ok();
    }

    @Test
    void whileNatGatewaysArePendingItSaysWhatItWaitsForThenBecomesReady() {
        String ns = Kubectl.newNamespace("e2e-wp-slow");
        // The operator's own AWS clients now see this WebPlatform's NAT gateways pending for 3 descriptions.
        slowNatGateways.pendingFor("WebPlatform/" + ns + "/slow", 3);
        Kubectl.apply(ns, """
                apiVersion: webplatform.io/v1alpha1
                kind: WebPlatform
                metadata: {name: slow}
                spec:
                  region: eu-west-3
                  network: {vpcCidr: 10.77.0.0/16}
                """).ok();
        Kubectl.run("wait", "--for=jsonpath={.status.conditions[?(@.type==\"Reconciling\")].message}",
                "webplatform/slow", "-n", ns, "--timeout=60s").ok();
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(60)).untilAsserted(() ->
                assertThat(jsonpath(ns, "webplatform", "slow", ".status.conditions[?(@.type==\"Reconciling\")].message"))
                        .contains("NatGateways (NAT gateway nat-").contains("pending").contains("RouteTables (waiting for NatGateways)"));
        assertThat(jsonpath(ns, "webplatform", "slow", ".status.conditions[?(@.type==\"Ready\")].status")).isEqualTo("False");
        Kubectl.run("wait", "--for=condition=Ready", "webplatform/slow", "-n", ns, "--timeout=120s").ok();
        Kubectl.run("delete", "webplatform/slow", "-n", ns, "--timeout=180s").ok();
    }
}
