package io.webplatform.operator.bucket;

import com.fasterxml.jackson.databind.JsonNode;
import io.webplatform.operator.api.DeletionPolicy;
import io.webplatform.operator.api.Finding;
import io.webplatform.operator.api.SecureBucket;
import io.webplatform.operator.api.SecureBucketSpec;
import io.webplatform.operator.aws.ApiCallMetrics;
import io.webplatform.operator.aws.AwsClients;
import io.webplatform.operator.aws.Identity;
import io.webplatform.operator.aws.PolicyDocuments;
import io.webplatform.operator.engine.ComponentGraph;
import io.webplatform.operator.engine.WalkResult;
import io.webplatform.operator.testing.Emulator;
import io.webplatform.operator.testing.FailCalls;
import io.webplatform.operator.testing.TestResources;
import io.webplatform.operator.testing.TestResources.RecordedEvents;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.cloudtrail.model.CreateTrailRequest;
import software.amazon.awssdk.services.cloudwatchlogs.model.LogGroup;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The shared trail's delivery to CloudWatch Logs (Security Hub CloudTrail.5): its log group, encrypted with the trail's
 * key, and the role CloudTrail assumes to write there, against the emulator. moto neither checks that CloudTrail can
 * assume the role nor the key policy: what AWS requires is asserted on what the operator sends, and CloudTrail's refusal
 * of a role IAM has not propagated yet is played by a seam.
 */
class TrailLogsEmulatorTest {
    private static final String ACCOUNT = "123456789012";
    private static final FailCalls FAIL = new FailCalls();
    private static final AtomicInteger SEQ = new AtomicInteger();
    private static AwsClients aws;
    /** A person's clients: reads and changes without the operator's seams. */
    private static AwsClients person;
    /** Its own installation per test: its own trail, key, group and role, whatever earlier runs left. */
    private final String installation = "tl" + System.nanoTime() % 1000000;
    private final ComponentGraph<BucketScope> graph = SecureBucketGraph.create();
    private BucketScope.TrailLogs trailLogs = BucketScope.TrailLogs.DEFAULT;

    @BeforeAll
    static void clients() {
        aws = Emulator.clients(FAIL);
        person = Emulator.clients();
    }

    @AfterEach
    void clearSeam() {
        FAIL.clear();
    }

    @AfterAll
    static void close() {
        aws.close();
        person.close();
    }

    private SecureBucket resource(String region, DeletionPolicy policy) {
        SecureBucketSpec spec = TestResources.fullSpec();
        spec.region = region;
        spec.replication = null;
        spec.deletionPolicy = policy;
        spec.emptyOnDelete = true;
        return TestResources.secureBucket("tl" + System.nanoTime() % 100000 + "-" + SEQ.incrementAndGet(), spec);
    }

    private BucketScope scope(SecureBucket sb) {
        return new BucketScope(sb, Identity.ofUid(sb), aws, ACCOUNT, installation, BucketScope.DEFAULT_ACCESS_LOG_RETENTION_DAYS, trailLogs);
    }

    private WalkResult converge(SecureBucket sb) {
        WalkResult result = null;
        for (int pass = 0; pass < 5 && (result == null || !result.allReady()); pass++) {
            result = graph.reconcile(scope(sb), new RecordedEvents());
        }
        return result;
    }

    private WalkResult deleteFully(SecureBucket sb) {
        sb.getMetadata().setDeletionTimestamp(Instant.now().toString());
        WalkResult result = null;
        for (int pass = 0; pass < 5 && (result == null || !result.allGone()); pass++) {
            result = graph.delete(scope(sb), new RecordedEvents());
        }
        return result;
    }

    private static LogGroup group(String region, String name) {
        return person.logs(region).describeLogGroups(r -> r.logGroupNamePrefix(name)).logGroups().stream()
                .filter(g -> g.logGroupName().equals(name)).findFirst().orElse(null);
    }

    private static boolean roleExists(String region, String roleName) {
        return person.iam(region).listRoles().roles().stream().anyMatch(r -> r.roleName().equals(roleName));
    }

    private static software.amazon.awssdk.services.cloudtrail.model.Trail trail(String region, String name) {
        return person.cloudTrail(region).getTrail(r -> r.name(name)).trail();
    }

    private static Finding cloudTrail5(BucketScope scope) {
        return BucketFindings.evaluate(scope).stream().filter(f -> f.getId().equals("CloudTrail.5")).findFirst().orElseThrow();
    }

    @Test
    void theTrailDeliversToAnEncryptedGroupByDefaultIsRepairedAndTheOptOutRemovesGroupAndRole() {
        String region = "ap-south-1";
        SecureBucket sb = resource(region, DeletionPolicy.Delete);
        BucketScope walked = null;
        WalkResult first = null;
        for (int pass = 0; pass < 5 && (first == null || !first.allReady()); pass++) {
            walked = scope(sb);
            first = graph.reconcile(walked, new RecordedEvents());
        }
        assertThat(first.allReady()).as(first.waitingSummary()).isTrue();
        String trailName = walked.trailDestination().trail();
        String groupName = "/aws/cloudtrail/" + trailName;
        String groupArn = "arn:aws:logs:" + region + ":" + ACCOUNT + ":log-group:" + groupName;
        String roleName = TrailLogsRole.roleName(walked);
        String roleArn = "arn:aws:iam::" + ACCOUNT + ":role/" + roleName;
        String keyArn = first.component(TrailKey.NAME).getId();

        // CreateTrail named the group by its ARN ending in ":*" (API_CreateTrail's CloudWatchLogsLogGroupArn) and the role.
        var trail = trail(region, trailName);
        assertThat(trail.cloudWatchLogsLogGroupArn()).isEqualTo(groupArn + ":*");
        assertThat(trail.cloudWatchLogsRoleArn()).isEqualTo(roleArn);
        assertThat(roleName).hasSizeLessThanOrEqualTo(64).matches("[\\w+=,.@-]+");

        // The group: the chart's retention, the trail's key, the installation's tags.
        LogGroup group = group(region, groupName);
        assertThat(group.retentionInDays()).isEqualTo(365);
        assertThat(group.kmsKeyId()).isEqualTo(keyArn);
        assertThat(person.logs(region).listTagsForResource(r -> r.resourceArn(groupArn)).tags())
                .containsEntry("webplatform.io/owner-uid", walked.installationKey());

        // The key lets CloudWatch Logs of this region use it for this group only.
        String policy = person.kms(region).getKeyPolicy(r -> r.keyId(keyArn).policyName("default")).policy();
        assertThat(PolicyDocuments.equivalent(policy, TrailKey.policy(walked.partition(), ACCOUNT, trail.trailARN(), region, groupArn))).isTrue();
        JsonNode logs = null;
        for (JsonNode statement : PolicyDocuments.parse(policy).get("Statement")) {
            if (statement.path("Principal").path("Service").asText().equals("logs." + region + ".amazonaws.com")) {
                logs = statement;
            }
        }
        assertThat(logs).as("a statement for logs." + region + ".amazonaws.com").isNotNull();
        assertThat(logs.path("Condition").path("ArnEquals").path("kms:EncryptionContext:aws:logs:arn").asText()).isEqualTo(groupArn);

        // The role: CloudTrail assumes it (no source condition: CloudTrail sends none for this role), and may write only
        // into this group's CloudTrail streams.
        var role = person.iam(region).getRole(r -> r.roleName(roleName)).role();
        JsonNode trust = PolicyDocuments.parse(java.net.URLDecoder.decode(role.assumeRolePolicyDocument(), java.nio.charset.StandardCharsets.UTF_8));
        assertThat(trust.get("Statement")).singleElement().satisfies(s -> {
            assertThat(s.path("Principal").path("Service").asText()).isEqualTo("cloudtrail.amazonaws.com");
            assertThat(s.path("Action").asText()).isEqualTo("sts:AssumeRole");
            assertThat(s.has("Condition")).isFalse();
        });
        String permissions = java.net.URLDecoder.decode(person.iam(region).getRolePolicy(r -> r.roleName(roleName)
                .policyName(TrailLogsRole.POLICY_NAME)).policyDocument(), java.nio.charset.StandardCharsets.UTF_8);
        String streams = groupArn + ":log-stream:" + ACCOUNT + "_CloudTrail_" + region + "*";
        assertThat(PolicyDocuments.parse(permissions).get("Statement")).hasSize(2).allSatisfy(s ->
                assertThat(s.path("Resource").get(0).asText()).isEqualTo(streams));
        assertThat(cloudTrail5(walked).failed()).isFalse();

        List<String> calls = ApiCallMetrics.startRecording();
        WalkResult second;
        try {
            second = graph.reconcile(scope(sb), new RecordedEvents());
        } finally {
            ApiCallMetrics.stopRecording();
        }
        assertThat(second.allReady()).isTrue();
        assertThat(calls).as("a second pass writes nothing").allMatch(ApiCallMetrics::isReadOnly);

        // Someone removes the delivery (empty strings): repaired; someone shortens the retention: restored.
        person.cloudTrail(region).updateTrail(r -> r.name(trailName).cloudWatchLogsLogGroupArn("").cloudWatchLogsRoleArn(""));
        person.logs(region).putRetentionPolicy(r -> r.logGroupName(groupName).retentionInDays(1));
        BucketScope repairing = scope(sb);
        WalkResult repaired = graph.reconcile(repairing, new RecordedEvents());
        assertThat(repaired.repairs()).anyMatch(r -> r.contains("events delivered to CloudWatch Logs group " + groupArn + ":*"))
                .anyMatch(r -> r.contains("log group " + groupName + " keeps 365 days"));
        assertThat(trail(region, trailName).cloudWatchLogsLogGroupArn()).isEqualTo(groupArn + ":*");
        assertThat(trail(region, trailName).cloudWatchLogsRoleArn()).isEqualTo(roleArn);
        assertThat(group(region, groupName).retentionInDays()).isEqualTo(365);
        assertThat(cloudTrail5(repairing).failed()).isFalse();

        // The installation opts out: the trail stops delivering, then the group and the role go; the finding says so.
        trailLogs = new BucketScope.TrailLogs(false, 365);
        WalkResult optedOut = null;
        for (int pass = 0; pass < 3; pass++) {
            optedOut = graph.reconcile(scope(sb), new RecordedEvents());
        }
        assertThat(optedOut.allReady()).as(optedOut.waitingSummary()).isTrue();
        assertThat(Trail.blankAsNull(trail(region, trailName).cloudWatchLogsLogGroupArn())).isNull();
        assertThat(Trail.blankAsNull(trail(region, trailName).cloudWatchLogsRoleArn())).isNull();
        assertThat(group(region, groupName)).isNull();
        assertThat(roleExists(region, roleName)).isFalse();
        BucketScope off = scope(sb);
        graph.reconcile(off, new RecordedEvents());
        Finding finding = cloudTrail5(off);
        assertThat(finding.failed()).isTrue();
        assertThat(finding.faulty()).as("the installation's choice, not a fault").isFalse();
        assertThat(finding.getOptedOutBy()).isEqualTo("the chart's trail.cloudWatchLogs.enabled: false");
        assertThat(finding.getMessage()).startsWith("opted out: ").contains("trail.cloudWatchLogs.enabled: false");
        // Nor does the key still admit CloudWatch Logs.
        assertThat(person.kms(region).getKeyPolicy(r -> r.keyId(keyArn).policyName("default")).policy()).doesNotContain("logs." + region);

        // Opted in again: made again; the last member then ends the trail, the group and the role.
        trailLogs = BucketScope.TrailLogs.DEFAULT;
        assertThat(converge(sb).allReady()).isTrue();
        assertThat(trail(region, trailName).cloudWatchLogsLogGroupArn()).isEqualTo(groupArn + ":*");
        WalkResult deleted = deleteFully(sb);
        assertThat(deleted.allGone()).as(deleted.waitingSummary()).isTrue();
        assertThat(group(region, groupName)).isNull();
        assertThat(roleExists(region, roleName)).isFalse();
    }

    @Test
    void aMemberLeavingWhileOthersRecordLeavesThemAndARetainMemberKeepsTheGroupWithTheBucket() {
        String region = "eu-south-1";
        SecureBucket kept = resource(region, DeletionPolicy.Retain);
        SecureBucket deleted = resource(region, DeletionPolicy.Delete);
        assertThat(converge(kept).allReady()).isTrue();
        WalkResult joined = converge(deleted);
        assertThat(joined.allReady()).isTrue();
        BucketScope walked = scope(deleted);
        String groupName = TrailLogGroup.groupName(walked);
        String roleName = TrailLogsRole.roleName(walked);

        WalkResult left = deleteFully(kept);
        assertThat(left.allGone()).isTrue();
        assertThat(left.component(TrailLogGroup.NAME).getMessage()).startsWith("shared: trail ");
        assertThat(left.component(TrailLogsRole.NAME).getMessage()).startsWith("shared: trail ");
        assertThat(group(region, groupName)).isNotNull();
        assertThat(roleExists(region, roleName)).isTrue();

        // The Delete member ends the trail; the log bucket a Retain member recorded into stays, and so does the group (its
        // events are the same record); the role delivers for no trail: deleted.
        WalkResult last = deleteFully(deleted);
        assertThat(last.allGone()).as(last.waitingSummary()).isTrue();
        assertThat(last.retained()).anyMatch(r -> r.startsWith("TrailBucket ")).anyMatch(r -> r.startsWith("TrailLogGroup "));
        assertThat(group(region, groupName)).isNotNull();
        assertThat(roleExists(region, roleName)).isFalse();
    }

    /**
     * CreateLogGroup with the trail's key right after the key policy gained the statement for CloudWatch Logs: AWS may
     * answer AccessDeniedException until KMS has propagated the policy (moto checks nothing): a retry, not Stalled.
     */
    @Test
    void aKeyPolicyNotYetPropagatedToCloudWatchLogsIsRetriedNotStalled() {
        String region = "ap-south-1";
        SecureBucket sb = resource(region, DeletionPolicy.Delete);
        var refused = FAIL.answer("CreateLogGroup", "AccessDeniedException", 400,
                "The specified KMS key does not exist or is not allowed to be used with Arn 'arn:aws:logs:" + region + ":" + ACCOUNT
                        + ":log-group:/aws/cloudtrail/x'").times(1);
        RecordedEvents events = new RecordedEvents();
        WalkResult first = graph.reconcile(scope(sb), events);
        assertThat(refused.answered()).isEqualTo(1);
        assertThat(first.stalled()).as(first.stalledMessage()).isFalse();
        assertThat(first.failures()).isEmpty();
        assertThat(first.component(TrailLogGroup.NAME).getState()).isEqualTo(ComponentGraph.PENDING);
        assertThat(first.component(TrailLogGroup.NAME).getMessage()).contains("the key policy of arn:aws:kms:").contains("AWS is still propagating it");
        assertThat(first.component(Trail.NAME).isReady()).as("the trail waits for its group").isFalse();
        assertThat(events.warnings).isEmpty();

        WalkResult next = converge(sb);
        assertThat(next.allReady()).as(next.waitingSummary()).isTrue();
        assertThat(deleteFully(sb).allGone()).isTrue();
    }

    /**
     * Right after CreateRole, CloudTrail answers InvalidCloudWatchLogsRoleArnException until IAM has propagated the role:
     * a retry (Pending, no warning), not Stalled; the next pass converges.
     */
    @Test
    void aRoleNotYetPropagatedIsRetriedNotStalled() {
        String region = "ap-south-1";
        SecureBucket sb = resource(region, DeletionPolicy.Delete);
        var refused = FAIL.answer("CreateTrail", "InvalidCloudWatchLogsRoleArnException", 400,
                "Access denied. Verify in IAM that the role has adequate permissions.")
                .when(r -> ((CreateTrailRequest) r).cloudWatchLogsRoleArn() != null).times(1);
        RecordedEvents events = new RecordedEvents();
        WalkResult first = graph.reconcile(scope(sb), events);
        assertThat(refused.answered()).isEqualTo(1);
        assertThat(first.stalled()).as(first.stalledMessage()).isFalse();
        assertThat(first.failures()).isEmpty();
        assertThat(first.component(Trail.NAME).getState()).isEqualTo(ComponentGraph.PENDING);
        assertThat(first.component(Trail.NAME).getMessage()).contains("role arn:aws:iam::" + ACCOUNT + ":role/")
                .contains("AWS is still propagating it");
        assertThat(events.warnings).isEmpty();

        WalkResult next = converge(sb);
        assertThat(next.allReady()).as(next.waitingSummary()).isTrue();
        assertThat(deleteFully(sb).allGone()).isTrue();
    }
}
