package io.webplatform.operator.bucket;

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
import software.amazon.awssdk.services.kms.model.KeyMetadata;
import software.amazon.awssdk.services.kms.model.KeyState;
import software.amazon.awssdk.services.s3.model.ServerSideEncryption;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The shared trail's log files encrypted with its own KMS key (TrailKey), against the emulator. moto stores
 * CreateTrail's KmsKeyId verbatim and checks nothing of the key (its existence, Region, policy): what AWS checks is
 * asserted here on what the operator sends, and AWS's refusal of a policy not yet propagated is played by a seam.
 */
class TrailKeyEmulatorTest {
    private static final String ACCOUNT = "123456789012";
    private static final FailCalls FAIL = new FailCalls();
    private static final AtomicInteger SEQ = new AtomicInteger();
    private static AwsClients aws;
    /** A person's clients: reads without the operator's seams. */
    private static AwsClients person;
    /** Its own installation per test: its own trail, key and log bucket, whatever earlier runs left. */
    private final String installation = "tk" + System.nanoTime() % 1000000;
    private final ComponentGraph<BucketScope> graph = SecureBucketGraph.create();

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
        return TestResources.secureBucket("tk" + System.nanoTime() % 100000 + "-" + SEQ.incrementAndGet(), spec);
    }

    private BucketScope scope(SecureBucket sb) {
        return new BucketScope(sb, Identity.ofUid(sb), aws, ACCOUNT, installation);
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

    private static String defaultEncryption(String region, String bucket) {
        var rule = person.s3(region).getBucketEncryption(r -> r.bucket(bucket)).serverSideEncryptionConfiguration().rules().get(0);
        return rule.applyServerSideEncryptionByDefault().sseAlgorithmAsString() + " " + rule.applyServerSideEncryptionByDefault().kmsMasterKeyID()
                + " bucket key " + rule.bucketKeyEnabled();
    }

    /** The trail's key as KMS reports it, found by its ARN (the alias is removed when its deletion is scheduled). */
    private static KeyMetadata key(String region, String arn) {
        return person.kms(region).describeKey(r -> r.keyId(arn)).keyMetadata();
    }

    @Test
    void theSharedTrailEncryptsWithItsOwnKeyWhosePolicyNamesItAndASecondPassWritesNothing() {
        String region = "eu-west-3";
        SecureBucket sb = resource(region, DeletionPolicy.Delete);
        BucketScope converged = scope(sb);
        WalkResult first = null;
        for (int pass = 0; pass < 5 && (first == null || !first.allReady()); pass++) {
            converged = scope(sb);
            first = graph.reconcile(converged, new RecordedEvents());
        }
        assertThat(first.allReady()).as(first.waitingSummary()).isTrue();
        String keyArn = first.component(TrailKey.NAME).getId();
        String trailName = converged.trailDestination().trail();

        var trail = person.cloudTrail(region).getTrail(r -> r.name(trailName)).trail();
        // CreateTrail sent the key's ARN (AWS answers with the ARN whatever form was sent; moto echoes what it got).
        assertThat(trail.kmsKeyId()).isEqualTo(keyArn).startsWith("arn:aws:kms:" + region + ":" + ACCOUNT + ":key/");
        // "The key that you choose must be in the same region as the S3 bucket that receives your log files."
        String logBucket = converged.trailDestination().logBucket();
        String bucketRegion = person.s3(region).getBucketLocation(r -> r.bucket(logBucket)).locationConstraintAsString();
        assertThat(key(region, keyArn).arn()).contains(":kms:" + bucketRegion + ":");
        // The log bucket's default encryption is the same key, with an S3 Bucket Key (S3.17).
        assertThat(defaultEncryption(region, logBucket)).isEqualTo("aws:kms " + keyArn + " bucket key true");
        assertThat(key(region, keyArn).keySpecAsString()).as("CloudTrail and S3 support only symmetric keys").isEqualTo("SYMMETRIC_DEFAULT");
        assertThat(person.kms(region).getKeyRotationStatus(r -> r.keyId(keyArn)).keyRotationEnabled()).isTrue();
        // The policy written before the trail existed names the ARN CloudTrail then gave it.
        String policy = person.kms(region).getKeyPolicy(r -> r.keyId(keyArn).policyName("default")).policy();
        BucketScope walked = converged;
        assertThat(PolicyDocuments.equivalent(policy, TrailKey.policy(walked.partition(), ACCOUNT, trail.trailARN(), region,
                TrailLogGroup.arn(walked)))).isTrue();
        assertThat(BucketFindings.evaluate(walked)).filteredOn(f -> f.getId().equals("CloudTrail.2"))
                .singleElement().matches(f -> !f.failed());

        List<String> calls = ApiCallMetrics.startRecording();
        WalkResult second;
        try {
            second = graph.reconcile(scope(sb), new RecordedEvents());
        } finally {
            ApiCallMetrics.stopRecording();
        }
        assertThat(second.allReady()).isTrue();
        assertThat(calls).as("a second pass writes nothing").allMatch(ApiCallMetrics::isReadOnly);

        // A log bucket on SSE-S3 (as an earlier version made it, or moved back by hand) is moved to the trail's key.
        person.s3(region).putBucketEncryption(r -> r.bucket(logBucket).serverSideEncryptionConfiguration(c -> c.rules(rule -> rule
                .applyServerSideEncryptionByDefault(d -> d.sseAlgorithm(ServerSideEncryption.AES256)))));
        WalkResult moved = graph.reconcile(scope(sb), new RecordedEvents());
        assertThat(moved.repairs()).anyMatch(r -> r.contains("default encryption set to aws:kms with " + keyArn));
        assertThat(defaultEncryption(region, logBucket)).isEqualTo("aws:kms " + keyArn + " bucket key true");

        // A trail moved back to SSE-S3 by hand (UpdateTrail with KmsKeyId "" removes it) is drift: the key is put back.
        person.cloudTrail(region).updateTrail(r -> r.name(trailName).kmsKeyId(""));
        WalkResult repaired = graph.reconcile(scope(sb), new RecordedEvents());
        assertThat(repaired.repairs()).anyMatch(r -> r.contains("log files encrypted with KMS key " + keyArn));
        assertThat(person.cloudTrail(region).getTrail(r -> r.name(trailName)).trail().kmsKeyId()).isEqualTo(keyArn);

        // The last member ends the trail, then its key: scheduled for deletion (7 days), its alias removed.
        WalkResult deleted = deleteFully(sb);
        assertThat(deleted.allGone()).as(deleted.waitingSummary()).isTrue();
        assertThat(key(region, keyArn).keyState()).isEqualTo(KeyState.PENDING_DELETION);
        assertThat(key(region, keyArn).deletionDate()).isAfter(Instant.now().plusSeconds(6 * 24 * 3600));
        assertThat(person.kms(region).listAliases(r -> r.keyId(keyArn)).aliases()).isEmpty();
    }

    @Test
    void aMemberLeavingWhileOthersRecordLeavesTheKeyAndARetainMemberKeepsItAfterTheTrailEnds() {
        // A region no other test records in: SharedTrailEmulatorTest fills eu-north-1's trails.
        String region = "eu-west-1";
        SecureBucket kept = resource(region, DeletionPolicy.Retain);
        SecureBucket deleted = resource(region, DeletionPolicy.Delete);
        assertThat(converge(kept).allReady()).isTrue();
        WalkResult joined = converge(deleted);
        assertThat(joined.allReady()).isTrue();
        String keyArn = joined.component(TrailKey.NAME).getId();
        assertThat(converge(kept).component(TrailKey.NAME).getId()).as("one key per shared trail").isEqualTo(keyArn);

        WalkResult retained = deleteFully(kept);
        assertThat(retained.allGone()).isTrue();
        assertThat(retained.component(TrailKey.NAME).getMessage()).startsWith("shared: trail ");
        assertThat(key(region, keyArn).keyState()).isEqualTo(KeyState.ENABLED);

        // The Delete member ends the trail; the log bucket a Retain member recorded into stays, and so does its key.
        WalkResult last = deleteFully(deleted);
        assertThat(last.allGone()).isTrue();
        assertThat(last.retained()).anyMatch(r -> r.startsWith("TrailBucket ")).anyMatch(r -> r.equals("TrailKey " + keyArn));
        assertThat(key(region, keyArn).keyState()).isEqualTo(KeyState.ENABLED);
    }

    /**
     * CreateTrail checks the key ("CloudTrail sends a GenerateDataKey request to AWS KMS to verify that the KMS key
     * exists and that CloudTrail has permission to use it") and, right after PutKeyPolicy, may answer
     * InsufficientEncryptionPolicyException until KMS has propagated the policy: a retry, not Stalled.
     */
    @Test
    void aKeyPolicyNotYetPropagatedIsRetriedNotStalled() {
        String region = "eu-west-3";
        SecureBucket sb = resource(region, DeletionPolicy.Delete);
        var refused = FAIL.answer("CreateTrail", "InsufficientEncryptionPolicyException", 400,
                "Insufficient permissions to access S3 bucket or KMS key.").when(r -> ((CreateTrailRequest) r).kmsKeyId() != null).times(1);
        RecordedEvents events = new RecordedEvents();
        WalkResult first = graph.reconcile(scope(sb), events);
        assertThat(refused.answered()).isEqualTo(1);
        assertThat(first.stalled()).as(first.stalledMessage()).isFalse();
        assertThat(first.failures()).isEmpty();
        assertThat(first.component(Trail.NAME).getState()).isEqualTo(ComponentGraph.PENDING);
        assertThat(first.component(Trail.NAME).getMessage()).contains("the key policy of arn:aws:kms:")
                .contains("AWS is still propagating it");
        assertThat(events.warnings).isEmpty();

        WalkResult next = converge(sb);
        assertThat(next.allReady()).as(next.waitingSummary()).isTrue();
        assertThat(deleteFully(sb).allGone()).isTrue();
    }
}
