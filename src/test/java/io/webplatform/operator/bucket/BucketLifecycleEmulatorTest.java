package io.webplatform.operator.bucket;

import io.webplatform.operator.api.DeletionPolicy;
import io.webplatform.operator.api.SecureBucket;
import io.webplatform.operator.api.SecureBucketSpec;
import io.webplatform.operator.aws.ApiCallMetrics;
import io.webplatform.operator.aws.AwsClients;
import io.webplatform.operator.aws.Identity;
import io.webplatform.operator.engine.ComponentGraph;
import io.webplatform.operator.engine.WalkResult;
import io.webplatform.operator.testing.Emulator;
import io.webplatform.operator.testing.TestResources;
import io.webplatform.operator.testing.TestResources.RecordedEvents;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.model.ExpirationStatus;
import software.amazon.awssdk.services.s3.model.LifecycleRule;

import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The operator's lifecycle rule on a SecureBucket's buckets, against the emulator: every bucket aborts incomplete
 * uploads, the data and backup buckets expire noncurrent versions when the spec says so, the trail's log bucket never
 * does, a person's own rules stay, and hand changes to the operator's rule are repaired.
 */
class BucketLifecycleEmulatorTest {
    private static final String ACCOUNT = "123456789012";
    private static final String REGION = "us-east-2";
    private static AwsClients aws;
    private final String installation = "lc" + System.nanoTime() % 1000000;
    private final ComponentGraph<BucketScope> graph = SecureBucketGraph.create();

    @BeforeAll
    static void clients() {
        aws = Emulator.clients();
    }

    @AfterAll
    static void close() {
        aws.close();
    }

    private SecureBucket resource(Integer noncurrentDays) {
        SecureBucketSpec spec = TestResources.fullSpec();
        spec.region = REGION;
        spec.deletionPolicy = DeletionPolicy.Delete;
        spec.emptyOnDelete = true;
        if (noncurrentDays != null) {
            spec.lifecycle = new SecureBucketSpec.Lifecycle();
            spec.lifecycle.noncurrentVersionExpirationDays = noncurrentDays;
        }
        return TestResources.secureBucket("lc" + System.nanoTime() % 100000, spec);
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

    private static List<LifecycleRule> rules(String bucket) {
        return aws.s3(REGION).getBucketLifecycleConfiguration(r -> r.bucket(bucket)).rules();
    }

    private static String ours(String bucket) {
        return rules(bucket).stream().filter(r -> r.id().equals(BucketLifecycle.RULE_ID)).map(BucketLifecycle::describe)
                .findFirst().orElse("none");
    }

    @Test
    void everyBucketAbortsIncompleteUploadsAndOnlyTheDataAndBackupBucketsExpireNoncurrentVersions() {
        SecureBucket sb = resource(30);
        WalkResult first = converge(sb);
        assertThat(first.allReady()).as(first.waitingSummary()).isTrue();
        BucketScope scope = scope(sb);
        String data = scope.names().bucket();
        String backup = scope.names().backupBucket();
        String trailBucket = scope.trailDestination().logBucket();
        assertThat(ours(data)).isEqualTo("abort incomplete uploads after 7 days, expire noncurrent versions after 30 days");
        assertThat(ours(backup)).isEqualTo("abort incomplete uploads after 7 days, expire noncurrent versions after 30 days");
        assertThat(ours(trailBucket)).as("a log overwritten or deleted by hand stays as evidence").isEqualTo("abort incomplete uploads after 7 days");
        LifecycleRule dataRule = rules(data).get(0);
        assertThat(dataRule.status()).isEqualTo(ExpirationStatus.ENABLED);
        assertThat(dataRule.expiration().expiredObjectDeleteMarker()).as("lone delete markers go too").isTrue();
        assertThat(dataRule.expiration().days()).as("current versions never expire").isNull();

        List<String> calls = ApiCallMetrics.startRecording();
        WalkResult second;
        try {
            second = graph.reconcile(scope(sb), new RecordedEvents());
        } finally {
            ApiCallMetrics.stopRecording();
        }
        assertThat(second.allReady()).isTrue();
        assertThat(calls).as("a second pass writes nothing").allMatch(ApiCallMetrics::isReadOnly);
        assertThat(calls.stream().filter(c -> c.equals("S3:GetBucketLifecycleConfiguration")).count())
                .as("one read per bucket (and the access-log bucket's)").isEqualTo(4);

        // A person's own rule stays beside the operator's; the operator's rule changed by hand is put back.
        LifecycleRule persons = LifecycleRule.builder().id("archive").status(ExpirationStatus.ENABLED).filter(f -> f.prefix("archive/"))
                .transitions(t -> t.days(90).storageClass("GLACIER")).build();
        LifecycleRule edited = BucketLifecycle.rule(400);
        aws.s3(REGION).putBucketLifecycleConfiguration(r -> r.bucket(data).lifecycleConfiguration(c -> c.rules(persons, edited)));
        WalkResult repaired = graph.reconcile(scope(sb), new RecordedEvents());
        assertThat(repaired.repairs()).anyMatch(r -> r.contains("lifecycle of " + data));
        assertThat(rules(data)).extracting(LifecycleRule::id).containsExactlyInAnyOrder("archive", BucketLifecycle.RULE_ID);
        assertThat(ours(data)).isEqualTo("abort incomplete uploads after 7 days, expire noncurrent versions after 30 days");

        // The whole configuration deleted by hand: made again.
        aws.s3(REGION).deleteBucketLifecycle(r -> r.bucket(backup));
        assertThat(converge(sb).allReady()).isTrue();
        assertThat(ours(backup)).isEqualTo("abort incomplete uploads after 7 days, expire noncurrent versions after 30 days");

        // Asked no more: versions are kept again, incomplete uploads still aborted.
        sb.getSpec().lifecycle = null;
        assertThat(converge(sb).allReady()).isTrue();
        assertThat(ours(data)).isEqualTo("abort incomplete uploads after 7 days");
        assertThat(ours(backup)).isEqualTo("abort incomplete uploads after 7 days");

        sb.getMetadata().setDeletionTimestamp(Instant.now().toString());
        WalkResult deleted = null;
        for (int pass = 0; pass < 5 && (deleted == null || !deleted.allGone()); pass++) {
            deleted = graph.delete(scope(sb), new RecordedEvents());
        }
        assertThat(deleted.allGone()).as(deleted.waitingSummary()).isTrue();
    }

    @Test
    void theOperatorsRuleIsComparedByWhatItDoes() {
        LifecycleRule desired = BucketLifecycle.rule(30);
        // No filter and a legacy empty prefix select every key, as an empty prefix filter does.
        assertThat(BucketLifecycle.same(desired.toBuilder().filter((software.amazon.awssdk.services.s3.model.LifecycleRuleFilter) null).build(), desired)).isTrue();
        assertThat(BucketLifecycle.same(desired.toBuilder().filter((software.amazon.awssdk.services.s3.model.LifecycleRuleFilter) null).prefix("").build(), desired)).isTrue();
        assertThat(BucketLifecycle.same(desired.toBuilder().filter(f -> f.prefix("logs/")).build(), desired)).isFalse();
        assertThat(BucketLifecycle.same(BucketLifecycle.rule(31), desired)).isFalse();
        assertThat(BucketLifecycle.same(BucketLifecycle.rule(null), desired)).isFalse();
        assertThat(BucketLifecycle.same(desired.toBuilder().status(ExpirationStatus.DISABLED).build(), desired)).isFalse();
        assertThat(BucketLifecycle.same(desired.toBuilder().expiration(e -> e.days(30)).build(), desired)).as("current versions expire").isFalse();
        assertThat(BucketLifecycle.same(BucketLifecycle.rule(null), BucketLifecycle.rule(null))).isTrue();
    }
}
