package io.webplatform.operator.e2e;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.webplatform.operator.testing.Emulator;
import io.webplatform.operator.testing.FailCalls;
import io.webplatform.operator.testing.Kubectl;
import io.webplatform.operator.testing.TestBed;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.cloudtrail.model.DeleteTrailRequest;
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
 * Two classic traps of a deletion, with the operator running and kubectl: the operator's role lacking
 * one delete permission (Stalled DeleteBlocked naming the action, one event, then the deletion
 * finishes by itself once it is granted), and a resource deleted by hand halfway through a teardown
 * (the deletion finishes; the vanished resource's delete is not called again). AWS's refusals are
 * played by the FailCalls seam; everything else is the emulator.
 */
@QuarkusTest
@QuarkusTestResource(TestBed.class)
class DeleteBlockedEndToEndTest extends RunningOperatorTest {
    static final String MARKER = "<!-- run by: DeleteBlockedEndToEndTest -->";

    @Inject
    FailCalls fail;

    @AfterEach
    void releaseSeam() {
        fail.clear();
    }

    /**
     * The sample SecureBucket with deletionPolicy Delete and a log bucket of its own, so that it is its trail's only
     * member and its deletion deletes the trail: a finished deletion leaves nothing in AWS.
     */
    private static String deletableSample(String ns) throws IOException {
        String sample = sample("securebucket.yaml", ns).replace("\n  deletionPolicy: Retain", "\n  deletionPolicy: Delete\n  emptyOnDelete: true");
        assertThat(sample).contains("\n  trail:\n    enabled: true");
        return sample.replace("\n  trail:\n    enabled: true", "\n  trail:\n    enabled: true\n    logBucketName: " + ns + "-audit");
    }

    private record Made(String bucket, String backup, String logs, String keyArn, String trailArn, String trailName, String roleName) {
        static Made of(String ns) {
            String trailArn = jsonpath(ns, "securebucket", "app-logs", ".status.outputs.trailArn");
            String roleArn = jsonpath(ns, "securebucket", "app-logs", ".status.outputs.replicationRoleArn");
            return new Made(jsonpath(ns, "securebucket", "app-logs", ".status.outputs.bucketName"),
                    jsonpath(ns, "securebucket", "app-logs", ".status.outputs.backupBucketName"),
                    jsonpath(ns, "securebucket", "app-logs", ".status.outputs.logBucketName"),
                    jsonpath(ns, "securebucket", "app-logs", ".status.outputs.keyArn"),
                    trailArn, trailArn.substring(trailArn.indexOf("trail/") + 6), roleArn.substring(roleArn.indexOf("role/") + 5));
        }

        boolean isTheTrail(DeleteTrailRequest request) {
            return request.name().equals(trailName) || request.name().equals(trailArn);
        }

        /** Nothing of it is left in AWS: buckets, trail and role gone, the key scheduled for deletion. */
        void assertNothingLeft() {
            var s3 = aws.s3(Emulator.REGION);
            for (String b : List.of(bucket, backup, logs)) {
                assertThat(exists(() -> s3.headBucket(r -> r.bucket(b)))).as(b).isFalse();
            }
            assertThat(exists(() -> aws.cloudTrail(Emulator.REGION).getTrail(r -> r.name(trailName)))).as("trail").isFalse();
            assertThat(exists(() -> aws.iam(Emulator.REGION).getRole(r -> r.roleName(roleName)))).as("role").isFalse();
            assertThat(aws.kms(Emulator.REGION).describeKey(r -> r.keyId(keyArn)).keyMetadata().keyState()).isEqualTo(KeyState.PENDING_DELETION);
        }
    }

    private static String condition(String ns, String type, String field) {
        return jsonpath(ns, "securebucket", "app-logs", ".status.conditions[?(@.type==\"" + type + "\")]." + field);
    }

    @Test
    void aDeletePermissionMissingStallsTheDeletionNamingTheActionAndItFinishesOnceGranted() throws IOException {
        String ns = Kubectl.newNamespace("e2e-del-perm");
        Kubectl.apply(ns, deletableSample(ns)).ok();
        Kubectl.run("wait", "--for=condition=Ready", "securebucket/app-logs", "-n", ns, "--timeout=120s").ok();
        Made made = Made.of(ns);
        // The operator's role lacks cloudtrail:DeleteTrail: CloudTrail answers as IAM denies (CloudTrail API Reference, common errors).
        var denied = fail.answer("DeleteTrail", "AccessDeniedException", 400, "User: arn:aws:sts::123456789012:assumed-role/webplatform-operator/op"
                + " is not authorized to perform: cloudtrail:DeleteTrail on resource: " + made.trailArn()
                + " because no identity-based policy allows the cloudtrail:DeleteTrail action")
                .when(request -> made.isTheTrail((DeleteTrailRequest) request));

        Kubectl.run("delete", "securebucket/app-logs", "-n", ns, "--wait=false").ok();
        Kubectl.run("wait", "--for=condition=Stalled", "securebucket/app-logs", "-n", ns, "--timeout=60s").ok();

        assertThat(condition(ns, "Stalled", "reason")).isEqualTo("DeleteBlocked");
        String message = condition(ns, "Stalled", "message");
        assertThat(message).startsWith("deletion blocked: Trail " + made.trailArn() + ": cloudtrail:DeleteTrail refused (AccessDeniedException: User: ")
                .contains("Grant `cloudtrail:DeleteTrail` to the operator's IAM role").endsWith("the deletion resumes by itself once that is done");
        assertThat(condition(ns, "Reconciling", "status")).isEqualTo("False");
        assertThat(condition(ns, "Ready", "reason")).isEqualTo("DeleteBlocked");
        // Retried (2 s, 4 s, 8 s ... at most a minute apart), and said once.
        int refused = denied.answered();
        await().atMost(Duration.ofSeconds(40)).pollInterval(Duration.ofSeconds(1)).until(() -> denied.answered() >= refused + 2);
        assertThat(Kubectl.run("get", "events", "-n", ns, "--field-selector", "involvedObject.name=app-logs,reason=DeleteBlocked",
                "-o", "jsonpath={.items[*].message}").ok().out()).as("one DeleteBlocked event for one cause")
                .startsWith("Trail " + made.trailArn() + ": cloudtrail:DeleteTrail refused").containsOnlyOnce("cloudtrail:DeleteTrail refused");
        // The README's lines, as a person would read the object.
        String block = ReadmeCommandsTest.shellBlockMarked(MARKER).replace("-n demo", "-n " + ns);
        var readmeLines = Kubectl.exec(List.of("bash", "-euo", "pipefail", "-c", block), null);
        assertThat(readmeLines.out()).as(readmeLines.err())
                .contains("deletion blocked: Trail " + made.trailArn() + ": cloudtrail:DeleteTrail refused")
                .contains("Trail Failed: BLOCKED AccessDeniedException: the operator's role lacks the permission `cloudtrail:DeleteTrail`");
        assertThat(exists(() -> aws.cloudTrail(Emulator.REGION).getTrail(r -> r.name(made.trailName())))).as("the trail is still there").isTrue();

        long granted = System.nanoTime();
        denied.release(); // the permission is granted
        Kubectl.run("wait", "--for=delete", "securebucket/app-logs", "-n", ns, "--timeout=120s").ok();
        System.out.printf("[measure] DeleteBlocked: %d refused DeleteTrail calls; deleted %d s after the permission was granted%n",
                denied.answered(), Duration.ofNanos(System.nanoTime() - granted).toSeconds());
        made.assertNothingLeft();
    }

    @Test
    void aTrailDeletedByHandHalfwayThroughTheTeardownIsNotDeletedAgain() throws IOException {
        String ns = Kubectl.newNamespace("e2e-del-hand");
        Kubectl.apply(ns, deletableSample(ns)).ok();
        Kubectl.run("wait", "--for=condition=Ready", "securebucket/app-logs", "-n", ns, "--timeout=120s").ok();
        Made made = Made.of(ns);
        // The teardown is held at the trail: CloudTrail throttles DeleteTrail (TRANSIENT: the operator backs off).
        var throttled = fail.answer("DeleteTrail", "ThrottlingException", 400, "Rate exceeded")
                .when(request -> made.isTheTrail((DeleteTrailRequest) request));
        var deleteTrailCalls = fail.watch("DeleteTrail", request -> made.isTheTrail((DeleteTrailRequest) request));

        Kubectl.run("delete", "securebucket/app-logs", "-n", ns, "--wait=false").ok();
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).until(() -> throttled.answered() >= 1
                && "Deleting".equals(condition(ns, "Reconciling", "reason")));
        assertThat(condition(ns, "Stalled", "status")).isEqualTo("False");
        assertThat(jsonpath(ns, "securebucket", "app-logs", ".status.components[?(@.name==\"Trail\")].message"))
                .startsWith("TRANSIENT ThrottlingException");

        // Halfway: a person deletes the trail with the SDK.
        aws.cloudTrail(Emulator.REGION).deleteTrail(r -> r.name(made.trailName()));
        int callsBefore = deleteTrailCalls.count();
        long byHand = System.nanoTime();

        Kubectl.run("wait", "--for=delete", "securebucket/app-logs", "-n", ns, "--timeout=120s").ok();
        long seconds = Duration.ofNanos(System.nanoTime() - byHand).toSeconds();
        // The vanished trail is read as gone: its delete is not called again, let alone in a loop (the seam still throttles it).
        assertThat(deleteTrailCalls.count()).as("DeleteTrail calls after the trail was deleted by hand").isLessThanOrEqualTo(callsBefore + 1);
        System.out.printf("[measure] trail deleted by hand: %d DeleteTrail calls before, %d after; object gone %d s later%n",
                callsBefore, deleteTrailCalls.count() - callsBefore, seconds);
        assertThat(seconds).as("the deletion finished within a minute of the hand deletion").isLessThan(60);
        made.assertNothingLeft();
    }

    @Test
    void anInstanceProfileSomeoneMadeWithTheOperatorsRoleBlocksTheDeletionUntilTheRoleIsTakenOut() throws IOException {
        String ns = Kubectl.newNamespace("e2e-del-profile");
        Kubectl.apply(ns, deletableSample(ns)).ok();
        Kubectl.run("wait", "--for=condition=Ready", "securebucket/app-logs", "-n", ns, "--timeout=120s").ok();
        Made made = Made.of(ns);
        var iam = aws.iam(Emulator.REGION);
        String profile = "someones-" + ns;
        iam.createInstanceProfile(r -> r.instanceProfileName(profile));
        iam.addRoleToInstanceProfile(r -> r.instanceProfileName(profile).roleName(made.roleName()));

        // IAM (and the emulator) refuse DeleteRole: DeleteConflict, "must remove roles from instance profile first".
        Kubectl.run("delete", "securebucket/app-logs", "-n", ns, "--wait=false").ok();
        Kubectl.run("wait", "--for=condition=Stalled", "securebucket/app-logs", "-n", ns, "--timeout=60s").ok();
        assertThat(condition(ns, "Stalled", "reason")).isEqualTo("DeleteBlocked");
        assertThat(condition(ns, "Stalled", "message")).contains("ReplicationRole role " + made.roleName() + ": iam:DeleteRole refused (DeleteConflict: ")
                .contains("still used by what was made outside the operator: instance profile " + profile);

        iam.removeRoleFromInstanceProfile(r -> r.instanceProfileName(profile).roleName(made.roleName()));
        Kubectl.run("wait", "--for=delete", "securebucket/app-logs", "-n", ns, "--timeout=120s").ok();
        made.assertNothingLeft();
        iam.deleteInstanceProfile(r -> r.instanceProfileName(profile));
    }

    @Test
    void aNetworkInterfaceSomeoneMadeInAWebPlatformsSubnetBlocksItsDeletionUntilItIsRemoved() {
        String ns = Kubectl.newNamespace("e2e-del-eni");
        Kubectl.apply(ns, """
                apiVersion: webplatform.io/v1alpha1
                kind: WebPlatform
                metadata: {name: shop}
                spec:
                  region: eu-west-3
                  network: {vpcCidr: 10.45.0.0/16, natGateways: Single}
                  database: {deletionPolicy: Delete}
                """).ok();
        Kubectl.run("wait", "--for=condition=Ready", "webplatform/shop", "-n", ns, "--timeout=180s").ok();
        String subnets = Kubectl.run("get", "webplatform", "shop", "-n", ns, "-o", "jsonpath={.status.outputs.privateSubnetIds}").ok().out();
        java.util.regex.Matcher first = java.util.regex.Pattern.compile("subnet-[0-9a-f]+").matcher(subnets);
        assertThat(first.find()).as(subnets).isTrue();
        String subnet = first.group();
        var ec2 = aws.ec2(Emulator.REGION);
        String eni = ec2.createNetworkInterface(r -> r.subnetId(subnet).description("someone's debugging interface"))
                .networkInterface().networkInterfaceId();
        // EC2 refuses DeleteSubnet while an interface is in it (DependencyViolation); the emulator does not, so the seam
        // refuses exactly while this one exists. What holds the subnet is read from the emulator.
        fail.answer("DeleteSubnet", "DependencyViolation", 400, "The subnet '" + subnet + "' has dependencies and cannot be deleted.")
                .when(request -> ((software.amazon.awssdk.services.ec2.model.DeleteSubnetRequest) request).subnetId().equals(subnet)
                        && exists(() -> ec2.describeNetworkInterfaces(r -> r.networkInterfaceIds(eni))));

        Kubectl.run("delete", "webplatform/shop", "-n", ns, "--wait=false").ok();
        Kubectl.run("wait", "--for=condition=Stalled", "webplatform/shop", "-n", ns, "--timeout=120s").ok();
        String stalled = jsonpath(ns, "webplatform", "shop", ".status.conditions[?(@.type==\"Stalled\")].message");
        assertThat(jsonpath(ns, "webplatform", "shop", ".status.conditions[?(@.type==\"Stalled\")].reason")).isEqualTo("DeleteBlocked");
        assertThat(stalled).contains("Subnets subnet " + subnet + ": ec2:DeleteSubnet refused (DependencyViolation: ")
                .contains("network interface " + eni + " (\"someone's debugging interface\", available)");

        ec2.deleteNetworkInterface(r -> r.networkInterfaceId(eni));
        Kubectl.run("wait", "--for=delete", "webplatform/shop", "-n", ns, "--timeout=180s").ok();
        assertThat(exists(() -> ec2.describeSubnets(r -> r.subnetIds(subnet)))).as("the subnet").isFalse();
    }
}
