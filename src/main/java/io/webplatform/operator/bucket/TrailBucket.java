package io.webplatform.operator.bucket;

import com.fasterxml.jackson.databind.JsonNode;
import io.webplatform.operator.aws.Ownership;
import io.webplatform.operator.engine.Observed;

import java.util.List;
import java.util.Map;

/**
 * Where the shared trail delivers its log files: the installation's log bucket in this account and region
 * (wp-&lt;installation&gt;-&lt;account&gt;-&lt;region&gt;-trails), or the one spec.trail.logBucketName names, shared by
 * every SecureBucket naming it. Its default encryption is SSE-KMS with the trail's own {@link TrailKey} and an S3 Bucket
 * Key (Security Hub S3.17 asks for KMS at rest; CloudTrail encrypts each log file with that key anyway, so nothing
 * else needs to use it). Its policy lets only the trail of this destination write (aws:SourceArn, as in
 * "Amazon S3 bucket policy for CloudTrail", https://docs.aws.amazon.com/awscloudtrail/latest/userguide/create-s3-bucket-policy-for-cloudtrail.html).
 *
 * <p>Its members are the trail's: while the trail exists (other SecureBuckets record into it) a SecureBucket's
 * deletion leaves it; once the last member deleted the trail, it ends as every {@link SharedBucket} does. Its own
 * server access logs go to the {@link AccessLogBucket}; deleting it takes it off that bucket's policy.
 */
public class TrailBucket extends SharedBucket {
    public static final String NAME = "TrailBucket";
    /** See {@link SharedBucket#RETAINS_LOGS}. */
    public static final String RETAINS_LOGS = SharedBucket.RETAINS_LOGS;

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public boolean wanted(BucketScope scope) {
        return scope.trailEnabled();
    }

    @Override
    protected String bucketName(BucketScope scope) {
        return scope.trailDestination().logBucket();
    }

    /** The log bucket an earlier version made for this very SecureBucket under the name it gives (spec.trail.logBucketName): it becomes the shared one. */
    @Override
    protected boolean takesOver(BucketScope scope, Map<String, String> tags) {
        return scope.ownerKey().equals(tags.get(Ownership.OWNER_UID)) && NAME.equals(tags.get(Ownership.COMPONENT));
    }

    /** The trail's key: the bucket is made after it (see the graph). */
    @Override
    protected String kmsKeyArn(BucketScope scope) {
        return scope.idOf(TrailKey.NAME);
    }

    @Override
    protected JsonNode policy(BucketScope scope) {
        return BucketPolicies.trailLogBucket(scope.partition(), bucketName(scope), scope.accountId(), scope.region(),
                scope.trailDestination().trail());
    }

    /** Gone, it no longer writes access logs: the access-log bucket stops admitting it (and may end). */
    @Override
    public boolean delete(BucketScope scope, Observed<State> current) {
        if (!super.delete(scope, current)) {
            return false;
        }
        AccessLogBucket.release(scope, scope.region(), List.of(scope.partition().bucketArn(bucketName(scope))));
        return true;
    }

    /** Kept after its last member as every shared bucket is, and also when Object Lock is on: its locked logs cannot be emptied. */
    @Override
    public boolean retainedOnDelete(BucketScope scope) {
        return kept(scope, of(scope, NAME));
    }

    /**
     * Whether the bucket in this state outlives the trail: a Retain member wrote into it, it was adopted, or it has
     * Object Lock (read here, at deletion only: a lock may predate the chart's current setting).
     */
    static boolean kept(BucketScope scope, State state) {
        return state != null && (retains(state) || TrailObjectLock.enabledOn(scope, scope.trailDestination().logBucket()));
    }

    /** While the trail exists, other SecureBuckets record into this bucket: not this object's to delete. */
    @Override
    public String leftInPlace(BucketScope scope) {
        return Trail.exists(scope) ? "shared: trail " + scope.trailDestination().trail() + " still records other SecureBuckets into it" : null;
    }
}
