package io.webplatform.operator.bucket;

import com.fasterxml.jackson.databind.JsonNode;
import io.webplatform.operator.aws.AwsErrors;
import io.webplatform.operator.aws.PolicyDocuments;
import io.webplatform.operator.aws.UserError;
import io.webplatform.operator.engine.Change;
import io.webplatform.operator.engine.Observed;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Where S3 delivers the server access logs of SecureBuckets' buckets (data, backup, the trail's log bucket): one
 * bucket per installation, account and region (wp-&lt;installation&gt;-&lt;account&gt;-&lt;region&gt;-access-logs), shared
 * as the trail's log bucket is ({@link SharedBucket}). AWS's rules for a destination ("Enabling Amazon S3 server
 * access logging", https://docs.aws.amazon.com/AmazonS3/latest/userguide/enable-server-access-logging.html, and
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/ServerLogs.html): same account and Region as the source;
 * default encryption SSE-S3 only ("SSE-KMS is not supported"); no Object Lock default retention, no Requester Pays;
 * with Bucket owner enforced, the bucket policy grants logging.s3.amazonaws.com (no ACL, no target grants). It never
 * logs into itself: a destination "should not have server access logging enabled" (an endless loop of logs about
 * logs), the one bucket prowler's s3_bucket_server_access_logging_enabled fails by AWS's own advice.
 *
 * <p>Its members are the source buckets its policy admits (aws:SourceArn): a SecureBucket adds its own when it turns
 * logging on ({@link AccessLogging}) and takes them off when it turns it off or is deleted, read, modified and
 * written under one lock per bucket. While a member's bucket still exists, a SecureBucket's deletion leaves the
 * bucket; after the last, it ends as every shared bucket does. A policy is at most 20 KB ("Bucket policies are
 * limited to 20 KB in size", https://docs.aws.amazon.com/AmazonS3/latest/userguide/using-iam-policies.html): about
 * 250 source ARNs; a member beyond that stalls QuotaExceeded.
 *
 * <p>Its region's buckets only log into it: a backup bucket in another region logs into the installation's
 * access-log bucket of that region ({@link BackupAccessLogBucket}).
 */
public class AccessLogBucket extends SharedBucket {
    public static final String NAME = "AccessLogBucket";
    /** S3's limit on a bucket policy, in bytes. */
    static final int POLICY_LIMIT_BYTES = 20 * 1024;

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public boolean wanted(BucketScope scope) {
        return scope.accessLogsEnabled();
    }

    @Override
    protected String bucketName(BucketScope scope) {
        return scope.accessLogBucket(region(scope));
    }

    /** The installation's in its region: the owner key names the region the bucket is in. */
    @Override
    protected String ownerKey(BucketScope scope) {
        return scope.installationKey(region(scope));
    }

    /** The policy admitting this SecureBucket's sources of its region (what a plan renders); a pass keeps the members it finds. */
    @Override
    protected JsonNode policy(BucketScope scope) {
        return BucketPolicies.accessLogBucket(scope.partition(), bucketName(scope), scope.accountId(), AccessLogging.sourceArns(scope, region(scope)));
    }

    /**
     * The policy compared is the operator's with the members the bucket lists: members come and go by their own
     * passes ({@link #admit}, {@link #release}), never by this diff, so a statement changed by hand is put back
     * without losing anyone.
     */
    @Override
    public List<Change> diff(State actual, Desired desired) {
        return super.diff(actual, withSources(desired, BucketPolicies.accessLogSources(actual.policy())));
    }

    @Override
    public void apply(BucketScope scope, Observed<State> current, Desired desired, List<Change> changes) {
        if (changes.stream().noneMatch(c -> POLICY.equals(c.field()))) {
            super.apply(scope, current, desired, changes);
            return;
        }
        locked(scope, desired.bucket(), () -> {
            super.apply(scope, current, withSources(desired, BucketPolicies.accessLogSources(currentPolicy(scope, desired.region()))), changes);
            return null;
        });
    }

    private static Desired withSources(Desired desired, Collection<String> sources) {
        JsonNode policy = BucketPolicies.accessLogBucket(io.webplatform.operator.aws.Partition.of(desired.region()), desired.bucket(),
                accountOf(desired.policy()), sources);
        return new Desired(desired.bucket(), desired.region(), desired.tags(), desired.versioning(), desired.encryption(),
                desired.publicAccessBlock(), desired.ownership(), policy);
    }

    /** The account the desired policy admits (aws:SourceAccount of its delivery statement). */
    private static String accountOf(JsonNode policy) {
        for (JsonNode s : policy.path("Statement")) {
            if (BucketPolicies.ACCESS_LOG_DELIVERY.equals(s.path("Sid").asText())) {
                return s.path("Condition").path("StringEquals").path("aws:SourceAccount").asText();
            }
        }
        throw new IllegalStateException("the access-log bucket's desired policy admits no source");
    }

    /**
     * Admits these source buckets (their ARNs), keeping the members listed; before the sources' PutBucketLogging,
     * which S3 checks against the destination's permissions. A policy past 20 KB stalls QuotaExceeded.
     */
    static void admit(BucketScope scope, String region, Collection<String> sourceArns) {
        String bucket = scope.accessLogBucket(region);
        locked(scope, bucket, () -> {
            String policy = currentPolicy(scope, region);
            Set<String> members = new LinkedHashSet<>(BucketPolicies.accessLogSources(policy));
            if (members.containsAll(sourceArns)) {
                return null;
            }
            members.addAll(sourceArns);
            String json = PolicyDocuments.toJson(BucketPolicies.accessLogBucket(scope.partition(), bucket, scope.accountId(), members));
            int bytes = json.getBytes(StandardCharsets.UTF_8).length;
            if (bytes > POLICY_LIMIT_BYTES) {
                throw new UserError("QuotaExceeded", "S3 bucket policy size (20 KB, not adjustable): admitting " + sourceArns.size()
                        + " more source bucket(s) makes the policy of access-log bucket " + bucket + " " + bytes
                        + " bytes for " + members.size() + " source buckets. Nothing was changed. Turn access logs off for this"
                        + " SecureBucket (spec.accessLogs.enabled: false), or run it in another installation");
            }
            scope.s3(region).putBucketPolicy(r -> r.bucket(bucket).policy(json));
            return null;
        });
    }

    /** Takes these source buckets off the policy of the region's access-log bucket, keeping the other members; nothing when it is gone. */
    static void release(BucketScope scope, String region, Collection<String> sourceArns) {
        String bucket = scope.accessLogBucket(region);
        locked(scope, bucket, () -> {
            String policy = currentPolicy(scope, region);
            List<String> members = BucketPolicies.accessLogSources(policy);
            if (members.stream().noneMatch(sourceArns::contains)) {
                return null;
            }
            List<String> rest = members.stream().filter(m -> !sourceArns.contains(m)).toList();
            String json = PolicyDocuments.toJson(BucketPolicies.accessLogBucket(scope.partition(), bucket, scope.accountId(), rest));
            scope.s3(region).putBucketPolicy(r -> r.bucket(bucket).policy(json));
            return null;
        });
    }

    /** The policy of the SecureBucket's region's access-log bucket as S3 has it now; null when it or its policy does not exist. */
    static String currentPolicy(BucketScope scope) {
        return currentPolicy(scope, scope.region());
    }

    /** The policy of the region's access-log bucket as S3 has it now; null when it or its policy does not exist. */
    static String currentPolicy(BucketScope scope, String region) {
        try {
            return scope.s3(region).getBucketPolicy(r -> r.bucket(scope.accessLogBucket(region))).policy();
        } catch (RuntimeException e) {
            if (AwsErrors.isNotFound(e)) {
                return null;
            }
            throw e;
        }
    }

    /**
     * While a bucket it admits still exists, someone's logs still arrive: not this object's to delete. A member
     * whose bucket is gone (deleted by hand, or its SecureBucket's finalizer removed) does not hold it.
     */
    @Override
    public String leftInPlace(BucketScope scope) {
        List<String> members = BucketPolicies.accessLogSources(currentPolicy(scope, region(scope)));
        if (members.isEmpty()) {
            return null;
        }
        Set<String> existing = new LinkedHashSet<>();
        s3(scope).listBucketsPaginator(r -> r.maxBuckets(10_000)).buckets().forEach(b -> existing.add(scope.partition().bucketArn(b.name())));
        List<String> writing = new ArrayList<>(members.stream().filter(existing::contains).toList());
        return writing.isEmpty() ? null : "shared: " + writing.size() + " bucket(s) still deliver access logs into it";
    }

    private static <T> T locked(BucketScope scope, String bucket, java.util.function.Supplier<T> work) {
        return SharedLocks.locked(scope, "s3-policy:" + bucket, work);
    }
}
