package io.webplatform.operator.bucket;

import software.amazon.awssdk.services.s3.model.BucketAlreadyOwnedByYouException;

import java.util.Map;

/**
 * A log bucket the installation shares in one account and region (the trail's, the access logs'): tagged as the
 * installation's, not one SecureBucket's, encrypted with SSE-S3 unless a subclass names a key, emptied by whoever ends it. Its end is its
 * members': while one still writes into it a SecureBucket's deletion leaves it ({@link #leftInPlace}); after the last,
 * it is emptied and deleted, unless a member whose deletionPolicy is Retain ever wrote into it ({@link #RETAINS_LOGS},
 * set when such a member joins and never removed): then it stays as their audit record.
 */
public abstract class SharedBucket extends ProtectedBucket {
    /** On a shared log bucket once a SecureBucket with deletionPolicy Retain wrote into it: it outlives its members. */
    public static final String RETAINS_LOGS = "webplatform.io/retains-logs";

    @Override
    protected String ownerKey(BucketScope scope) {
        return scope.installationKey();
    }

    /**
     * SecureBuckets applied together all find the shared bucket missing; S3 makes it for the first and answers the
     * others BucketAlreadyOwnedByYou (outside us-east-1). It is the installation's: observed next, its tags
     * completed by the diff, never a failed pass.
     */
    @Override
    public void create(BucketScope scope, Desired desired) {
        try {
            super.create(scope, desired);
        } catch (BucketAlreadyOwnedByYouException madeBySibling) {
            // Nothing to do: the next observe sees it.
        }
    }

    @Override
    protected Map<String, String> tags(BucketScope scope, String bucket) {
        Map<String, String> tags = Trail.sharedTags(scope, ownerKey(scope), name(), bucket);
        if (scope.retainOnDelete()) {
            tags.put(RETAINS_LOGS, "true");
        }
        return tags;
    }

    @Override
    protected String kmsKeyArn(BucketScope scope) {
        return null;
    }

    /** Logs are the bucket's only content: whoever ends the bucket deletes them. */
    @Override
    protected boolean emptiesOnDelete(BucketScope scope) {
        return true;
    }

    @Override
    public boolean retainedOnDelete(BucketScope scope) {
        return retains(of(scope, name()));
    }

    /** Kept after its last member: adopted, or a Retain member wrote into it. */
    static boolean retains(State state) {
        return state != null && (state.adopted() || "true".equals(state.tags().get(RETAINS_LOGS)));
    }
}
