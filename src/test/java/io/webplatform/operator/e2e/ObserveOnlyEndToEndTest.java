package io.webplatform.operator.e2e;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.webplatform.operator.testing.Emulator;
import io.webplatform.operator.testing.Kubectl;
import io.webplatform.operator.testing.MutationsByNamespace;
import io.webplatform.operator.testing.TestBed;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.cloudtrail.CloudTrailClient;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.elasticloadbalancingv2.ElasticLoadBalancingV2Client;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ObjectOwnership;

import java.io.IOException;
import java.time.Duration;
import java.util.List;

import static io.webplatform.operator.e2e.SecureBucketEndToEndTest.jsonpath;
import static io.webplatform.operator.e2e.SecureBucketEndToEndTest.sample;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * managementPolicy Observe, as a user runs it during a change freeze: changes made by hand are
 * reported (Synced False, status.drift, a Drifted event) and left alone, with not one mutating AWS
 * call; back to Manage, they are repaired and Synced is True again. An object observed from the
 * start creates nothing, and deleting it leaves AWS as it was.
 */
@QuarkusTest
@QuarkusTestResource(TestBed.class)
class ObserveOnlyEndToEndTest extends RunningOperatorTest {
    static final String MARKER = "<!-- run by: ObserveOnlyEndToEndTest -->";
    @Inject
    MutationsByNamespace mutations;

    @Test
    void handChangesUnderObserveAreReportedNotRepairedThenRepairedUnderManage() throws IOException {
        String ns = Kubectl.newNamespace("e2e-observe");
        // A destination of its own: its trail has no other member under Manage to repair what Observe only reports.
        String bucketSample = sample("securebucket.yaml", ns);
        assertThat(bucketSample).contains("\n  trail:\n    enabled: true");
        Kubectl.apply(ns, bucketSample.replace("\n  trail:\n    enabled: true", "\n  trail:\n    enabled: true\n    logBucketName: " + ns + "-audit")).ok();
        Kubectl.apply(ns, sample("webplatform.yaml", ns)).ok();
        Kubectl.run("wait", "--for=condition=Ready", "webplatform/shop", "-n", ns, "--timeout=180s").ok();
        Kubectl.run("wait", "--for=condition=Ready", "securebucket/app-logs", "-n", ns, "--timeout=60s").ok();
        Kubectl.run("wait", "--for=condition=Synced", "webplatform/shop", "-n", ns, "--timeout=60s").ok();

        setPolicy(ns, "Observe");
        for (String object : List.of("webplatform/shop", "securebucket/app-logs")) {
            Kubectl.run("wait", "--for=jsonpath={.status.conditions[?(@.type==\"Reconciling\")].reason}=Observing", object, "-n", ns,
                    "--timeout=60s").ok();
        }
        int writesBefore = mutations.of(ns).size();

        // The person at the console, during the freeze.
        Ec2Client ec2 = aws.ec2(Emulator.REGION);
        ElasticLoadBalancingV2Client elb = aws.elbv2(Emulator.REGION);
        S3Client s3 = aws.s3(Emulator.REGION);
        CloudTrailClient cloudTrail = aws.cloudTrail(Emulator.REGION);
        String subnet = jsonpath(ns, "webplatform", "shop", ".status.outputs.publicSubnetIds.eu-west-3a");
        String targetGroup = jsonpath(ns, "webplatform", "shop", ".status.components[?(@.name==\"TargetGroup\")].id");
        String bucket = jsonpath(ns, "securebucket", "app-logs", ".status.outputs.bucketName");
        String trail = jsonpath(ns, "securebucket", "app-logs", ".status.outputs.trailArn").replaceAll(".*:trail/", "");
        ec2.modifySubnetAttribute(r -> r.subnetId(subnet).mapPublicIpOnLaunch(a -> a.value(true)));
        elb.modifyTargetGroup(r -> r.targetGroupArn(targetGroup).healthCheckPath("/admin"));
        s3.putBucketOwnershipControls(r -> r.bucket(bucket).ownershipControls(o -> o.rules(x -> x.objectOwnership(ObjectOwnership.OBJECT_WRITER))));
        cloudTrail.stopLogging(r -> r.name(trail));

        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
            assertThat(condition(ns, "webplatform/shop", "Synced")).isEqualTo("False/Drifted");
            assertThat(condition(ns, "securebucket/app-logs", "Synced")).isEqualTo("False/Drifted");
            assertThat(jsonpath(ns, "webplatform", "shop", ".status.drift[*].component")).contains("Subnets", "TargetGroup");
            assertThat(jsonpath(ns, "securebucket", "app-logs", ".status.drift[*].component")).contains("Bucket", "Trail");
        });
        assertThat(jsonpath(ns, "webplatform", "shop", ".status.drift[?(@.component==\"TargetGroup\")].desired")).contains("/");
        assertThat(jsonpath(ns, "webplatform", "shop", ".status.drift[?(@.component==\"TargetGroup\")].actual")).contains("/admin");
        // The README's lines, as a user runs them: the drift as a list.
        String block = ReadmeCommandsTest.shellBlockMarked(MARKER).replace("-n demo", "-n " + ns);
        var readmeLines = Kubectl.exec(List.of("bash", "-euo", "pipefail", "-c", block), null);
        assertThat(readmeLines.out()).as(readmeLines.err()).contains("Subnets ", "TargetGroup ");
        String drifted = Kubectl.run("get", "events", "-n", ns, "--field-selector", "reason=Drifted", "-o",
                "jsonpath={range .items[*]}{.involvedObject.name}: {.message}{\"\\n\"}{end}").ok().out();
        assertThat(drifted).contains("shop: ", "app-logs: ");
        // Several resyncs (4 s in tests) later, still as the person left it, and not one write.
        await().pollDelay(Duration.ofSeconds(12)).atMost(Duration.ofSeconds(13)).until(() -> true);
        assertThat(ec2.describeSubnets(r -> r.subnetIds(subnet)).subnets().get(0).mapPublicIpOnLaunch()).isTrue();
        assertThat(cloudTrail.getTrailStatus(r -> r.name(trail)).isLogging()).isFalse();
        assertThat(mutations.of(ns).subList(writesBefore, mutations.of(ns).size())).as("mutating AWS calls under Observe").isEmpty();

        // The freeze is over: everything is put back, and Synced says so.
        setPolicy(ns, "Manage");
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
            assertThat(ec2.describeSubnets(r -> r.subnetIds(subnet)).subnets().get(0).mapPublicIpOnLaunch()).isFalse();
            assertThat(elb.describeTargetGroups(r -> r.targetGroupArns(targetGroup)).targetGroups().get(0).healthCheckPath()).isEqualTo("/");
            assertThat(s3.getBucketOwnershipControls(r -> r.bucket(bucket)).ownershipControls().rules().get(0).objectOwnership())
                    .isEqualTo(ObjectOwnership.BUCKET_OWNER_ENFORCED);
            assertThat(cloudTrail.getTrailStatus(r -> r.name(trail)).isLogging()).isTrue();
            assertThat(condition(ns, "webplatform/shop", "Synced")).isEqualTo("True/Synced");
            assertThat(condition(ns, "securebucket/app-logs", "Synced")).isEqualTo("True/Synced");
        });
        assertThat(jsonpath(ns, "webplatform", "shop", ".status.drift")).isEmpty();
        Kubectl.run("delete", "webplatform", "shop", "-n", ns, "--timeout=180s").ok();
        Kubectl.run("delete", "securebucket", "app-logs", "-n", ns, "--timeout=120s").ok();
    }

    @Test
    void anObjectObservedFromTheStartCreatesNothingAndItsDeletionLeavesAwsAlone() throws IOException {
        String ns = Kubectl.newNamespace("e2e-observe-new");
        Kubectl.apply(ns, sample("securebucket.yaml", ns).replace("spec:", "spec:\n  managementPolicy: Observe")).ok();
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
            assertThat(condition(ns, "securebucket/app-logs", "Synced")).isEqualTo("False/Drifted");
            assertThat(jsonpath(ns, "securebucket", "app-logs", ".status.components[?(@.name==\"Key\")].state")).isEqualTo("Missing");
        });
        // What needs the missing key waits for it, as under Manage: nothing to observe without it.
        assertThat(jsonpath(ns, "securebucket", "app-logs", ".status.components[?(@.name==\"Bucket\")].state")).isEqualTo("Waiting");
        assertThat(condition(ns, "securebucket/app-logs", "Ready")).startsWith("False");
        assertThat(jsonpath(ns, "securebucket", "app-logs", ".status.drift[?(@.component==\"Key\")].actual")).isEqualTo("absent");
        Kubectl.run("delete", "securebucket", "app-logs", "-n", ns, "--timeout=30s").ok();
        assertThat(mutations.of(ns)).as("mutating AWS calls of an object observed from the start").isEmpty();
    }

    private static void setPolicy(String ns, String policy) {
        for (String object : List.of("webplatform/shop", "securebucket/app-logs")) {
            Kubectl.run("patch", object, "-n", ns, "--type=merge", "-p", "{\"spec\":{\"managementPolicy\":\"" + policy + "\"}}").ok();
        }
    }

    /** "True/Reason" of a condition. */
    private static String condition(String ns, String object, String type) {
        String[] kindName = object.split("/");
        return jsonpath(ns, kindName[0], kindName[1], ".status.conditions[?(@.type==\"" + type + "\")].status") + "/"
                + jsonpath(ns, kindName[0], kindName[1], ".status.conditions[?(@.type==\"" + type + "\")].reason");
    }
}
