package io.webplatform.operator.bucket;

import software.amazon.awssdk.services.s3.model.BucketAlreadyOwnedByYouException;
import com.fasterxml.jackson.databind.JsonNode;
import io.webplatform.operator.aws.Ownership;

import java.util.Map;

/**
 * Where the shared trail delivers its log files: the installation's log bucket in this account and region
 * (wp-&lt;installation&gt;-&lt;account&gt;-&lt;region&gt;-trails), or the one spec.trail.logBucketName names, shared by
 * every SecureBucket naming it. Encrypted with SSE-S3: SSE-KMS would need CloudTrail in the key policy, which a
 * referenced key may not allow. Its policy lets only the trail of this destination write (aws:SourceArn, as in
 * "Amazon S3 bucket policy for CloudTrail", https://docs.aws.amazon.com/awscloudtrail/latest/userguide/create-s3-bucket-policy-for-cloudtrail.html).
 *
 * <p>Tagged as the installation's, not one SecureBucket's. Its end is the trail's: while the trail exists (other
 * SecureBuckets record into it) a SecureBucket's deletion leaves it; once the last member deleted the trail, the
 * bucket is emptied and deleted, unless a member whose deletionPolicy is Retain ever recorded into it
 * ({@link #RETAINS_LOGS}, set when such a member joins and never removed): then it stays as their audit record.
 */
public class TrailBucket extends ProtectedBucket {
    public static final String NAME = "TrailBucket";
    /** On the log bucket once a SecureBucket with deletionPolicy Retain recorded into it: it outlives the trail. */
    public static final String RETAINS_LOGS = "webplatform.io/retains-logs";

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

    @Override
    protected String ownerKey(BucketScope scope) {
        return scope.installationKey();
    }

    /**
     * SecureBuckets applied together all find the shared log bucket missing; S3 makes it for the first and
     * answers the others BucketAlreadyOwnedByYou (outside us-east-1). It is the installation's: observed next,
     * its tags completed by the diff, never a failed pass.
     */
    @Override
    public void create(BucketScope scope, Desired desired) {
        try {
            super.create(scope, desired);
        } catch (BucketAlreadyOwnedByYouException madeBySibling) {
            // Nothing to do: the next observe sees it.
        }
    }

    /** The log bucket an earlier version made for this very SecureBucket under the name it gives (spec.trail.logBucketName): it becomes the shared one. */
    @Override
    protected boolean takesOver(BucketScope scope, Map<String, String> tags) {
        return scope.ownerKey().equals(tags.get(Ownership.OWNER_UID)) && NAME.equals(tags.get(Ownership.COMPONENT));
    }

    @Override
    protected Map<String, String> tags(BucketScope scope, String bucket) {
        Map<String, String> tags = Trail.sharedTags(scope, NAME, bucket);
        if (scope.retainOnDelete()) {
            tags.put(RETAINS_LOGS, "true");
        }
        return tags;
    }

    @Override
    protected JsonNode policy(BucketScope scope) {
        return BucketPolicies.trailLogBucket(scope.partition(), bucketName(scope), scope.accountId(), scope.region(),
                scope.trailDestination().trail());
    }

    @Override
    protected String kmsKeyArn(BucketScope scope) {
        return null;
    }

    /** CloudTrail's log files are the bucket's only content: whoever ends the bucket deletes them. */
    @Override
    protected boolean emptiesOnDelete(BucketScope scope) {
        return true;
    }

    /** While the trail exists, other SecureBuckets record into this bucket: not this object's to delete. */
    @Override
    public String leftInPlace(BucketScope scope) {
        return Trail.exists(scope) ? "shared: trail " + scope.trailDestination().trail() + " still records other SecureBuckets into it" : null;
    }

    @Override
    public boolean retainedOnDelete(BucketScope scope) {
        State state = of(scope, NAME);
        return state != null && (state.adopted() || "true".equals(state.tags().get(RETAINS_LOGS)));
    }
}
