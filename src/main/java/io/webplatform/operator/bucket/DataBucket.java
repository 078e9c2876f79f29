package io.webplatform.operator.bucket;

import com.fasterxml.jackson.databind.JsonNode;
import io.webplatform.operator.aws.Ownership;
import io.webplatform.operator.engine.Anchor;
import io.webplatform.operator.engine.Observed;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The bucket the user asked for, encrypted with the SecureBucket's key. It is the stack's anchor: its
 * claim tag says which object holds the stack.
 */
public class DataBucket extends ProtectedBucket implements Anchor<BucketScope, ProtectedBucket.State> {
    public static final String NAME = "Bucket";

    @Override
    public String name() {
        return NAME;
    }


    @Override
    protected String bucketName(BucketScope scope) {
        return scope.names().bucket();
    }

    @Override
    protected JsonNode policy(BucketScope scope) {
        return BucketPolicies.dataBucket(scope.partition(), bucketName(scope), scope.spec().allowLogDelivery, scope.accountId(), scope.region());
    }

    @Override
    protected String kmsKeyArn(BucketScope scope) {
        return scope.keyArn();
    }

    @Override
    public String claimOf(State actual) {
        return actual.tags().get(Ownership.CLAIMED_BY);
    }

    /** PutBucketTagging replaces the whole set: every other tag is written back as it was. */
    @Override
    public void claim(BucketScope scope, Observed<State> current, String claim) {
        Map<String, String> tags = new LinkedHashMap<>(current.detail().tags());
        tags.put(Ownership.CLAIMED_BY, claim);
        putTags(scope, bucketName(scope), tags);
    }
}
