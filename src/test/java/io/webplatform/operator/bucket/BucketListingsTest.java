package io.webplatform.operator.bucket;

import io.webplatform.operator.api.SecureBucket;
import io.webplatform.operator.api.SecureBucketSpec;
import io.webplatform.operator.aws.Identity;
import io.webplatform.operator.engine.SharedReads;
import io.webplatform.operator.testing.TestResources;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/** Which listed items are a SecureBucket's: chosen by the names it computes, whatever its spec repeats. */
class BucketListingsTest {

    private static Map<String, SharedReads.Selection> selections(SecureBucket sb) {
        BucketScope scope = BucketScope.forPlan(sb, Identity.ofUid(sb), "eu-west-3", "123456789012", "webplatform");
        return BucketListings.kinds(null).stream().collect(Collectors.toMap(SharedReads.Kind::name, k -> k.selectionOf(scope)));
    }

    @Test
    void aBackupBucketNamedLikeTheDataBucketWhileReplicationIsOffIsSelectedOnce() {
        SecureBucketSpec spec = TestResources.fullSpec();
        spec.bucketName = "acme-data";
        spec.replication.enabled = false;
        spec.replication.bucketName = "acme-data";
        assertThat(selections(TestResources.secureBucket("same", spec)).get("s3:bucket").names()).contains("acme-data");
    }

    @Test
    void aRecordingBucketSelectsItsSharedTrailAndLogBucketAndOneThatDoesNotSelectNeither() {
        SecureBucketSpec spec = TestResources.fullSpec();
        SecureBucket recording = TestResources.secureBucket("rec", spec);
        BucketScope scope = BucketScope.forPlan(recording, Identity.ofUid(recording), "eu-west-3", "123456789012", "webplatform");
        Map<String, SharedReads.Selection> on = selections(recording);
        assertThat(on.get("cloudtrail:trail").names()).containsExactly(scope.trailDestination().trail());
        assertThat(on.get("s3:bucket").names()).contains(scope.trailDestination().logBucket());

        SecureBucketSpec quiet = TestResources.fullSpec();
        quiet.trail.enabled = false;
        Map<String, SharedReads.Selection> off = selections(TestResources.secureBucket("quiet", quiet));
        assertThat(off.get("cloudtrail:trail").names()).isEmpty();
        assertThat(off.get("s3:bucket").names()).doesNotContain(scope.trailDestination().logBucket());
    }

    /** The access-log bucket deleted by hand makes the next resync a full pass, as the other buckets do. */
    @Test
    void aLoggingBucketSelectsTheAccessLogBucketAndOneThatOptedOutDoesNot() {
        SecureBucket logging = TestResources.secureBucket("logging", TestResources.fullSpec());
        BucketScope scope = BucketScope.forPlan(logging, Identity.ofUid(logging), "eu-west-3", "123456789012", "webplatform");
        assertThat(selections(logging).get("s3:bucket").names()).contains(scope.accessLogBucket());

        SecureBucketSpec quiet = TestResources.fullSpec();
        quiet.accessLogs.enabled = false;
        assertThat(selections(TestResources.secureBucket("quiet", quiet)).get("s3:bucket").names()).doesNotContain(scope.accessLogBucket());
    }
}
