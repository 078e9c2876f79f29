package io.webplatform.operator.platform;

import io.webplatform.operator.api.WebPlatform;
import io.webplatform.operator.api.WebPlatformSpec;
import io.webplatform.operator.aws.ApiCallMetrics;
import io.webplatform.operator.aws.AwsClients;
import io.webplatform.operator.aws.AwsErrors;
import io.webplatform.operator.aws.Partition;
import io.webplatform.operator.aws.PolicyDocuments;
import io.webplatform.operator.engine.ComponentGraph;
import io.webplatform.operator.engine.WalkResult;
import io.webplatform.operator.testing.Emulator;
import io.webplatform.operator.testing.FailCalls;
import io.webplatform.operator.testing.TestResources.RecordedEvents;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;
import software.amazon.awssdk.services.cloudwatchlogs.model.AssociateKmsKeyRequest;
import software.amazon.awssdk.services.cloudwatchlogs.model.LogGroup;
import software.amazon.awssdk.services.kms.model.KeyState;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The database's log groups encrypted with the WebPlatform's own KMS key (checkov CKV_AWS_158), against the emulator with
 * CloudWatch Logs' judgement of the key played by the fixture's seam (the emulator takes any key, and has no
 * AssociateKmsKey): made with the key, a group without it repaired, the key's scheduled deletion cancelled while its
 * groups exist, the key deleted only after its groups, and CloudWatch Logs' refusal while the key policy propagates.
 */
class DatabaseLogsKeyEmulatorTest extends PlatformFixture {
    /** A person's clients (or RDS's): straight to the emulator, without the operator's seams. */
    private static AwsClients person;

    @BeforeAll
    static void personsClients() {
        person = Emulator.clients();
    }

    @AfterAll
    static void closePerson() {
        person.close();
    }

    /** The groups under the instance's path, as CloudWatch Logs reports them (through the seam: associations included). */
    private static Map<String, LogGroup> groups(PlatformScope scope) {
        return aws.logs(Emulator.REGION).describeLogGroups(r -> r.logGroupNamePrefix(DatabaseLogGroups.PREFIX + DatabaseNames.instanceId(scope) + "/"))
                .logGroups().stream().collect(Collectors.toMap(LogGroup::logGroupName, g -> g));
    }

    private static KeyState keyState(String keyArn) {
        return aws.kms(Emulator.REGION).describeKey(r -> r.keyId(keyArn)).keyMetadata().keyState();
    }

    @Test
    void theGroupsAreEncryptedWithThePlatformsKeyAndAGroupWithoutItOrAKeyScheduledForDeletionIsRepaired() {
        WebPlatform wp = platform(new WebPlatformSpec());
        String id = DatabaseNames.instanceId(scope(wp));
        String postgresql = DatabaseLogGroups.PREFIX + id + "/postgresql";
        String upgrade = DatabaseLogGroups.PREFIX + id + "/upgrade";
        // RDS made one before the operator's first pass (or an earlier operator did): without a key, without tags.
        person.logs(Emulator.REGION).createLogGroup(r -> r.logGroupName(postgresql));
        REQUESTS.start();
        PlatformScope scope = convergedScope(wp);
        List<AssociateKmsKeyRequest> associated = REQUESTS.sent(AssociateKmsKeyRequest.class);
        REQUESTS.stop();

        String keyArn = scope.idOf(DatabaseLogsKey.NAME);
        assertThat(keyArn).startsWith("arn:aws:kms:" + Emulator.REGION + ":123456789012:key/");
        assertThat(associated).extracting(AssociateKmsKeyRequest::logGroupName).containsExactly(postgresql);
        assertThat(groups(scope)).hasSize(2).allSatisfy((name, group) -> {
            assertThat(group.kmsKeyId()).as(name).isEqualTo(keyArn);
            assertThat(group.retentionInDays()).as(name).isEqualTo(365);
        });
        var kms = aws.kms(Emulator.REGION);
        assertThat(kms.describeKey(r -> r.keyId(DatabaseLogsKey.alias(scope))).keyMetadata().arn()).isEqualTo(keyArn);
        assertThat(kms.getKeyRotationStatus(r -> r.keyId(keyArn)).keyRotationEnabled()).isTrue();
        assertThat(PolicyDocuments.equivalent(kms.getKeyPolicy(r -> r.keyId(keyArn).policyName("default")).policy(),
                DatabaseLogsKey.policy(Partition.of(Emulator.REGION), Emulator.REGION, "123456789012", DatabaseNames.baseId(scope)))).isTrue();

        // RDS makes a deleted group again when it writes to it: without the key. Repaired, with its retention.
        person.logs(Emulator.REGION).deleteLogGroup(r -> r.logGroupName(upgrade));
        person.logs(Emulator.REGION).createLogGroup(r -> r.logGroupName(upgrade));
        WalkResult repaired = graph.reconcile(scope(wp), new RecordedEvents());
        assertThat(repaired.repairs()).contains("DatabaseLogGroups: log group " + upgrade + " encrypted with KMS key " + keyArn,
                "DatabaseLogGroups: log group " + upgrade + " keeps 365 days");
        assertThat(groups(scope).get(upgrade).kmsKeyId()).isEqualTo(keyArn);

        // Someone schedules the key's deletion: the groups could not be read once it is deleted, so it is cancelled.
        String keyId = keyArn.substring(keyArn.lastIndexOf('/') + 1);
        person.kms(Emulator.REGION).scheduleKeyDeletion(r -> r.keyId(keyId).pendingWindowInDays(7));
        WalkResult cancelled = graph.reconcile(scope(wp), new RecordedEvents());
        assertThat(cancelled.repairs()).contains("DatabaseLogsKey: cancelled a scheduled deletion", "DatabaseLogsKey: enabled the key");
        assertThat(keyState(keyArn)).isEqualTo(KeyState.ENABLED);

        List<String> calls = ApiCallMetrics.startRecording();
        try {
            assertThat(graph.reconcile(scope(wp), new RecordedEvents()).allReady()).isTrue();
        } finally {
            ApiCallMetrics.stopRecording();
        }
        assertThat(calls).as("converged again: a pass only reads").allMatch(ApiCallMetrics::isReadOnly);

        // The key outlives its groups: while a group cannot be deleted, the key waits; once they are gone, it is scheduled.
        FailCalls.Failure busy = FAIL.answer("DeleteLogGroup", "ServiceUnavailableException", 503, "Service Unavailable")
                .when(r -> ((software.amazon.awssdk.services.cloudwatchlogs.model.DeleteLogGroupRequest) r).logGroupName().startsWith(
                        DatabaseLogGroups.PREFIX + id + "/"));
        WalkResult blocked = null;
        try {
            wp.getMetadata().setDeletionTimestamp(java.time.Instant.now().toString());
            for (int pass = 0; pass < 12 && busy.answered() == 0; pass++) {
                blocked = graph.delete(scope(wp), new RecordedEvents());
            }
        } finally {
            busy.release();
        }
        assertThat(busy.answered()).as("DeleteLogGroup reached").isGreaterThan(0);
        assertThat(blocked.component(DatabaseLogsKey.NAME).getState()).isEqualTo(ComponentGraph.WAITING);
        assertThat(blocked.component(DatabaseLogsKey.NAME).getMessage()).contains(DatabaseLogGroups.NAME);
        assertThat(keyState(keyArn)).isEqualTo(KeyState.ENABLED);
        assertThat(deleteFully(wp).allGone()).isTrue();
        assertThat(groups(scope)).isEmpty();
        assertThat(keyState(keyArn)).isEqualTo(KeyState.PENDING_DELETION);
        assertThat(inventory(wp)).isEmpty();
    }

    /**
     * CreateLogGroup right after the key was made: CloudWatch Logs refuses the key until KMS has propagated its policy
     * (AccessDeniedException). Within six minutes the groups are Pending and the database waits for them (no Stalled,
     * no warning); refused longer, Stalled with CloudWatch Logs' message and what to check; accepted, it converges.
     */
    @Test
    void aKeyCloudWatchLogsRefusesIsStillWorkingForSixMinutesThenStalls() {
        WebPlatform wp = platform(new WebPlatformSpec());
        String message = "The specified KMS key does not exist or is not allowed to be used with Arn 'arn:aws:logs:" + Emulator.REGION
                + ":123456789012:log-group:" + DatabaseLogGroups.PREFIX + DatabaseNames.instanceId(scope(wp)) + "/postgresql'";
        FailCalls.Failure notYetPropagated = FAIL.answer("CreateLogGroup", "AccessDeniedException", 400, message)
                .when(r -> r instanceof software.amazon.awssdk.services.cloudwatchlogs.model.CreateLogGroupRequest create
                        && create.logGroupName().startsWith(DatabaseLogGroups.PREFIX + DatabaseNames.baseId(scope(wp))));
        RecordedEvents events = new RecordedEvents();
        try {
            WalkResult pass = graph.reconcile(scope(wp), events);
            assertThat(notYetPropagated.answered()).as("CreateLogGroup reached").isEqualTo(1);
            assertThat(pass.stalled()).as(pass.stalledMessage()).isFalse();
            assertThat(pass.failures()).isEmpty();
            assertThat(pass.component(DatabaseLogGroups.NAME).getState()).isEqualTo(ComponentGraph.PENDING);
            assertThat(pass.component(DatabaseLogGroups.NAME).getMessage()).startsWith("the key policy of arn:aws:kms:")
                    .contains("AWS is still propagating it").contains("AccessDeniedException");
            assertThat(pass.component(Database.NAME).getState()).isEqualTo(ComponentGraph.WAITING);
            assertThat(events.warnings).as("no warning while KMS propagates").isEmpty();

            PlatformScope late = scope(wp);
            late.clock(Clock.offset(Clock.systemUTC(), Duration.ofMinutes(7)));
            WalkResult stalled = graph.reconcile(late, new RecordedEvents());
            assertThat(stalled.stalled()).isTrue();
            assertThat(stalled.stalledReason()).isEqualTo("DatabaseLogGroupKeyRejected");
            assertThat(stalled.stalledMessage()).contains(message).contains("longer than the 360 s").contains("logs.<region>.amazonaws.com");
        } finally {
            notYetPropagated.release();
        }
        WalkResult converged = converge(wp);
        assertThat(converged.allReady()).as(converged.waitingSummary() + converged.stalledMessage()).isTrue();
        assertThat(groups(scope(wp))).hasSize(2);
        assertThat(deleteFully(wp).allGone()).isTrue();
        assertThat(inventory(wp)).isEmpty();
    }

    /**
     * The AWS rule the seam plays, on its own: CloudWatch Logs takes a key only when its policy lets the Region's
     * CloudWatch Logs principal use it for that group (the emulator takes any key, even one that does not exist).
     */
    @Test
    void cloudWatchLogsRefusesAKeyWhosePolicyDoesNotAdmitItForTheGroup() {
        var kms = aws.kms(Emulator.REGION);
        CloudWatchLogsClient logs = aws.logs(Emulator.REGION);
        String base = "wp-seam-" + System.nanoTime() % 1_000_000 + "-abc123";
        String adminOnly = PolicyDocuments.toJson(AlarmTopicKey.policy(Partition.of(Emulator.REGION), "123456789012"));
        var withoutKey = kms.createKey(r -> r.policy(adminOnly)).keyMetadata();
        String without = withoutKey.arn();
        String group = DatabaseLogGroups.PREFIX + base + "/postgresql";
        assertThatThrownBy(() -> logs.createLogGroup(r -> r.logGroupName(group).kmsKeyId(without)))
                .matches(e -> "AccessDeniedException".equals(AwsErrors.errorCode(e)))
                .hasMessageContaining("is not allowed to be used with Arn 'arn:aws:logs:" + Emulator.REGION + ":123456789012:log-group:" + group + "'");

        var withKey = kms.createKey(r -> r.policy(PolicyDocuments.toJson(DatabaseLogsKey.policy(Partition.of(Emulator.REGION), Emulator.REGION,
                "123456789012", base)))).keyMetadata();
        String with = withKey.arn();
        logs.createLogGroup(r -> r.logGroupName(group).kmsKeyId(with));
        String elsewhere = "/aws/lambda/" + base;
        logs.createLogGroup(r -> r.logGroupName(elsewhere));
        assertThatThrownBy(() -> logs.associateKmsKey(r -> r.logGroupName(elsewhere).kmsKeyId(with)))
                .matches(e -> "AccessDeniedException".equals(AwsErrors.errorCode(e)));
        assertThatThrownBy(() -> logs.associateKmsKey(r -> r.logGroupName(group + "-none").kmsKeyId(with)))
                .matches(e -> "ResourceNotFoundException".equals(AwsErrors.errorCode(e)));
        kms.disableKey(r -> r.keyId(withKey.keyId()));
        assertThatThrownBy(() -> logs.associateKmsKey(r -> r.logGroupName(group).kmsKeyId(with)))
                .matches(e -> "InvalidParameterException".equals(AwsErrors.errorCode(e)));
        kms.enableKey(r -> r.keyId(withKey.keyId()));
        logs.associateKmsKey(r -> r.logGroupName(group).kmsKeyId(with));
        assertThat(logs.describeLogGroups(r -> r.logGroupNamePrefix(group)).logGroups()).extracting(LogGroup::kmsKeyId).containsExactly(with);

        logs.deleteLogGroup(r -> r.logGroupName(group));
        logs.deleteLogGroup(r -> r.logGroupName(elsewhere));
        kms.scheduleKeyDeletion(r -> r.keyId(withoutKey.keyId()).pendingWindowInDays(7));
        kms.scheduleKeyDeletion(r -> r.keyId(withKey.keyId()).pendingWindowInDays(7));
    }
}
