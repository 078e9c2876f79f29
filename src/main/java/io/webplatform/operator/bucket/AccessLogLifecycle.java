package io.webplatform.operator.bucket;

import io.webplatform.operator.aws.AwsErrors;
import io.webplatform.operator.engine.CfnResource;
import io.webplatform.operator.engine.Change;
import io.webplatform.operator.engine.Component;
import io.webplatform.operator.engine.Observed;
import software.amazon.awssdk.services.s3.model.ExpirationStatus;
import software.amazon.awssdk.services.s3.model.LifecycleRule;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How long the access-log bucket keeps logs: one lifecycle rule over every key
 * (PutBucketLifecycleConfiguration, https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketLifecycleConfiguration.html).
 * A log object expires after the chart's accessLogRetentionDays; the bucket is versioned, so the version that
 * expiry makes noncurrent is removed a day later (NoncurrentVersionExpiration), and an upload left incomplete is
 * aborted after a day. The delete marker left alone then goes too: "If the lifecycle configuration is set to delete
 * current versions ... Amazon S3 removes the expired object's delete marker"
 * (https://docs.aws.amazon.com/AmazonS3/latest/userguide/ManagingDelMarkers.html). The configuration is the operator's whole: PutBucketLifecycleConfiguration replaces it.
 *
 * <p>It belongs to the shared bucket, not to one SecureBucket: every member keeps it as the installation says, and
 * none removes it; it goes with the bucket.
 */
public class AccessLogLifecycle implements Component<BucketScope, AccessLogLifecycle.Desired, List<LifecycleRule>> {
    public static final String NAME = "AccessLogLifecycle";
    static final String RULE_ID = "webplatform.io: expire access logs";
    static final String RULE = "rule";
    /** Days after which a noncurrent version (what expiry leaves) and an incomplete multipart upload are removed. */
    static final int CLEANUP_DAYS = 1;

    public record Desired(String bucket, LifecycleRule rule) {
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public boolean wanted(BucketScope scope) {
        return scope.accessLogsEnabled();
    }

    /** The region of the access-log bucket it keeps: the SecureBucket's. */
    protected String region(BucketScope scope) {
        return scope.region();
    }

    /** The component that makes the bucket (the plan puts the rule on its resource). */
    protected String bucketComponent() {
        return AccessLogBucket.NAME;
    }

    @Override
    public Desired desired(BucketScope scope) {
        return new Desired(scope.accessLogBucket(region(scope)), rule(scope.accessLogRetentionDays()));
    }

    static LifecycleRule rule(int days) {
        return LifecycleRule.builder().id(RULE_ID).status(ExpirationStatus.ENABLED)
                .filter(f -> f.prefix(""))
                .expiration(e -> e.days(days))
                .noncurrentVersionExpiration(n -> n.noncurrentDays(CLEANUP_DAYS))
                .abortIncompleteMultipartUpload(a -> a.daysAfterInitiation(CLEANUP_DAYS))
                .build();
    }

    @Override
    public List<CfnResource> cloudFormation(Desired desired) {
        return List.of(cloudFormation(bucketComponent(), desired));
    }

    private static CfnResource cloudFormation(String bucketComponent, Desired desired) {
        LifecycleRule r = desired.rule();
        Map<String, Object> rule = new LinkedHashMap<>();
        rule.put("Id", r.id());
        rule.put("Status", r.statusAsString());
        rule.put("ExpirationInDays", r.expiration().days());
        rule.put("NoncurrentVersionExpiration", Map.of("NoncurrentDays", r.noncurrentVersionExpiration().noncurrentDays()));
        rule.put("AbortIncompleteMultipartUpload", Map.of("DaysAfterInitiation", r.abortIncompleteMultipartUpload().daysAfterInitiation()));
        return CfnResource.of(CfnResource.logicalId(bucketComponent), "AWS::S3::Bucket",
                Map.of("LifecycleConfiguration", Map.of("Rules", List.of(rule))));
    }

    @Override
    public Observed<List<LifecycleRule>> planned(BucketScope scope, Desired desired) {
        return Observed.ready(RULE_ID, List.of(desired.rule()));
    }

    /** The bucket's rules; absent when it has none (NoSuchLifecycleConfiguration) or the bucket is gone. */
    @Override
    public Observed<List<LifecycleRule>> observe(BucketScope scope) {
        try {
            String bucket = scope.accessLogBucket(region(scope));
            List<LifecycleRule> rules = scope.s3(region(scope)).getBucketLifecycleConfiguration(r -> r.bucket(bucket)).rules();
            return Observed.ready(RULE_ID, rules);
        } catch (RuntimeException e) {
            if (AwsErrors.isNotFound(e) || "NoSuchLifecycleConfiguration".equals(AwsErrors.errorCode(e))) {
                return null;
            }
            throw e;
        }
    }

    /** Only the operator's rule, compared by what it does (an empty prefix filter and no filter select the same keys). */
    @Override
    public List<Change> diff(List<LifecycleRule> actual, Desired desired) {
        if (actual.size() == 1 && same(actual.get(0), desired.rule())) {
            return List.of();
        }
        return List.of(Change.described(RULE, actual.size() + " rule(s), not the operator's", describe(desired.rule()),
                "access logs expire after " + desired.rule().expiration().days() + " days"));
    }

    static boolean same(LifecycleRule a, LifecycleRule b) {
        String prefix = a.filter() == null || a.filter().prefix() == null ? "" : a.filter().prefix();
        boolean otherFilter = a.filter() != null && (a.filter().tag() != null || a.filter().and() != null
                || a.filter().objectSizeGreaterThan() != null || a.filter().objectSizeLessThan() != null);
        return b.id().equals(a.id()) && a.status() == b.status() && prefix.isEmpty() && !otherFilter && (a.prefix() == null || a.prefix().isEmpty())
                && a.expiration() != null && b.expiration().days().equals(a.expiration().days())
                && a.noncurrentVersionExpiration() != null
                && b.noncurrentVersionExpiration().noncurrentDays().equals(a.noncurrentVersionExpiration().noncurrentDays())
                && a.noncurrentVersionExpiration().newerNoncurrentVersions() == null
                && a.abortIncompleteMultipartUpload() != null
                && b.abortIncompleteMultipartUpload().daysAfterInitiation().equals(a.abortIncompleteMultipartUpload().daysAfterInitiation())
                && (a.transitions() == null || a.transitions().isEmpty());
    }

    private static String describe(LifecycleRule rule) {
        return "expire after " + rule.expiration().days() + " days, noncurrent after " + rule.noncurrentVersionExpiration().noncurrentDays()
                + ", abort uploads after " + rule.abortIncompleteMultipartUpload().daysAfterInitiation();
    }

    /**
     * Members converging at once all find the rule missing: under the bucket's lock, the first puts it and the rest
     * read it back instead of writing it again.
     */
    @Override
    public void create(BucketScope scope, Desired desired) {
        SharedLocks.locked(scope, "s3-lifecycle:" + desired.bucket(), () -> {
            Observed<List<LifecycleRule>> now = observe(scope);
            if (now == null || !diff(now.detail(), desired).isEmpty()) {
                put(scope, desired);
            }
            return null;
        });
    }

    @Override
    public void apply(BucketScope scope, Observed<List<LifecycleRule>> current, Desired desired, List<Change> changes) {
        put(scope, desired);
        scope.record(name(), current.withDetail(List.of(desired.rule())));
    }

    private void put(BucketScope scope, Desired desired) {
        // The SDK adds the integrity checksum the operation requires.
        scope.s3(region(scope)).putBucketLifecycleConfiguration(r -> r.bucket(desired.bucket()).lifecycleConfiguration(c -> c.rules(desired.rule())));
    }

    /** Never one SecureBucket's to remove: it ends with the bucket. */
    @Override
    public String leftInPlace(BucketScope scope) {
        return "shared: the lifecycle of access-log bucket " + scope.accessLogBucket(region(scope)) + " goes with it";
    }

    @Override
    public boolean delete(BucketScope scope, Observed<List<LifecycleRule>> current) {
        return true;
    }
}
