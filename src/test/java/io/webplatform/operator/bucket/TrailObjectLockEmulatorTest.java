package io.webplatform.operator.bucket;

import io.webplatform.operator.api.DeletionPolicy;
import io.webplatform.operator.api.SecureBucket;
import io.webplatform.operator.api.SecureBucketSpec;
import io.webplatform.operator.aws.ApiCallMetrics;
import io.webplatform.operator.aws.AwsClients;
import io.webplatform.operator.aws.AwsErrors;
import io.webplatform.operator.aws.Identity;
import io.webplatform.operator.engine.ComponentGraph;
import io.webplatform.operator.engine.WalkResult;
import io.webplatform.operator.testing.Emulator;
import io.webplatform.operator.testing.TestResources;
import io.webplatform.operator.testing.TestResources.RecordedEvents;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.model.ObjectLockConfiguration;
import software.amazon.awssdk.services.s3.model.ObjectLockEnabled;
import software.amazon.awssdk.services.s3.model.ObjectLockRetentionMode;

import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Object Lock on the trail's log bucket, as the chart's trail.objectLock asks, against the emulator: off by default
 * and then never read; on, the bucket is locked before the trail is made, repaired, never the access-log bucket's, and
 * kept (with the trail's key, which its logs need) after the last member even under deletionPolicy Delete.
 */
class TrailObjectLockEmulatorTest {
    private static final String ACCOUNT = "123456789012";
    private static final String REGION = "ap-south-1";
    private static AwsClients aws;
    private final String installation = "ol" + System.nanoTime() % 1000000;
    private final ComponentGraph<BucketScope> graph = SecureBucketGraph.create();

    @BeforeAll
    static void clients() {
        aws = Emulator.clients();
    }

    @AfterAll
    static void close() {
        aws.close();
    }

    private static SecureBucket resource() {
        SecureBucketSpec spec = TestResources.fullSpec();
        spec.region = REGION;
        spec.deletionPolicy = DeletionPolicy.Delete;
        spec.emptyOnDelete = true;
        return TestResources.secureBucket("ol" + System.nanoTime() % 100000, spec);
    }

    private BucketScope scope(SecureBucket sb, TrailObjectLock.Retention lock) {
        return new BucketScope(sb, Identity.ofUid(sb), aws, ACCOUNT, installation).trailObjectLock(lock);
    }

    private WalkResult converge(SecureBucket sb, TrailObjectLock.Retention lock) {
        WalkResult result = null;
        for (int pass = 0; pass < 5 && (result == null || !result.allReady()); pass++) {
            result = graph.reconcile(scope(sb, lock), new RecordedEvents());
        }
        return result;
    }

    private static ObjectLockConfiguration lockOf(String bucket) {
        return aws.s3(REGION).getObjectLockConfiguration(r -> r.bucket(bucket)).objectLockConfiguration();
    }

    @Test
    void theChartsValuesAreJudged() {
        assertThat(TrailObjectLock.Retention.of("", 365).enabled()).isFalse();
        assertThat(TrailObjectLock.Retention.of(null, 365)).isEqualTo(TrailObjectLock.Retention.OFF);
        assertThat(TrailObjectLock.Retention.of("governance", 30)).isEqualTo(new TrailObjectLock.Retention(ObjectLockRetentionMode.GOVERNANCE, 30));
        assertThatThrownBy(() -> TrailObjectLock.Retention.of("LEGAL_HOLD", 30)).hasMessageContaining("GOVERNANCE, COMPLIANCE or empty");
        assertThatThrownBy(() -> TrailObjectLock.Retention.of("COMPLIANCE", 0)).hasMessageContaining("1 to 36500");
        assertThatThrownBy(() -> TrailObjectLock.Retention.of("COMPLIANCE", 36501)).hasMessageContaining("1 to 36500");
    }

    @Test
    void offByDefaultItIsNeitherPutNorRead() {
        SecureBucket sb = resource();
        List<String> calls = ApiCallMetrics.startRecording();
        WalkResult result;
        try {
            result = converge(sb, TrailObjectLock.Retention.OFF);
        } finally {
            ApiCallMetrics.stopRecording();
        }
        assertThat(result.allReady()).as(result.waitingSummary()).isTrue();
        assertThat(result.component(TrailObjectLock.NAME).getMessage()).contains("trail.objectLock is off");
        assertThat(calls).noneMatch(c -> c.contains("ObjectLock"));
        String trailBucket = scope(sb, TrailObjectLock.Retention.OFF).trailDestination().logBucket();
        assertThatThrownBy(() -> lockOf(trailBucket)).satisfies(e ->
                assertThat(AwsErrors.errorCode((RuntimeException) e)).isEqualTo("ObjectLockConfigurationNotFoundError"));
        deleteFully(sb, TrailObjectLock.Retention.OFF);
        assertThat(aws.s3(REGION).listBuckets().buckets()).noneMatch(b -> b.name().equals(trailBucket));
    }

    @Test
    void lockedBeforeTheTrailRepairedAndKeptWithItsKeyAfterTheLastMember() {
        TrailObjectLock.Retention governance = TrailObjectLock.Retention.of("GOVERNANCE", 30);
        SecureBucket sb = resource();
        List<String> calls = ApiCallMetrics.startRecording();
        WalkResult result;
        try {
            result = converge(sb, governance);
        } finally {
            ApiCallMetrics.stopRecording();
        }
        assertThat(result.allReady()).as(result.waitingSummary()).isTrue();
        BucketScope scope = scope(sb, governance);
        String trailBucket = scope.trailDestination().logBucket();
        ObjectLockConfiguration lock = lockOf(trailBucket);
        assertThat(lock.objectLockEnabled()).isEqualTo(ObjectLockEnabled.ENABLED);
        assertThat(lock.rule().defaultRetention().mode()).isEqualTo(ObjectLockRetentionMode.GOVERNANCE);
        assertThat(lock.rule().defaultRetention().days()).isEqualTo(30);
        BucketScope walked = scope(sb, governance);
        assertThat(graph.reconcile(walked, new RecordedEvents()).allReady()).isTrue();
        assertThat(BucketFindings.evaluate(walked)).filteredOn(f -> f.getId().equals("S3.15"))
                .singleElement().satisfies(f -> assertThat(f.failed()).as(f.getMessage()).isFalse());
        assertThat(calls.indexOf("S3:PutObjectLockConfiguration")).as("no log file lands unlocked")
                .isNotNegative().isLessThan(calls.indexOf("CloudTrail:CreateTrail"));
        // S3 refuses an Object Lock bucket as a server access log destination: the access-log bucket never gets one.
        assertThatThrownBy(() -> lockOf(scope.accessLogBucket())).satisfies(e ->
                assertThat(AwsErrors.errorCode((RuntimeException) e)).isEqualTo("ObjectLockConfigurationNotFoundError"));

        List<String> resync = ApiCallMetrics.startRecording();
        try {
            assertThat(graph.reconcile(scope(sb, governance), new RecordedEvents()).allReady()).isTrue();
        } finally {
            ApiCallMetrics.stopRecording();
        }
        assertThat(resync).allMatch(ApiCallMetrics::isReadOnly);
        assertThat(resync.stream().filter(c -> c.equals("S3:GetObjectLockConfiguration")).count()).as("one read a pass").isEqualTo(1);

        // A shorter retention set by hand is put back; a new chart value is applied.
        aws.s3(REGION).putObjectLockConfiguration(r -> r.bucket(trailBucket).objectLockConfiguration(c -> c.objectLockEnabled(ObjectLockEnabled.ENABLED)
                .rule(rule -> rule.defaultRetention(d -> d.mode(ObjectLockRetentionMode.GOVERNANCE).days(1)))));
        WalkResult repaired = graph.reconcile(scope(sb, governance), new RecordedEvents());
        assertThat(repaired.repairs()).anyMatch(r -> r.contains("Object Lock default retention of " + trailBucket));
        assertThat(lockOf(trailBucket).rule().defaultRetention().days()).isEqualTo(30);
        TrailObjectLock.Retention compliance = TrailObjectLock.Retention.of("COMPLIANCE", 60);
        assertThat(converge(sb, compliance).allReady()).isTrue();
        assertThat(lockOf(trailBucket).rule().defaultRetention().mode()).isEqualTo(ObjectLockRetentionMode.COMPLIANCE);
        assertThat(lockOf(trailBucket).rule().defaultRetention().days()).isEqualTo(60);

        // Turned off in the chart: left as it is, unread (AWS never turns Object Lock off).
        WalkResult off = converge(sb, TrailObjectLock.Retention.OFF);
        assertThat(off.allReady()).isTrue();
        assertThat(lockOf(trailBucket).rule().defaultRetention().days()).isEqualTo(60);

        // Its log files are locked: the last member's deletion under Delete keeps the bucket and the key they need.
        String key = result.component(TrailKey.NAME).getId();
        WalkResult deleted = deleteFully(sb, TrailObjectLock.Retention.OFF);
        assertThat(deleted.retained()).anyMatch(r -> r.startsWith(TrailBucket.NAME + " ")).anyMatch(r -> r.startsWith(TrailKey.NAME + " "));
        assertThat(aws.s3(REGION).listBuckets().buckets()).anyMatch(b -> b.name().equals(trailBucket));
        assertThat(aws.kms(REGION).describeKey(r -> r.keyId(key)).keyMetadata().keyStateAsString()).isEqualTo("Enabled");
        assertThat(aws.s3(REGION).listBuckets().buckets()).noneMatch(b -> b.name().equals(scope.names().bucket()));
    }

    private WalkResult deleteFully(SecureBucket sb, TrailObjectLock.Retention lock) {
        sb.getMetadata().setDeletionTimestamp(Instant.now().toString());
        WalkResult deleted = null;
        for (int pass = 0; pass < 8 && (deleted == null || !deleted.allGone()); pass++) {
            deleted = graph.delete(scope(sb, lock), new RecordedEvents());
        }
        assertThat(deleted.allGone()).as(deleted.waitingSummary()).isTrue();
        return deleted;
    }
}
