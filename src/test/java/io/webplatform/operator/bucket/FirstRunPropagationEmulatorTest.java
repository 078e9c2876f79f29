package io.webplatform.operator.bucket;

import io.webplatform.operator.api.DeletionPolicy;
import io.webplatform.operator.api.SecureBucket;
import io.webplatform.operator.api.SecureBucketSpec;
import io.webplatform.operator.aws.AwsClients;
import io.webplatform.operator.engine.ComponentGraph;
import io.webplatform.operator.engine.WalkResult;
import io.webplatform.operator.testing.Emulator;
import io.webplatform.operator.testing.FailCalls;
import io.webplatform.operator.testing.TestResources;
import io.webplatform.operator.testing.TestResources.RecordedEvents;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.cloudtrail.model.CreateTrailRequest;
import software.amazon.awssdk.services.kms.model.CreateAliasRequest;
import software.amazon.awssdk.services.kms.model.ScheduleKeyDeletionRequest;
import software.amazon.awssdk.services.s3.model.PutBucketReplicationRequest;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A first run on AWS: a call that depends on something just made is refused until AWS has propagated
 * it. Each case plays AWS's refusal through the SDK seam: within the documented window the component is
 * Pending (no Stalled, no warning), past it the resource is Stalled with AWS's message, and once AWS
 * catches up everything converges. Later passes are played by moving the pass's clock.
 */
class FirstRunPropagationEmulatorTest {
    private static final FailCalls AWS_CATCHING_UP = new FailCalls();
    private static final AtomicInteger SEQ = new AtomicInteger();
    private static AwsClients aws;
    private final ComponentGraph<BucketScope> graph = SecureBucketGraph.create();

    @BeforeAll
    static void clients() {
        aws = Emulator.clients(AWS_CATCHING_UP);
    }

    @AfterAll
    static void close() {
        AWS_CATCHING_UP.clear();
        aws.close();
    }

    private static SecureBucket resource() {
        SecureBucketSpec spec = TestResources.fullSpec();
        spec.deletionPolicy = DeletionPolicy.Delete;
        // A destination of its own: its trail is made (and ended) by this SecureBucket alone.
        spec.trail.logBucketName = "fr-logs-" + System.nanoTime() % 10000000 + "-" + SEQ.get();
        return TestResources.secureBucket("fr" + System.nanoTime() % 100000 + "-" + SEQ.incrementAndGet(), spec);
    }

    /** One pass, as if it ran {@code later} from now. */
    private WalkResult passAt(SecureBucket sb, Duration later, RecordedEvents events) {
        BucketScope scope = new BucketScope(sb, aws, "123456789012");
        scope.clock(Clock.offset(Clock.systemUTC(), later));
        return graph.reconcile(scope, events);
    }

    /** After AWS caught up: ready in a few passes, the stall cleared; then everything is deleted again. */
    private void convergesThenDeletes(SecureBucket sb) {
        WalkResult result = null;
        for (int pass = 0; pass < 5 && (result == null || !result.allReady()); pass++) {
            result = passAt(sb, Duration.ZERO, new RecordedEvents());
        }
        assertThat(result.allReady()).as(result.waitingSummary() + " " + result.stalledMessage()).isTrue();
        assertThat(result.stalled()).isFalse();

        sb.getMetadata().setDeletionTimestamp(Instant.now().toString());
        WalkResult deleted = null;
        for (int pass = 0; pass < 5 && (deleted == null || !deleted.allGone()); pass++) {
            deleted = graph.delete(new BucketScope(sb, aws, "123456789012"), new RecordedEvents());
        }
        assertThat(deleted.allGone()).as(deleted.waitingSummary()).isTrue();
    }

    private static void stillWorking(WalkResult pass, String component, String because, RecordedEvents events) {
        assertThat(pass.stalled()).as(pass.stalledMessage()).isFalse();
        assertThat(pass.failures()).isEmpty();
        assertThat(pass.component(component).getState()).isEqualTo(ComponentGraph.PENDING);
        assertThat(pass.component(component).getMessage()).contains(because).contains("AWS is still propagating it");
        assertThat(events.warnings).as("no warning while AWS is still propagating").isEmpty();
    }

    /** Stalled with AWS's message; {@code anchor} says what the window ran from: "was made" (AWS's date) or "was first refused". */
    private static void stalled(WalkResult pass, String component, String reason, String awsMessage, String anchor, RecordedEvents events) {
        assertThat(pass.stalled()).isTrue();
        assertThat(pass.stalledReason()).isEqualTo(reason);
        assertThat(pass.stalledMessage()).contains(component + ": ").contains(awsMessage).contains(anchor + ", longer than the");
        assertThat(pass.component(component).getState()).isEqualTo(ComponentGraph.FAILED);
        assertThat(events.warnings).hasSize(1).allMatch(w -> w.startsWith(reason + ": "));
    }

    @Test
    void kmsCallsAuthorisedByTheNewKeysTagsWaitUpToSixMinutesThenStall() {
        SecureBucket sb = resource();
        String alias = BucketNames.of(sb).keyAlias();
        String denial = "User: arn:aws:sts::123456789012:assumed-role/webplatform-operator/op is not authorized to perform:"
                + " kms:CreateAlias on resource: arn:aws:kms:eu-west-3:123456789012:key/new because no identity-based policy"
                + " allows the kms:CreateAlias action";
        FailCalls.Failure tagsNotYetHonoured = AWS_CATCHING_UP.answer("CreateAlias", "AccessDeniedException", 400, denial)
                .when(r -> r instanceof CreateAliasRequest c && alias.equals(c.aliasName()));
        RecordedEvents events = new RecordedEvents();
        try {
            // CreateKey succeeds, CreateAlias right after it is refused.
            WalkResult first = passAt(sb, Duration.ZERO, events);
            stillWorking(first, KmsKey.NAME, "the ownership tag of KMS key", events);
            assertThat(first.component(DataBucket.NAME).getState()).isEqualTo(ComponentGraph.WAITING);
            // Found again by its tags; the alias is retried, still within five minutes of the key's CreationDate.
            stillWorking(passAt(sb, Duration.ofMinutes(5), events), KmsKey.NAME, "the ownership tag of KMS key", events);
            assertThat(tagsNotYetHonoured.answered()).isEqualTo(2);

            RecordedEvents late = new RecordedEvents();
            stalled(passAt(sb, Duration.ofMinutes(7), late), KmsKey.NAME, "KmsAccessDenied", "AccessDeniedException: " + denial, "was made", late);
        } finally {
            tagsNotYetHonoured.release();
        }
        convergesThenDeletes(sb);
        AwsInventory gone = AwsInventory.of(aws, new BucketScope(sb, aws, "123456789012"));
        assertThat(gone.keys()).as("one key made, found again by its tags, never a second").hasSize(1);
    }

    @Test
    void aDeleteRightAfterTheFirstRunWaitsForTheKeysTagsInsteadOfStalling() {
        SecureBucket sb = resource();
        WalkResult created = null;
        for (int pass = 0; pass < 5 && (created == null || !created.allReady()); pass++) {
            created = passAt(sb, Duration.ZERO, new RecordedEvents());
        }
        assertThat(created.allReady()).isTrue();
        String keyId = aws.kms(Emulator.REGION).describeKey(r -> r.keyId(BucketNames.of(sb).keyAlias())).keyMetadata().keyId();
        FailCalls.Failure tagsNotYetHonoured = AWS_CATCHING_UP.answer("ScheduleKeyDeletion", "AccessDeniedException", 400,
                        "User: arn:aws:sts::123456789012:assumed-role/webplatform-operator/op is not authorized to perform:"
                                + " kms:ScheduleKeyDeletion on resource: arn:aws:kms:eu-west-3:123456789012:key/" + keyId)
                .when(r -> r instanceof ScheduleKeyDeletionRequest d && keyId.equals(d.keyId()));
        sb.getMetadata().setDeletionTimestamp(Instant.now().toString());
        RecordedEvents events = new RecordedEvents();
        try {
            WalkResult deleting = graph.delete(new BucketScope(sb, aws, "123456789012"), events);
            assertThat(deleting.stalled()).isFalse();
            assertThat(deleting.component(KmsKey.NAME).getState()).isEqualTo(ComponentGraph.PENDING);
            assertThat(deleting.allGone()).isFalse();
            assertThat(events.warnings).isEmpty();
        } finally {
            tagsNotYetHonoured.release();
        }
        WalkResult deleted = graph.delete(new BucketScope(sb, aws, "123456789012"), new RecordedEvents());
        assertThat(deleted.allGone()).as(deleted.waitingSummary()).isTrue();
        assertThat(AwsInventory.of(aws, new BucketScope(sb, aws, "123456789012")).liveKeys()).isZero();
    }

    @Test
    void createTrailRightAfterTheBucketPolicyWaitsTwoMinutesFromTheFirstRefusalThenStalls() {
        SecureBucket sb = resource();
        String logBucket = sb.getSpec().trail.logBucketName;
        String insufficient = "Incorrect S3 bucket policy is detected for bucket: " + logBucket;
        FailCalls.Failure policyNotYetSeen = AWS_CATCHING_UP.answer("CreateTrail", "InsufficientS3BucketPolicyException", 400, insufficient)
                .when(r -> r instanceof CreateTrailRequest c && logBucket.equals(c.s3BucketName()));
        RecordedEvents events = new RecordedEvents();
        try {
            stillWorking(passAt(sb, Duration.ZERO, events), Trail.NAME, "the bucket policy of " + logBucket, events);
            // S3 keeps no date of a policy: the window runs from the first refusal, 90 s ago here.
            stillWorking(passAt(sb, Duration.ofSeconds(90), events), Trail.NAME, "the bucket policy of " + logBucket, events);

            RecordedEvents late = new RecordedEvents();
            stalled(passAt(sb, Duration.ofMinutes(3), late), Trail.NAME, "TrailBucketPolicyRejected",
                    "InsufficientS3BucketPolicyException: " + insufficient, "was first refused", late);
        } finally {
            policyNotYetSeen.release();
        }
        convergesThenDeletes(sb);
    }

    @Test
    void replicationWithTheNewRoleWaitsTwoMinutesFromTheRolesCreateDateThenStalls() {
        SecureBucket sb = resource();
        BucketNames names = BucketNames.of(sb);
        FailCalls.Failure roleNotYetUsable = AWS_CATCHING_UP.answer("PutBucketReplication", "AccessDenied", 403, "Access Denied")
                .when(r -> r instanceof PutBucketReplicationRequest p && names.bucket().equals(p.bucket()));
        RecordedEvents events = new RecordedEvents();
        try {
            // Key, buckets and role are made and ready in the first pass; the rule naming the role is refused.
            stillWorking(passAt(sb, Duration.ZERO, events), Replication.NAME, "IAM role " + names.replicationRole(), events);
            stillWorking(passAt(sb, Duration.ofSeconds(100), events), Replication.NAME, "IAM role " + names.replicationRole(), events);
            assertThat(roleNotYetUsable.answered()).isEqualTo(2);

            RecordedEvents late = new RecordedEvents();
            stalled(passAt(sb, Duration.ofMinutes(3), late), Replication.NAME, "ReplicationRoleNotUsable", "AccessDenied: Access Denied",
                    "IAM role " + names.replicationRole() + " was made", late);
            assertThat(late.warnings.get(0)).contains("iam:PassRole");
        } finally {
            roleNotYetUsable.release();
        }
        convergesThenDeletes(sb);
    }
}
